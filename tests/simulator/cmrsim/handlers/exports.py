"""Platform exports: stored sending-platform credentials, workspaces and mailbox exports (docs/developer/API.md#exports-and-platform-credentials).

Every POST of a credential stores a new one (CMR does not de-duplicate); PUT updates in
place and keeps the ``credentialId``; passwords are never returned.  EMAILBISON needs
``metadata``; SMARTLEAD and the others do not.  A password listed in
``catalog.INVALID_PLATFORM_PASSWORDS`` fails the (simulated) live validation with 400.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, email_address, route, text

APPS = ("EMAILBISON", "REACHINBOX", "SMARTLEAD", "INSTANTLY")
METADATA = vol.Any(None, {
    vol.Optional("appBaseUrl"): vol.Any(None, str),
    vol.Optional("clientId"): vol.Any(None, str),
    vol.Optional("appName"): vol.Any(None, str),
    vol.Optional("workspace"): vol.Any(None, str),
    vol.Optional("orgId"): vol.Any(None, str),
})
ADD = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("app"): vol.All(str, vol.Upper, vol.In(APPS)),
    vol.Required("credentials"): {vol.Required("email"): email_address, vol.Required("password"): text},
    vol.Optional("metadata"): METADATA,
    vol.Optional("orgId"): vol.Any(None, str),
})
UPDATE = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("credentialId"): text,
    vol.Optional("app"): vol.All(str, vol.Upper, vol.In(APPS)),
    vol.Optional("credentials"): {vol.Optional("email"): email_address, vol.Optional("password"): text},
    vol.Optional("metadata"): METADATA,
    vol.Optional("orgId"): vol.Any(None, str),
})
EXPORT = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("credentialId"): text,
    vol.Optional("componentMailboxIds"): [text],  # Apidog name
    vol.Optional("mailboxIds"): [text],  # help-guide name (docs/developer/API.md#export-mailbox-ids): both accepted
})


def credential_view(cred: dict[str, Any]) -> dict[str, Any]:
    """PlatformCredential without the password."""
    view = {"credentialId": cred["credentialId"], "email": cred["email"], "connectedAt": cred["connectedAt"], "metadata": cred.get("metadata") or {}}
    if cred.get("orgId"):
        view["orgId"] = cred["orgId"]
    return view


def check_live_login(app: str, password: str) -> None:
    """The simulated live login against the platform: fixed bad passwords fail."""
    if password in catalog.INVALID_PLATFORM_PASSWORDS:
        raise ApiError(400, f"Invalid {app} credentials: the platform rejected the login")


def check_metadata(app: str, metadata: dict[str, Any] | None) -> None:
    """EMAILBISON needs metadata with appBaseUrl; other apps need none."""
    if app == "EMAILBISON" and not (metadata or {}).get("appBaseUrl"):
        raise ApiError(400, "metadata: required for EMAILBISON (appBaseUrl, clientId, appName, workspace)")


def owned_credential(ctx: Ctx, credential_id: str | None, user_id: str | None) -> dict[str, Any]:
    """A stored credential (400 without id, 404 unknown, 403 another user's)."""
    if not credential_id:
        raise ApiError(400, "credentialId must be provided")
    return ctx.state.check_owner(ctx.state.data["credentials"].get(credential_id), user_id, "platform credential", credential_id)


def optional_user(ctx: Ctx) -> str | None:
    """The optional ``userId`` of the request, checked to exist when given."""
    user_id = ctx.user_id(required=False, source="either")
    if user_id is not None:
        ctx.state.require_user(user_id)
    return user_id


@route("POST", "/exports/platform-credential")
def add_credential(ctx: Ctx) -> Reply:
    """Store a new credential (never de-duplicated) after the simulated live login check."""
    body = ctx.validate(ADD)
    user = ctx.user(source="either")
    check_metadata(body["app"], body.get("metadata"))
    check_live_login(body["app"], body["credentials"]["password"])
    cred = {
        "credentialId": ctx.state.new_id()[:16],
        "userId": user["userId"],
        "app": body["app"],
        "email": body["credentials"]["email"],
        "password": body["credentials"]["password"],
        "metadata": body.get("metadata") or {},
        "orgId": body.get("orgId") or (body.get("metadata") or {}).get("orgId"),
        "connectedAt": ctx.state.iso(),
    }
    ctx.state.data["credentials"][cred["credentialId"]] = cred
    return Reply(data={"credentialId": cred["credentialId"]}, message="Platform credentials added successfully")


@route("GET", "/exports/platform-credentials")
def list_credentials(ctx: Ctx) -> Reply:
    """Connection status per app; ``connected`` only means a credential is stored."""
    user = ctx.user()
    creds = ctx.state.owned_by("credentials", user["userId"])
    data = {}
    for app in APPS:
        mine = [credential_view(c) for c in creds if c["app"] == app]
        data[app] = {"connected": bool(mine), "credentials": mine}
    return Reply(data=data, message="Fetched connected accounts successfully")


@route("PUT", "/exports/platform-credential")
def update_credential(ctx: Ctx) -> Reply:
    """Update in place (password rotation, workspace change, Instantly orgId); same credentialId."""
    body = ctx.validate(UPDATE)
    cred = owned_credential(ctx, body["credentialId"], optional_user(ctx))
    if body.get("app") and body["app"] != cred["app"]:
        raise ApiError(400, f"app: a {cred['app']} credential cannot become {body['app']}; add a new credential instead")
    new_login = body.get("credentials") or {}
    if "password" in new_login:
        check_live_login(cred["app"], new_login["password"])
    metadata = body["metadata"] if "metadata" in body else cred.get("metadata")
    check_metadata(cred["app"], metadata)
    cred.update(new_login)
    cred["metadata"] = metadata or {}
    if "orgId" in body:
        cred["orgId"] = body["orgId"]
    return Reply(data={"credentialId": cred["credentialId"]}, message="Platform credentials updated successfully")


@route("DELETE", "/exports/platform-credential")
def remove_credential(ctx: Ctx) -> Reply:
    """Delete a credential; its id stops resolving."""
    user = ctx.user()
    cred = owned_credential(ctx, ctx.query.get("credentialId"), user["userId"])
    del ctx.state.data["credentials"][cred["credentialId"]]
    return Reply(data=None, message="Platform credentials removed successfully")


@route("GET", "/exports/platform-workspaces")
def platform_workspaces(ctx: Ctx) -> Reply:
    """Instantly workspaces reachable with a credential (two fixed ones per credential)."""
    cred = owned_credential(ctx, ctx.query.get("credentialId"), optional_user(ctx))
    if cred["app"] != "INSTANTLY":
        raise ApiError(400, f"Workspaces are only available for INSTANTLY credentials, not {cred['app']}")
    return Reply(data=catalog.platform_workspaces(cred["credentialId"], cred["email"]), message="Workspaces fetched successfully")


@route("POST", "/exports/platform-exports")
def export_mailboxes(ctx: Ctx) -> Reply:
    """Queue one export of many mailboxes to a stored credential (mailbox.exported each).

    Each mailbox lists the export in ``platformExports`` (inferred read field) as IN_PROGRESS
    until it completes; a second export of a mailbox to the same credential meanwhile is 409.
    """
    body = ctx.validate(EXPORT)
    user = ctx.user(source="either")
    ids = list(dict.fromkeys((body.get("componentMailboxIds") or []) + (body.get("mailboxIds") or [])))
    if not ids:
        raise ApiError(400, "componentMailboxIds: at least one mailbox id is required (mailboxIds is accepted too)")
    cred = owned_credential(ctx, body["credentialId"], user["userId"])
    mailboxes = []
    for mailbox_id in ids:
        mailbox = ctx.state.check_owner(ctx.state.data["mailboxes"].get(mailbox_id), user["userId"], "mailbox")
        if mailbox.get("status") != "ACTIVE":
            raise ApiError(422, f"Mailbox {mailbox['email']} is {mailbox.get('status')}; only ACTIVE mailboxes can be exported")
        if any(entry.get("credentialId") == cred["credentialId"] and entry.get("status") == "IN_PROGRESS"
               for entry in mailbox.get("platformExports") or []):
            raise ApiError(409, f"An export of {mailbox['email']} to credential {cred['credentialId']} is already in progress")
        mailboxes.append(mailbox)
    action_id = ctx.state.action_id()
    export = {"exportId": ctx.state.new_id(), "userId": user["userId"], "credentialId": cred["credentialId"], "app": cred["app"],
              "mailboxIds": ids, "status": "QUEUED", "createdAt": ctx.state.iso(), "completedAt": None, "actionId": action_id}
    ctx.state.data["exports"][export["exportId"]] = export
    for mailbox in mailboxes:  # visible on the mailbox at once, so a client can tell a queued export from none
        mailbox.setdefault("platformExports", []).append(
            {"exportId": export["exportId"], "credentialId": cred["credentialId"], "app": cred["app"], "status": "IN_PROGRESS", "exportedAt": None})
    ctx.state.later(lambda: finish_export(ctx, export["exportId"]), 1.0)
    return Reply(data={"exportId": export["exportId"]}, message="Mailboxes queued for export", action_id=action_id)


def finish_export(ctx: Ctx, export_id: str) -> None:
    """Export done: COMPLETED, recorded on each mailbox, ``mailbox.exported`` each."""
    state = ctx.state
    export = state.data["exports"].get(export_id)
    if export is None:
        return
    export.update(status="COMPLETED", completedAt=state.iso())
    for mailbox_id in export["mailboxIds"]:
        mailbox = state.data["mailboxes"].get(mailbox_id)
        if mailbox is None:
            continue
        for entry in mailbox.get("platformExports") or []:
            if entry.get("exportId") == export_id:
                entry.update(status="COMPLETED", exportedAt=export["completedAt"])
        state.emit("mailbox.exported", {"userId": mailbox["userId"], "mailboxId": mailbox_id, "email": mailbox["email"],
                                        "app": export["app"], "credentialId": export["credentialId"], "actionId": export["actionId"]})
