"""Mailbox subscriptions: list, renew, auto-renew, cancel, recreate (docs/developer/API.md#subscriptions).

One subscription per domain workspace.  Date-driven transitions (period end → renewal or
PAST_DUE → EXPIRED) live in ``cmrsim.lifecycle`` and run on ``POST /_sim/clock``.
Cancellation is permanent: the subscription stays listed as CANCELLED and its mailboxes
disappear after the delay.  Recreation issues a new ``subscriptionId``; the old one stops
resolving.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, paginate, route, text
from cmrsim.lifecycle import (DAY, LIVE_SUBSCRIPTION_STATUSES, cancel_subscription, domain_name, find_domain, live_subscription,
                              nonempty_list, renew_subscription_period, renewal_block, subscription_event, subscription_mailboxes,
                              subscription_renewal_cost, subscription_view)

STATUSES = ("ACTIVE", "RENEWING", "PAST_DUE", "CANCELLED", "EXPIRED")
IDS = vol.Schema({vol.Optional("userId"): str, vol.Required("subscriptionIds"): nonempty_list(text)})
AUTO_RENEW = vol.Schema({
    vol.Optional("userId"): str,
    vol.Optional("subscriptionId"): text,
    vol.Optional("subscriptionIds"): nonempty_list(text),
    vol.Optional("autoRenew"): boolean,
})
CANCEL = vol.Schema({vol.Optional("userId"): str, vol.Optional("subscriptionId"): text, vol.Optional("domain"): domain_name})
RECREATE = vol.Schema({
    vol.Optional("userId"): str,
    vol.Optional("subscriptionIds"): nonempty_list(text),
    vol.Optional("domainNames"): nonempty_list(domain_name),
})


def scoped_user(ctx: Ctx) -> str | None:
    """The optional ``userId`` (query or body) that restricts which subscriptions may be touched."""
    user_id = ctx.user_id(required=False, source="either")
    if user_id is not None:
        ctx.state.require_user(user_id)
    return user_id


def subscription_by_id(ctx: Ctx, subscription_id: str, user_id: str | None) -> dict[str, Any]:
    """404 for an unknown (or recreated-away) id; 403 when ``user_id`` is given and differs."""
    return ctx.state.check_owner(ctx.state.data["subscriptions"].get(subscription_id), user_id, "subscription", subscription_id)


def subscription_by_domain(ctx: Ctx, name: str, user_id: str | None) -> dict[str, Any]:
    """The live subscription of a domain, else its latest one (e.g. CANCELLED), else 404."""
    domain = ctx.state.check_owner(find_domain(ctx.state, name), user_id, "domain", name)
    sub = live_subscription(ctx.state, domain["domainId"])
    if sub is None:
        history = [s for s in ctx.state.data["subscriptions"].values() if s.get("domainId") == domain["domainId"]]
        if not history:
            raise ApiError(404, f"Domain {name} has no subscription")
        sub = history[-1]
    return sub


# -- reads ------------------------------------------------------------------------------------------

@route("GET", "/subscriptions")
def list_subscriptions(ctx: Ctx) -> Reply:
    """Filters status, componentSubscriptionId, domain, userId; pagination block (default limit 50)."""
    status = ctx.query.get("status")
    if status and status not in STATUSES:
        raise ApiError(400, f"status: must be one of {', '.join(STATUSES)}")
    wanted = {
        "subscriptionStatus": status,
        "subscriptionId": ctx.query.get("componentSubscriptionId") or ctx.query.get("subscriptionId"),
        "domain": ctx.query.get("domain", "").lower().rstrip(".") or None,
        "userId": ctx.query.get("userId"),
    }
    found = [subscription_view(ctx.state, sub) for sub in ctx.state.data["subscriptions"].values()
             if all(value is None or sub.get(key) == value for key, value in wanted.items())]
    page, pagination = paginate(found, ctx.query, default_limit=50)
    return Reply(data={"subscriptions": page, "pagination": pagination}, message="Subscriptions fetched successfully")


# -- renewal ----------------------------------------------------------------------------------------

def renewal_start(ctx: Ctx, sub: dict[str, Any]) -> Any:
    """A PAST_DUE subscription restarts now; an ACTIVE one continues from its period end."""
    end = ctx.state.parse_iso(sub["periodEnd"])
    return end if sub["subscriptionStatus"] == "ACTIVE" else ctx.state.now()


def check_renewable(ctx: Ctx, sub: dict[str, Any]) -> None:
    """422 unless PAST_DUE or ACTIVE inside the window, and the domain allows it."""
    status = sub["subscriptionStatus"]
    if status == "ACTIVE":
        opens = ctx.state.parse_iso(sub["periodEnd"]) - catalog.SUBSCRIPTION_RENEWAL_WINDOW_DAYS * DAY
        if ctx.state.now() < opens:
            raise ApiError(422, f"Subscription {sub['subscriptionId']} is not due for renewal: its renewal window opens "
                                f"{catalog.SUBSCRIPTION_RENEWAL_WINDOW_DAYS} days before the period end, on {ctx.state.iso(opens)}")
    elif status != "PAST_DUE":
        raise ApiError(422, f"Subscription {sub['subscriptionId']} is {status} and cannot be renewed")
    block = renewal_block(ctx.state, sub)
    if block:
        raise ApiError(422, f"Subscription {sub['subscriptionId']} cannot be renewed: {block}")


@route("POST", "/subscriptions/renew-subscriptions")
def renew_subscriptions(ctx: Ctx) -> Reply:
    """Renew PAST_DUE subscriptions or ACTIVE ones inside their window (all or none); charged now."""
    body = ctx.validate(IDS)
    user_id = scoped_user(ctx)
    subs = [subscription_by_id(ctx, sid, user_id) for sid in dict.fromkeys(body["subscriptionIds"])]
    for sub in subs:
        check_renewable(ctx, sub)
    starts = {sub["subscriptionId"]: renewal_start(ctx, sub) for sub in subs}
    total = catalog.money(sum(subscription_renewal_cost(sub) for sub in subs))
    if not ctx.state.can_afford(total):
        raise ApiError(402, f"Insufficient wallet balance: the renewal costs {catalog.price_string(total)} USD, "
                            f"the wallet holds {catalog.price_string(ctx.state.wallet)} USD")
    ctx.state.debit(total)
    action_id = ctx.state.action_id()
    for sub in subs:
        sub["subscriptionStatus"] = "RENEWING"
        ctx.state.emit("subscription.renewing", subscription_event(ctx.state, sub, actionId=action_id))
        ctx.state.later(lambda sid=sub["subscriptionId"]: finish_renewal(ctx, sid, starts[sid], action_id), 1.0)
    return Reply(data=None, action_id=action_id,
                 message="Subscriptions added for renewal. Please ensure you have enough balance to renew the subscriptions.")


def finish_renewal(ctx: Ctx, subscription_id: str, start: Any, action_id: str) -> None:
    """Start the new period (paid when the request was accepted)."""
    sub = ctx.state.data["subscriptions"].get(subscription_id)
    if sub is None or sub["subscriptionStatus"] != "RENEWING":
        return
    renew_subscription_period(ctx.state, sub, start, charge=False)
    ctx.state.emit("subscription.renewal.success", subscription_event(ctx.state, sub, actionId=action_id))


@route("POST", "/subscriptions/toggle-autorenewal")
def toggle_autorenewal(ctx: Ctx) -> Reply:
    """Set ``autoRenew`` (explicit value; without one the flag is flipped, as the title says)."""
    body = ctx.validate(AUTO_RENEW)
    user_id = scoped_user(ctx)
    if bool(body.get("subscriptionId")) == bool(body.get("subscriptionIds")):
        raise ApiError(400, "Provide exactly one of subscriptionId or subscriptionIds")
    ids = body.get("subscriptionIds") or [body["subscriptionId"]]
    subs = [subscription_by_id(ctx, sid, user_id) for sid in dict.fromkeys(ids)]
    for sub in subs:
        if sub["subscriptionStatus"] not in LIVE_SUBSCRIPTION_STATUSES:
            raise ApiError(422, f"Subscription {sub['subscriptionId']} is {sub['subscriptionStatus']}; auto renewal cannot be changed")
    for sub in subs:
        sub["autoRenew"] = body["autoRenew"] if "autoRenew" in body else not sub.get("autoRenew")
    results = [{"subscriptionId": sub["subscriptionId"], "autoRenew": sub["autoRenew"]} for sub in subs]
    data: Any = results if "subscriptionIds" in body else results[0]
    word = "updated" if len(subs) > 1 else ("enabled" if subs[0]["autoRenew"] else "disabled")
    return Reply(data=data, message=f"Auto renewal {word} successfully")


# -- cancellation and recreation --------------------------------------------------------------------

@route("POST", "/subscriptions/cancel")
def cancel(ctx: Ctx) -> Reply:
    """Cancel by subscriptionId or domain: permanent; the workspace (mailboxes) goes after the delay."""
    body = ctx.validate(CANCEL)
    user_id = scoped_user(ctx)
    if body.get("subscriptionId"):
        sub = subscription_by_id(ctx, body["subscriptionId"], user_id)
        if body.get("domain") and sub.get("domain") != body["domain"]:
            raise ApiError(400, f"domain: subscription {sub['subscriptionId']} belongs to {sub.get('domain')}, not {body['domain']}")
    elif body.get("domain"):
        sub = subscription_by_domain(ctx, body["domain"], user_id)
    else:
        raise ApiError(400, "Provide subscriptionId or domain")
    if sub["subscriptionStatus"] == "CANCELLED":
        raise ApiError(409, f"Subscription {sub['subscriptionId']} is already cancelled; cancellation is permanent")
    if sub["subscriptionStatus"] == "EXPIRED":
        raise ApiError(422, f"Subscription {sub['subscriptionId']} has expired and cannot be cancelled")
    action_id = ctx.state.action_id()
    cancel_subscription(ctx.state, sub, action_id)
    return Reply(data=None, message="Subscription will be cancelled successfully", action_id=action_id)


@route("POST", "/component/subscriptions/recreate")
@route("POST", "/subscriptions/recreate")
def recreate(ctx: Ctx) -> Reply:
    """Replace each workspace subscription with a new id at the standard price; no charge."""
    body = ctx.validate(RECREATE)
    user_id = scoped_user(ctx)
    if bool(body.get("subscriptionIds")) == bool(body.get("domainNames")):
        raise ApiError(400, "Provide exactly one of subscriptionIds or domainNames")
    if body.get("subscriptionIds"):
        subs = [subscription_by_id(ctx, sid, user_id) for sid in dict.fromkeys(body["subscriptionIds"])]
    else:
        subs = [subscription_by_domain(ctx, name, user_id) for name in dict.fromkeys(body["domainNames"])]
    for sub in subs:
        if sub["subscriptionStatus"] not in ("ACTIVE", "PAST_DUE"):
            raise ApiError(422, f"Subscription {sub['subscriptionId']} is {sub['subscriptionStatus']} and cannot be recreated")
    action_id = ctx.state.action_id()
    recreated = [replace_subscription(ctx, sub, action_id) for sub in subs]
    return Reply(data={"recreated": recreated}, message="Subscriptions will be recreated shortly", action_id=action_id)


def replace_subscription(ctx: Ctx, old: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Move the workspace to a new subscription id; the mailboxes keep their ids (documentation site; docs/developer/API.md#recreation-and-mailboxes)."""
    state = ctx.state
    new = dict(old, subscriptionId=state.new_id(), pricePerMailbox=catalog.MAILBOX_PRICE, createdAt=state.iso(), _periods=1,
               recreatedFrom=old["subscriptionId"])
    del state.data["subscriptions"][old["subscriptionId"]]
    state.data["subscriptions"][new["subscriptionId"]] = new
    domain = state.data["domains"].get(old.get("domainId") or "")
    if domain is not None:
        domain["subscriptionId"] = new["subscriptionId"]
    for mailbox in subscription_mailboxes(state, old["subscriptionId"]):
        mailbox["subscriptionId"] = new["subscriptionId"]
    state.later(lambda: state.emit("subscription.updated", subscription_event(
        state, new, pricePerMailbox=new["pricePerMailbox"], previousSubscriptionId=old["subscriptionId"], actionId=action_id)), 1.0)
    return {"previousSubscriptionId": old["subscriptionId"], "subscriptionId": new["subscriptionId"], "domain": new.get("domain")}
