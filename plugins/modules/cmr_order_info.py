#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_order_info
short_description: Read the status and details of a Cold Mail Reseller order
version_added: 0.1.0
description:
  - Returns one order of a CMR user with its status, whether it is confirmed (paid), its domains and mailboxes and its price.
  - CMR cannot list orders; keep the RV(coldmailreseller.cmr.cmr_order#module:order.order_id) that
    M(coldmailreseller.cmr.cmr_order) returns.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The CMR user ID of the order's owner.
    type: str
    required: true
  order_id:
    description:
      - The order ID.
    type: str
    required: true
notes:
  - The order details call and its fields are not in CMR's public documentation; the collection follows its best reading of it.
seealso:
  - module: coldmailreseller.cmr.cmr_order
"""

EXAMPLES = r"""
- name: Read an order
  coldmailreseller.cmr.cmr_order_info:
    user_id: "{{ customer.user.user_id }}"
    order_id: "{{ draft.order.order_id }}"
  register: found

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ found.order.status }} ({{ found.order.total_price }} USD)"
"""

RETURN = r"""
order:
  description: The order.
  returned: always
  type: dict
  contains:
    order_id:
      description: Order ID.
      type: str
      sample: 9XQ0RW3Y6H1B2C3D4E5F6G7H8J9K
    user_id:
      description: Owner's user ID.
      type: str
    status:
      description: Order status, for example C(UNCONFIRMED), C(QUEUED), C(PROCESSING), C(COMPLETED) or C(FAILED).
      type: str
      sample: COMPLETED
    confirmed:
      description: Whether the order has been confirmed (paid).
      type: bool
    service_provider:
      description: C(GOOGLE) or C(MICROSOFT).
      type: str
    total_price:
      description: The order's price in USD.
      type: float
      sample: 18.0
    created_at:
      description: When the order was created (ISO 8601).
      type: str
    domains:
      description: Domains of the order, each with C(name), C(years) and C(forward_to).
      type: list
      elements: dict
    mailboxes:
      description: Mailboxes of the order by domain name, each with C(username), C(first_name), C(last_name), C(profile_picture) and C(warmup).
      type: dict
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._orders import get_order
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import strip_secrets


def read_order(module: CmrModule) -> dict[str, t.Any]:
    order = get_order(module.client, module.params["user_id"], module.params["order_id"])
    return {"changed": False, "order": strip_secrets(order)}


def main() -> None:
    module = CmrModule(
        dict(user_id=dict(type="str", required=True), order_id=dict(type="str", required=True)),
        supports_check_mode=True,
    )
    module.run(lambda: read_order(module))


if __name__ == "__main__":
    main()
