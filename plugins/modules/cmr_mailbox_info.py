#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_mailbox_info
short_description: List the mailboxes of a Cold Mail Reseller user, or read one with its credentials
version_added: 0.1.0
description:
  - Returns every mailbox of a user (all pages), one mailbox by O(mailbox_id) or O(email), and on request the
    administrative details of one mailbox, which include its credentials.
  - Credentials (passwords, app passwords, authenticator secrets) are never part of RV(mailboxes); only
    RV(admin_details) carries them, and only when the task itself sets C(no_log) to V(true).
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The CMR user ID whose mailboxes are listed.
      - Required unless O(mailbox_id) is set; needed with O(admin_details=true).
    type: str
  mailbox_id:
    description:
      - Return only this mailbox. An unknown ID returns an empty list.
    type: str
  email:
    description:
      - Return only the mailbox with this address (compared without letter case). Needs O(user_id).
    type: str
  admin_details:
    description:
      - Also read the administrative details of the one mailbox selected by O(mailbox_id) or O(email), including its
        credentials, into RV(admin_details).
      - Refused unless the task sets C(no_log) to V(true), so that the credentials never reach logs or the console.
    type: bool
    default: false
seealso:
  - module: coldmailreseller.cmr.cmr_mailbox
"""

EXAMPLES = r"""
- name: List a customer's mailboxes
  coldmailreseller.cmr.cmr_mailbox_info:
    user_id: "{{ customer.user.user_id }}"
  register: found

- name: Show the addresses that are ready
  ansible.builtin.debug:
    msg: "{{ found.mailboxes | selectattr('status', 'equalto', 'ACTIVE') | map(attribute='email') | list }}"

- name: Read the credentials of one mailbox (the task must not log them)
  coldmailreseller.cmr.cmr_mailbox_info:
    user_id: "{{ customer.user.user_id }}"
    email: jane@acme-outreach.com
    admin_details: true
  no_log: true
  register: secret
"""

RETURN = r"""
mailboxes:
  description:
    - The matching mailboxes, without credentials, with the fields of M(coldmailreseller.cmr.cmr_mailbox)'s
      RV(coldmailreseller.cmr.cmr_mailbox#module:mailbox) return value.
  returned: always
  type: list
  elements: dict
  sample:
    - mailbox_id: GP6M2J2DHXM3F2J40S8AP316R2QR
      email: jane@acme-outreach.com
      username: jane
      first_name: Jane
      last_name: Doe
      status: ACTIVE
      warmup: ACTIVE
      domain: acme-outreach.com
admin_details:
  description: The administrative details of the selected mailbox, including C(password), C(app_password) and C(authenticator_secret).
  returned: when O(admin_details=true)
  type: dict
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import admin_details, belongs_to, get_mailbox, list_mailboxes, pick_mailbox
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule, CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import strip_secrets


def find_mailboxes(module: CmrModule) -> list[dict[str, t.Any]]:
    params = module.params
    if params["mailbox_id"]:
        mailbox = get_mailbox(module.client, params["mailbox_id"])
        return [mailbox] if mailbox is not None and belongs_to(mailbox, params["user_id"]) else []
    mailboxes = list_mailboxes(module.client, params["user_id"], check_user=True)
    if params["email"]:
        mailbox = pick_mailbox(mailboxes, params["email"])
        return [mailbox] if mailbox else []
    return mailboxes


def read_mailboxes(module: CmrModule) -> dict[str, t.Any]:
    params = module.params
    if params["admin_details"] and not module.ansible.no_log:
        raise CmrModuleError("admin_details returns the mailbox's credentials: set no_log: true on this task to read them")
    mailboxes = find_mailboxes(module)
    result: dict[str, t.Any] = {"changed": False, "mailboxes": strip_secrets(mailboxes)}
    if params["admin_details"]:
        if not mailboxes:
            raise CmrModuleError("admin_details: mailbox %s of user %s does not exist" % (params["mailbox_id"] or params["email"], params["user_id"]))
        result["admin_details"] = admin_details(module.client, params["user_id"], mailboxes[0]["mailbox_id"])
    return result


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str"),
            mailbox_id=dict(type="str"),
            email=dict(type="str"),
            admin_details=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
        required_one_of=[("user_id", "mailbox_id")],
        mutually_exclusive=[("mailbox_id", "email")],
        required_by={"email": "user_id"},
        required_if=[("admin_details", True, ("mailbox_id", "email"), True), ("admin_details", True, ("user_id",))],
    )
    module.run(lambda: read_mailboxes(module))


if __name__ == "__main__":
    main()
