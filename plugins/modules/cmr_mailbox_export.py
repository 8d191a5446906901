#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_mailbox_export
short_description: Re-export mailboxes of a Cold Mail Reseller user over OAuth
version_added: 0.1.0
description:
  - Queues CMR's OAuth re-export of one or many mailboxes, with the Google (O(google)) or Microsoft (O(microsoft))
    settings that match each mailbox's provider (CMR takes the provider from the mailbox).
  - Every mailbox is first checked with CMR's mailbox validation (SMTP and DNS health); the task fails before any export
    when one is not valid, or is not C(ACTIVE).
  - A mailbox whose export is still in progress is never queued again. A mailbox CMR reports as exported is left out
    unless O(force=true), so a second run changes nothing. Where CMR does not report the export status, every named
    mailbox is exported on every run.
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
      - Check mode validates the mailboxes (a read) and sends no export.
  diff_mode:
    support: full
    details:
      - The diff shows the export status of each mailbox the task exports, before and after.
options:
  user_id:
    description:
      - The CMR user ID that owns the mailboxes.
    type: str
    required: true
  mailboxes:
    description:
      - The mailboxes to export, each an address (V(jane@acme-outreach.com)) or a CMR mailbox ID.
    type: list
    elements: str
    required: true
  google:
    description:
      - The OAuth settings for Google mailboxes. Required when one of O(mailboxes) is a Google mailbox.
    type: dict
    suboptions:
      oauth_route:
        description: The OAuth route (redirect) of the Google app.
        type: str
        required: true
      client_id:
        description: The Google OAuth client ID.
        type: str
      app_name:
        description: The name of the Google app.
        type: str
  microsoft:
    description:
      - The OAuth settings for Microsoft mailboxes. Required when one of O(mailboxes) is a Microsoft mailbox.
    type: dict
    suboptions:
      oauth_route:
        description: The OAuth route of the Microsoft app.
        type: str
        required: true
  force:
    description:
      - Export again the mailboxes CMR reports as exported (never one whose export is in progress).
    type: bool
    default: false
seealso:
  - module: coldmailreseller.cmr.cmr_platform_export
  - module: coldmailreseller.cmr.cmr_mailbox_info
"""

EXAMPLES = r"""
- name: Re-export the customer's Google mailboxes to the sending tool's OAuth app
  coldmailreseller.cmr.cmr_mailbox_export:
    user_id: "{{ customer.user.user_id }}"
    mailboxes:
      - jane@acme-outreach.com
      - john@acme-outreach.com
    google:
      oauth_route: https://app.sending-tool.example/oauth/google
      client_id: 1234567890-abc.apps.googleusercontent.com
      app_name: Sending Tool
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
exports:
  description:
    - One entry per named mailbox, in the task's order.
  returned: always
  type: list
  elements: dict
  contains:
    mailbox_id:
      description: The CMR mailbox ID.
      type: str
    email:
      description: The mailbox address.
      type: str
    service_provider:
      description: V(GOOGLE) or V(MICROSOFT); decides which settings were sent.
      type: str
    outcome:
      description:
        - V(queued) (exported by this task; in check mode, would be), V(in_progress) (an earlier export still runs,
          nothing sent) or V(already_exported) (left out without O(force=true)).
      type: str
    validation:
      description: CMR's validation of the mailbox (C(valid), C(checks)); null for a mailbox that was not exported.
      type: dict
    action_id:
      description: The action ID CMR returned for this export; null when nothing was sent.
      type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, RESULT_KEY, Change, plan_report
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import (
    oauth_export,
    pick_mailboxes,
    refuse_inactive,
    user_mailboxes,
    validate_mailbox,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import settle

RESOURCE_TYPE = "mailbox_export"
QUEUED = "queued"
IN_PROGRESS = "in_progress"
ALREADY = "already_exported"


def outcome(raw: t.Mapping[str, t.Any], force: bool) -> str:
    status = raw.get(_api.MAILBOX_EXPORT_STATUS)
    if status == _api.EXPORT_IN_PROGRESS:
        return IN_PROGRESS
    if status == _api.EXPORT_DONE and not force:
        return ALREADY
    return QUEUED


def oauth_settings(module: CmrModule, mailbox: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The provider block CMR takes for this mailbox, or one line naming the missing option."""
    provider = mailbox.get("service_provider") or _api.DEFAULT_SERVICE_PROVIDER
    if provider == "MICROSOFT":
        if not module.params["microsoft"]:
            raise CmrModuleError("microsoft is required: %s is a Microsoft mailbox" % mailbox.get("email"))
        return {_api.OAUTH_MICROSOFT: {_api.OAUTH_MICROSOFT_ROUTE: module.params["microsoft"]["oauth_route"]}}
    if not module.params["google"]:
        raise CmrModuleError("google is required: %s is a Google mailbox" % mailbox.get("email"))
    google = {key: value for key, value in module.params["google"].items() if value is not None}
    return {_api.OAUTH_GOOGLE: _api.to_api(_api.GOOGLE_OAUTH_FIELDS, google)}


def plan(module: CmrModule) -> list[dict[str, t.Any]]:
    """Every named mailbox with its outcome; those to export are validated (a read) and their settings built."""
    p = module.params
    entries = []
    for mailbox, raw in pick_mailboxes(user_mailboxes(module.client, p["user_id"]), p["mailboxes"], p["user_id"]):
        entry = {"mailbox_id": mailbox.get("mailbox_id"), "email": mailbox.get("email"), "service_provider": mailbox.get("service_provider"),
                 "outcome": outcome(raw, p["force"]), "validation": None, "action_id": None,
                 "before": raw.get(_api.MAILBOX_EXPORT_STATUS), "exported_at": raw.get(_api.MAILBOX_EXPORTED_AT), "mailbox": mailbox}
        entries.append(entry)
    to_send = [entry for entry in entries if entry["outcome"] == QUEUED]
    refuse_inactive([entry["mailbox"] for entry in to_send], "an OAuth export")
    for entry in to_send:
        entry["settings"] = oauth_settings(module, entry["mailbox"])
    for entry in to_send:  # every option problem is reported before the first validation request
        entry["validation"] = validate_mailbox(module.client, p["user_id"], entry["mailbox_id"])
        if not entry["validation"]["valid"]:
            failed = sorted(name for name, ok in entry["validation"]["checks"].items() if ok is False)
            raise CmrModuleError("nothing was exported: CMR's validation of %s failed (%s%s); fix the mailbox or leave it out"
                                 % (entry["email"], entry["validation"]["message"], ": " + ", ".join(failed) if failed else ""))
    return entries


def export(module: CmrModule, entries: list[dict[str, t.Any]]) -> None:
    """One export request per mailbox; a lost answer is settled by reading the mailbox, never by a second request."""
    for entry in entries:
        if entry["outcome"] != QUEUED:
            continue
        try:
            entry["action_id"] = oauth_export(module.client, module.params["user_id"], entry["mailbox_id"], entry["settings"])
        except CmrApiError as exc:
            settle(exc, "the OAuth export of %s" % entry["email"], lambda: export_shows(module, entry),
                   "the mailbox (coldmailreseller.cmr.cmr_mailbox_info)", module.warn)


def export_shows(module: CmrModule, entry: t.Mapping[str, t.Any]) -> bool:
    """Whether CMR reports an export of the mailbox that started after the task read it."""
    for mailbox, raw in user_mailboxes(module.client, module.params["user_id"]):
        if mailbox.get("mailbox_id") == entry["mailbox_id"]:
            return raw.get(_api.MAILBOX_EXPORT_STATUS) == _api.EXPORT_IN_PROGRESS or (
                raw.get(_api.MAILBOX_EXPORTED_AT) is not None and raw.get(_api.MAILBOX_EXPORTED_AT) != entry["exported_at"])
    return False


def run(module: CmrModule) -> dict[str, t.Any]:
    entries = plan(module)
    if not module.check_mode:
        export(module, entries)
    queued = [entry for entry in entries if entry["outcome"] == QUEUED]
    changes = [Change(CREATE, RESOURCE_TYPE, str(entry["email"])) for entry in queued]
    public = [{key: entry[key] for key in ("mailbox_id", "email", "service_provider", "outcome", "validation", "action_id")} for entry in entries]
    return {
        "changed": bool(queued),
        "exports": public,
        "diff": {"before": {entry["email"]: entry["before"] for entry in queued},
                 "after": {entry["email"]: _api.EXPORT_IN_PROGRESS for entry in queued}},
        RESULT_KEY: plan_report(RESOURCE_TYPE, None if len(entries) != 1 else str(entries[0]["email"]), changes, module.check_mode),
    }


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            mailboxes=dict(type="list", elements="str", required=True),
            google=dict(type="dict", options=dict(oauth_route=dict(type="str", required=True), client_id=dict(type="str"), app_name=dict(type="str"))),
            microsoft=dict(type="dict", options=dict(oauth_route=dict(type="str", required=True))),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
