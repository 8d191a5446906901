#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_domain_availability_info
short_description: Check whether domains can be bought through Cold Mail Reseller, or get suggestions for a keyword
version_added: 0.1.0
description:
  - For exact names (O(names)) returns whether each can be registered, its price, and whether a Google or Microsoft
    workspace already exists for it. A domain that is free at the registrar but already tied to a workspace cannot
    be used for mailboxes, and CMR may charge the domain before the order fails, so check both before ordering.
  - For a keyword (O(keyword)) returns the available names CMR suggests, with the same fields.
  - Requests made are one availability request per name (or one suggestion request), plus one workspace check for all names.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  names:
    description:
      - Exact domain names to check, for example V(acme-mail.com). Letter case and a trailing dot do not matter.
      - Exactly one of O(names) and O(keyword) is required.
    type: list
    elements: str
  keyword:
    description:
      - A word to build suggestions from, for example V(acme). Only available names are returned.
    type: str
  tlds:
    description:
      - Top-level domains the suggestions for O(keyword) should use, for example V([com, net]).
    type: list
    elements: str
  service_provider:
    description:
      - Check for an existing workspace of this provider only. Without it, both Google and Microsoft workspaces count.
    type: str
    choices: [GOOGLE, MICROSOFT]
  workspace_check:
    description:
      - Check for existing workspaces (one request for all names). Without it, RV(domains[].workspace_conflict) is null.
    type: bool
    default: true
notes:
  - The paths and answers of CMR's availability calls are not in its public documentation (only their titles are);
    the collection assumes C(POST /domains/available) and C(POST /domains/suggest) answering C(domain), C(available) and C(price).
seealso:
  - module: coldmailreseller.cmr.cmr_order
"""

EXAMPLES = r"""
- name: Check candidate names before ordering
  coldmailreseller.cmr.cmr_domain_availability_info:
    api_key: "{{ cmr_api_key }}"
    names:
      - acme-mail.com
      - acme-outreach.net
    service_provider: GOOGLE
  register: candidates

- name: Names that can be ordered
  ansible.builtin.debug:
    msg: "{{ candidates.domains | selectattr('orderable') | map(attribute='name') | list }}"

- name: Suggestions for a keyword
  coldmailreseller.cmr.cmr_domain_availability_info:
    api_key: "{{ cmr_api_key }}"
    keyword: acme
    tlds: [com, net]
  register: ideas
"""

RETURN = r"""
domains:
  description: One entry per checked name (in the order given) or per suggestion.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Domain name.
      type: str
      sample: acme-mail.com
    available:
      description: Whether the name can be registered.
      type: bool
    price:
      description: Registration price for one year; null when CMR gives none.
      type: float
      sample: 12.0
    workspace_conflict:
      description:
        - Whether CMR could not confirm that no workspace exists for the name (an existing workspace,
          or a check that failed or timed out, which is not a clean result).
        - Null when O(workspace_check=false).
      type: bool
    workspace_message:
      description: CMR's explanation when RV(domains[].workspace_conflict) is true.
      type: str
      sample: Workspace already exists (GOOGLE)
    orderable:
      description: Available and free of workspace conflicts (as far as checked).
      type: bool
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import (
    availability,
    canonical_name,
    suggestions,
    workspace_conflicts,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule


def check(module: CmrModule) -> dict[str, t.Any]:
    params = module.params
    if params["names"] is not None:
        names = list(dict.fromkeys(canonical_name(name) for name in params["names"]))
        domains = [availability(module.client, name) for name in names]
    else:
        domains = suggestions(module.client, params["keyword"], params["tlds"])
    conflicts = workspace_conflicts(module.client, [d["name"] for d in domains], params["service_provider"]) if params["workspace_check"] else {}
    for domain in domains:
        message = conflicts.get(domain["name"]) if params["workspace_check"] else None
        domain["workspace_conflict"] = (message is not None) if params["workspace_check"] else None
        domain["workspace_message"] = message
        domain["orderable"] = domain["available"] and not domain["workspace_conflict"]
    return {"changed": False, "domains": domains}


def main() -> None:
    module = CmrModule(
        dict(
            names=dict(type="list", elements="str"),
            keyword=dict(type="str", no_log=False),
            tlds=dict(type="list", elements="str"),
            service_provider=dict(type="str", choices=list(_api.SERVICE_PROVIDERS)),
            workspace_check=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
        required_one_of=[("names", "keyword")],
        mutually_exclusive=[("names", "keyword"), ("names", "tlds")],
    )
    module.run(lambda: check(module))


if __name__ == "__main__":
    main()
