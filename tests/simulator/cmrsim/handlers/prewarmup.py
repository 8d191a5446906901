"""Pre-warmed domain packages (docs/developer/API.md#pre-warmed-domains) and the sandbox pre-warmup flow (#sandbox).

The inventory is seeded from ``catalog.PREWARMUP_DOMAINS`` on first use after a reset.  Buying a
package charges its ``purchasePrice``, takes it out of the inventory at once and, after the
delay, gives the user an ACTIVE domain, a subscription and ACTIVE, already warming
mailboxes (``prewarmup.order.success`` carries their credentials).  A package in
``catalog.PREWARMUP_FAILING_DOMAINS`` fails at delivery (a partial failure of a multi-domain
order): its price is refunded, it is offered again and ``prewarmup.order.failed`` names it.

The sandbox endpoints sell the four documented sandbox domains for $0 and only record
their orders under ``sandbox`` (no production objects); ``scenario`` picks the outcome.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, paginate, route, text
from cmrsim.handlers.orders import GOOGLE
from cmrsim.lifecycle import add_years, domain_name, new_credentials, new_mailbox, new_subscription, nonempty_list, user_email

PROVIDERS = ("GOOGLE", "MICROSOFT")
ORDER_FIELDS = {
    vol.Optional("userId"): str,
    vol.Required("order"): nonempty_list({vol.Required("domain"): domain_name, vol.Optional("forwardTo"): vol.Any(None, str)}),
    vol.Required("serviceProvider"): vol.In(PROVIDERS),
    vol.Optional("google"): vol.Any(None, GOOGLE),
    vol.Optional("microsoftOauthRoute"): vol.Any(None, text),
    vol.Optional("autoRenew"): boolean,
}
ORDER = vol.Schema(ORDER_FIELDS)
SANDBOX_ORDER = vol.Schema({**ORDER_FIELDS, vol.Optional("scenario"): vol.Any(None, str)})


def package(name: str, provider: str, created_at: str, purchase: float, renewal: float) -> dict[str, Any]:
    """One inventory item: a domain with three pre-warmed mailboxes."""
    return {
        "domain": name,
        "serviceProvider": provider,
        "preWarmedUpMailboxes": [{"email": f"{user}@{name}", "firstName": first, "lastName": last, "createdAt": created_at}
                                 for user, first, last in catalog.PREWARMUP_PEOPLE],
        "purchasePrice": purchase,
        "renewalPrice": renewal,
    }


def inventory(state: Any) -> dict[str, dict[str, Any]]:
    """The packages for sale, seeded from the catalog on first use after a reset.

    Seeding lazily (rather than in a reset hook) keeps a freshly reset state empty; once any
    package has been ordered an empty inventory means "sold out" and is not refilled.
    """
    stock = state.data["prewarmup_inventory"]
    if not stock and not state.data["prewarmup_orders"]:
        stock.update({name: package(name, provider, catalog.PREWARMUP_CREATED_AT, catalog.PREWARMUP_PURCHASE_PRICE,
                                    catalog.PREWARMUP_RENEWAL_PRICE) for name, provider in catalog.PREWARMUP_DOMAINS})
    return stock


def inventory_reply(ctx: Ctx, items: list[dict[str, Any]], message: str) -> Reply:
    """Filter by serviceProvider/contains and paginate into the documented inventory shape."""
    provider = ctx.query.get("serviceProvider")
    if provider and provider not in PROVIDERS:
        raise ApiError(400, "serviceProvider: must be GOOGLE or MICROSOFT")
    contains = ctx.query.get("contains", "").lower()
    found = [item for item in items if provider in (None, "", item["serviceProvider"]) and contains in item["domain"]]
    page, pagination = paginate(found, ctx.query)
    data = {
        "inventory": page,
        "currentPage": pagination["currentPage"],
        "totalPages": pagination["totalPages"],
        "totalDomains": len(found),
        "totalMailboxes": sum(len(item["preWarmedUpMailboxes"]) for item in found),
    }
    return Reply(data=data, message=message)


@route("GET", "/pre-warmup")
def list_inventory(ctx: Ctx) -> Reply:
    """Packages for sale, filtered and paginated."""
    items = list(inventory(ctx.state).values())
    return inventory_reply(ctx, items, "Pre-warmed up domains fetched successfully")


@route("POST", "/pre-warmup/order")
def order_prewarmup(ctx: Ctx) -> Reply:
    """Buy packages (all or none): 402 when short, 201 when queued."""
    body = ctx.validate(ORDER)
    user = ctx.user(source="either")
    stock = inventory(ctx.state)
    items = []
    for index, entry in enumerate(body["order"]):
        item = stock.get(entry["domain"])
        if item is None:
            raise ApiError(404, f"order[{index}].domain: {entry['domain']} is not in the pre-warmup inventory")
        if item["serviceProvider"] != body["serviceProvider"]:
            raise ApiError(422, f"order[{index}].domain: {entry['domain']} is a {item['serviceProvider']} package")
        if item in items:
            raise ApiError(400, f"order[{index}].domain: {entry['domain']} is listed twice")
        items.append(item)
    total = catalog.money(sum(item["purchasePrice"] for item in items))
    if not ctx.state.can_afford(total):
        raise ApiError(402, f"Insufficient wallet balance: the order costs {catalog.price_string(total)} USD, "
                            f"the wallet holds {catalog.price_string(ctx.state.wallet)} USD")
    ctx.state.debit(total)
    action_id = ctx.state.action_id()
    order = {"orderId": ctx.state.new_id(), "userId": user["userId"], "status": "QUEUED", "serviceProvider": body["serviceProvider"],
             "domains": [dict(entry) for entry in body["order"]], "totalPrice": total, "createdAt": ctx.state.iso(), "actionId": action_id,
             "autoRenew": body.get("autoRenew", True), "_packages": [dict(item) for item in items]}
    for item in items:
        del stock[item["domain"]]
    ctx.state.data["prewarmup_orders"][order["orderId"]] = order
    ctx.state.later(lambda: deliver(ctx, order["orderId"], body.get("google")), 1.0)
    return Reply(data={"orderId": order["orderId"]}, status=201, message="Pre-warmup order created and queued", action_id=action_id)


def deliver(ctx: Ctx, order_id: str, google: dict[str, Any] | None) -> None:
    """Assign the packages: domain, subscription and ACTIVE warming mailboxes per package."""
    state = ctx.state
    order = state.data["prewarmup_orders"].get(order_id)
    if order is None:
        return
    details, failed = [], []
    forward = {entry["domain"]: entry.get("forwardTo") for entry in order["domains"]}
    for item in order.pop("_packages", []):
        if item["domain"] in catalog.PREWARMUP_FAILING_DOMAINS:
            failed.append(fail_package(ctx, order, item))
            continue
        domain = assign_domain(ctx, order, item["domain"], forward.get(item["domain"]), google)
        sub = new_subscription(state, domain, order["serviceProvider"], len(item["preWarmedUpMailboxes"]), order["autoRenew"])
        mailboxes = [assign_mailbox(ctx, domain, sub, person, order_id) for person in item["preWarmedUpMailboxes"]]
        details.append({"domain": domain["domainName"], "subscriptionId": sub["subscriptionId"], "preWarmedUpMailboxes": mailboxes})
    order["status"] = "FAILED" if not details else "PARTIALLY_COMPLETED" if failed else "COMPLETED"
    order["failedDomains"] = failed
    base = {"userId": order["userId"], "userEmail": user_email(state, order["userId"]), "orderId": order_id,
            "serviceProvider": order["serviceProvider"], "actionId": order["actionId"]}
    if failed:
        state.emit("prewarmup.order.failed", {**base, "failedDomains": failed})
    if details:
        state.emit("prewarmup.order.success", {**base, "mailboxDetails": details})


def fail_package(ctx: Ctx, order: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A package that cannot be assigned (no pool available): refunded and offered again."""
    ctx.state.credit(item["purchasePrice"])
    order["totalPrice"] = catalog.money(order["totalPrice"] - item["purchasePrice"])
    inventory(ctx.state)[item["domain"]] = item
    return {"domain": item["domain"], "reason": catalog.PREWARMUP_FAILING_DOMAINS[item["domain"]]}


def assign_domain(ctx: Ctx, order: dict[str, Any], name: str, forward_to: str | None, google: dict[str, Any] | None) -> dict[str, Any]:
    """The bought package's domain: ACTIVE for a year, purchaseType PREWARMUP."""
    state = ctx.state
    now = state.now()
    domain = {
        "domainId": state.new_id(), "domainName": name, "status": "ACTIVE", "creationTime": state.iso(now),
        "expiryDate": state.iso(add_years(now, 1)), "purchaseType": "PREWARMUP", "serviceProvider": order["serviceProvider"],
        "autoRenew": False, "domainProtection": True, "emailForwarding": None, "subscriptionId": None, "userId": order["userId"],
        "domainForwarding": {"forwardTo": forward_to, "maskForwarding": False} if forward_to else None,
        "clientId": (google or {}).get("clientId"), "appName": (google or {}).get("appName"), "orderId": order["orderId"],
    }
    state.data["domains"][domain["domainId"]] = domain
    return domain


def assign_mailbox(ctx: Ctx, domain: dict[str, Any], sub: dict[str, Any], person: dict[str, Any], order_id: str) -> dict[str, Any]:
    """An ACTIVE mailbox already warming; returns the webhook's PrewarmedMailbox view."""
    spec = {"username": person["email"].split("@", 1)[0], "firstName": person["firstName"], "lastName": person["lastName"]}
    mailbox = new_mailbox(ctx.state, domain, sub, spec, order_id)
    mailbox.pop("_onWarmup", None)
    mailbox.update(status="ACTIVE", warmupStatus="ACTIVE", warmingUpFrom=person["createdAt"], **new_credentials())
    return {key: mailbox.get(key) for key in ("mailboxId", "email", "firstName", "lastName", "profilePicture", "password", "appPassword",
                                              "authenticatorSecret", "isAdmin", "warmingUpFrom", "expiryDate")}


# -- sandbox ------------------------------------------------------------------------------------------

def sandbox_assigned(ctx: Ctx) -> set[str]:
    """Sandbox domains handed out by orders not yet wiped by a reset."""
    return {name for order in ctx.state.data["sandbox"].values() for name in order.get("assignedDomains", [])}


@route("GET", "/sandbox/pre-warmup")
def list_sandbox(ctx: Ctx) -> Reply:
    """Sandbox domains still available (all four after a reset)."""
    taken = sandbox_assigned(ctx)
    items = [package(name, provider, catalog.PREWARMUP_CREATED_AT, 0, 0) for name, provider in catalog.SANDBOX_DOMAINS if name not in taken]
    return inventory_reply(ctx, items, "Sandbox pre-warmed up domains fetched successfully")


@route("POST", "/sandbox/pre-warmup/order")
def order_sandbox(ctx: Ctx) -> Reply:
    """$0 order of sandbox domains; scenario success | full_failure | partial_failure (unknown → success)."""
    body = ctx.validate(SANDBOX_ORDER)
    known = dict(catalog.SANDBOX_DOMAINS)
    taken = sandbox_assigned(ctx)
    names = [entry["domain"] for entry in body["order"]]
    for index, name in enumerate(names):
        if name not in known:
            raise ApiError(404, f"order[{index}].domain: {name} is not a sandbox pre-warmup domain")
        if known[name] != body["serviceProvider"]:
            raise ApiError(422, f"order[{index}].domain: {name} is a {known[name]} domain")
        if name in taken or name in names[:index]:
            raise ApiError(409, f"order[{index}].domain: {name} is already assigned; reset the sandbox to reuse it")
    scenario = body.get("scenario") if body.get("scenario") in catalog.SANDBOX_SCENARIOS else "success"
    failed = names if scenario == "full_failure" else names[:1] if scenario == "partial_failure" else []
    action_id = ctx.state.action_id()
    order = {"orderId": ctx.state.new_id(), "userId": ctx.user_id(required=False, source="either"), "status": "QUEUED", "scenario": scenario,
             "serviceProvider": body["serviceProvider"], "domains": names, "failedDomains": failed,
             "assignedDomains": [n for n in names if n not in failed], "totalPrice": 0, "createdAt": ctx.state.iso(), "actionId": action_id}
    ctx.state.data["sandbox"][order["orderId"]] = order
    ctx.state.later(lambda: finish_sandbox(ctx, order["orderId"]), 1.0)
    return Reply(data={"orderId": order["orderId"]}, status=201, message="Sandbox pre-warmup order created and queued", action_id=action_id)


def finish_sandbox(ctx: Ctx, order_id: str) -> None:
    """Emit the scenario's webhooks and close the sandbox order."""
    state = ctx.state
    order = state.data["sandbox"].get(order_id)
    if order is None:
        return
    base = {"userId": order["userId"], "userEmail": user_email(state, order["userId"] or ""), "orderId": order_id,
            "serviceProvider": order["serviceProvider"], "actionId": order["actionId"]}
    if order["failedDomains"]:
        state.emit("prewarmup.order.failed", {**base, "failedDomains": [
            {"domain": name, "reason": f"Simulated failure (scenario {order['scenario']})"} for name in order["failedDomains"]]})
    if order["assignedDomains"]:
        details = [{"domain": name, "subscriptionId": state.new_id(), "preWarmedUpMailboxes": [
            {"mailboxId": state.new_id(), "email": f"{user}@{name}", "firstName": first, "lastName": last, "profilePicture": None,
             "isAdmin": False, "warmingUpFrom": catalog.PREWARMUP_CREATED_AT, "expiryDate": None, **new_credentials()}
            for user, first, last in catalog.PREWARMUP_PEOPLE]} for name in order["assignedDomains"]]
        state.emit("prewarmup.order.success", {**base, "mailboxDetails": details})
    order["status"] = {"success": "COMPLETED", "full_failure": "FAILED"}.get(order["scenario"], "PARTIALLY_COMPLETED")


@route("POST", "/sandbox/pre-warmup/reset")
@route("DELETE", "/sandbox/pre-warmup/reset")
def reset_sandbox(ctx: Ctx) -> Reply:
    """Wipe the caller's sandbox pre-warmup orders (all of them without a userId)."""
    user_id = ctx.user_id(required=False, source="either")
    removed = [oid for oid, order in ctx.state.data["sandbox"].items() if user_id in (None, order.get("userId"))]
    for order_id in removed:
        del ctx.state.data["sandbox"][order_id]
    return Reply(data={"removedOrders": len(removed)}, message="Sandbox pre-warmup data reset successfully")
