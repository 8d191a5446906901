#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_user_info
short_description: List the customers (users) of a Cold Mail Reseller partner account
version_added: 0.1.0
description:
  - Returns every user of the partner account (all pages), the users matching a search text, or one user by O(user_id) or O(email).
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - Return only this user. An unknown ID returns an empty list.
    type: str
  email:
    description:
      - Return only the user with this e-mail address (compared case-insensitively).
    type: str
  search:
    description:
      - Free-text search passed to CMR's user list.
    type: str
seealso:
  - module: coldmailreseller.cmr.cmr_user
"""

EXAMPLES = r"""
- name: List all customers
  coldmailreseller.cmr.cmr_user_info:
    api_key: "{{ cmr_api_key }}"
  register: all_users

- name: Find a customer by e-mail address
  coldmailreseller.cmr.cmr_user_info:
    api_key: "{{ cmr_api_key }}"
    email: ops@acme.example
  register: found

- name: Show the ID
  ansible.builtin.debug:
    msg: "{{ found.users[0].user_id if found.users else 'not a customer yet' }}"
"""

RETURN = r"""
users:
  description: The matching users, with the fields of M(coldmailreseller.cmr.cmr_user)'s RV(coldmailreseller.cmr.cmr_user#module:user) return value.
  returned: always
  type: list
  elements: dict
  sample:
    - user_id: 4CZNXJNXEEMECTH5Q65AXCB8QE78
      email: ops@acme.example
      first_name: Jane
      last_name: Doe
      company: Acme Inc.
      country: US
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import find_users, get_user


def list_users(module: CmrModule) -> dict[str, t.Any]:
    params = module.params
    if params["user_id"]:
        user = get_user(module.client, params["user_id"])
        users = [user] if user else []
    else:
        users = find_users(module.client, search=params["search"], email=params["email"])
    return {"changed": False, "users": users}


def main() -> None:
    module = CmrModule(
        dict(user_id=dict(type="str"), email=dict(type="str"), search=dict(type="str")),
        supports_check_mode=True,
        mutually_exclusive=[("user_id", "email"), ("user_id", "search")],
    )
    module.run(lambda: list_users(module))


if __name__ == "__main__":
    main()
