#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_platform_credential
short_description: Manage a stored sending-platform credential of a Cold Mail Reseller user
version_added: 0.1.0
description:
  - Stores, updates or removes the login CMR uses to export a user's mailboxes to a sending platform
    (EmailBison, ReachInbox, Smartlead, Instantly).
  - CMR stores a new credential on every add, so the module always lists the user's credentials first. A credential is
    found by O(credential_id), or else by O(app) and O(email) (the natural key, the e-mail compared without letter case);
    an existing one is updated in place, which keeps its C(credential_id). The module never stores a duplicate.
  - CMR never returns the password, so the module cannot tell whether it differs. With O(update_password=on_create)
    (the default) the password is sent only when the credential is created, and a second run changes nothing. With
    O(update_password=always) it is sent on every run, which then always reports a change.
  - CMR checks the login live against the platform before storing it and refuses a login the platform rejects.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.PLAN
attributes:
  check_mode:
    support: full
    details:
      - Check mode sends no write; it reads the user's credentials and reports what a real run would change.
  diff_mode:
    support: full
    details:
      - The diff lists only the fields that change. A password that is sent shows as C(password_update=true), never its value.
options:
  state:
    description:
      - V(present) stores the credential, or updates the fields the task sets.
      - V(absent) removes it; exports to that credential are no longer possible.
    type: str
    choices: [present, absent]
    default: present
  user_id:
    description:
      - The CMR user ID that owns the credential.
    type: str
    required: true
  credential_id:
    description:
      - The CMR credential ID. When set, it identifies the credential and O(email) becomes an updatable field;
        a credential cannot be created with a chosen ID.
    type: str
  app:
    description:
      - The sending platform. Required unless O(credential_id) is set; a stored credential cannot change its platform.
      - V(REACHINBOX) needs a paid ReachInbox plan; V(INSTANTLY) needs the workspace O(org_id) for exports.
    type: str
    choices: [EMAILBISON, REACHINBOX, SMARTLEAD, INSTANTLY]
  email:
    description:
      - The e-mail address of the platform login. Required unless O(credential_id) is set.
    type: str
  password:
    description:
      - The password of the platform login. Required to store a new credential.
      - Never shown in any output, diff, warning or error.
    type: str
  update_password:
    description:
      - V(on_create) sends O(password) only when the credential is created.
      - V(always) sends it on every run (password rotation); CMR cannot report whether it differs, so the task always changes.
    type: str
    choices: [always, on_create]
    default: on_create
  metadata:
    description:
      - Platform settings of the credential. Keys the task leaves out are kept.
      - V(EMAILBISON) needs at least O(metadata.app_base_url).
    type: dict
    suboptions:
      app_base_url:
        description: The base URL of the platform instance, for example V(https://app.emailbison.com).
        type: str
      client_id:
        description: The platform's client ID.
        type: str
      app_name:
        description: The platform's application name.
        type: str
      workspace:
        description: The platform workspace.
        type: str
  org_id:
    description:
      - The Instantly workspace (organisation) ID exports go to.
      - M(coldmailreseller.cmr.cmr_platform_credential_info) does not list the workspaces; CMR's dashboard shows them.
    type: str
seealso:
  - module: coldmailreseller.cmr.cmr_platform_credential_info
  - module: coldmailreseller.cmr.cmr_platform_export
"""

EXAMPLES = r"""
- name: Store the customer's EmailBison login
  coldmailreseller.cmr.cmr_platform_credential:
    user_id: "{{ customer.user.user_id }}"
    app: EMAILBISON
    email: john@agency.example
    password: "{{ vault_emailbison_password }}"
    metadata:
      app_base_url: https://app.emailbison.com
      workspace: my-workspace
  register: emailbison

- name: Rotate the password (sent on every run)
  coldmailreseller.cmr.cmr_platform_credential:
    user_id: "{{ customer.user.user_id }}"
    app: EMAILBISON
    email: john@agency.example
    password: "{{ vault_emailbison_new_password }}"
    update_password: always

- name: Remove the credential
  coldmailreseller.cmr.cmr_platform_credential:
    user_id: "{{ customer.user.user_id }}"
    app: EMAILBISON
    email: john@agency.example
    state: absent
"""

RETURN = r"""
cmr_plan:
  description:
    - What the task plans (in check mode) or did, in the same form for every resource module of the collection;
      the P(coldmailreseller.cmr.plan#callback) callback adds it up across a whole run. Never holds secrets.
  returned: success
  type: dict
  sample:
    action: purchase
    resource_type: order
    key: user 6650c1f0a1b2c3d4e5f60718
    cost: 15.0
    wallet_balance: 500.0
    check_mode: true
    changes:
      - {action: purchase, resource_type: domain, key: acme-mail.com, cost: 12.0, fields: []}
      - {action: purchase, resource_type: mailbox, key: jane@acme-mail.com, cost: 3.0, fields: []}
  contains:
    action:
      description:
        - The most significant action of RV(cmr_plan.changes), in this order - V(purchase), V(renew), V(delete),
          V(create), V(update); V(none) when the task has nothing to do.
      type: str
      returned: success
      choices: [create, update, delete, purchase, renew, none]
    resource_type:
      description: The kind of object the task manages, for example V(user), V(order), V(mailbox) or V(dns_records).
      type: str
      returned: success
    key:
      description: The natural key of that object (an e-mail address, a domain name), or null when it has none yet.
      type: str
      returned: success
    cost:
      description: The USD the task spends (or would spend) - the sum of the costs of RV(cmr_plan.changes); 0 when no money moves.
      type: float
      returned: success
    wallet_balance:
      description: The partner wallet balance in USD the task read while planning a purchase or renewal; null when it read none.
      type: float
      returned: success
    check_mode:
      description: Whether the task ran in check mode (a plan) or for real (what was done).
      type: bool
      returned: success
    changes:
      description: One entry per resource the task creates, updates, deletes, buys or renews; empty when there is nothing to do.
      type: list
      elements: dict
      returned: success
      contains:
        action:
          description: V(create), V(update), V(delete), V(purchase) (a paid creation) or V(renew) (a paid renewal).
          type: str
          returned: success
        resource_type:
          description: For example V(user), V(domain), V(mailbox), V(subscription), V(order) or V(dns_record).
          type: str
          returned: success
        key:
          description: The resource's natural key; for a DNS record C(<domain> <type> <host> [<priority>] <value>).
          type: str
          returned: success
        cost:
          description: The USD this change spends (the estimate in check mode); 0 when no money moves.
          type: float
          returned: success
        fields:
          description: The names (never the values) of the settings an update changes; empty for other actions.
          type: list
          elements: str
          returned: success
credential:
  description:
    - The credential after the task (in check mode, as it would be), without its password. Empty after a removal.
  returned: always
  type: dict
  contains:
    credential_id:
      description: CMR credential ID. Absent from the prediction of a creation in check mode.
      type: str
      sample: A1B2C3D4E5F6G7H8
    app:
      description: The sending platform.
      type: str
      sample: EMAILBISON
    email:
      description: The e-mail address of the platform login.
      type: str
    connected_at:
      description: When CMR stored the credential.
      type: str
    metadata:
      description: The platform settings (C(app_base_url), C(client_id), C(app_name), C(workspace)) CMR reports.
      type: dict
    org_id:
      description: The Instantly workspace ID, when set.
      type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, Plan, Resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import (
    add_credential,
    list_credentials,
    matching_credentials,
    remove_credential,
    update_credential,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import email_problem
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import same_email

# The diff and cmr_plan name a password that is sent by this key, never by its value.
PASSWORD_UPDATE = "password_update"


class Credential(Resource):
    name = "credential"
    key_field = "email"

    def __init__(self, module: t.Any) -> None:
        super().__init__(module)
        if not self.params["credential_id"] and not (self.params["app"] and self.params["email"]):
            raise CmrModuleError("app and email are required unless credential_id is set")
        email = self.params["email"]
        problem = email is not None and email_problem(email)
        if problem:
            raise CmrModuleError("email %s" % problem)
        self.create_sent = False  # a lost answer to the creation must not plan a password update of the new credential

    def find(self) -> t.Optional[dict[str, t.Any]]:
        p = self.params
        found = matching_credentials(list_credentials(self.client, p["user_id"]), p["credential_id"], p["app"], p["email"])
        if len(found) > 1:
            raise CmrModuleError("%d stored %s credentials of user %s have the login %s; identify one with credential_id (IDs: %s)"
                                 % (len(found), p["app"], p["user_id"], p["email"], ", ".join(c["credential_id"] for c in found)))
        if not found and p["credential_id"] and self.wanted_state == "present":
            raise CmrModuleError("credential_id %s does not exist for user %s" % (p["credential_id"], p["user_id"]))
        return found[0] if found else None

    def desired(self) -> dict[str, t.Any]:
        metadata = {key: value for key, value in (self.params["metadata"] or {}).items() if value is not None}
        return {"app": self.params["app"], "email": self.params["email"], "metadata": metadata or None, "org_id": self.params["org_id"]}

    def compare(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        if desired["app"] and desired["app"] != current.get("app"):
            raise CmrModuleError("app: credential %s belongs to %s and cannot move to %s; store a new credential instead"
                                 % (current.get("credential_id"), current.get("app"), desired["app"]))
        changes: dict[str, t.Any] = {}
        if desired["email"] and not same_email(desired["email"], current.get("email")):
            changes["email"] = desired["email"]
        current_metadata = current.get("metadata") or {}
        if desired["metadata"] and any(current_metadata.get(key) != value for key, value in desired["metadata"].items()):
            changes["metadata"] = {**current_metadata, **desired["metadata"]}
        if desired["org_id"] and desired["org_id"] != current.get("org_id"):
            changes["org_id"] = desired["org_id"]
        if self.sends_password() and not self.create_sent:
            changes[PASSWORD_UPDATE] = True
        return changes

    def sends_password(self) -> bool:
        return self.params["update_password"] == "always" and self.params["password"] is not None

    def plan(self) -> Plan:
        plan = super().plan()
        if plan.action == CREATE:
            check_creation(self.params)  # in planning, so check mode refuses what a real run refuses
        return plan

    def create(self, desired: dict[str, t.Any]) -> dict[str, t.Any]:
        p = self.params
        self.create_sent = True
        credential_id = add_credential(self.client, p["user_id"], p["app"], p["email"], p["password"], desired.get("metadata"), p["org_id"])
        return {"credential_id": credential_id, **desired, "metadata": desired.get("metadata") or {}}

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        password = self.params["password"] if changes.get(PASSWORD_UPDATE) else None
        update_credential(self.client, self.params["user_id"], current["credential_id"], changes, password)
        return {**current, **{key: value for key, value in changes.items() if key != PASSWORD_UPDATE}}

    def delete(self, current: dict[str, t.Any]) -> None:
        remove_credential(self.client, self.params["user_id"], current["credential_id"])

    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        result = super().result(plan, obj)
        # The diff's "after" of an update shows PASSWORD_UPDATE; the returned object never does.
        result[self.name].pop(PASSWORD_UPDATE, None)
        return result

    def natural_key(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> t.Optional[str]:
        for source in (obj, plan.after, plan.before, self.params):
            if source and source.get("app") and source.get("email"):
                return "%s %s" % (source["app"], source["email"])
        return self.params["credential_id"]


def check_creation(params: t.Mapping[str, t.Any]) -> None:
    """What a new credential needs, as one line naming the option, before anything is sent."""
    missing = [name for name in ("app", "email", "password") if not params[name]]
    if missing:
        raise CmrModuleError("missing options required to store a new credential: %s" % ", ".join(missing))
    if params["app"] == _api.PLATFORM_APP_NEEDS_METADATA and not (params["metadata"] or {}).get("app_base_url"):
        raise CmrModuleError("metadata.app_base_url is required to store an %s credential" % params["app"])


ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    user_id=dict(type="str", required=True),
    credential_id=dict(type="str"),
    app=dict(type="str", choices=list(_api.PLATFORM_APPS)),
    email=dict(type="str"),
    password=dict(type="str", no_log=True),
    update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
    metadata=dict(type="dict", options={key: dict(type="str") for key in _api.CREDENTIAL_METADATA_FIELDS}),
    org_id=dict(type="str"),
)


def main() -> None:
    run_resource(Credential, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
