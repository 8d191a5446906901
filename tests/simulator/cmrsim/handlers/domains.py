"""Domains: listing, details, availability, workspace checks, renewal, forwarding, removal.

See docs/developer/API.md#domains.  Domains are only registered through orders (orders.py); this area
reads and changes them.  Paths the public documentation does not show (suggest, available,
forwarding, email-forwarding, remove, details) follow the shapes ``openapi.yaml`` gives.
"""

from __future__ import annotations

import re
from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, email_address, paginate, route, text
from cmrsim.lifecycle import (cancel_subscription, domain_event, domain_mailboxes, domain_name, domain_renewable, domain_view, extend_domain,
                              find_domain, integer, live_subscription, nonempty_list, owned_domain, workspace_providers)

PROVIDER = vol.In(["GOOGLE", "MICROSOFT"])
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def url(value: Any) -> str:
    """Validator: an http(s) URL."""
    if not isinstance(value, str) or not _URL_RE.match(value):
        raise vol.Invalid("expected an http(s) URL")
    return value


DOMAIN_NAMES = vol.Schema({vol.Optional("userId"): str, vol.Required("domains"): nonempty_list(domain_name)})
RENEW = DOMAIN_NAMES.extend({vol.Optional("years"): integer(1, 10)})
AUTO_RENEW = DOMAIN_NAMES.extend({vol.Required("autoRenew"): boolean})
SUGGEST = vol.Schema({vol.Optional("userId"): str, vol.Required("domain"): text, vol.Optional("tlds"): [text]})
AVAILABLE = vol.Schema({vol.Optional("userId"): str, vol.Required("domain"): domain_name})
WORKSPACE_ITEM = {vol.Required("domainName"): domain_name, vol.Optional("serviceProvider"): vol.Any(None, PROVIDER)}
WORKSPACE_SINGLE = vol.Schema({vol.Optional("userId"): str, **WORKSPACE_ITEM})
WORKSPACE_BULK = vol.Schema({vol.Optional("userId"): str, vol.Required("domains"): nonempty_list(WORKSPACE_ITEM)})
FORWARDING = vol.Schema({
    vol.Optional("userId"): str, vol.Required("domain"): domain_name, vol.Required("forwardTo"): url,
    vol.Optional("maskForwarding"): boolean,
})
EMAIL_FORWARDING = vol.Schema({vol.Optional("userId"): str, vol.Required("domain"): domain_name, vol.Required("forwardTo"): email_address})
CLIENT_ID = DOMAIN_NAMES.extend({vol.Required("clientId"): text, vol.Required("appName"): text})
REMOVE = DOMAIN_NAMES


def user_domains(ctx: Ctx, names: list[str]) -> list[dict[str, Any]]:
    """The request user's domains called ``names`` (deduplicated; 404/403 per name)."""
    user = ctx.state.require_user(ctx.user_id(source="either"))
    return [owned_domain(ctx.state, user["userId"], name) for name in dict.fromkeys(names)]


def domain_of(ctx: Ctx, domain_id: str) -> dict[str, Any]:
    """Look a domain up again by id when scheduled work runs (state may have been replaced)."""
    return ctx.state.data["domains"].get(domain_id)


# -- reads ------------------------------------------------------------------------------------------

@route("GET", "/domains/by-user")
def domains_by_user(ctx: Ctx) -> Reply:
    """A user's domains; an unknown userId gives an empty list, not 404 (docs/developer/API.md#unknown-user-ids)."""
    user_id = ctx.user_id()
    domains = [domain_view(ctx.state, d) for d in ctx.state.owned_by("domains", user_id)]
    page, _pagination = paginate(domains, ctx.query)
    return Reply(data=page, message="Domains fetched successfully")


@route("GET", "/domains/details")
def domain_details(ctx: Ctx) -> Reply:
    """One domain by ``domainId`` (or, leniently, by ``domain`` name)."""
    user = ctx.user()
    domain_id, name = ctx.query.get("domainId"), ctx.query.get("domain")
    if domain_id:
        domain = ctx.state.check_owner(ctx.state.data["domains"].get(domain_id), user["userId"], "domain")
    elif name:
        domain = owned_domain(ctx.state, user["userId"], name)
    else:
        raise ApiError(400, "domainId must be provided")
    return Reply(data=domain_view(ctx.state, domain), message="Domain details fetched successfully")


@route("POST", "/domains/renewal-price")
def renewal_price(ctx: Ctx) -> Reply:
    """Renewal price per domain; ``renewalPrice`` is a string as documented."""
    body = ctx.validate(DOMAIN_NAMES)
    data = [{
        "domainName": d["domainName"],
        "domainId": d["domainId"],
        "years": 1,
        "renewalPrice": catalog.price_string(catalog.renewal_price(d["domainName"]) or 0.0),
        "expireOn": d.get("expiryDate"),
        "autoRenew": bool(d.get("autoRenew")),
    } for d in user_domains(ctx, body["domains"])]
    return Reply(data=data, message="Domain renewal prices fetched successfully")


# -- availability -----------------------------------------------------------------------------------

def availability(ctx: Ctx, name: str) -> dict[str, Any]:
    """DomainAvailability: free when the TLD is sold, the name is not taken and not registered here."""
    price = catalog.registration_price(name)
    available = price is not None and not catalog.is_taken(name) and find_domain(ctx.state, name) is None
    return {"domain": name, "available": available, "price": price}


@route("POST", "/domains/available")
def domain_available(ctx: Ctx) -> Reply:
    """Availability and registration price of one exact name."""
    body = ctx.validate(AVAILABLE)
    return Reply(data=availability(ctx, body["domain"]), message="Domain availability fetched successfully")


@route("POST", "/domains/suggest")
def domain_suggest(ctx: Ctx) -> Reply:
    """Available names built from the keyword with fixed patterns (deterministic)."""
    body = ctx.validate(SUGGEST)
    candidates = catalog.suggestion_candidates(body["domain"], body.get("tlds"))
    if catalog.is_valid_domain(body["domain"]):
        candidates.insert(0, catalog.normalize_domain(body["domain"]))
    results = []
    for name in dict.fromkeys(candidates):
        if not catalog.is_valid_domain(name):
            continue
        item = availability(ctx, name)
        if item["available"]:
            results.append(item)
        if len(results) >= catalog.SUGGESTION_LIMIT:
            break
    return Reply(data=results, message="Domain suggestions fetched successfully")


@route("POST", "/domains/has-workspace")
def has_workspace(ctx: Ctx) -> Reply:
    """Single form: 409 on a conflict, else 'Workspace not exists'. Bulk: one result per domain."""
    bulk = isinstance(ctx.body, dict) and "domains" in ctx.body
    body = ctx.validate(WORKSPACE_BULK if bulk else WORKSPACE_SINGLE)
    if not bulk:
        found = conflicts(ctx, body)
        if found:
            raise ApiError(409, f"Workspace already exists for {body['domainName']} ({', '.join(found)})")
        return Reply(data=None, message="Workspace not exists")
    results = []
    for item in body["domains"]:
        found = conflicts(ctx, item)
        result: dict[str, Any] = {"domainName": item["domainName"], "success": not found}
        if found:
            result["error"] = f"Workspace already exists ({', '.join(found)})"
        results.append(result)
    return Reply(data=results, message="Workspace check completed")


def conflicts(ctx: Ctx, item: dict[str, Any]) -> list[str]:
    """Providers with a workspace for the item's name, limited to the requested provider."""
    providers = workspace_providers(ctx.state, item["domainName"])
    wanted = item.get("serviceProvider")
    return [p for p in providers if wanted in (None, p)]


# -- renewal ----------------------------------------------------------------------------------------

@route("POST", "/domains/renew")
def renew_domains(ctx: Ctx) -> Reply:
    """Renew eligible domains (all or none); charged now, expiry extended after the delay."""
    body = ctx.validate(RENEW)
    years = body.get("years", 1)
    domains = user_domains(ctx, body["domains"])
    for domain in domains:
        eligible, why = domain_renewable(ctx.state, domain)
        if not eligible:
            raise ApiError(422, why)
    prices = {d["domainId"]: catalog.money((catalog.renewal_price(d["domainName"]) or 0.0) * years) for d in domains}
    ctx.state.debit(catalog.money(sum(prices.values())))
    action_id = ctx.state.action_id()
    for domain in domains:
        domain["status"] = "RENEWING"
        ctx.state.later(lambda domain_id=domain["domainId"]: finish_renewal(ctx, domain_id, years, prices[domain_id], action_id), 1.0)
    data = {"domains": [{"domainName": d["domainName"], "domainId": d["domainId"], "years": years,
                         "renewalPrice": catalog.price_string(prices[d["domainId"]])} for d in domains]}
    return Reply(data=data, message="Domain renewal initiated", action_id=action_id)


def finish_renewal(ctx: Ctx, domain_id: str, years: int, price: float, action_id: str) -> None:
    """Second half of a renewal: extend the expiry and report success."""
    domain = domain_of(ctx, domain_id)
    if domain is None:
        return
    domain["status"] = "ACTIVE"  # leave RENEWING so the dates decide again
    extend_domain(ctx.state, domain, years)
    ctx.state.emit("domain.renewal.success", domain_event(ctx.state, domain, price=price, actionId=action_id))


@route("PATCH", "/domains/toggle-auto-renew")
@route("POST", "/domains/toggle-auto-renew")
def toggle_auto_renew(ctx: Ctx) -> Reply:
    """Set an explicit auto-renew value (PATCH in the newer docs, POST in the older copy)."""
    body = ctx.validate(AUTO_RENEW)
    domains = user_domains(ctx, body["domains"])
    for domain in domains:
        domain["autoRenew"] = body["autoRenew"]
    word = "on" if body["autoRenew"] else "off"
    noun = "domain" if len(domains) == 1 else "domains"
    data = [{"domainName": d["domainName"], "domainId": d["domainId"], "autoRenew": d["autoRenew"]} for d in domains]
    return Reply(data=data, message=f"Auto-renew toggled {word} for {len(domains)} {noun}.")


# -- forwarding and OAuth client --------------------------------------------------------------------

def require_usable(domain: dict[str, Any]) -> None:
    """Forwarding needs a live registration (ACTIVE, or RENEWING which stays live)."""
    if domain.get("status") not in ("ACTIVE", "RENEWING"):
        raise ApiError(422, f"Domain {domain['domainName']} is {domain.get('status')}; it must be ACTIVE")


@route("POST", "/domains/forwarding")
def domain_forwarding(ctx: Ctx) -> Reply:
    """URL forwarding, applied after the delay (dns-record.updated)."""
    body = ctx.validate(FORWARDING)
    domain = user_domains(ctx, [body["domain"]])[0]
    require_usable(domain)
    setting = {"forwardTo": body["forwardTo"], "maskForwarding": body.get("maskForwarding", False)}
    return apply_later(ctx, domain["domainId"], "domainForwarding", setting, "Domain forwarding will be updated shortly")


@route("POST", "/domains/email-forwarding")
def email_forwarding(ctx: Ctx) -> Reply:
    """Catch-all e-mail forwarding; only when every mailbox of the domain is ACTIVE."""
    body = ctx.validate(EMAIL_FORWARDING)
    domain = user_domains(ctx, [body["domain"]])[0]
    require_usable(domain)
    waiting = [f"{mb['email']} ({mb['status']})" for mb in domain_mailboxes(ctx.state, domain["domainId"]) if mb.get("status") != "ACTIVE"]
    if waiting:
        raise ApiError(422, f"Email forwarding can only be configured when all mailboxes of {domain['domainName']} are ACTIVE; "
                            f"not ACTIVE yet: {', '.join(waiting)}")
    return apply_later(ctx, domain["domainId"], "emailForwarding", {"forwardTo": body["forwardTo"]}, "Email forwarding will be updated shortly")


def apply_later(ctx: Ctx, domain_id: str, field: str, value: dict[str, Any], message: str) -> Reply:
    """Store a forwarding setting after the delay and emit ``dns-record.updated``."""
    action_id = ctx.state.action_id()

    def apply() -> None:
        domain = domain_of(ctx, domain_id)
        if domain is None:
            return
        domain[field] = value
        ctx.state.emit("dns-record.updated", {"action": field, "domainName": domain["domainName"], "userId": domain["userId"],
                                              "record": value, "actionId": action_id})

    ctx.state.later(apply, 1.0)
    return Reply(data=None, message=message, action_id=action_id)


@route("POST", "/domains/add-client-id")
def add_client_id(ctx: Ctx) -> Reply:
    """Validate a Google OAuth client id, then attach it to the domains after the delay."""
    body = ctx.validate(CLIENT_ID)
    if not body["clientId"].endswith(catalog.GOOGLE_CLIENT_ID_SUFFIX):
        raise ApiError(400, f"clientId: not a valid Google OAuth client ID (expected …{catalog.GOOGLE_CLIENT_ID_SUFFIX})")
    domains = user_domains(ctx, body["domains"])
    action_id = ctx.state.action_id()
    ids = [d["domainId"] for d in domains]

    def apply() -> None:
        for domain_id in ids:
            domain = domain_of(ctx, domain_id)
            if domain is not None:
                domain["clientId"], domain["appName"] = body["clientId"], body["appName"]

    ctx.state.later(apply, 1.0)
    return Reply(data=None, message="Client ID will be added to the domains shortly", action_id=action_id)


# -- removal ----------------------------------------------------------------------------------------

@route("DELETE", "/domains/remove")
def remove_domains(ctx: Ctx) -> Reply:
    """Remove domains (all or none); refused while a domain still has mailboxes."""
    body = ctx.validate(REMOVE)
    domains = user_domains(ctx, body["domains"])
    for domain in domains:
        count = len(domain_mailboxes(ctx.state, domain["domainId"]))
        if count:
            noun = "mailbox" if count == 1 else "mailboxes"
            raise ApiError(409, f"Domain {domain['domainName']} still has {count} {noun}; remove the mailboxes first",
                           data={"domainName": domain["domainName"], "mailboxCount": count})
    action_id = ctx.state.action_id()
    for domain in domains:
        ctx.state.later(lambda domain_id=domain["domainId"]: drop_domain(ctx, domain_id), 1.0)
    return Reply(data={"domains": [d["domainName"] for d in domains]}, message="Domains will be removed shortly", action_id=action_id)


def drop_domain(ctx: Ctx, domain_id: str) -> None:
    """Delete the domain with its DNS records; a workspace left without mailboxes is cancelled."""
    state = ctx.state
    if domain_of(ctx, domain_id) is None:
        return
    sub = live_subscription(state, domain_id)
    if sub is not None:
        cancel_subscription(state, sub)
    for record_id in [rid for rid, rec in state.data["records"].items() if rec.get("domainId") == domain_id]:
        del state.data["records"][record_id]
    del state.data["domains"][domain_id]
