"""Shared model of domains, subscriptions and mailboxes: views, lookups and transitions.

Several handler areas act on the same objects (an order creates domains, subscriptions and
mailboxes; cancelling a subscription removes mailboxes; the clock moves domains into their
grace period), so the rules live here once.

Stored objects are the API shapes of ``openapi.yaml`` plus a few internal keys starting
with ``_`` (stripped from every API view).  Scheduled work looks objects up by id when it
runs instead of holding on to the dicts it saw when it was scheduled, so an object removed
in between (a cancelled workspace, a deleted user) is simply skipped.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any, Callable

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import hook

DAY = dt.timedelta(days=1)
STICKY_DOMAIN_STATUSES = ("PENDING", "RENEWING", "TRANSFERRED", "INACTIVE")
LIVE_SUBSCRIPTION_STATUSES = ("ACTIVE", "RENEWING", "PAST_DUE")
MAILBOX_SECRETS = ("password", "appPassword", "authenticatorSecret")
MAX_CATCH_UP_PERIODS = 60


# -- small helpers ------------------------------------------------------------------------------

def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without the internal ``_`` keys."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """``when`` plus whole calendar months (day clamped to the month's length)."""
    month_index = when.month - 1 + months
    year, month = when.year + month_index // 12, month_index % 12 + 1
    for day in (when.day, 30, 29, 28):
        try:
            return when.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover


def add_years(when: dt.datetime, years: int) -> dt.datetime:
    """``when`` plus whole years (29 February becomes 28 February)."""
    return add_months(when, 12 * years)


def user_email(state: Any, user_id: str) -> str | None:
    """The e-mail of a user for webhook payloads (None when the user is gone)."""
    return (state.data["users"].get(user_id) or {}).get("email")


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    """Validator for a JSON integer (booleans rejected) within optional bounds."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise vol.Invalid("expected an integer")
        if minimum is not None and value < minimum:
            raise vol.Invalid(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise vol.Invalid(f"must be at most {maximum}")
        return value
    return check


def number(minimum: float | None = None, maximum: float | None = None) -> Callable[[Any], float]:
    """Validator for a JSON number (booleans rejected) within optional bounds."""
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise vol.Invalid("expected a number")
        if minimum is not None and value < minimum:
            raise vol.Invalid(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise vol.Invalid(f"must be at most {maximum}")
        return value
    return check


def domain_name(value: Any) -> str:
    """Validator: a syntactically valid domain name, returned normalised."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string")
    if not catalog.is_valid_domain(value):
        raise vol.Invalid(f"{value!r} is not a valid domain name")
    return catalog.normalize_domain(value)


def nonempty_list(validator: Any) -> Callable[[Any], list[Any]]:
    """Validator: a non-empty JSON array whose items pass ``validator``."""
    schema = vol.Schema([validator])

    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise vol.Invalid("expected a list")
        if not value:
            raise vol.Invalid("must not be empty")
        return schema(value)
    return check


# -- lookups ------------------------------------------------------------------------------------

def find_domain(state: Any, name: str) -> dict[str, Any] | None:
    """The stored domain called ``name`` (any owner), or None."""
    name = catalog.normalize_domain(name)
    for domain in state.data["domains"].values():
        if domain.get("domainName") == name:
            return domain
    return None


def owned_domain(state: Any, user_id: str, name: str) -> dict[str, Any]:
    """Domain ``name`` of ``user_id``: 404 when unknown, 403 when another user's."""
    return state.check_owner(find_domain(state, name), user_id, "domain", catalog.normalize_domain(name))


def owned_mailbox(state: Any, user_id: str | None, mailbox_id: str) -> dict[str, Any]:
    """Mailbox ``mailbox_id``: 404 when unknown; 403 when ``user_id`` is given and differs."""
    return state.check_owner(state.data["mailboxes"].get(mailbox_id), user_id, "mailbox", mailbox_id)


def domain_mailboxes(state: Any, domain_id: str) -> list[dict[str, Any]]:
    """Every mailbox on a domain, in creation order."""
    return [mb for mb in state.data["mailboxes"].values() if mb.get("domainId") == domain_id]


def subscription_mailboxes(state: Any, subscription_id: str) -> list[dict[str, Any]]:
    """Every mailbox of a subscription (its workspace), in creation order."""
    return [mb for mb in state.data["mailboxes"].values() if mb.get("subscriptionId") == subscription_id]


def live_subscription(state: Any, domain_id: str) -> dict[str, Any] | None:
    """The domain's subscription that still runs (ACTIVE, RENEWING or PAST_DUE), if any."""
    for sub in state.data["subscriptions"].values():
        if sub.get("domainId") == domain_id and sub.get("subscriptionStatus") in LIVE_SUBSCRIPTION_STATUSES:
            return sub
    return None


def workspace_providers(state: Any, name: str) -> list[str]:
    """Providers holding a workspace for ``name``: the fixed conflict names plus live ones here."""
    providers = set(catalog.workspace_conflicts(name))
    domain = find_domain(state, name)
    if domain is not None:
        sub = live_subscription(state, domain["domainId"])
        if sub is not None:
            providers.add(sub.get("serviceProvider", "GOOGLE"))
    return sorted(providers)


# -- views --------------------------------------------------------------------------------------

def domain_view(state: Any, domain: dict[str, Any]) -> dict[str, Any]:
    """The Domain schema (plus inferred read fields clientId/appName)."""
    del state  # same signature as the other views; nothing to join
    return public(domain)


def mailbox_view(state: Any, mailbox: dict[str, Any], credentials: bool = False) -> dict[str, Any]:
    """The Mailbox schema; credentials only when asked (admin details)."""
    view = public(mailbox)
    sub = state.data["subscriptions"].get(mailbox.get("subscriptionId") or "")
    if sub is not None:
        view["expiryDate"] = sub.get("periodEnd")
    if not credentials:
        for key in MAILBOX_SECRETS:
            view.pop(key, None)
    return view


def subscription_view(state: Any, sub: dict[str, Any]) -> dict[str, Any]:
    """The Subscription schema (plus inferred ``domainId``, ``createdAt``)."""
    del state
    return public(sub)


# -- creation -----------------------------------------------------------------------------------

def new_credentials() -> dict[str, str]:
    """Mailbox credentials as a provider would hand them out."""
    alphabet = string.ascii_letters + string.digits
    return {
        "password": "".join(secrets.choice(alphabet) for dummy in range(14)) + "!1",
        "appPassword": "".join(secrets.choice(string.ascii_lowercase) for dummy in range(16)),
        "authenticatorSecret": "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for dummy in range(32)),
    }


def new_subscription(state: Any, domain: dict[str, Any], provider: str, quantity: int, auto_renew: bool) -> dict[str, Any]:
    """Store a fresh monthly subscription (ACTIVE, one-month period from now) for ``domain``."""
    now = state.now()
    sub = {
        "subscriptionId": state.new_id(),
        "subscriptionStatus": "ACTIVE",
        "totalMailboxQuantity": quantity,
        "billingCycle": "MONTHLY",
        "pricePerMailbox": catalog.MAILBOX_PRICE,
        "periodStart": state.iso(now),
        "periodEnd": state.iso(add_months(now, 1)),
        "serviceProvider": provider,
        "autoRenew": auto_renew,
        "userId": domain["userId"],
        "domain": domain["domainName"],
        "domainId": domain["domainId"],
        "createdAt": state.iso(now),
        "_periods": 1,
    }
    state.data["subscriptions"][sub["subscriptionId"]] = sub
    domain["subscriptionId"] = sub["subscriptionId"]
    return sub


def new_mailbox(state: Any, domain: dict[str, Any], sub: dict[str, Any], spec: dict[str, Any], order_id: str) -> dict[str, Any]:
    """Store a mailbox in IN_PROGRESS (provisioning starts) from an order's mailbox spec."""
    username = spec["username"].lower()
    mailbox = {
        "mailboxId": state.new_id(),
        "email": f"{username}@{domain['domainName']}",
        "username": username,
        "firstName": spec["firstName"],
        "lastName": spec["lastName"],
        "profilePicture": spec.get("profilePicture"),
        "status": "IN_PROGRESS",
        "serviceProvider": sub["serviceProvider"],
        "domain": domain["domainName"],
        "domainId": domain["domainId"],
        "subscriptionId": sub["subscriptionId"],
        "userId": domain["userId"],
        "warmupStatus": None,
        "warmupSettings": None,
        "isAdmin": False,
        "expiryDate": sub["periodEnd"],
        "createdAt": state.iso(),
        "orderId": order_id,
        "exportStatus": None,
        "exportedAt": None,
        "platformExports": [],
        "_onWarmup": bool(spec.get("onWarmup", False)),
    }
    state.data["mailboxes"][mailbox["mailboxId"]] = mailbox
    return mailbox


def warmup_event(state: Any, mailbox: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Data of the mailbox.warmup.* webhooks."""
    data = {
        "userId": mailbox.get("userId"), "userEmail": user_email(state, mailbox.get("userId", "")),
        "mailboxId": mailbox["mailboxId"], "email": mailbox["email"], "domain": mailbox["domain"],
        "workspaceType": mailbox.get("serviceProvider"),
    }
    data.update(extra)
    return data


def start_warmup_later(state: Any, mailbox_ids: list[str], action_id: str | None = None) -> None:
    """Warmup PENDING → ACTIVE after the delay (mailbox.warmup.started)."""
    def start() -> None:
        for mailbox_id in mailbox_ids:
            mailbox = state.data["mailboxes"].get(mailbox_id)
            if mailbox is not None and mailbox.get("warmupStatus") == "PENDING":
                mailbox["warmupStatus"] = "ACTIVE"
                state.emit("mailbox.warmup.started", warmup_event(state, mailbox, actionId=action_id))

    state.later(start, 1.0)


# -- workspace deletion -------------------------------------------------------------------------

def subscription_event(state: Any, sub: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Data of the subscription.* webhooks."""
    data = {
        "userId": sub.get("userId"),
        "userEmail": user_email(state, sub.get("userId", "")),
        "subscriptionId": sub["subscriptionId"],
        "workspaceType": sub.get("serviceProvider"),
        "quantity": sub.get("totalMailboxQuantity", 0),
        "domain": sub.get("domain"),
    }
    data.update(extra)
    return data


def cancel_subscription(state: Any, sub: dict[str, Any], action_id: str | None = None) -> None:
    """Mark ``sub`` CANCELLED now and delete its workspace (its mailboxes) after the delay."""
    sub["subscriptionStatus"] = "CANCELLED"
    sub["cancelledAt"] = state.iso()
    domain = state.data["domains"].get(sub.get("domainId") or "")
    if domain is not None and domain.get("subscriptionId") == sub["subscriptionId"]:
        domain["subscriptionId"] = None
    state.emit("subscription.cancelled", subscription_event(state, sub, actionId=action_id))
    subscription_id = sub["subscriptionId"]

    def delete_workspace() -> None:
        for mailbox in subscription_mailboxes(state, subscription_id):
            del state.data["mailboxes"][mailbox["mailboxId"]]
        current = state.data["subscriptions"].get(subscription_id)
        if current is not None:
            current["totalMailboxQuantity"] = 0

    state.later(delete_workspace, 1.0)


def remove_mailbox_now(state: Any, mailbox_id: str) -> None:
    """Delete a mailbox; the last one of a workspace takes the workspace (subscription) along."""
    mailbox = state.data["mailboxes"].pop(mailbox_id, None)
    if mailbox is None:
        return
    sub = state.data["subscriptions"].get(mailbox.get("subscriptionId") or "")
    if sub is None:
        return
    sub["totalMailboxQuantity"] = max(0, sub.get("totalMailboxQuantity", 1) - 1)
    if not subscription_mailboxes(state, sub["subscriptionId"]) and sub["subscriptionStatus"] != "CANCELLED":
        cancel_subscription(state, sub)


# -- date-driven transitions (POST /_sim/clock) ---------------------------------------------------

def domain_date_status(state: Any, domain: dict[str, Any]) -> str:
    """ACTIVE before expiry, GRACE_PERIOD for 7 days after it, EXPIRED afterwards."""
    expiry = state.parse_iso(domain["expiryDate"])
    now = state.now()
    if now < expiry:
        return "ACTIVE"
    if now < expiry + catalog.DOMAIN_GRACE_DAYS * DAY:
        return "GRACE_PERIOD"
    return "EXPIRED"


def domain_renewable(state: Any, domain: dict[str, Any]) -> tuple[bool, str]:
    """Whether the domain is inside its renewal window, and why not when it is not."""
    status = domain.get("status")
    if status == "GRACE_PERIOD":
        return True, ""
    if status != "ACTIVE":
        return False, f"Domain {domain['domainName']} is {status} and cannot be renewed"
    opens = state.parse_iso(domain["expiryDate"]) - catalog.DOMAIN_RENEWAL_WINDOW_DAYS * DAY
    if state.now() >= opens:
        return True, ""
    return False, (f"Domain {domain['domainName']} is not yet eligible for renewal: the renewal window opens "
                   f"{catalog.DOMAIN_RENEWAL_WINDOW_DAYS} days before expiry, on {state.iso(opens)}")


def domain_event(state: Any, domain: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Data of the domain.* webhooks (DomainEventData)."""
    data = {
        "userId": domain.get("userId"),
        "userEmail": user_email(state, domain.get("userId", "")),
        "domainId": domain["domainId"],
        "domainName": domain["domainName"],
        "expiryDate": domain.get("expiryDate"),
    }
    data.update(extra)
    return data


def extend_domain(state: Any, domain: dict[str, Any], years: int) -> None:
    """Add ``years`` to the registrar expiry and recompute the status."""
    domain["expiryDate"] = state.iso(add_years(state.parse_iso(domain["expiryDate"]), years))
    domain["status"] = domain_date_status(state, domain)


def auto_renew_domain(state: Any, domain: dict[str, Any]) -> bool:
    """Renew an auto-renewing, eligible domain for a year when the wallet allows; False if not."""
    price = catalog.renewal_price(domain["domainName"]) or 0.0
    if not state.can_afford(price):
        state.emit("domain.renewal.failed", domain_event(state, domain, price=price, reason="Insufficient wallet balance"))
        return False
    state.debit(price)
    extend_domain(state, domain, 1)
    state.emit("domain.renewal.success", domain_event(state, domain, price=price))
    return True


def refresh_domain(state: Any, domain: dict[str, Any]) -> None:
    """Apply expiry → GRACE_PERIOD → EXPIRED (and auto-renew) from the stored dates."""
    if domain.get("status") in STICKY_DOMAIN_STATUSES or not domain.get("expiryDate"):
        return
    for dummy in range(MAX_CATCH_UP_PERIODS):
        before = domain.get("status")
        domain["status"] = domain_date_status(state, domain)
        if domain["status"] != before and domain["status"] == "GRACE_PERIOD":
            state.emit("domain.grace_period", domain_event(state, domain))
        if domain["status"] != before and domain["status"] == "EXPIRED":
            state.emit("domain.expired", domain_event(state, domain))
        eligible, _why = domain_renewable(state, domain)
        if not (domain.get("autoRenew") and eligible) or not auto_renew_domain(state, domain):
            return


def renewal_block(state: Any, sub: dict[str, Any]) -> str | None:
    """Why ``sub`` cannot renew now (domain in GRACE_PERIOD/EXPIRED or gone), else None."""
    domain = state.data["domains"].get(sub.get("domainId") or "")
    if domain is None:
        return f"Domain {sub.get('domain')} no longer exists"
    if domain.get("status") in ("GRACE_PERIOD", "EXPIRED"):
        return f"Domain {domain['domainName']} is {domain['status']}; renew the domain first"
    return None


def next_period_price(sub: dict[str, Any]) -> float:
    """Price per mailbox of the next period: the 13th period onwards costs the 1+ year tier (docs/developer/API.md#prices).

    Periods are counted (``_periods``) rather than derived from dates: ``/_sim/clock`` shifts
    dates by days, so calendar-month arithmetic on shifted dates drifts by a few days a year.
    """
    if sub.get("pricePerMailbox") == catalog.MAILBOX_PRICE and sub.get("_periods", 1) >= 12:
        return catalog.MAILBOX_PRICE_AFTER_12_MONTHS
    return sub["pricePerMailbox"]


def subscription_renewal_cost(sub: dict[str, Any]) -> float:
    """What renewing ``sub`` for one period costs now."""
    return catalog.money(sub.get("totalMailboxQuantity", 0) * next_period_price(sub))


def renew_subscription_period(state: Any, sub: dict[str, Any], start: dt.datetime, charge: bool = True) -> float:
    """Start the next period at ``start`` (charging it unless already paid); returns the price.

    The renewal that crosses 12 months of activity moves the price to the 1+ year tier
    (docs/developer/API.md#prices) and emits ``subscription.updated`` once.
    """
    amount = subscription_renewal_cost(sub)
    if charge:
        state.debit(amount)
    price = next_period_price(sub)
    if price != sub["pricePerMailbox"]:
        sub["pricePerMailbox"] = price
        state.emit("subscription.updated", subscription_event(state, sub, pricePerMailbox=price))
    sub["_periods"] = sub.get("_periods", 1) + 1
    sub["periodStart"] = state.iso(start)
    sub["periodEnd"] = state.iso(add_months(start, 1))
    sub["subscriptionStatus"] = "ACTIVE"
    for mailbox in subscription_mailboxes(state, sub["subscriptionId"]):
        mailbox["expiryDate"] = sub["periodEnd"]
        if mailbox.get("status") == "EXPIRED":
            mailbox["status"] = "ACTIVE"
    return amount


def try_auto_renew(state: Any, sub: dict[str, Any], start: dt.datetime) -> str | None:
    """Renew ``sub`` from ``start`` when possible; returns the failure reason otherwise."""
    reason = renewal_block(state, sub)
    if reason is None and not state.can_afford(subscription_renewal_cost(sub)):
        reason = "Insufficient wallet balance"
    if reason is not None:
        return reason
    state.emit("subscription.renewing", subscription_event(state, sub))
    renew_subscription_period(state, sub, start)
    state.emit("subscription.renewal.success", subscription_event(state, sub))
    return None


def expire_subscription(state: Any, sub: dict[str, Any]) -> None:
    """PAST_DUE past its grace: EXPIRED, and its mailboxes stop (EXPIRED)."""
    sub["subscriptionStatus"] = "EXPIRED"
    for mailbox in subscription_mailboxes(state, sub["subscriptionId"]):
        mailbox["status"] = "EXPIRED"
    state.emit("subscription.expired", subscription_event(state, sub))


def refresh_subscription(state: Any, sub: dict[str, Any]) -> None:
    """periodEnd passed → auto-renew (funds and domain allowing) or PAST_DUE; +7 days → EXPIRED."""
    for dummy in range(MAX_CATCH_UP_PERIODS):
        status = sub.get("subscriptionStatus")
        if status not in ("ACTIVE", "PAST_DUE"):
            return
        end = state.parse_iso(sub["periodEnd"])
        now = state.now()
        if now < end:
            return
        if status == "ACTIVE" or sub.get("autoRenew"):
            start = end if status == "ACTIVE" else now
            reason = try_auto_renew(state, sub, start) if sub.get("autoRenew") else "Auto-renew is off"
            if reason is None:
                continue
            if status == "ACTIVE":
                sub["subscriptionStatus"] = "PAST_DUE"
                if sub.get("autoRenew"):
                    state.emit("subscription.renewal.failed", subscription_event(state, sub, reason=reason))
                state.emit("subscription.past_due", subscription_event(state, sub, reason=reason))
        if now >= end + catalog.SUBSCRIPTION_GRACE_DAYS * DAY:
            expire_subscription(state, sub)
        return


@hook("clock")
def refresh_all(state: Any) -> None:
    """Apply every date-driven transition (domains first: they gate subscription renewals)."""
    for domain in list(state.data["domains"].values()):
        refresh_domain(state, domain)
    for sub in list(state.data["subscriptions"].values()):
        refresh_subscription(state, sub)
