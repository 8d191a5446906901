"""Orders: register domains with their mailboxes, add mailboxes, process, status (docs/developer/API.md#orders).

An accepted order is charged at once and lists its domains (PENDING) and mailboxes
(IN_PROGRESS) immediately; after the async delay the domains become ACTIVE and the
mailboxes go CREATING_PASSWORD → ACTIVE while the order goes QUEUED → PROCESSING →
COMPLETED.  ``confirm: false`` records an UNCONFIRMED order that registers and charges
nothing until ``POST /orders/process``.  Cost = Σ domain price × years + mailboxes × 3.00.
"""

from __future__ import annotations

import json
import re
from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, route, text
from cmrsim.lifecycle import (add_years, domain_name, find_domain, integer, live_subscription, new_credentials, new_mailbox, new_subscription,
                              nonempty_list, public, start_warmup_later, user_email, workspace_providers)

PROVIDER = vol.In(["GOOGLE", "MICROSOFT"])
_USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$", re.IGNORECASE)
_EMAIL_IN_NAME_RE = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def username(value: Any) -> str:
    """Validator: the local part of a mailbox address."""
    if not isinstance(value, str) or not _USERNAME_RE.match(value):
        raise vol.Invalid("expected a mailbox user name (letters, digits, '.', '_' or '-')")
    return value.lower()


MAILBOX_SPEC = vol.Schema({
    vol.Required("username"): username,
    vol.Required("firstName"): text,
    vol.Required("lastName"): text,
    vol.Optional("profilePicture"): vol.Any(None, str),
    vol.Optional("onWarmup"): boolean,
})
GOOGLE = vol.Schema({
    vol.Optional("googleOauthRoute"): vol.Any(None, str),
    vol.Optional("clientId"): vol.Any(None, str, int),  # typed as a number on one page (docs/developer/API.md#client-id-type)
    vol.Optional("appName"): vol.Any(None, str),
})


def mailboxes_by_domain(value: Any) -> dict[str, list[dict[str, Any]]]:
    """Validator: ``{"<domain name>": [MailboxSpec, …]}`` with unique user names per domain."""
    if not isinstance(value, dict):
        raise vol.Invalid("expected an object keyed by domain name")
    out: dict[str, list[dict[str, Any]]] = {}
    for key, specs in value.items():
        try:
            name = domain_name(key)
        except vol.Invalid as err:
            raise vol.Invalid(err.msg, path=[key]) from None
        try:
            specs = vol.Schema([MAILBOX_SPEC])(specs)
        except vol.MultipleInvalid as err:
            raise vol.Invalid(err.errors[0].msg, path=[key, *err.errors[0].path]) from None
        seen: set[str] = set()
        for index, spec in enumerate(specs):
            if spec["username"] in seen:
                raise vol.Invalid(f"user name {spec['username']!r} is listed twice", path=[key, index, "username"])
            seen.add(spec["username"])
        out[name] = out.get(name, []) + specs
    return out


COMMON = {
    vol.Optional("userId"): str,
    vol.Required("mailboxes"): mailboxes_by_domain,
    vol.Optional("billingCycle"): vol.In(["MONTHLY"]),
    vol.Optional("confirm"): boolean,
    vol.Optional("serviceProvider"): PROVIDER,
    vol.Optional("microsoftOauthRoute"): vol.Any(None, str),
    vol.Optional("google"): vol.Any(None, GOOGLE),
    vol.Optional("autoRenew"): boolean,
}
DOMAIN_SPEC = {
    vol.Required("domain"): domain_name,
    vol.Required("years"): integer(1, 10),
    vol.Optional("forwardTo"): vol.Any(None, str),
    vol.Optional("maskForwarding"): boolean,
}
DOMAIN_ORDER = vol.Schema({vol.Required("domains"): nonempty_list(DOMAIN_SPEC), **COMMON})
MAILBOX_ORDER = vol.Schema({vol.Optional("subscriptionId"): text, vol.Optional("domainId"): text, **COMMON})
PROCESS = vol.Schema({vol.Optional("userId"): str, vol.Required("orderId"): text})


# -- reads ------------------------------------------------------------------------------------------

def order_view(order: dict[str, Any]) -> dict[str, Any]:
    """The Order schema without internal bookkeeping."""
    return public(order)


def owned_order(ctx: Ctx, order_id: str | None) -> dict[str, Any]:
    """An order of the request user (400 without id, 404 unknown, 403 another user's)."""
    user = ctx.user(source="either")
    if not order_id:
        raise ApiError(400, "orderId must be provided")
    return ctx.state.check_owner(ctx.state.data["orders"].get(order_id), user["userId"], "order")


@route("GET", "/orders/status")
def order_status(ctx: Ctx) -> Reply:
    """``{orderId, status}`` of an order."""
    order = owned_order(ctx, ctx.query.get("orderId"))
    return Reply(data={"orderId": order["orderId"], "status": order["status"]}, message="Order status fetched successfully")


@route("GET", "/orders/details")
def order_details(ctx: Ctx) -> Reply:
    """The whole order."""
    order = owned_order(ctx, ctx.query.get("orderId"))
    return Reply(data=order_view(order), message="Order details fetched successfully")


# -- creating orders --------------------------------------------------------------------------------

@route("POST", "/orders/json")
def create_order_json(ctx: Ctx) -> Reply:
    """Register new domains with their mailboxes (JSON body)."""
    return create_domain_order(ctx, ctx.validate(DOMAIN_ORDER))


@route("POST", "/orders")
def create_order_multipart(ctx: Ctx) -> Reply:
    """Multipart Create Order: JSON-in-form fields; a JSON body is accepted too."""
    body, pictures = form_body(ctx, json_fields=("domains", "mailboxes", "google"))
    ctx.body = body
    return create_domain_order(ctx, ctx.validate(DOMAIN_ORDER), pictures)


@route("POST", "/orders/create-mailbox-order/json")
def create_mailbox_order_json(ctx: Ctx) -> Reply:
    """Add mailboxes to a domain the user owns (JSON body)."""
    return create_mailbox_order(ctx, ctx.validate(MAILBOX_ORDER))


@route("POST", "/orders/create-mailbox-order")
def create_mailbox_order_multipart(ctx: Ctx) -> Reply:
    """Deprecated multipart variant: ``subscriptionId`` only, Google mailboxes only."""
    body, pictures = form_body(ctx, json_fields=("mailboxes", "google"))
    ctx.body = body
    body = ctx.validate(MAILBOX_ORDER)
    if not body.get("subscriptionId"):
        raise ApiError(400, "subscriptionId: required key not provided")
    sub = ctx.state.data["subscriptions"].get(body["subscriptionId"])
    if sub is not None and sub.get("serviceProvider") != "GOOGLE":
        raise ApiError(422, "This deprecated endpoint adds Google mailboxes only; use /orders/create-mailbox-order/json")
    return create_mailbox_order(ctx, body, pictures)


def form_body(ctx: Ctx, json_fields: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn a multipart form into the JSON body shape, plus profile pictures by e-mail address."""
    if not ctx.headers.get("Content-Type", "").startswith("multipart/form-data"):
        return (ctx.body if isinstance(ctx.body, dict) else {}), {}
    body: dict[str, Any] = {}
    pictures: dict[str, str] = {}
    for name, value in ctx.form().items():
        if isinstance(value, bytes):  # a file part: files[alice@acme.com] (any name holding the address)
            match = _EMAIL_IN_NAME_RE.search(name)
            if match:
                pictures[match.group(0).lower()] = f"https://files.cmrsim.invalid/profile/{match.group(0).lower()}"
            continue
        body[name] = form_value(name, value, json_fields)
    return body, pictures


def form_value(name: str, value: str, json_fields: tuple[str, ...]) -> Any:
    """Decode one text field of a multipart order (JSON text, booleans as true/false)."""
    if name in json_fields:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"{name}: expected JSON text") from None
    if name in ("confirm", "autoRenew") or name.endswith("maskForwarding"):
        if value.strip().lower() not in ("true", "false"):
            raise ApiError(400, f"{name}: expected true or false")
        return value.strip().lower() == "true"
    return value


def create_domain_order(ctx: Ctx, body: dict[str, Any], pictures: dict[str, str] | None = None) -> Reply:
    """POST /orders/json (and multipart /orders): register new domains with their mailboxes."""
    user = ctx.user(source="either")
    provider = body.get("serviceProvider", "GOOGLE")
    if provider == "MICROSOFT" and not body.get("microsoftOauthRoute"):
        raise ApiError(400, "microsoftOauthRoute: required for MICROSOFT orders")
    names = [spec["domain"] for spec in body["domains"]]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ApiError(400, f"domains[{index}].domain: {name} is listed twice")
    for key in body["mailboxes"]:
        if key not in names:
            raise ApiError(400, f"mailboxes.{key}: not one of the ordered domains")
    order = new_order(ctx, user, body, "DOMAINS", pictures or {})
    order["domains"] = [dict(spec) for spec in body["domains"]]
    order["serviceProvider"] = provider
    return submit(ctx, order, body.get("confirm", True))


def create_mailbox_order(ctx: Ctx, body: dict[str, Any], pictures: dict[str, str] | None = None) -> Reply:
    """Mailboxes on an owned domain: ``subscriptionId`` (ACTIVE) XOR ``domainId`` (no live subscription)."""
    user = ctx.user(source="either")
    if bool(body.get("subscriptionId")) == bool(body.get("domainId")):
        raise ApiError(400, "Provide exactly one of subscriptionId or domainId (they are mutually exclusive)")
    if sum(len(specs) for specs in body["mailboxes"].values()) == 0:
        raise ApiError(400, "mailboxes: at least one mailbox is required")
    order = new_order(ctx, user, body, "MAILBOXES", pictures or {})
    order["domains"] = []
    order["subscriptionId"] = body.get("subscriptionId")
    order["domainId"] = body.get("domainId")
    mailbox_target(ctx, order)  # surface 403/404/422 at once, before anything is recorded
    return submit(ctx, order, body.get("confirm", True))


def new_order(ctx: Ctx, user: dict[str, Any], body: dict[str, Any], order_type: str, pictures: dict[str, str]) -> dict[str, Any]:
    """The order record (not stored yet)."""
    mailboxes = {name: [dict(spec) for spec in specs] for name, specs in body["mailboxes"].items()}
    for name, specs in mailboxes.items():
        for spec in specs:
            picture = pictures.get(f"{spec['username']}@{name}")
            if picture:
                spec["profilePicture"] = picture
    return {
        "orderId": ctx.state.new_id(),
        "userId": user["userId"],
        "orderType": order_type,
        "status": "UNCONFIRMED",
        "confirmed": False,
        "domains": [],
        "mailboxes": mailboxes,
        "serviceProvider": body.get("serviceProvider"),
        "billingCycle": "MONTHLY",
        "autoRenew": body.get("autoRenew", True),
        "google": body.get("google"),
        "microsoftOauthRoute": body.get("microsoftOauthRoute"),
        "totalPrice": 0.0,
        "unavailableDomains": [],
        "createdAt": ctx.state.iso(),
    }


def submit(ctx: Ctx, order: dict[str, Any], confirm: bool) -> Reply:
    """Check what can be had and price it; confirmed orders are paid and provisioned."""
    if order["orderType"] == "DOMAINS":
        trim_unavailable(ctx, order)
    order["totalPrice"] = order_cost(order)
    if not confirm:
        ctx.state.data["orders"][order["orderId"]] = order
        return Reply(data={"orderId": order["orderId"], "unavailableDomains": order["unavailableDomains"]},
                     message="Order created; it will not be processed or charged until it is confirmed")
    action_id = execute(ctx, order)
    return Reply(data={"orderId": order["orderId"], "unavailableDomains": order["unavailableDomains"]},
                 message="Order created and queued for processing", action_id=action_id)


@route("POST", "/orders/process")
def process_order(ctx: Ctx) -> Reply:
    """Process an UNCONFIRMED order once: re-check availability and funds, then charge it."""
    body = ctx.validate(PROCESS)
    order = owned_order(ctx, body["orderId"])
    if order["status"] != "UNCONFIRMED":
        raise ApiError(409, f"Order {order['orderId']} has already been processed (status {order['status']})")
    candidate = json.loads(json.dumps(order))  # work on a copy: a refusal must leave the order as it was
    if candidate["orderType"] == "DOMAINS":
        trim_unavailable(ctx, candidate)
    else:
        mailbox_target(ctx, candidate)
    candidate["totalPrice"] = order_cost(candidate)
    action_id = execute(ctx, candidate)
    return Reply(data={"orderId": order["orderId"], "unavailableDomains": candidate["unavailableDomains"]},
                 message="Order queued for processing", action_id=action_id)


# -- availability and price -------------------------------------------------------------------------

def unavailable_reason(ctx: Ctx, name: str, provider: str) -> str | None:
    """Why ``name`` cannot be registered for ``provider`` now, or None."""
    if catalog.registration_price(name) is None:
        return f".{catalog.tld(name)} domains are not sold"
    if catalog.is_taken(name) or find_domain(ctx.state, name) is not None:
        return "already registered"
    if provider in workspace_providers(ctx.state, name):
        return f"an existing {provider} workspace"
    return None


def trim_unavailable(ctx: Ctx, order: dict[str, Any]) -> None:
    """Move names that cannot be registered to ``unavailableDomains`` (with their mailboxes)."""
    provider = order.get("serviceProvider") or "GOOGLE"
    reasons = {spec["domain"]: unavailable_reason(ctx, spec["domain"], provider) for spec in order["domains"]}
    refused = [name for name, reason in reasons.items() if reason]
    if refused and len(refused) == len(reasons):
        detail = ", ".join(f"{name} ({reasons[name]})" for name in refused)
        raise ApiError(422, f"None of the requested domains can be ordered: {detail}", data={"unavailableDomains": refused})
    order["unavailableDomains"] = sorted(set(order.get("unavailableDomains", [])) | set(refused))
    order["domains"] = [spec for spec in order["domains"] if spec["domain"] not in refused]
    order["mailboxes"] = {name: specs for name, specs in order["mailboxes"].items() if name not in refused}


def order_cost(order: dict[str, Any]) -> float:
    """Σ registration price × years + mailboxes × MAILBOX_PRICE (the first month)."""
    domains = sum((catalog.registration_price(spec["domain"]) or 0.0) * spec["years"] for spec in order["domains"])
    mailboxes = sum(len(specs) for specs in order["mailboxes"].values())
    return catalog.money(domains + mailboxes * catalog.MAILBOX_PRICE)


def charge(ctx: Ctx, amount: float) -> None:
    """Debit the wallet or refuse synchronously with 402 (nothing recorded, nothing debited)."""
    if not ctx.state.can_afford(amount):
        raise ApiError(402, f"Insufficient wallet balance: the order costs {catalog.price_string(amount)} USD, "
                            f"the wallet holds {catalog.price_string(ctx.state.wallet)} USD")
    ctx.state.debit(amount)


# -- mailbox orders ---------------------------------------------------------------------------------

def mailbox_target(ctx: Ctx, order: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(domain, subscription or None) a mailbox order adds to; 403/404/409/422 when it cannot."""
    state = ctx.state
    if order.get("subscriptionId"):
        sub = state.check_owner(state.data["subscriptions"].get(order["subscriptionId"]), order["userId"], "subscription")
        if sub["subscriptionStatus"] != "ACTIVE":
            raise ApiError(422, f"Subscription {sub['subscriptionId']} is {sub['subscriptionStatus']}; mailboxes can only be added to an "
                                "ACTIVE subscription (for a cancelled one, order with domainId)")
        domain = state.check_owner(state.data["domains"].get(sub.get("domainId") or ""), order["userId"], "domain")
    else:
        sub = None
        domain = state.check_owner(state.data["domains"].get(order["domainId"]), order["userId"], "domain")
        if domain.get("status") != "ACTIVE":
            raise ApiError(422, f"Domain {domain['domainName']} is {domain.get('status')}; it must be ACTIVE")
        live = live_subscription(state, domain["domainId"])
        if live is not None:
            raise ApiError(422, f"Domain {domain['domainName']} has the {live['subscriptionStatus']} subscription "
                                f"{live['subscriptionId']}; order with subscriptionId instead")
    check_mailbox_names(ctx, order, domain)
    return domain, sub


def check_mailbox_names(ctx: Ctx, order: dict[str, Any], domain: dict[str, Any]) -> None:
    """Mailbox keys must be the target domain; user names must be new there (409)."""
    for key, specs in order["mailboxes"].items():
        if key != domain["domainName"]:
            raise ApiError(400, f"mailboxes.{key}: mailboxes can only be ordered for {domain['domainName']} here")
        existing = {mb["username"] for mb in ctx.state.data["mailboxes"].values() if mb.get("domainId") == domain["domainId"]}
        for spec in specs:
            if spec["username"] in existing:
                raise ApiError(409, f"Mailbox {spec['username']}@{key} already exists")


# -- execution and provisioning ---------------------------------------------------------------------

def execute(ctx: Ctx, order: dict[str, Any]) -> str:
    """Charge the order, record it with its domains/subscriptions/mailboxes, schedule provisioning."""
    target = mailbox_target(ctx, order) if order["orderType"] == "MAILBOXES" else None
    charge(ctx, order["totalPrice"])
    state = ctx.state
    order.update(status="QUEUED", confirmed=True, confirmedAt=state.iso())
    state.data["orders"][order["orderId"]] = order
    if target is None:
        register_domains(ctx, order)
    else:
        add_mailboxes(ctx, order, *target)
    action_id = state.action_id()
    order["actionId"] = action_id
    state.later(lambda: activate(ctx, order["orderId"], action_id), 1.0)
    state.later(lambda: complete(ctx, order["orderId"], action_id), 2.0)
    return action_id


def register_domains(ctx: Ctx, order: dict[str, Any]) -> None:
    """Domains PENDING, one subscription per domain with mailboxes, mailboxes IN_PROGRESS — at once."""
    state = ctx.state
    provider = order.get("serviceProvider") or "GOOGLE"
    order["serviceProvider"] = provider
    now = state.now()
    order["_domainIds"], order["_subscriptionIds"] = [], []
    for spec in order["domains"]:
        domain = {
            "domainId": state.new_id(), "domainName": spec["domain"], "status": "PENDING",
            "creationTime": state.iso(now), "expiryDate": state.iso(add_years(now, spec["years"])),
            "purchaseType": "REGISTRATION", "serviceProvider": provider, "autoRenew": False, "domainProtection": True,
            "domainForwarding": None, "emailForwarding": None, "subscriptionId": None, "userId": order["userId"],
            "clientId": None, "appName": None, "orderId": order["orderId"], "_years": spec["years"],
            "_forwarding": {"forwardTo": spec["forwardTo"], "maskForwarding": spec.get("maskForwarding", False)} if spec.get("forwardTo") else None,
        }
        state.data["domains"][domain["domainId"]] = domain
        order["_domainIds"].append(domain["domainId"])
        specs = order["mailboxes"].get(spec["domain"], [])
        if specs:
            sub = new_subscription(state, domain, provider, len(specs), order["autoRenew"])
            order["_subscriptionIds"].append(sub["subscriptionId"])
            for mailbox_spec in specs:
                new_mailbox(state, domain, sub, mailbox_spec, order["orderId"])


def add_mailboxes(ctx: Ctx, order: dict[str, Any], domain: dict[str, Any], sub: dict[str, Any] | None) -> None:
    """Mailboxes IN_PROGRESS on an existing subscription, or on a new one (domainId form)."""
    state = ctx.state
    specs = order["mailboxes"][domain["domainName"]]
    if sub is None:
        provider = order.get("serviceProvider") or domain.get("serviceProvider") or "GOOGLE"
        sub = new_subscription(state, domain, provider, len(specs), order["autoRenew"])
    else:
        sub["totalMailboxQuantity"] = sub.get("totalMailboxQuantity", 0) + len(specs)
    order["serviceProvider"] = sub["serviceProvider"]
    order["_domainIds"], order["_subscriptionIds"] = [], [sub["subscriptionId"]]
    order["subscriptionId"] = sub["subscriptionId"] if order.get("subscriptionId") else None
    order["newSubscriptionId"] = sub["subscriptionId"] if order.get("domainId") else None
    for spec in specs:
        new_mailbox(state, domain, sub, spec, order["orderId"])


def order_mailboxes(ctx: Ctx, order_id: str, subscription_id: str | None = None) -> list[dict[str, Any]]:
    """Mailboxes created by an order, optionally only those of one subscription."""
    return [mb for mb in ctx.state.data["mailboxes"].values()
            if mb.get("orderId") == order_id and subscription_id in (None, mb.get("subscriptionId"))]


def activate(ctx: Ctx, order_id: str, action_id: str) -> None:
    """First step: domains ACTIVE (domain.order.success), mailboxes CREATING_PASSWORD (mailbox.order.success)."""
    state = ctx.state
    order = state.data["orders"].get(order_id)
    if order is None:
        return
    order["status"] = "PROCESSING"
    for domain_id in order.get("_domainIds", []):
        activate_domain(ctx, order, domain_id, action_id)
    for subscription_id in order.get("_subscriptionIds", []):
        sub = state.data["subscriptions"].get(subscription_id)
        mailboxes = order_mailboxes(ctx, order_id, subscription_id)
        if sub is None or not mailboxes:
            continue
        for mailbox in mailboxes:
            if mailbox["status"] == "IN_PROGRESS":
                mailbox["status"] = "CREATING_PASSWORD"
        state.emit("mailbox.order.success", {
            "domainId": sub.get("domainId"), "domainName": sub.get("domain"), "userId": order["userId"],
            "userEmail": user_email(state, order["userId"]), "subscriptionId": subscription_id, "orderId": order_id,
            "workspaceType": sub.get("serviceProvider"), "creationTime": state.iso(), "expiryDate": sub.get("periodEnd"),
            "price": catalog.money(len(mailboxes) * catalog.MAILBOX_PRICE), "quantity": len(mailboxes), "actionId": action_id,
        })


def activate_domain(ctx: Ctx, order: dict[str, Any], domain_id: str, action_id: str) -> None:
    """Registration done: ACTIVE, expiry from now, forwarding applied, ``domain.order.success``."""
    state = ctx.state
    domain = state.data["domains"].get(domain_id)
    if domain is None or domain.get("status") != "PENDING":
        return
    now = state.now()
    years = domain.pop("_years", 1)
    domain.update(status="ACTIVE", creationTime=state.iso(now), expiryDate=state.iso(add_years(now, years)))
    forwarding = domain.pop("_forwarding", None)
    if forwarding:
        domain["domainForwarding"] = forwarding
    state.emit("domain.order.success", {
        "userId": order["userId"], "userEmail": user_email(state, order["userId"]), "orderId": order["orderId"],
        "domainId": domain_id, "domainName": domain["domainName"], "creationTime": domain["creationTime"],
        "expiryDate": domain["expiryDate"], "price": catalog.money((catalog.registration_price(domain["domainName"]) or 0.0) * years),
        "actionId": action_id,
    })


def complete(ctx: Ctx, order_id: str, action_id: str) -> None:
    """Second step: mailboxes ACTIVE with credentials (mailbox.created each); order COMPLETED."""
    state = ctx.state
    order = state.data["orders"].get(order_id)
    if order is None:
        return
    enrolled = []
    for mailbox in order_mailboxes(ctx, order_id):
        if mailbox["status"] not in ("IN_PROGRESS", "CREATING_PASSWORD"):
            continue
        mailbox.update(status="ACTIVE", **new_credentials())
        if mailbox.pop("_onWarmup", False):
            mailbox["warmupStatus"] = "PENDING"
            enrolled.append(mailbox["mailboxId"])
        state.emit("mailbox.created", {
            "userId": order["userId"], "userEmail": user_email(state, order["userId"]), "orderId": order_id,
            "mailboxId": mailbox["mailboxId"], "email": mailbox["email"], "domainId": mailbox["domainId"],
            "domainName": mailbox["domain"], "subscriptionId": mailbox["subscriptionId"], "firstName": mailbox["firstName"],
            "lastName": mailbox["lastName"], "password": mailbox["password"], "appPassword": mailbox["appPassword"],
            "authenticatorSecret": mailbox["authenticatorSecret"], "isAdmin": mailbox["isAdmin"],
            "workspaceType": mailbox["serviceProvider"], "actionId": action_id,
        })
    order["status"] = "COMPLETED"
    order["completedAt"] = state.iso()
    if enrolled:
        start_warmup_later(state, enrolled)
