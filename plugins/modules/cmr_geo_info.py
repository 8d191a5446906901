#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_geo_info
short_description: List the countries, or the states of a country, that Cold Mail Reseller accepts
version_added: 0.1.0
description:
  - Without O(country_code), returns every country CMR knows with its ISO 3166-1 alpha-2 code.
  - With O(country_code), returns the states or provinces of that country.
  - Use the codes for the O(coldmailreseller.cmr.cmr_user#module:country) and
    O(coldmailreseller.cmr.cmr_user#module:state_province) options of M(coldmailreseller.cmr.cmr_user).
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  country_code:
    description:
      - ISO 3166-1 alpha-2 code of the country whose states to list, for example V(US).
    type: str
"""

EXAMPLES = r"""
- name: List the countries
  coldmailreseller.cmr.cmr_geo_info:
    api_key: "{{ cmr_api_key }}"
  register: geo

- name: List the states of the United States
  coldmailreseller.cmr.cmr_geo_info:
    api_key: "{{ cmr_api_key }}"
    country_code: US
  register: us
"""

RETURN = r"""
countries:
  description: Countries as a list of name and code, sorted by name.
  returned: when O(country_code) is not set
  type: list
  elements: dict
  contains:
    name:
      description: Country name.
      type: str
      sample: United States
    code:
      description: ISO 3166-1 alpha-2 code.
      type: str
      sample: US
states:
  description: States or provinces of O(country_code) as a list of name and code, sorted by name.
  returned: when O(country_code) is set
  type: list
  elements: dict
  contains:
    name:
      description: State or province name.
      type: str
      sample: New York
    code:
      description: State or province code.
      type: str
      sample: NY
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _geo
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule


def read_geo(module: CmrModule) -> dict[str, t.Any]:
    code = module.params["country_code"]
    if code is None:
        return {"changed": False, "countries": _geo.countries(module.client)}
    return {"changed": False, "states": _geo.states(module.client, code)}


def main() -> None:
    module = CmrModule(dict(country_code=dict(type="str")), supports_check_mode=True)
    module.run(lambda: read_geo(module))


if __name__ == "__main__":
    main()
