#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_platform_credential_info
short_description: List the sending-platform credentials a Cold Mail Reseller user has stored
version_added: 0.1.0
description:
  - Returns the platform credentials (EmailBison, ReachInbox, Smartlead, Instantly) stored for a user, without
    their passwords (CMR never returns them), and which platforms have at least one.
  - A stored credential is not necessarily still valid on the platform; CMR checks the login only when it is stored.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The CMR user ID whose credentials are listed.
    type: str
    required: true
  credential_id:
    description:
      - Return only this credential.
    type: str
  app:
    description:
      - Return only the credentials of this platform.
    type: str
    choices: [EMAILBISON, REACHINBOX, SMARTLEAD, INSTANTLY]
  email:
    description:
      - Return only the credentials with this login e-mail address (compared without letter case).
    type: str
seealso:
  - module: coldmailreseller.cmr.cmr_platform_credential
  - module: coldmailreseller.cmr.cmr_platform_export
"""

EXAMPLES = r"""
- name: List the customer's platform credentials
  coldmailreseller.cmr.cmr_platform_credential_info:
    user_id: "{{ customer.user.user_id }}"
  register: platforms

- name: Show the platforms the customer can export to
  ansible.builtin.debug:
    msg: "{{ platforms.connected | dict2items | selectattr('value') | map(attribute='key') | list }}"
"""

RETURN = r"""
credentials:
  description:
    - The matching credentials, with the fields of M(coldmailreseller.cmr.cmr_platform_credential)'s
      RV(coldmailreseller.cmr.cmr_platform_credential#module:credential) return value. Never a password.
  returned: always
  type: list
  elements: dict
  sample:
    - credential_id: A1B2C3D4E5F6G7H8
      app: EMAILBISON
      email: john@agency.example
      connected_at: "2024-05-01T10:00:00.000Z"
      metadata: {app_base_url: "https://app.emailbison.com", workspace: my-workspace}
      org_id: null
connected:
  description:
    - For every platform, whether the user has at least one stored credential (before the filters of the task).
  returned: always
  type: dict
  sample: {EMAILBISON: true, INSTANTLY: false, REACHINBOX: false, SMARTLEAD: false}
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import list_credentials, matching_credentials
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule


def read_credentials(module: CmrModule) -> dict[str, t.Any]:
    p = module.params
    stored = list_credentials(module.client, p["user_id"])
    connected = {app: any(cred["app"] == app for cred in stored) for app in _api.PLATFORM_APPS}
    found = matching_credentials(stored, p["credential_id"], p["app"], p["email"])
    if p["credential_id"]:
        found = matching_credentials(found, None, p["app"], p["email"])
    return {"changed": False, "credentials": found, "connected": connected}


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            credential_id=dict(type="str"),
            app=dict(type="str", choices=list(_api.PLATFORM_APPS)),
            email=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: read_credentials(module))


if __name__ == "__main__":
    main()
