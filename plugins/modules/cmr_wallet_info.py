#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_wallet_info
short_description: Read the balance of the Cold Mail Reseller partner wallet
version_added: 0.1.0
description:
  - Returns the balance of the one partner wallet that pays for every domain, mailbox, renewal and warm-up.
  - Top-ups are made in the CMR dashboard; the API only reads the wallet.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options: {}
notes:
  - The path and response of CMR's "Get Wallet Details" call are not in its public documentation; the collection assumes
    C(GET /wallet) answering C(balance) and C(currency).
"""

EXAMPLES = r"""
- name: Read the wallet
  coldmailreseller.cmr.cmr_wallet_info:
    api_key: "{{ cmr_api_key }}"
  register: wallet

- name: Stop when the balance is low
  ansible.builtin.assert:
    that: wallet.wallet.balance >= 100
    fail_msg: "Top up the CMR wallet: {{ wallet.wallet.balance }} {{ wallet.wallet.currency }} left"
"""

RETURN = r"""
wallet:
  description: The partner wallet.
  returned: always
  type: dict
  contains:
    balance:
      description: Balance available for orders and renewals.
      type: float
      sample: 1250.5
    currency:
      description: Currency of the balance.
      type: str
      sample: USD
"""

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import read_wallet


def main() -> None:
    module = CmrModule({}, supports_check_mode=True)
    module.run(lambda: {"changed": False, "wallet": read_wallet(module.client)})


if __name__ == "__main__":
    main()
