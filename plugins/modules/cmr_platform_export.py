#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_platform_export
short_description: Export mailboxes of a Cold Mail Reseller user to a sending platform
version_added: 0.1.0
description:
  - Exports mailboxes, named by address or ID, to a sending platform through a credential the user stored with
    M(coldmailreseller.cmr.cmr_platform_credential). All of them go in one request; CMR completes the export shortly after.
  - A mailbox that CMR reports as already exported to this credential is left out unless O(force=true); a mailbox whose
    export to this credential is still in progress is never queued again. A second run therefore changes nothing.
  - Every mailbox must be C(ACTIVE); otherwise the task fails before anything is sent.
  - CMR's documented API does not report past exports; the module reads them from the mailbox field C(platformExports)
    where CMR reports it. Where it does not, every named mailbox is exported on every run.
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
      - Check mode sends no write; it reports which mailboxes a real run would export.
  diff_mode:
    support: full
    details:
      - The diff shows the addresses exported to the credential before and after the task.
options:
  user_id:
    description:
      - The CMR user ID that owns the mailboxes and the credential.
    type: str
    required: true
  credential_id:
    description:
      - The stored credential to export to.
      - Without it, the credential is found by O(app) and O(email).
    type: str
  app:
    description:
      - The platform of the stored credential, when O(credential_id) is not set.
    type: str
    choices: [EMAILBISON, REACHINBOX, SMARTLEAD, INSTANTLY]
  email:
    description:
      - The login e-mail of the stored credential, when O(credential_id) is not set.
    type: str
  mailboxes:
    description:
      - The mailboxes to export, each an address (V(jane@acme-outreach.com)) or a CMR mailbox ID.
    type: list
    elements: str
    required: true
  force:
    description:
      - Export again the mailboxes CMR reports as already exported to this credential (never one still in progress).
    type: bool
    default: false
seealso:
  - module: coldmailreseller.cmr.cmr_platform_credential
  - module: coldmailreseller.cmr.cmr_mailbox_export
"""

EXAMPLES = r"""
- name: Export the customer's mailboxes to EmailBison
  coldmailreseller.cmr.cmr_platform_export:
    user_id: "{{ customer.user.user_id }}"
    app: EMAILBISON
    email: john@agency.example
    mailboxes:
      - jane@acme-outreach.com
      - john@acme-outreach.com
  register: exported

- name: Show what was queued
  ansible.builtin.debug:
    msg: "{{ exported.export.queued }}"
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
export:
  description:
    - What the task exported (in check mode, would export), and what it left out.
  returned: always
  type: dict
  contains:
    credential_id:
      description: The credential the mailboxes go to.
      type: str
    app:
      description: Its platform.
      type: str
    queued:
      description: The addresses of the mailboxes exported by this task (in check mode, that a real run would export).
      type: list
      elements: str
    already_exported:
      description: The addresses CMR reports as already exported to this credential (left out unless O(force=true)).
      type: list
      elements: str
    in_progress:
      description: The addresses whose export to this credential is still in progress (never queued again).
      type: list
      elements: str
    action_id:
      description: The action ID CMR returned for the export request; null when nothing was sent.
      type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, RESULT_KEY, Change, plan_report
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import (
    list_credentials,
    matching_credentials,
    pick_mailboxes,
    platform_exports,
    queue_platform_export,
    refuse_inactive,
    user_mailboxes,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import settle

RESOURCE_TYPE = "platform_export"


def find_credential(module: CmrModule) -> dict[str, t.Any]:
    p = module.params
    if not p["credential_id"] and not (p["app"] and p["email"]):
        raise CmrModuleError("credential_id, or app and email, must name the stored credential to export to")
    found = matching_credentials(list_credentials(module.client, p["user_id"]), p["credential_id"], p["app"], p["email"])
    what = p["credential_id"] or "%s %s" % (p["app"], p["email"])
    if not found:
        raise CmrModuleError("user %s has no stored credential %s; store it with coldmailreseller.cmr.cmr_platform_credential"
                             % (p["user_id"], what))
    if len(found) > 1:
        raise CmrModuleError("%d stored credentials match %s; identify one with credential_id (IDs: %s)"
                             % (len(found), what, ", ".join(cred["credential_id"] for cred in found)))
    return found[0]


def export_state(raw: t.Mapping[str, t.Any], credential_id: str) -> t.Optional[str]:
    """in_progress / done / None (not exported to this credential, or CMR does not say)."""
    entries = [entry for entry in platform_exports(raw) or [] if entry.get("credential_id") == credential_id]
    if any(entry.get("status") == _api.PLATFORM_EXPORT_IN_PROGRESS for entry in entries):
        return "in_progress"
    return "done" if entries else None


def plan_export(module: CmrModule, credential: dict[str, t.Any]) -> dict[str, list[dict[str, t.Any]]]:
    """The named mailboxes sorted into queued / already_exported / in_progress (and exported_before, for the diff)."""
    p = module.params
    picked = pick_mailboxes(user_mailboxes(module.client, p["user_id"]), p["mailboxes"], p["user_id"])
    groups: dict[str, list[dict[str, t.Any]]] = {"queued": [], "already_exported": [], "in_progress": [], "exported_before": []}
    for mailbox, raw in picked:
        state = export_state(raw, credential["credential_id"])
        if state:
            groups["exported_before"].append(mailbox)
        if state == "in_progress":
            groups["in_progress"].append(mailbox)
        elif state == "done" and not p["force"]:
            groups["already_exported"].append(mailbox)
        else:
            groups["queued"].append(mailbox)
    refuse_inactive(groups["queued"], "an export to a sending platform")
    return groups


def send(module: CmrModule, credential: dict[str, t.Any], queued: list[dict[str, t.Any]]) -> t.Optional[str]:
    """One request for every mailbox; a lost answer is settled by reading the mailboxes again, never by sending again."""
    ids = [mb["mailbox_id"] for mb in queued]
    try:
        return queue_platform_export(module.client, module.params["user_id"], credential["credential_id"], ids)
    except CmrApiError as exc:
        settle(exc, "the export of %s to %s credential %s" % (", ".join(str(mb.get("email")) for mb in queued), credential["app"],
                                                              credential["credential_id"]),
               lambda: not plan_export(module, credential)["queued"],
               "the mailboxes (coldmailreseller.cmr.cmr_mailbox_info) and the sending platform", module.warn)
        return None


def run(module: CmrModule) -> dict[str, t.Any]:
    credential = find_credential(module)
    groups = plan_export(module, credential)
    queued = groups["queued"]
    action_id = send(module, credential, queued) if queued and not module.check_mode else None
    emails = {name: [str(mb.get("email")) for mb in boxes] for name, boxes in groups.items()}
    before = sorted(emails.pop("exported_before"))
    changes = [Change(CREATE, RESOURCE_TYPE, "%s -> %s %s" % (email, credential["app"], credential["credential_id"])) for email in emails["queued"]]
    return {
        "changed": bool(queued),
        "export": {"credential_id": credential["credential_id"], "app": credential["app"], "action_id": action_id, **emails},
        "diff": {"before": {"exported": before}, "after": {"exported": sorted(set(before) | set(emails["queued"]))}},
        RESULT_KEY: plan_report(RESOURCE_TYPE, "%s %s" % (credential["app"], credential["credential_id"]), changes, module.check_mode),
    }


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            credential_id=dict(type="str"),
            app=dict(type="str", choices=list(_api.PLATFORM_APPS)),
            email=dict(type="str"),
            mailboxes=dict(type="list", elements="str", required=True),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
