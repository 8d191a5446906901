# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Sending-platform credentials, platform exports, mailbox validation and the OAuth re-export.

Shared by cmr_platform_credential(_info), cmr_platform_export and cmr_mailbox_export. CMR
stores a new credential on every add, so the credential is always found in the list first
(by ID, or by app and login e-mail) and changed in place. Passwords are never read back.
"""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import canonical_email, normalise_mailbox, raw_mailboxes
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import require_user, same_email


# --- credentials ---------------------------------------------------------------------------------

def normalise_credential(app: str, obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """snake_case credential with its app; metadata keys CMR did not send are left out."""
    cred = {"app": app, **_api.from_api(_api.CREDENTIAL_FIELDS, obj)}
    metadata = obj.get(_api.CREDENTIAL_METADATA)
    cred["metadata"] = {key: value for key, value in _api.from_api(_api.CREDENTIAL_METADATA_FIELDS, metadata).items()
                        if value is not None} if isinstance(metadata, dict) else {}
    return cred


def list_credentials(client: CmrClient, user_id: str) -> list[dict[str, t.Any]]:
    """Every stored platform credential of the user, in CMR's order (oldest first per app)."""
    try:
        data = client.call(_api.PLATFORM_CREDENTIALS, query={_api.USER_ID: user_id}).data
    except CmrApiError as exc:
        if exc.status == 404:
            raise CmrModuleError("user_id %s does not exist in this CMR account (%s)" % (user_id, exc.message)) from exc
        raise
    if not isinstance(data, dict):
        raise CmrModuleError("Unexpected response from CMR: the platform credentials of user %s are not an object" % user_id)
    creds = []
    for app, entry in data.items():
        items = entry.get(_api.PLATFORM_CREDENTIALS_KEY) if isinstance(entry, dict) else None
        creds.extend(normalise_credential(str(app).upper(), item) for item in items or [] if isinstance(item, dict))
    if not creds:
        require_user(client, user_id)  # an empty answer for an unknown user must not read as "none stored"
    return creds


def matching_credentials(creds: t.Iterable[t.Mapping[str, t.Any]], credential_id: t.Optional[str] = None,
                         app: t.Optional[str] = None, email: t.Optional[str] = None) -> list[dict[str, t.Any]]:
    """The credentials with this ID, else with this app and login e-mail (compared without letter case)."""
    if credential_id:
        return [dict(cred) for cred in creds if cred.get("credential_id") == credential_id]
    return [dict(cred) for cred in creds
            if (app is None or cred.get("app") == app) and (email is None or same_email(cred.get("email"), email))]


def metadata_body(metadata: t.Optional[t.Mapping[str, t.Any]]) -> dict[str, t.Any]:
    return _api.to_api(_api.CREDENTIAL_METADATA_FIELDS, {key: value for key, value in (metadata or {}).items() if value is not None})


def add_credential(client: CmrClient, user_id: str, app: str, email: str, password: str,
                   metadata: t.Optional[t.Mapping[str, t.Any]], org_id: t.Optional[str]) -> str:
    """Store a new credential (CMR validates the login live); its new credentialId."""
    body: dict[str, t.Any] = {
        _api.PLATFORM_APP: app,
        _api.PLATFORM_CREDENTIALS_KEY: {_api.CREDENTIAL_EMAIL: email, _api.CREDENTIAL_PASSWORD: password},
    }
    if metadata:
        body[_api.CREDENTIAL_METADATA] = metadata_body(metadata)
    if org_id:
        body[_api.CREDENTIAL_ORG_ID] = org_id
    data = client.call(_api.PLATFORM_CREDENTIAL_ADD, query={_api.USER_ID: user_id}, body=body).data
    credential_id = data.get(_api.CREDENTIAL_ID) if isinstance(data, dict) else None
    if not credential_id:
        raise CmrModuleError("Unexpected response from CMR: the new credential's ID is missing; list the credentials "
                             "(coldmailreseller.cmr.cmr_platform_credential_info) before running the task again", changed=True)
    return str(credential_id)


def update_credential(client: CmrClient, user_id: str, credential_id: str, changes: t.Mapping[str, t.Any],
                      password: t.Optional[str]) -> None:
    """PUT what changes; the credential keeps its ID. ``password`` is sent only when not None."""
    body: dict[str, t.Any] = {_api.CREDENTIAL_ID: credential_id}
    login = {}
    if "email" in changes:
        login[_api.CREDENTIAL_EMAIL] = changes["email"]
    if password is not None:
        login[_api.CREDENTIAL_PASSWORD] = password
    if login:
        body[_api.PLATFORM_CREDENTIALS_KEY] = login
    if "metadata" in changes:
        body[_api.CREDENTIAL_METADATA] = metadata_body(changes["metadata"])
    if "org_id" in changes:
        body[_api.CREDENTIAL_ORG_ID] = changes["org_id"]
    client.call(_api.PLATFORM_CREDENTIAL_UPDATE, query={_api.USER_ID: user_id}, body=body)


def remove_credential(client: CmrClient, user_id: str, credential_id: str) -> None:
    """Delete a credential; one CMR no longer knows counts as removed."""
    call_unless_missing(client, _api.PLATFORM_CREDENTIAL_REMOVE, query={_api.USER_ID: user_id, _api.CREDENTIAL_ID: credential_id})


# --- exports -------------------------------------------------------------------------------------

def platform_exports(raw_mailbox: t.Mapping[str, t.Any]) -> t.Optional[list[dict[str, t.Any]]]:
    """The platform exports CMR reports on a mailbox (inferred field), or None when it reports none at all."""
    entries = raw_mailbox.get(_api.MAILBOX_PLATFORM_EXPORTS)
    if not isinstance(entries, list):
        return None
    return [_api.from_api(_api.PLATFORM_EXPORT_FIELDS, entry) for entry in entries if isinstance(entry, dict)]


def queue_platform_export(client: CmrClient, user_id: str, credential_id: str, mailbox_ids: t.Sequence[str]) -> t.Optional[str]:
    """One request for every mailbox; the action ID CMR returned, if any."""
    body = {_api.CREDENTIAL_ID: credential_id, _api.PLATFORM_EXPORT_MAILBOX_IDS: list(mailbox_ids)}
    return client.call(_api.PLATFORM_EXPORT, query={_api.USER_ID: user_id}, body=body).action_id


def validate_mailbox(client: CmrClient, user_id: str, mailbox_id: str) -> dict[str, t.Any]:
    """CMR's SMTP/DNS health check of one mailbox: {valid, checks, message}."""
    response = client.call(_api.MAILBOX_VALIDATE, query={_api.USER_ID: user_id}, body={_api.MAILBOX_ID: mailbox_id})
    data = response.data if isinstance(response.data, dict) else {}
    checks = data.get(_api.VALIDATION_CHECKS)
    return {"valid": data.get(_api.VALIDATION_VALID) is True, "checks": checks if isinstance(checks, dict) else {},
            "message": response.message}


def oauth_export(client: CmrClient, user_id: str, mailbox_id: str, settings: t.Mapping[str, t.Any]) -> t.Optional[str]:
    """Queue the OAuth re-export of one mailbox; ``settings`` is the google/microsoft block as CMR takes it."""
    body = {_api.MAILBOX_ID: mailbox_id, **settings}
    return client.call(_api.MAILBOX_OAUTH_EXPORT, query={_api.USER_ID: user_id}, body=body).action_id


# --- choosing the mailboxes of an export -----------------------------------------------------------

def user_mailboxes(client: CmrClient, user_id: str) -> list[tuple[dict[str, t.Any], dict[str, t.Any]]]:
    """Every mailbox of the user as (snake_case mailbox, CMR's own object): exports read inferred fields of the latter."""
    found = [(normalise_mailbox(item), dict(item)) for item in raw_mailboxes(client, user_id)]
    if not found:
        require_user(client, user_id)
    return found


def pick_mailboxes(found: t.Sequence[tuple[dict[str, t.Any], dict[str, t.Any]]], refs: t.Sequence[str], user_id: str,
                   option: str = "mailboxes") -> list[tuple[dict[str, t.Any], dict[str, t.Any]]]:
    """The mailboxes named by address or ID, each once, in the task's order; one line for a name that is not the user's."""
    picked: list[tuple[dict[str, t.Any], dict[str, t.Any]]] = []
    for index, ref in enumerate(refs):
        if "@" in ref:
            wanted = canonical_email(ref)
            match = next((pair for pair in found if canonical_email(str(pair[0].get("email") or "")) == wanted), None)
        else:
            match = next((pair for pair in found if pair[0].get("mailbox_id") == ref.strip()), None)
        if match is None:
            raise CmrModuleError("%s[%d]: user %s has no mailbox %s" % (option, index, user_id, ref))
        if all(match[0].get("mailbox_id") != other[0].get("mailbox_id") for other in picked):
            picked.append(match)
    return picked


def refuse_inactive(mailboxes: t.Iterable[t.Mapping[str, t.Any]], what: str) -> None:
    """CMR exports only ACTIVE mailboxes: refuse the others before anything is sent."""
    for mailbox in mailboxes:
        if mailbox.get("status") != _api.MAILBOX_STATUS_ACTIVE:
            raise CmrModuleError("nothing was exported: mailbox %s is %s; %s needs ACTIVE mailboxes (wait until it is ACTIVE, "
                                 "or leave it out)" % (mailbox.get("email"), mailbox.get("status"), what))
