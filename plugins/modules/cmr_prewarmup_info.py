#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_prewarmup_info
short_description: List the pre-warmed domain packages Cold Mail Reseller offers
version_added: 0.1.0
description:
  - Returns CMR's inventory of pre-warmed domain packages (every page) - a domain with mailboxes that are already
    warming up, so sending can start on day one - with the purchase and renewal price of each.
  - A package is bought with M(coldmailreseller.cmr.cmr_prewarmed_domain); a bought package leaves the inventory.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  service_provider:
    description:
      - Return only the packages of this provider.
    type: str
    choices: [GOOGLE, MICROSOFT]
  contains:
    description:
      - Return only the packages whose domain name contains this text.
    type: str
notes:
  - CMR does not document the unit of the prices (assumed USD, the purchase price once, the renewal price per renewal).
seealso:
  - module: coldmailreseller.cmr.cmr_wallet_info
"""

EXAMPLES = r"""
- name: List the Google packages with "acme" in their name
  coldmailreseller.cmr.cmr_prewarmup_info:
    service_provider: GOOGLE
    contains: acme
  register: prewarmed

- name: Show the cheapest package
  ansible.builtin.debug:
    msg: "{{ prewarmed.packages | sort(attribute='purchase_price') | first }}"
"""

RETURN = r"""
packages:
  description:
    - The matching packages, in CMR's order.
  returned: always
  type: list
  elements: dict
  contains:
    domain:
      description: The domain name of the package.
      type: str
      sample: prewarm-acmecorp.com
    service_provider:
      description: V(GOOGLE) or V(MICROSOFT); null when CMR does not say.
      type: str
    purchase_price:
      description: The price of the package; null when CMR gives none.
      type: float
      sample: 30.0
    renewal_price:
      description: The renewal price of the package; null when CMR gives none.
      type: float
      sample: 15.0
    mailboxes:
      description: The pre-warmed mailboxes of the package (C(email), C(first_name), C(last_name), C(created_at)).
      type: list
      elements: dict
total_domains:
  description: The number of matching packages.
  returned: always
  type: int
total_mailboxes:
  description: The number of pre-warmed mailboxes in the matching packages.
  returned: always
  type: int
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._prewarmup import list_inventory


def read_inventory(module: CmrModule) -> dict[str, t.Any]:
    packages = list_inventory(module.client, module.params["service_provider"], module.params["contains"])
    return {"changed": False, "packages": packages, "total_domains": len(packages),
            "total_mailboxes": sum(len(package["mailboxes"]) for package in packages)}


def main() -> None:
    module = CmrModule(
        dict(
            service_provider=dict(type="str", choices=list(_api.SERVICE_PROVIDERS)),
            contains=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: read_inventory(module))


if __name__ == "__main__":
    main()
