#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_subscription_info
short_description: List the mailbox subscriptions of a Cold Mail Reseller partner account
version_added: 0.1.0
description:
  - Returns the mailbox subscriptions of the partner account (all pages), narrowed by the filters the task sets.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  subscription_id:
    description:
      - Return only this subscription.
    type: str
  domain:
    description:
      - Return only the subscriptions of this domain (a domain whose subscription was cancelled and restarted has several).
    type: str
  user_id:
    description:
      - Return only the subscriptions of this user.
    type: str
  status:
    description:
      - Return only subscriptions with this status.
    type: str
    choices: [ACTIVE, RENEWING, PAST_DUE, CANCELLED, EXPIRED]
seealso:
  - module: coldmailreseller.cmr.cmr_subscription
"""

EXAMPLES = r"""
- name: List the subscriptions that need attention
  coldmailreseller.cmr.cmr_subscription_info:
    status: PAST_DUE
  register: overdue

- name: Show their domains
  ansible.builtin.debug:
    msg: "{{ overdue.subscriptions | map(attribute='domain') | list }}"

- name: List one customer's subscriptions
  coldmailreseller.cmr.cmr_subscription_info:
    user_id: "{{ customer.user.user_id }}"
  register: customer_subscriptions
"""

RETURN = r"""
subscriptions:
  description:
    - The matching subscriptions, with the fields of M(coldmailreseller.cmr.cmr_subscription)'s
      RV(coldmailreseller.cmr.cmr_subscription#module:subscription) return value.
  returned: always
  type: list
  elements: dict
  sample:
    - subscription_id: 1BNTZJG2Q041JWGS3NY9E1BZ9APA
      status: ACTIVE
      domain: acme-outreach.com
      user_id: 4CZNXJNXEEMECTH5Q65AXCB8QE78
      auto_renew: true
      total_mailbox_quantity: 2
      price_per_mailbox: 3.0
      billing_cycle: MONTHLY
      period_start: "2025-01-10T11:18:31Z"
      period_end: "2025-02-10T11:18:31Z"
      service_provider: GOOGLE
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import list_subscriptions


def read_subscriptions(module: CmrModule) -> dict[str, t.Any]:
    p = module.params
    found = list_subscriptions(module.client, user_id=p["user_id"], status=p["status"], domain=p["domain"], subscription_id=p["subscription_id"])
    return {"changed": False, "subscriptions": found}


def main() -> None:
    module = CmrModule(
        dict(
            subscription_id=dict(type="str"),
            domain=dict(type="str"),
            user_id=dict(type="str"),
            status=dict(type="str", choices=list(_api.SUBSCRIPTION_STATUSES)),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: read_subscriptions(module))


if __name__ == "__main__":
    main()
