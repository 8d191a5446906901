#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_domain_info
short_description: List the domains of a Cold Mail Reseller user with their renewal price and window
version_added: 0.1.0
description:
  - Returns every domain of a user, or the one called O(name), with its settings, its one-year renewal price,
    and whether it is inside its renewal window (an C(ACTIVE) domain within 45 days of expiry, or a domain in
    C(GRACE_PERIOD)). For a domain outside the window the result says when the window opens.
  - Two requests at most, whatever the number of domains (the domain list and one renewal-price request).
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The CMR user ID whose domains are listed. An unknown ID is an error (CMR itself answers an empty list).
    type: str
    required: true
  name:
    description:
      - Return only this domain (letter case and a trailing dot do not matter). An unknown name returns an empty list.
    type: str
  renewal_price:
    description:
      - Ask CMR for the renewal price of the returned domains (one extra request).
    type: bool
    default: true
seealso:
  - module: coldmailreseller.cmr.cmr_domain
"""

EXAMPLES = r"""
- name: Domains of a customer
  coldmailreseller.cmr.cmr_domain_info:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
  register: found

- name: Domains that can be renewed now, with the cost
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.renewal_price }} USD"
  loop: "{{ found.domains | selectattr('renewable') }}"
  loop_control:
    label: "{{ item.name }}"

- name: One domain
  coldmailreseller.cmr.cmr_domain_info:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
  register: one
"""

RETURN = r"""
domains:
  description:
    - The user's domains (or the one asked for), with the fields of M(coldmailreseller.cmr.cmr_domain)'s
      RV(coldmailreseller.cmr.cmr_domain#module:domain) return value and the renewal fields below.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Domain name.
      type: str
      sample: acme-mail.com
    status:
      description: Registration status.
      type: str
      sample: ACTIVE
    expiry_date:
      description: Registration expiry (ISO 8601).
      type: str
    renewal_price:
      description: Price of a one-year renewal; null when O(renewal_price=false) or CMR gave none.
      type: float
      sample: 14.5
    renewable:
      description: Whether the domain is inside its renewal window now.
      type: bool
    renewal_reason:
      description: Why the domain can or cannot be renewed now.
      type: str
      sample: acme-mail.com expires on 2026-11-30; its renewal window opens on 2026-10-16 (45 days before expiry)
    renewal_window_opens:
      description: Date (YYYY-MM-DD) the renewal window opens, when it lies in the future; null otherwise.
      type: str
      sample: "2026-10-16"
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import (
    canonical_name,
    list_domains,
    pick_domain,
    renewal_prices,
    renewal_window,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule


def describe_domains(module: CmrModule) -> dict[str, t.Any]:
    params = module.params
    domains = list_domains(module.client, params["user_id"], check_user=True)
    if params["name"]:
        one = pick_domain(domains, params["name"])
        domains = [one] if one else []
    prices = renewal_prices(module.client, params["user_id"], [d["name"] for d in domains]) if params["renewal_price"] else {}
    for domain in domains:
        domain["renewal_price"] = prices.get(canonical_name(str(domain.get("name") or "")), {}).get("renewal_price")
        domain.update(renewal_window(domain).as_dict())
    return {"changed": False, "domains": domains}


def main() -> None:
    module = CmrModule(
        dict(user_id=dict(type="str", required=True), name=dict(type="str"), renewal_price=dict(type="bool", default=True)),
        supports_check_mode=True,
    )
    module.run(lambda: describe_domains(module))


if __name__ == "__main__":
    main()
