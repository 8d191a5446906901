"""Mailboxes: reads, admin details, updates, removal, validation, OAuth export and warmup.

See docs/developer/API.md#mailboxes, #warm-up and #exports-and-platform-credentials.  Mailboxes are created by orders (orders.py).  Credentials are
returned only by ``admin-mailbox-details``.  Write-only settings of the documented API are
exposed as inferred read fields on the mailbox: ``warmupSettings``, ``exportStatus`` /
``exportedAt`` (OAuth export) and ``platformExports``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, paginate, route, text
from cmrsim.handlers.orders import GOOGLE, username
from cmrsim.lifecycle import (domain_mailboxes, integer, mailbox_view, number, owned_mailbox, remove_mailbox_now, start_warmup_later,
                              warmup_event)

MAILBOX_ID = vol.Schema({vol.Optional("userId"): str, vol.Required("mailboxId"): text})
UPDATE_ITEM = vol.Schema({
    vol.Required("mailboxId"): text,
    vol.Optional("userName"): username,
    vol.Optional("username"): username,  # lenient alias: the Mailbox read shape spells it this way
    vol.Optional("firstName"): text,
    vol.Optional("lastName"): text,
    vol.Optional("profilePicture"): vol.Any(None, str),
    vol.Optional("removeProfilePicture"): boolean,
})
OAUTH = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("mailboxId"): text,
    vol.Optional("google"): GOOGLE,
    vol.Optional("microsoft"): {vol.Required("microsoftOauthRoute"): text},
})
WARMUP_STATUS = vol.Schema({vol.Required("status"): vol.In(["ACTIVE", "PAUSED"])})
WARMUP_SETTINGS = vol.Schema({
    vol.Optional("warmupLimit"): integer(1),
    vol.Optional("minimumWarmupLimit"): integer(1),
    vol.Optional("warmupReplyRate"): number(0, 1),
    vol.Optional("warmupOpenRate"): number(0, 1),
    vol.Optional("warmupSpamProtectionRate"): number(0, 1),
    vol.Optional("warmupOnWeekdays"): boolean,
    vol.Optional("increasePerDay"): integer(0),
    vol.Optional("warmupDisableSlow"): boolean,
    vol.Optional("minimumDelayBetweenWarmupEmails"): integer(0),
    vol.Optional("maximumDelayBetweenWarmupEmails"): integer(0),
})
ENROLLED = ("PENDING", "ACTIVE", "PAUSED")


def request_mailbox(ctx: Ctx, mailbox_id: str | None, user_required: bool = True) -> dict[str, Any]:
    """The mailbox of the request (400 without id; 404 unknown; 403 another user's)."""
    if not mailbox_id:
        raise ApiError(400, "mailboxId must be provided")
    user_id = ctx.user_id(required=user_required, source="either")
    if user_id is not None:
        ctx.state.require_user(user_id)
    return owned_mailbox(ctx.state, user_id, mailbox_id)


def query_mailbox(ctx: Ctx) -> dict[str, Any]:
    """Warmup endpoints name the mailbox in the query (``?mailboxId=``); userId is optional."""
    mailbox_id = ctx.query.get("mailboxId")
    if not mailbox_id and isinstance(ctx.body, dict):
        mailbox_id = ctx.body.get("mailboxId")
    return request_mailbox(ctx, mailbox_id, user_required=False)


def require_active(mailbox: dict[str, Any], what: str) -> None:
    """422 unless the mailbox is ACTIVE (provisioning done, subscription not lapsed)."""
    if mailbox.get("status") != "ACTIVE":
        raise ApiError(422, f"Mailbox {mailbox['email']} is {mailbox.get('status')}; {what} needs an ACTIVE mailbox")


# -- reads ------------------------------------------------------------------------------------------

@route("GET", "/mailboxes")
def list_mailboxes(ctx: Ctx) -> Reply:
    """Partner-wide listing with optional userId/domain/status filters."""
    filters = {key: ctx.query[key] for key in ("userId", "domain", "status") if ctx.query.get(key)}
    found = [mb for mb in ctx.state.data["mailboxes"].values() if all(mb.get(key) == value for key, value in filters.items())]
    page, _pagination = paginate([mailbox_view(ctx.state, mb) for mb in found], ctx.query)
    return Reply(data=page, message="Mailboxes fetched successfully")


@route("GET", "/mailboxes/single")
def user_mailboxes(ctx: Ctx) -> Reply:
    """All mailboxes of one user (paginated with page/limit)."""
    user = ctx.user()
    found = [mailbox_view(ctx.state, mb) for mb in ctx.state.owned_by("mailboxes", user["userId"])]
    page, _pagination = paginate(found, ctx.query)
    return Reply(data=page, message="Mailboxes fetched successfully")


@route("GET", "/mailboxes/mailbox")
def get_mailbox(ctx: Ctx) -> Reply:
    """One mailbox by id (without credentials); ``userId`` is optional."""
    mailbox = request_mailbox(ctx, ctx.query.get("mailboxId"), user_required=False)
    return Reply(data=mailbox_view(ctx.state, mailbox), message="Mailbox fetched successfully")


@route("GET", "/mailboxes/admin-mailbox-details")
def admin_details(ctx: Ctx) -> Reply:
    """The mailbox with its credentials (password, appPassword, authenticatorSecret)."""
    mailbox = request_mailbox(ctx, ctx.query.get("mailboxId"))
    return Reply(data=mailbox_view(ctx.state, mailbox, credentials=True), message="Mailbox admin details fetched successfully")


# -- updates ----------------------------------------------------------------------------------------

@route("PATCH", "/mailboxes/update-mailbox-details")
def update_details(ctx: Ctx) -> Reply:
    """One object or a list; each item is checked on its own and applied after the delay."""
    user = ctx.user(source="either")
    bulk = isinstance(ctx.body, dict) and isinstance(ctx.body.get("mailboxData"), list)
    items_schema = vol.All([UPDATE_ITEM], vol.Length(min=1)) if bulk else UPDATE_ITEM
    body = ctx.validate({vol.Optional("userId"): str, vol.Required("mailboxData"): items_schema})
    action_id = ctx.state.action_id()
    if not bulk:
        changes = check_update(ctx, user["userId"], body["mailboxData"], [])
        ctx.state.later(lambda: apply_update(ctx, body["mailboxData"]["mailboxId"], changes, action_id), 1.0)
        return Reply(data=None, message="Mailbox details will update shortly", action_id=action_id)
    results, planned = [], []
    for item in body["mailboxData"]:
        try:
            changes = check_update(ctx, user["userId"], item, planned)
        except ApiError as err:
            results.append({"mailboxId": item["mailboxId"], "success": False, "message": err.message})
            continue
        planned.append(changes)
        ctx.state.later(lambda mailbox_id=item["mailboxId"], changes=changes: apply_update(ctx, mailbox_id, changes, action_id), 1.0)
        results.append({"mailboxId": item["mailboxId"], "success": True, "message": "Mailbox details will update shortly"})
    return Reply(data=results, message="Mailbox details will update shortly", action_id=action_id)


def check_update(ctx: Ctx, user_id: str, item: dict[str, Any], planned: list[dict[str, Any]]) -> dict[str, Any]:
    """The field changes ``item`` asks for (403/404/409/422 when it cannot be applied)."""
    mailbox = owned_mailbox(ctx.state, user_id, item["mailboxId"])
    require_active(mailbox, "a details update")
    changes: dict[str, Any] = {}
    new_name = item.get("userName") or item.get("username")
    if new_name and new_name != mailbox["username"]:
        taken = {mb["username"] for mb in domain_mailboxes(ctx.state, mailbox["domainId"])}
        taken |= {c["username"] for c in planned if "username" in c and c.get("_domainId") == mailbox["domainId"]}
        if new_name in taken:
            raise ApiError(409, f"Mailbox {new_name}@{mailbox['domain']} already exists")
        changes.update(username=new_name, email=f"{new_name}@{mailbox['domain']}", _domainId=mailbox["domainId"])
    for key in ("firstName", "lastName", "profilePicture"):
        if key in item and item[key] != mailbox.get(key):
            changes[key] = item[key]
    if item.get("removeProfilePicture"):
        changes["profilePicture"] = None
    return changes


def apply_update(ctx: Ctx, mailbox_id: str, changes: dict[str, Any], action_id: str) -> None:
    """Apply the changed fields after the delay and emit ``mailbox.updated`` with them only."""
    mailbox = ctx.state.data["mailboxes"].get(mailbox_id)
    if mailbox is None:
        return
    updated = {key: value for key, value in changes.items() if not key.startswith("_") and mailbox.get(key) != value}
    if not updated:
        return
    mailbox.update(updated)
    ctx.state.emit("mailbox.updated", {"mailboxId": mailbox_id, "updatedFields": updated, "userId": mailbox["userId"],
                                       "email": mailbox["email"], "actionId": action_id})


# -- removal ----------------------------------------------------------------------------------------

@route("DELETE", "/mailboxes/remove")
def remove_mailbox(ctx: Ctx) -> Reply:
    """Remove a mailbox after the delay; refused within 24 h of the subscription's period end."""
    if ctx.query.get("mailboxId") and not (isinstance(ctx.body, dict) and "mailboxId" in ctx.body):
        ctx.body = {**(ctx.body if isinstance(ctx.body, dict) else {}), "mailboxId": ctx.query["mailboxId"]}  # lenient: id in the query
    body = ctx.validate(MAILBOX_ID)
    mailbox = request_mailbox(ctx, body["mailboxId"])
    if mailbox.get("_removing"):
        return Reply(data=None, message="Mailbox will be removed shortly", action_id=True)
    if mailbox.get("status") in ("IN_PROGRESS", "CREATING_PASSWORD"):
        raise ApiError(422, f"Mailbox {mailbox['email']} is still being provisioned ({mailbox['status']}); remove it once it is ACTIVE")
    check_removal_cutoff(ctx, mailbox)
    mailbox["_removing"] = True
    mailbox_id = mailbox["mailboxId"]
    ctx.state.later(lambda: remove_mailbox_now(ctx.state, mailbox_id), 1.0)
    return Reply(data=None, message="Mailbox will be removed shortly", action_id=True)


def check_removal_cutoff(ctx: Ctx, mailbox: dict[str, Any]) -> None:
    """422 within 24 hours of the live subscription's period end (docs/developer/API.md#mailboxes)."""
    sub = ctx.state.data["subscriptions"].get(mailbox.get("subscriptionId") or "")
    if sub is None or sub.get("subscriptionStatus") not in ("ACTIVE", "RENEWING", "PAST_DUE"):
        return
    cutoff = ctx.state.parse_iso(sub["periodEnd"]) - dt.timedelta(hours=catalog.MAILBOX_REMOVAL_CUTOFF_HOURS)
    if ctx.state.now() >= cutoff:
        raise ApiError(422, f"Mailboxes can only be removed earlier than {catalog.MAILBOX_REMOVAL_CUTOFF_HOURS} hours before the "
                            f"subscription expiry ({sub['periodEnd']}); {mailbox['email']} can no longer be removed in this period")


# -- validation and OAuth export --------------------------------------------------------------------

@route("POST", "/mailboxes/validate-mailbox")
def validate_mailbox(ctx: Ctx) -> Reply:
    """SMTP/DNS health: valid when ACTIVE; DNS checks look at the domain's stored records."""
    body = ctx.validate(MAILBOX_ID)
    mailbox = request_mailbox(ctx, body["mailboxId"])
    records = [rec for rec in ctx.state.data["records"].values() if rec.get("domainId") == mailbox["domainId"]]
    checks = {
        "smtp": mailbox.get("status") == "ACTIVE",
        "mx": any(rec["recordType"] == "MX" for rec in records),
        "spf": any(rec["recordType"] == "TXT" and rec["value"].lower().startswith("v=spf1") for rec in records),
        "dkim": any(rec["recordType"] in ("TXT", "CNAME") and "._domainkey" in rec["host"] for rec in records),
        "dmarc": any(rec["recordType"] == "TXT" and rec["host"].startswith("_dmarc") for rec in records),
    }
    valid = checks["smtp"]
    data = {"mailboxId": mailbox["mailboxId"], "email": mailbox["email"], "status": mailbox.get("status"), "valid": valid, "checks": checks}
    return Reply(data=data, message="Mailbox is valid" if valid else "Mailbox is not ready for export")


@route("POST", "/mailboxes/oauth")
def oauth_export(ctx: Ctx) -> Reply:
    """Re-export one mailbox over OAuth; the provider block must match the mailbox's provider."""
    body = ctx.validate(OAUTH)
    mailbox = request_mailbox(ctx, body["mailboxId"])
    provider = mailbox.get("serviceProvider", "GOOGLE")
    block = "google" if provider == "GOOGLE" else "microsoft"
    if block not in body:
        raise ApiError(400, f"{block}: required for {provider} mailboxes (the provider is taken from the mailbox)")
    client_id = (body.get("google") or {}).get("clientId")
    if provider == "GOOGLE" and client_id is not None and not str(client_id).endswith(catalog.GOOGLE_CLIENT_ID_SUFFIX):
        raise ApiError(400, "google.clientId: not a valid Google OAuth client ID")
    require_active(mailbox, "an OAuth export")
    if mailbox.get("exportStatus") == "IN_PROGRESS":
        raise ApiError(409, f"An export of {mailbox['email']} is already in progress")
    mailbox["exportStatus"] = "IN_PROGRESS"
    action_id = ctx.state.action_id()
    mailbox_id = mailbox["mailboxId"]

    def finish() -> None:
        current = ctx.state.data["mailboxes"].get(mailbox_id)
        if current is not None:
            current.update(exportStatus="EXPORTED", exportedAt=ctx.state.iso())
            ctx.state.emit("mailbox.exported", {"userId": current["userId"], "mailboxId": mailbox_id, "email": current["email"],
                                                "actionId": action_id})

    ctx.state.later(finish, 1.0)
    return Reply(data=None, message="Mailbox export queued", action_id=action_id)


# -- warmup -----------------------------------------------------------------------------------------

@route("POST", "/mailboxes/warmup")
def add_warmup(ctx: Ctx) -> Reply:
    """Enroll an ACTIVE mailbox (or re-enroll a STOPPED one): PENDING now, ACTIVE after the delay."""
    mailbox = query_mailbox(ctx)
    require_active(mailbox, "warmup")
    if mailbox.get("warmupStatus") in ENROLLED:
        raise ApiError(409, f"Warmup of {mailbox['email']} is already {mailbox['warmupStatus']}")
    ctx.state.debit(prorated_warmup_price(ctx, mailbox))
    mailbox["warmupStatus"] = "PENDING"
    action_id = ctx.state.action_id()
    start_warmup_later(ctx.state, [mailbox["mailboxId"]], action_id)
    return Reply(data={"status": "PENDING"}, message="Warmup will start shortly", action_id=action_id)


def prorated_warmup_price(ctx: Ctx, mailbox: dict[str, Any]) -> float:
    """warmupPrice × daysRemaining / 30 (docs/developer/API.md#warm-up); the unit price is 0 in the simulator."""
    sub = ctx.state.data["subscriptions"].get(mailbox.get("subscriptionId") or "")
    if sub is None:
        return 0.0
    days = max(0.0, (ctx.state.parse_iso(sub["periodEnd"]) - ctx.state.now()).total_seconds() / 86400)
    return catalog.money(catalog.WARMUP_PRICE * days / 30)


@route("DELETE", "/mailboxes/warmup")
def remove_warmup(ctx: Ctx) -> Reply:
    """Permanent removal: STOPPED at once (mailbox.warmup.removed)."""
    mailbox = query_mailbox(ctx)
    if mailbox.get("warmupStatus") not in ENROLLED:
        raise ApiError(422, f"Warmup is not enabled for {mailbox['email']}")
    mailbox["warmupStatus"] = "STOPPED"
    action_id = ctx.state.action_id()
    ctx.state.emit("mailbox.warmup.removed", warmup_event(ctx.state, mailbox, actionId=action_id))
    return Reply(data=None, message="Warmup disabled", action_id=action_id)


@route("POST", "/mailboxes/warmup/toggle")
def toggle_warmup(ctx: Ctx) -> Reply:
    """Flip ACTIVE ↔ PAUSED (not idempotent; prefer PATCH …/warmup/status)."""
    mailbox = query_mailbox(ctx)
    current = mailbox.get("warmupStatus")
    if current not in ("ACTIVE", "PAUSED"):
        raise ApiError(422, f"Warmup of {mailbox['email']} is {current}; only an ACTIVE or PAUSED warmup can be toggled")
    mailbox["warmupStatus"] = "PAUSED" if current == "ACTIVE" else "ACTIVE"
    message = "Warmup paused" if mailbox["warmupStatus"] == "PAUSED" else "Warmup resumed"
    return Reply(data={"status": mailbox["warmupStatus"]}, message=message, action_id=True)


@route("PATCH", "/mailboxes/warmup/status")
def set_warmup_status(ctx: Ctx) -> Reply:
    """Explicit ACTIVE/PAUSED; a PENDING enrollment asked to be ACTIVE stays PENDING until it starts."""
    mailbox = query_mailbox(ctx)
    body = ctx.validate(WARMUP_STATUS)
    current = mailbox.get("warmupStatus")
    if current not in ENROLLED:
        raise ApiError(422, f"Warmup of {mailbox['email']} is {current}; enroll it with POST /mailboxes/warmup first")
    if not (current == "PENDING" and body["status"] == "ACTIVE"):
        mailbox["warmupStatus"] = body["status"]
    return Reply(data={"status": mailbox["warmupStatus"]}, message="Warmup status updated", action_id=True)


@route("PATCH", "/mailboxes/warmup/settings")
def warmup_settings(ctx: Ctx) -> Reply:
    """Merge the given settings into the mailbox's (inferred read field ``warmupSettings``)."""
    mailbox = query_mailbox(ctx)
    body = ctx.validate(WARMUP_SETTINGS)
    if not body:
        raise ApiError(400, "body: at least one warmup setting is required")
    merged = {**(mailbox.get("warmupSettings") or {}), **body}
    check_pair(merged, "minimumWarmupLimit", "warmupLimit")
    check_pair(merged, "minimumDelayBetweenWarmupEmails", "maximumDelayBetweenWarmupEmails")
    mailbox["warmupSettings"] = merged
    return Reply(data=merged, message="Warmup settings updated successfully")


def check_pair(settings: dict[str, Any], low: str, high: str) -> None:
    """400 when a lower bound exceeds its upper bound after merging."""
    if low in settings and high in settings and settings[low] > settings[high]:
        raise ApiError(400, f"{low}: must not exceed {high}")
