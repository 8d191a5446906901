"""Every endpoint × every error it can answer, in one table checked against the route registry.

CMR's public documentation lists 63 endpoints (docs/developer/API.md#sources-and-confidence;
66 routes here: three accept a second method or path, docs/developer/API.md#contradictions).
For each route this file holds every 4xx the simulator documents
(docs/developer/API.md#errors-and-rate-limit and the README's endpoint table): missing/invalid
fields (400), unknown user or object (404), another user's object (403), conflicts (409),
broken business rules (422) and a short wallet (402).
Each case also proves that a refused request changes nothing (``/_sim/state`` is identical
before and after), and every route answers 401 without a key.

``test_every_route_has_error_cases`` fails when a route is added without error cases, and
``test_happy_path_index`` names, for every route, the test that proves its happy path.

The cases share one world (a dedicated server per xdist worker, built once) because a refused
request must leave it untouched, which each case checks.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

# Importing cmrsim.handlers registers every route in ROUTES.
from cmrsim import handlers  # noqa: F401  pylint: disable=unused-import
from cmrsim.core import ROUTES
from conftest import USER, Sim
from simhelpers import mailbox_spec, multipart, order_body, place, provision, subscription

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
GOOGLE_CLIENT = "42-x.apps.googleusercontent.com"
EMAILBISON = {"app": "EMAILBISON", "credentials": {"email": "john@agency.com", "password": "pw-1"},
              "metadata": {"appBaseUrl": "https://app.emailbison.com", "clientId": "c1", "appName": "EmailBison", "workspace": "w"}}
NOBODY = "NOSUCHUSER0000000000000000XX"
NOTHING = "NOSUCHOBJECT000000000000000X"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# -- the world ----------------------------------------------------------------------------------

def _mailbox_id(server: Sim, email: str) -> str:
    return next(mb["mailboxId"] for mb in server.state()["mailboxes"] if mb["email"] == email)


def _domain_id(server: Sim, name: str) -> str:
    return next(d["domainId"] for d in server.state()["domains"] if d["domainName"] == name)


def _settle(server: Sim) -> None:
    server.wait_for(lambda: server.control("POST", "tick")["pending"] == 0)


def build_world(server: Sim) -> dict[str, str]:
    """Two users and one object of every kind, in every state an error case needs."""
    ids: dict[str, str] = {}
    ids["owner"] = server.api("POST", "/users", json={**USER, "email": "owner@matrix.test"})[1]["data"]["id"]
    ids["stranger"] = server.api("POST", "/users", json={**USER, "email": "stranger@matrix.test"})[1]["data"]["id"]
    owner, stranger = ids["owner"], ids["stranger"]
    ids["order_done"] = provision(server, owner, {"matrix-owner.com": ["alice", "bob"], "matrix-bare.com": []})["orderId"]
    provision(server, owner, {"matrix-gone.com": ["carl"]})
    provision(server, owner, {"matrix-ms.com": ["mia"]}, provider="MICROSOFT")
    provision(server, stranger, {"matrix-stranger.com": ["zed"]})
    ids["order_unconfirmed"] = place(server, owner, {"matrix-later.com": ["lou"]}, confirm=False)["orderId"]
    ids["sub"] = subscription(server, "matrix-owner.com")["subscriptionId"]
    ids["sub_ms"] = subscription(server, "matrix-ms.com")["subscriptionId"]
    ids["sub_stranger"] = subscription(server, "matrix-stranger.com")["subscriptionId"]
    ids["sub_cancelled"] = subscription(server, "matrix-gone.com")["subscriptionId"]
    assert server.api("POST", "/subscriptions/cancel", json={"subscriptionId": ids["sub_cancelled"]})[0] == 200
    for name in ("alice", "bob"):
        ids[name] = _mailbox_id(server, f"{name}@matrix-owner.com")
    ids["zed"] = _mailbox_id(server, "zed@matrix-stranger.com")
    ids["domain_owner"] = _domain_id(server, "matrix-owner.com")
    ids["domain_gone"] = _domain_id(server, "matrix-gone.com")
    assert server.api("POST", "/mailboxes/warmup", query={"mailboxId": ids["bob"]})[0] == 200
    ids["cred"] = server.api("POST", "/exports/platform-credential", query={"userId": owner}, json=EMAILBISON)[1]["data"]["credentialId"]
    ids["cred_stranger"] = server.api("POST", "/exports/platform-credential", query={"userId": stranger},
                                      json=EMAILBISON)[1]["data"]["credentialId"]
    a_record = {"host": "www", "value": "192.0.2.1", "recordType": "A"}
    ids["record"] = server.api("POST", "/dns", query={"userId": owner},
                               json={"domain": "matrix-owner.com", "records": [a_record]})[1]["data"][0]["recordId"]
    ids["record_stranger"] = server.api("POST", "/dns", query={"userId": stranger},
                                        json={"domain": "matrix-stranger.com", "records": [a_record]})[1]["data"][0]["recordId"]
    assert server.api("GET", "/pre-warmup")[0] == 200  # the inventory is stocked on first use after a reset
    # Objects in states the API cannot be asked to produce quickly: stored raw.
    seed = {"kind": "mailboxes", "object": {"mailboxId": "MATRIXLATEMAILBOX00000000001", "userId": owner, "email": "late@matrix-owner.com",
                                            "username": "late", "firstName": "Late", "lastName": "Box", "status": "IN_PROGRESS",
                                            "domain": "matrix-owner.com", "domainId": ids["domain_owner"], "subscriptionId": ids["sub"],
                                            "serviceProvider": "GOOGLE", "warmupStatus": None}}
    ids["late"] = server.control("POST", "seed", seed)["id"]
    ids["domain_pending"] = server.control("POST", "seed", {"kind": "domains", "object": {
        "domainName": "matrix-pending.com", "userId": owner, "status": "PENDING", "autoRenew": False}})["id"]
    ids["domain_pastdue"] = server.control("POST", "seed", {"kind": "domains", "object": {
        "domainName": "matrix-pastdue.com", "userId": owner, "status": "ACTIVE", "autoRenew": False, "expiryDate": "2099-01-01T00:00:00Z"}})["id"]
    ids["sub_pastdue"] = server.control("POST", "seed", {"kind": "subscriptions", "object": {
        "userId": owner, "domain": "matrix-pastdue.com", "domainId": ids["domain_pastdue"], "subscriptionStatus": "PAST_DUE",
        "totalMailboxQuantity": 2, "pricePerMailbox": 3, "billingCycle": "MONTHLY", "serviceProvider": "GOOGLE", "autoRenew": False,
        "periodStart": "2099-01-01T00:00:00Z", "periodEnd": "2099-02-01T00:00:00Z"}})["id"]
    ids["sub_expired"] = server.control("POST", "seed", {"kind": "subscriptions", "object": {
        "userId": owner, "domain": "matrix-old.com", "subscriptionStatus": "EXPIRED", "totalMailboxQuantity": 1, "pricePerMailbox": 3,
        "billingCycle": "MONTHLY", "serviceProvider": "GOOGLE", "autoRenew": False,
        "periodStart": "2020-01-01T00:00:00Z", "periodEnd": "2020-02-01T00:00:00Z"}})["id"]
    _settle(server)
    server.wait_for(lambda: not [mb for mb in server.state()["mailboxes"] if mb["email"] == "carl@matrix-gone.com"])
    return ids


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Sim, dict[str, str]]]:
    """A dedicated server holding the world; refused requests must leave it as it is."""
    server = Sim()
    try:
        yield server, build_world(server)
    finally:
        server.stop()


# -- the cases ----------------------------------------------------------------------------------

@dataclass
class Case:
    """One refused request. Strings in ``query``/``json``/``form`` may name world ids as ``{owner}``."""

    method: str
    path: str
    status: int
    fragment: str
    query: dict[str, Any] | None = None
    json: Any = None
    form: dict[str, Any] | None = None  # multipart/form-data fields instead of a JSON body
    wallet: float | None = None  # balance to set first (402 cases)
    data: Any = field(default=None)  # expected envelope data, when the error carries details

    def label(self) -> str:
        return f"{self.method} {self.path} {self.status} {self.fragment[:40]}"


def fill(value: Any, ids: dict[str, str]) -> Any:
    """Replace ``{name}`` placeholders by world ids, recursively (other braces are left alone)."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: ids.get(match.group(1), match.group(0)), value)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {fill(key, ids): fill(item, ids) for key, item in value.items()}
    return value


OWNER = {"userId": "{owner}"}
STRANGER = {"userId": "{stranger}"}
UNKNOWN_USER = {"userId": NOBODY}
ORDER_OK = order_body({"matrix-fresh.com": ["fay"]})
MAILBOXES_NEW = {"matrix-owner.com": [mailbox_spec("newbie")]}

CASES: list[Case] = [
    # -- users (API.md#users) --
    Case("GET", "/users/list", 400, "limit: must be between 1 and 100", {"limit": 101}),
    Case("GET", "/users/list", 400, "page: expected an integer", {"page": "x"}),
    Case("GET", "/users", 400, "userId must be provided"),
    Case("GET", "/users", 404, "The requested user does not exist", UNKNOWN_USER),
    Case("POST", "/users", 400, "phone: required key not provided", json={k: v for k, v in USER.items() if k != "phone"}),
    Case("POST", "/users", 400, "country: unknown country code", json={**USER, "email": "x@matrix.test", "country": "XX"}),
    Case("POST", "/users", 400, "firstName: contains characters that are not allowed",
         json={**USER, "email": "x@matrix.test", "firstName": "<b>"}),
    Case("POST", "/users", 409, "A user with this email already exists", json={**USER, "email": "OWNER@matrix.test"}),
    Case("PUT", "/users", 400, "userId must be provided", json={"city": "Paris"}),
    Case("PUT", "/users", 404, "The requested user does not exist", UNKNOWN_USER, json={"city": "Paris"}),
    Case("PUT", "/users", 400, "city: must not be empty", OWNER, json={"city": ""}),
    Case("PUT", "/users", 409, "A user with this email already exists", OWNER, json={"email": "stranger@matrix.test"}),
    Case("DELETE", "/users", 400, "userId must be provided"),
    Case("DELETE", "/users", 404, "The requested user does not exist", UNKNOWN_USER),
    Case("DELETE", "/users", 409, "User still has 6 domain(s) and 4 mailbox(es)", OWNER, data={"domainCount": 6, "mailboxCount": 4}),
    # -- geo (API.md#geo); /geo/countries and /wallet only refuse a missing key (test_every_route_requires_the_key) --
    Case("GET", "/geo/states", 400, "countryCode must be provided"),
    Case("GET", "/geo/states", 400, "countryCode: expected an ISO 3166-1 alpha-2 code", {"countryCode": "USA"}),
    Case("GET", "/geo/states", 404, "not found", {"countryCode": "QQ"}),
    # -- send-errors (API.md#error-reports) --
    Case("POST", "/send-errors", 400, "response: required key not provided", json={"method": "GET", "path": "/x", "query": "{}",
                                                                                   "payload": "{}"}),
    Case("POST", "/send-errors", 400, "payload: expected a string", json={
        "method": "GET", "path": "/x", "query": "{}", "payload": {"a": 1}, "response": "{}"}),
    # -- domains (API.md#domains) --
    Case("POST", "/domains/renewal-price", 400, "userId must be provided", json={"domains": ["matrix-owner.com"]}),
    Case("POST", "/domains/renewal-price", 400, "domains: required key not provided", json=OWNER),
    Case("POST", "/domains/renewal-price", 404, "The requested user does not exist", json={**UNKNOWN_USER, "domains": ["matrix-owner.com"]}),
    Case("POST", "/domains/renewal-price", 404, "Domain unknown-matrix.com not found", json={**OWNER, "domains": ["unknown-matrix.com"]}),
    Case("POST", "/domains/renewal-price", 403, "does not belong to the given user", json={**OWNER, "domains": ["matrix-stranger.com"]}),
    Case("POST", "/domains/renew", 400, "domains: must not be empty", json={**OWNER, "domains": []}),
    Case("POST", "/domains/renew", 400, "years: must be at least 1", json={**OWNER, "domains": ["matrix-owner.com"], "years": 0}),
    Case("POST", "/domains/renew", 404, "not found", json={**OWNER, "domains": ["unknown-matrix.com"]}),
    Case("POST", "/domains/renew", 403, "does not belong to the given user", json={**OWNER, "domains": ["matrix-stranger.com"]}),
    Case("POST", "/domains/renew", 422, "renewal window opens 45 days before expiry", json={**OWNER, "domains": ["matrix-owner.com"]}),
    Case("POST", "/domains/renew", 422, "PENDING and cannot be renewed", json={**OWNER, "domains": ["matrix-pending.com"]}),
    *[case for method in ("PATCH", "POST") for case in (
        Case(method, "/domains/toggle-auto-renew", 400, "autoRenew: required key not provided", json={**OWNER, "domains": ["matrix-owner.com"]}),
        Case(method, "/domains/toggle-auto-renew", 400, "autoRenew: expected a boolean", json={
            **OWNER, "domains": ["matrix-owner.com"], "autoRenew": "yes"}),
        Case(method, "/domains/toggle-auto-renew", 404, "not found", json={**OWNER, "domains": ["unknown-matrix.com"], "autoRenew": True}),
        Case(method, "/domains/toggle-auto-renew", 403, "does not belong", json={**OWNER, "domains": ["matrix-stranger.com"], "autoRenew": True}),
    )],
    Case("GET", "/domains/by-user", 400, "userId must be provided"),
    Case("GET", "/domains/by-user", 400, "limit: must be between 1 and 100", {**OWNER, "limit": 101}),
    Case("POST", "/domains/suggest", 400, "domain: required key not provided", json={}),
    Case("POST", "/domains/suggest", 400, "tlds: expected a list", json={"domain": "matrix", "tlds": "com"}),
    Case("POST", "/domains/available", 400, "domain: required key not provided", json={}),
    Case("POST", "/domains/available", 400, "is not a valid domain name", json={"domain": "not a name"}),
    Case("POST", "/domains/has-workspace", 400, "serviceProvider", json={"domainName": "free-matrix.com", "serviceProvider": "YAHOO"}),
    Case("POST", "/domains/has-workspace", 400, "domains: must not be empty", json={"domains": []}),
    Case("POST", "/domains/has-workspace", 409, "Workspace already exists for has-google.com", json={"domainName": "has-google.com"}),
    Case("POST", "/domains/has-workspace", 409, "Workspace already exists for matrix-owner.com", json={"domainName": "matrix-owner.com"}),
    Case("POST", "/domains/forwarding", 400, "forwardTo: expected an http(s) URL", json={
        **OWNER, "domain": "matrix-owner.com", "forwardTo": "ftp://x"}),
    Case("POST", "/domains/forwarding", 400, "userId must be provided", json={"domain": "matrix-owner.com", "forwardTo": "https://x.org"}),
    Case("POST", "/domains/forwarding", 404, "not found", json={**OWNER, "domain": "unknown-matrix.com", "forwardTo": "https://x.org"}),
    Case("POST", "/domains/forwarding", 403, "does not belong", json={**OWNER, "domain": "matrix-stranger.com", "forwardTo": "https://x.org"}),
    Case("POST", "/domains/forwarding", 422, "is PENDING; it must be ACTIVE", json={
        **OWNER, "domain": "matrix-pending.com", "forwardTo": "https://x.org"}),
    Case("POST", "/domains/email-forwarding", 400, "forwardTo: expected an e-mail address", json={
        **OWNER, "domain": "matrix-owner.com", "forwardTo": "nope"}),
    Case("POST", "/domains/email-forwarding", 404, "not found", json={**OWNER, "domain": "unknown-matrix.com", "forwardTo": "a@b.org"}),
    Case("POST", "/domains/email-forwarding", 403, "does not belong", json={**OWNER, "domain": "matrix-stranger.com", "forwardTo": "a@b.org"}),
    Case("POST", "/domains/email-forwarding", 422, "late@matrix-owner.com (IN_PROGRESS)", json={
        **OWNER, "domain": "matrix-owner.com", "forwardTo": "a@b.org"}),
    Case("POST", "/domains/add-client-id", 400, "clientId: not a valid Google OAuth client ID", json={
        **OWNER, "domains": ["matrix-owner.com"], "clientId": "bogus", "appName": "App"}),
    Case("POST", "/domains/add-client-id", 400, "appName: required key not provided", json={
        **OWNER, "domains": ["matrix-owner.com"], "clientId": GOOGLE_CLIENT}),
    Case("POST", "/domains/add-client-id", 404, "not found", json={
        **OWNER, "domains": ["unknown-matrix.com"], "clientId": GOOGLE_CLIENT, "appName": "App"}),
    Case("POST", "/domains/add-client-id", 403, "does not belong", json={
        **OWNER, "domains": ["matrix-stranger.com"], "clientId": GOOGLE_CLIENT, "appName": "App"}),
    Case("DELETE", "/domains/remove", 400, "domains: required key not provided", OWNER, json={}),
    Case("DELETE", "/domains/remove", 400, "userId must be provided", json={"domains": ["matrix-bare.com"]}),
    Case("DELETE", "/domains/remove", 404, "not found", OWNER, json={"domains": ["unknown-matrix.com"]}),
    Case("DELETE", "/domains/remove", 403, "does not belong", OWNER, json={"domains": ["matrix-stranger.com"]}),
    Case("DELETE", "/domains/remove", 409, "still has 3 mailboxes", OWNER, json={"domains": ["matrix-owner.com"]},
         data={"domainName": "matrix-owner.com", "mailboxCount": 3}),
    Case("GET", "/domains/details", 400, "userId must be provided", {"domainId": "{domain_owner}"}),
    Case("GET", "/domains/details", 400, "domainId must be provided", OWNER),
    Case("GET", "/domains/details", 404, "The requested user does not exist", {**UNKNOWN_USER, "domainId": "{domain_owner}"}),
    Case("GET", "/domains/details", 404, "not found", {**OWNER, "domainId": NOTHING}),
    Case("GET", "/domains/details", 403, "does not belong", {**STRANGER, "domainId": "{domain_owner}"}),
    # -- DNS (API.md#dns) --
    Case("GET", "/dns", 400, "domain must be provided", OWNER),
    Case("GET", "/dns", 400, "userId must be provided", {"domain": "matrix-owner.com"}),
    Case("GET", "/dns", 404, "not found", {**OWNER, "domain": "unknown-matrix.com"}),
    Case("GET", "/dns", 403, "does not belong", {**OWNER, "domain": "matrix-stranger.com"}),
    Case("POST", "/dns", 400, "records: required key not provided", OWNER, json={"domain": "matrix-owner.com"}),
    Case("POST", "/dns", 400, "records[0].priority: required for MX records", OWNER, json={
        "domain": "matrix-owner.com", "records": [{"host": "@", "value": "mx.example.org", "recordType": "MX"}]}),
    Case("POST", "/dns", 400, "records[0].excludedDMARCtags: only allowed on TXT records whose host is _dmarc", OWNER, json={
        "domain": "matrix-owner.com", "records": [{"host": "@", "value": "v=spf1 -all", "recordType": "TXT", "excludedDMARCtags": ["rua"]}]}),
    Case("POST", "/dns", 404, "not found", OWNER, json={"domain": "unknown-matrix.com", "records": [
        {"host": "@", "value": "192.0.2.1", "recordType": "A"}]}),
    Case("POST", "/dns", 403, "does not belong", OWNER, json={"domain": "matrix-stranger.com", "records": [
        {"host": "@", "value": "192.0.2.1", "recordType": "A"}]}),
    Case("POST", "/dns", 409, "records[0]:", OWNER, json={"domain": "matrix-owner.com", "records": [
        {"host": "www", "value": "192.0.2.1", "recordType": "A"}]}),
    Case("PUT", "/dns", 400, "value: required key not provided", OWNER, json={
        "recordId": "{record}", "domain": "matrix-owner.com", "host": "www", "recordType": "A"}),
    Case("PUT", "/dns", 404, "not found", OWNER, json={
        "recordId": NOTHING, "domain": "matrix-owner.com", "host": "www", "value": "192.0.2.2", "recordType": "A"}),
    Case("PUT", "/dns", 403, "does not belong", OWNER, json={
        "recordId": "{record_stranger}", "domain": "matrix-stranger.com", "host": "www", "value": "192.0.2.2", "recordType": "A"}),
    Case("DELETE", "/dns", 400, "recordId must be provided", OWNER),
    Case("DELETE", "/dns", 404, "not found", {**OWNER, "recordId": NOTHING}),
    Case("DELETE", "/dns", 403, "does not belong", {**OWNER, "recordId": "{record_stranger}"}),
    # -- orders (API.md#orders) --
    Case("POST", "/orders/json", 400, "userId must be provided", json=ORDER_OK),
    Case("POST", "/orders/json", 404, "The requested user does not exist", UNKNOWN_USER, json=ORDER_OK),
    Case("POST", "/orders/json", 400, "domains[0].years: must be at least 1", OWNER, json={
        **ORDER_OK, "domains": [{"domain": "matrix-fresh.com", "years": 0}]}),
    Case("POST", "/orders/json", 422, "taken.com (already registered)", OWNER, json=order_body({"taken.com": ["x"]}),
         data={"unavailableDomains": ["taken.com"]}),
    Case("POST", "/orders/json", 422, "matrix-stranger.com", OWNER, json=order_body({"matrix-stranger.com": []}),
         data={"unavailableDomains": ["matrix-stranger.com"]}),
    Case("POST", "/orders/json", 402, "Insufficient wallet balance", OWNER, json=ORDER_OK, wallet=14.99),
    Case("POST", "/orders", 400, "domains: expected JSON text", OWNER, form={"domains": "[oops", "mailboxes": "{}"}),
    Case("POST", "/orders", 404, "The requested user does not exist", UNKNOWN_USER, form={
        "domains": json.dumps(ORDER_OK["domains"]), "mailboxes": json.dumps(ORDER_OK["mailboxes"])}),
    Case("POST", "/orders", 422, "taken.com (already registered)", OWNER, form={
        "domains": json.dumps([{"domain": "taken.com", "years": 1}]), "mailboxes": "{}"}, data={"unavailableDomains": ["taken.com"]}),
    Case("POST", "/orders", 402, "Insufficient wallet balance", OWNER, form={
        "domains": json.dumps(ORDER_OK["domains"]), "mailboxes": json.dumps(ORDER_OK["mailboxes"])}, wallet=1),
    Case("POST", "/orders/create-mailbox-order/json", 400, "mutually exclusive", OWNER, json={
        "subscriptionId": "{sub}", "domainId": "{domain_owner}", "mailboxes": MAILBOXES_NEW}),
    Case("POST", "/orders/create-mailbox-order/json", 400, "mutually exclusive", OWNER, json={"mailboxes": MAILBOXES_NEW}),
    Case("POST", "/orders/create-mailbox-order/json", 403, "does not belong", OWNER, json={
        "subscriptionId": "{sub_stranger}", "mailboxes": {"matrix-stranger.com": [mailbox_spec("newbie")]}}),
    Case("POST", "/orders/create-mailbox-order/json", 404, "not found", OWNER, json={"subscriptionId": NOTHING, "mailboxes": MAILBOXES_NEW}),
    Case("POST", "/orders/create-mailbox-order/json", 409, "alice@matrix-owner.com already exists", OWNER, json={
        "subscriptionId": "{sub}", "mailboxes": {"matrix-owner.com": [mailbox_spec("alice")]}}),
    Case("POST", "/orders/create-mailbox-order/json", 422, "CANCELLED", OWNER, json={
        "subscriptionId": "{sub_cancelled}", "mailboxes": {"matrix-gone.com": [mailbox_spec("newbie")]}}),
    Case("POST", "/orders/create-mailbox-order/json", 422, "{sub}", OWNER, json={
        "domainId": "{domain_owner}", "mailboxes": MAILBOXES_NEW}),
    Case("POST", "/orders/create-mailbox-order/json", 402, "Insufficient wallet balance", OWNER, json={
        "subscriptionId": "{sub}", "mailboxes": MAILBOXES_NEW}, wallet=2.99),
    Case("POST", "/orders/create-mailbox-order", 400, "subscriptionId: required key not provided", OWNER, form={
        "mailboxes": json.dumps(MAILBOXES_NEW)}),
    Case("POST", "/orders/create-mailbox-order", 403, "does not belong", OWNER, form={
        "subscriptionId": "{sub_stranger}", "mailboxes": json.dumps({"matrix-stranger.com": [mailbox_spec("newbie")]})}),
    Case("POST", "/orders/create-mailbox-order", 404, "not found", OWNER, form={"subscriptionId": NOTHING, "mailboxes": json.dumps(MAILBOXES_NEW)}),
    Case("POST", "/orders/create-mailbox-order", 409, "already exists", OWNER, form={
        "subscriptionId": "{sub}", "mailboxes": json.dumps({"matrix-owner.com": [mailbox_spec("bob")]})}),
    Case("POST", "/orders/create-mailbox-order", 422, "Google mailboxes only", OWNER, form={
        "subscriptionId": "{sub_ms}", "mailboxes": json.dumps({"matrix-ms.com": [mailbox_spec("newbie")]})}),
    Case("POST", "/orders/create-mailbox-order", 402, "Insufficient wallet balance", OWNER, form={
        "subscriptionId": "{sub}", "mailboxes": json.dumps(MAILBOXES_NEW)}, wallet=0),
    Case("POST", "/orders/process", 400, "orderId: required key not provided", OWNER, json={}),
    Case("POST", "/orders/process", 404, "not found", OWNER, json={"orderId": NOTHING}),
    Case("POST", "/orders/process", 403, "does not belong", STRANGER, json={"orderId": "{order_unconfirmed}"}),
    Case("POST", "/orders/process", 409, "has already been processed", OWNER, json={"orderId": "{order_done}"}),
    Case("POST", "/orders/process", 402, "Insufficient wallet balance", OWNER, json={"orderId": "{order_unconfirmed}"}, wallet=14),
    *[case for path in ("/orders/status", "/orders/details") for case in (
        Case("GET", path, 400, "orderId must be provided", OWNER),
        Case("GET", path, 400, "userId must be provided", {"orderId": "{order_done}"}),
        Case("GET", path, 404, "not found", {**OWNER, "orderId": NOTHING}),
        Case("GET", path, 403, "does not belong", {**STRANGER, "orderId": "{order_done}"}),
    )],
    # -- mailboxes (API.md#mailboxes, #exports-and-platform-credentials) --
    Case("GET", "/mailboxes", 400, "limit: must be between 1 and 100", {"limit": 101}),
    Case("GET", "/mailboxes/single", 400, "userId must be provided"),
    Case("GET", "/mailboxes/single", 404, "The requested user does not exist", UNKNOWN_USER),
    Case("GET", "/mailboxes/single", 400, "page: must be at least 1", {**OWNER, "page": 0}),
    Case("GET", "/mailboxes/mailbox", 400, "mailboxId must be provided"),
    Case("GET", "/mailboxes/mailbox", 404, "not found", {"mailboxId": NOTHING}),
    Case("GET", "/mailboxes/mailbox", 403, "does not belong", {**STRANGER, "mailboxId": "{alice}"}),
    Case("GET", "/mailboxes/admin-mailbox-details", 400, "userId must be provided", {"mailboxId": "{alice}"}),
    Case("GET", "/mailboxes/admin-mailbox-details", 400, "mailboxId must be provided", OWNER),
    Case("GET", "/mailboxes/admin-mailbox-details", 404, "not found", {**OWNER, "mailboxId": NOTHING}),
    Case("GET", "/mailboxes/admin-mailbox-details", 403, "does not belong", {**STRANGER, "mailboxId": "{alice}"}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 400, "userId must be provided", json={"mailboxData": {"mailboxId": "{alice}"}}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 400, "mailboxData.mailboxId: required key not provided", OWNER, json={
        "mailboxData": {"firstName": "A"}}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 404, "not found", OWNER, json={"mailboxData": {"mailboxId": NOTHING, "firstName": "A"}}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 403, "does not belong", OWNER, json={"mailboxData": {"mailboxId": "{zed}", "firstName": "A"}}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 409, "bob@matrix-owner.com already exists", OWNER, json={
        "mailboxData": {"mailboxId": "{alice}", "userName": "bob"}}),
    Case("PATCH", "/mailboxes/update-mailbox-details", 422, "needs an ACTIVE mailbox", OWNER, json={
        "mailboxData": {"mailboxId": "{late}", "firstName": "A"}}),
    Case("DELETE", "/mailboxes/remove", 400, "mailboxId: required key not provided", OWNER, json={}),
    Case("DELETE", "/mailboxes/remove", 400, "userId must be provided", json={"mailboxId": "{alice}"}),
    Case("DELETE", "/mailboxes/remove", 404, "not found", OWNER, json={"mailboxId": NOTHING}),
    Case("DELETE", "/mailboxes/remove", 403, "does not belong", STRANGER, json={"mailboxId": "{alice}"}),
    Case("DELETE", "/mailboxes/remove", 422, "still being provisioned", OWNER, json={"mailboxId": "{late}"}),
    Case("POST", "/mailboxes/validate-mailbox", 400, "mailboxId: required key not provided", OWNER, json={}),
    Case("POST", "/mailboxes/validate-mailbox", 404, "not found", OWNER, json={"mailboxId": NOTHING}),
    Case("POST", "/mailboxes/validate-mailbox", 403, "does not belong", STRANGER, json={"mailboxId": "{alice}"}),
    Case("POST", "/mailboxes/oauth", 400, "google: required for GOOGLE mailboxes", OWNER, json={"mailboxId": "{alice}"}),
    Case("POST", "/mailboxes/oauth", 400, "google.clientId: not a valid Google OAuth client ID", OWNER, json={
        "mailboxId": "{alice}", "google": {"googleOauthRoute": "https://a.example.org", "clientId": "bogus", "appName": "App"}}),
    Case("POST", "/mailboxes/oauth", 404, "not found", OWNER, json={"mailboxId": NOTHING, "google": {"clientId": GOOGLE_CLIENT}}),
    Case("POST", "/mailboxes/oauth", 403, "does not belong", STRANGER, json={"mailboxId": "{alice}", "google": {"clientId": GOOGLE_CLIENT}}),
    Case("POST", "/mailboxes/oauth", 422, "needs an ACTIVE mailbox", OWNER, json={"mailboxId": "{late}", "google": {"clientId": GOOGLE_CLIENT}}),
    # -- warmup (API.md#warm-up) --
    Case("POST", "/mailboxes/warmup", 400, "mailboxId must be provided"),
    Case("POST", "/mailboxes/warmup", 404, "not found", {"mailboxId": NOTHING}),
    Case("POST", "/mailboxes/warmup", 403, "does not belong", {**STRANGER, "mailboxId": "{alice}"}),
    Case("POST", "/mailboxes/warmup", 409, "is already ACTIVE", {"mailboxId": "{bob}"}),
    Case("POST", "/mailboxes/warmup", 422, "needs an ACTIVE mailbox", {"mailboxId": "{late}"}),
    Case("DELETE", "/mailboxes/warmup", 400, "mailboxId must be provided"),
    Case("DELETE", "/mailboxes/warmup", 404, "not found", {"mailboxId": NOTHING}),
    Case("DELETE", "/mailboxes/warmup", 403, "does not belong", {**STRANGER, "mailboxId": "{bob}"}),
    Case("DELETE", "/mailboxes/warmup", 422, "Warmup is not enabled", {"mailboxId": "{alice}"}),
    Case("POST", "/mailboxes/warmup/toggle", 400, "mailboxId must be provided"),
    Case("POST", "/mailboxes/warmup/toggle", 404, "not found", {"mailboxId": NOTHING}),
    Case("POST", "/mailboxes/warmup/toggle", 403, "does not belong", {**STRANGER, "mailboxId": "{bob}"}),
    Case("POST", "/mailboxes/warmup/toggle", 422, "only an ACTIVE or PAUSED warmup can be toggled", {"mailboxId": "{alice}"}),
    Case("PATCH", "/mailboxes/warmup/status", 400, "status", {"mailboxId": "{bob}"}, json={"status": "STOPPED"}),
    Case("PATCH", "/mailboxes/warmup/status", 400, "mailboxId must be provided", json={"status": "PAUSED"}),
    Case("PATCH", "/mailboxes/warmup/status", 404, "not found", {"mailboxId": NOTHING}, json={"status": "PAUSED"}),
    Case("PATCH", "/mailboxes/warmup/status", 403, "does not belong", {**STRANGER, "mailboxId": "{bob}"}, json={"status": "PAUSED"}),
    Case("PATCH", "/mailboxes/warmup/status", 422, "enroll it with POST /mailboxes/warmup first", {"mailboxId": "{alice}"},
         json={"status": "PAUSED"}),
    Case("PATCH", "/mailboxes/warmup/settings", 400, "at least one warmup setting is required", {"mailboxId": "{bob}"}, json={}),
    Case("PATCH", "/mailboxes/warmup/settings", 400, "warmupReplyRate: must be at most 1", {"mailboxId": "{bob}"}, json={"warmupReplyRate": 2}),
    Case("PATCH", "/mailboxes/warmup/settings", 400, "minimumWarmupLimit: must not exceed warmupLimit", {"mailboxId": "{bob}"},
         json={"warmupLimit": 5, "minimumWarmupLimit": 6}),
    Case("PATCH", "/mailboxes/warmup/settings", 400, "mailboxId must be provided", json={"warmupLimit": 5}),
    Case("PATCH", "/mailboxes/warmup/settings", 404, "not found", {"mailboxId": NOTHING}, json={"warmupLimit": 5}),
    Case("PATCH", "/mailboxes/warmup/settings", 403, "does not belong", {**STRANGER, "mailboxId": "{bob}"}, json={"warmupLimit": 5}),
    # -- placement (API.md#placement-tests) --
    Case("POST", "/placement", 400, "userId must be provided", json={"mailboxIds": ["{alice}"]}),
    Case("POST", "/placement", 400, "mailboxIds: must not be empty", OWNER, json={"mailboxIds": []}),
    Case("POST", "/placement", 404, "not found", OWNER, json={"mailboxIds": [NOTHING]}),
    Case("POST", "/placement", 403, "does not belong", OWNER, json={"mailboxIds": ["{zed}"]}),
    Case("POST", "/placement", 422, "placement tests need ACTIVE mailboxes", OWNER, json={"mailboxIds": ["{late}"]}),
    Case("POST", "/placement", 402, "Insufficient wallet balance", OWNER, json={"mailboxIds": ["{alice}", "{bob}"]}, wallet=0.99),
    Case("GET", "/placement/reports", 400, "userId must be provided"),
    Case("GET", "/placement/reports", 404, "The requested user does not exist", UNKNOWN_USER),
    Case("GET", "/placement/reports", 400, "limit: must be between 1 and 100", {**OWNER, "limit": 500}),
    # -- subscriptions (API.md#subscriptions) --
    Case("GET", "/subscriptions", 400, "status: must be one of", {"status": "WEIRD"}),
    Case("GET", "/subscriptions", 400, "limit: must be between 1 and 100", {"limit": 101}),
    Case("POST", "/subscriptions/renew-subscriptions", 400, "subscriptionIds: must not be empty", json={"subscriptionIds": []}),
    Case("POST", "/subscriptions/renew-subscriptions", 404, "not found", json={"subscriptionIds": [NOTHING]}),
    Case("POST", "/subscriptions/renew-subscriptions", 404, "The requested user does not exist", json={**UNKNOWN_USER, "subscriptionIds": ["{sub}"]}),
    Case("POST", "/subscriptions/renew-subscriptions", 403, "does not belong", json={**OWNER, "subscriptionIds": ["{sub_stranger}"]}),
    Case("POST", "/subscriptions/renew-subscriptions", 422, "is not due for renewal", json={"subscriptionIds": ["{sub}"]}),
    Case("POST", "/subscriptions/renew-subscriptions", 422, "is CANCELLED and cannot be renewed", json={"subscriptionIds": ["{sub_cancelled}"]}),
    Case("POST", "/subscriptions/renew-subscriptions", 402, "Insufficient wallet balance", json={"subscriptionIds": ["{sub_pastdue}"]},
         wallet=5.99),
    Case("POST", "/subscriptions/toggle-autorenewal", 400, "Provide exactly one of subscriptionId or subscriptionIds", json={"autoRenew": True}),
    Case("POST", "/subscriptions/toggle-autorenewal", 400, "autoRenew: expected a boolean", json={"subscriptionId": "{sub}", "autoRenew": "no"}),
    Case("POST", "/subscriptions/toggle-autorenewal", 404, "not found", json={"subscriptionId": NOTHING, "autoRenew": True}),
    Case("POST", "/subscriptions/toggle-autorenewal", 403, "does not belong", json={**OWNER, "subscriptionId": "{sub_stranger}", "autoRenew": True}),
    Case("POST", "/subscriptions/toggle-autorenewal", 422, "is CANCELLED; auto renewal cannot be changed", json={
        "subscriptionId": "{sub_cancelled}", "autoRenew": True}),
    Case("POST", "/subscriptions/cancel", 400, "Provide subscriptionId or domain", json={}),
    Case("POST", "/subscriptions/cancel", 400, "belongs to matrix-owner.com, not matrix-ms.com", json={
        "subscriptionId": "{sub}", "domain": "matrix-ms.com"}),
    Case("POST", "/subscriptions/cancel", 404, "not found", json={"subscriptionId": NOTHING}),
    Case("POST", "/subscriptions/cancel", 404, "has no subscription", json={"domain": "matrix-bare.com"}),
    Case("POST", "/subscriptions/cancel", 403, "does not belong", json={**OWNER, "domain": "matrix-stranger.com"}),
    Case("POST", "/subscriptions/cancel", 409, "cancellation is permanent", json={"subscriptionId": "{sub_cancelled}"}),
    Case("POST", "/subscriptions/cancel", 422, "has expired and cannot be cancelled", json={"subscriptionId": "{sub_expired}"}),
    *[case for path in ("/subscriptions/recreate", "/component/subscriptions/recreate") for case in (
        Case("POST", path, 400, "Provide exactly one of subscriptionIds or domainNames", json={}),
        Case("POST", path, 400, "Provide exactly one of subscriptionIds or domainNames", json={
            "subscriptionIds": ["{sub}"], "domainNames": ["matrix-owner.com"]}),
        Case("POST", path, 404, "not found", json={"subscriptionIds": [NOTHING]}),
        Case("POST", path, 403, "does not belong", json={**OWNER, "subscriptionIds": ["{sub_stranger}"]}),
        Case("POST", path, 422, "is CANCELLED and cannot be recreated", json={"subscriptionIds": ["{sub_cancelled}"]}),
    )],
    # -- platform exports (API.md#exports-and-platform-credentials) --
    Case("POST", "/exports/platform-credential", 400, "userId must be provided", json=EMAILBISON),
    Case("POST", "/exports/platform-credential", 404, "The requested user does not exist", UNKNOWN_USER, json=EMAILBISON),
    Case("POST", "/exports/platform-credential", 400, "app", OWNER, json={**EMAILBISON, "app": "MAILCHIMP"}),
    Case("POST", "/exports/platform-credential", 400, "metadata: required for EMAILBISON", OWNER, json={
        "app": "EMAILBISON", "credentials": EMAILBISON["credentials"]}),
    Case("POST", "/exports/platform-credential", 400, "Invalid SMARTLEAD credentials", OWNER, json={
        "app": "SMARTLEAD", "credentials": {"email": "a@b.org", "password": "wrong-password"}}),
    Case("PUT", "/exports/platform-credential", 400, "credentialId: required key not provided", OWNER, json={"orgId": "o"}),
    Case("PUT", "/exports/platform-credential", 400, "cannot become SMARTLEAD", OWNER, json={"credentialId": "{cred}", "app": "SMARTLEAD"}),
    Case("PUT", "/exports/platform-credential", 404, "not found", OWNER, json={"credentialId": NOTHING[:16], "orgId": "o"}),
    Case("PUT", "/exports/platform-credential", 403, "does not belong", OWNER, json={"credentialId": "{cred_stranger}", "orgId": "o"}),
    Case("DELETE", "/exports/platform-credential", 400, "credentialId must be provided", OWNER),
    Case("DELETE", "/exports/platform-credential", 400, "userId must be provided", {"credentialId": "{cred}"}),
    Case("DELETE", "/exports/platform-credential", 404, "not found", {**OWNER, "credentialId": NOTHING[:16]}),
    Case("DELETE", "/exports/platform-credential", 403, "does not belong", {**OWNER, "credentialId": "{cred_stranger}"}),
    Case("GET", "/exports/platform-credentials", 400, "userId must be provided"),
    Case("GET", "/exports/platform-credentials", 404, "The requested user does not exist", UNKNOWN_USER),
    Case("POST", "/exports/platform-exports", 400, "componentMailboxIds: at least one mailbox id is required", OWNER, json={"credentialId": "{cred}"}),
    Case("POST", "/exports/platform-exports", 404, "Platform credential", OWNER, json={"credentialId": NOTHING[:16], "mailboxIds": ["{alice}"]}),
    Case("POST", "/exports/platform-exports", 404, "Mailbox not found", OWNER, json={"credentialId": "{cred}", "mailboxIds": [NOTHING]}),
    Case("POST", "/exports/platform-exports", 403, "platform credential does not belong", OWNER, json={
        "credentialId": "{cred_stranger}", "mailboxIds": ["{alice}"]}),
    Case("POST", "/exports/platform-exports", 403, "mailbox does not belong", OWNER, json={"credentialId": "{cred}", "mailboxIds": ["{zed}"]}),
    Case("POST", "/exports/platform-exports", 422, "only ACTIVE mailboxes can be exported", OWNER, json={
        "credentialId": "{cred}", "componentMailboxIds": ["{late}"]}),
    Case("GET", "/exports/platform-workspaces", 400, "credentialId must be provided"),
    Case("GET", "/exports/platform-workspaces", 400, "only available for INSTANTLY credentials", {"credentialId": "{cred}"}),
    Case("GET", "/exports/platform-workspaces", 404, "not found", {"credentialId": NOTHING[:16]}),
    Case("GET", "/exports/platform-workspaces", 403, "does not belong", {**OWNER, "credentialId": "{cred_stranger}"}),
    # -- pre-warmup and sandbox (API.md#pre-warmed-domains, #sandbox) --
    Case("GET", "/pre-warmup", 400, "serviceProvider: must be GOOGLE or MICROSOFT", {"serviceProvider": "YAHOO"}),
    Case("POST", "/pre-warmup/order", 400, "userId must be provided", json={"order": [{"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/pre-warmup/order", 404, "The requested user does not exist", UNKNOWN_USER, json={
        "order": [{"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/pre-warmup/order", 400, "serviceProvider: required key not provided", OWNER, json={"order": [{"domain": "prewarm-acmecorp.com"}]}),
    Case("POST", "/pre-warmup/order", 404, "is not in the pre-warmup inventory", OWNER, json={
        "order": [{"domain": "matrix-fresh.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/pre-warmup/order", 422, "is a MICROSOFT package", OWNER, json={"order": [{"domain": "prewarm-contoso.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/pre-warmup/order", 400, "is listed twice", OWNER, json={
        "order": [{"domain": "prewarm-acmecorp.com"}, {"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/pre-warmup/order", 402, "Insufficient wallet balance", OWNER, json={
        "order": [{"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"}, wallet=29.99),
    Case("GET", "/sandbox/pre-warmup", 400, "serviceProvider: must be GOOGLE or MICROSOFT", {"serviceProvider": "YAHOO"}),
    Case("POST", "/sandbox/pre-warmup/order", 400, "order: must not be empty", json={"order": [], "serviceProvider": "GOOGLE"}),
    Case("POST", "/sandbox/pre-warmup/order", 404, "is not a sandbox pre-warmup domain", json={
        "order": [{"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/sandbox/pre-warmup/order", 422, "is a MICROSOFT domain", json={
        "order": [{"domain": "sandbox.stratospherehq.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/sandbox/pre-warmup/order", 409, "is already assigned", json={
        "order": [{"domain": "sandbox.nexora-tech.com"}, {"domain": "sandbox.nexora-tech.com"}], "serviceProvider": "GOOGLE"}),
    Case("POST", "/sandbox/pre-warmup/reset", 400, "userId: expected a string", json={"userId": 7}),
    Case("DELETE", "/sandbox/pre-warmup/reset", 400, "userId: expected a string", json={"userId": 7}),
]

# Routes whose only documented error is the 401 every route shares (docs/developer/API.md#authentication-and-envelope).
KEY_ONLY = {("GET", "/geo/countries"), ("GET", "/wallet")}


def send(server: Sim, case: Case, ids: dict[str, str], key: Any = None) -> Any:
    """Send the case's request (JSON or multipart) with the world's ids filled in."""
    query = fill(case.query, ids)
    extra: dict[str, Any] = {} if key is None else {"key": key}
    if case.form is not None:
        raw, content_type = multipart(fill(case.form, ids))
        return server.api(case.method, case.path, query=query, raw=raw, headers={"Content-Type": content_type}, **extra)
    return server.api(case.method, case.path, query=query, json=fill(case.json, ids), **extra)


@pytest.mark.parametrize("case", CASES, ids=Case.label)
def test_error_case(world: tuple[Sim, dict[str, str]], case: Case) -> None:
    server, ids = world
    if case.wallet is not None:
        server.control("POST", "wallet", {"balance": case.wallet})
    try:
        before = server.state()
        status, body, dummy = send(server, case, ids)
        after = server.state()
    finally:
        if case.wallet is not None:
            server.control("POST", "wallet", {"balance": 1000})
    assert status == case.status, body
    assert isinstance(body, dict) and body["status"] == status, body
    assert fill(case.fragment, ids) in body["message"], body
    assert body["data"] == case.data, body
    assert "actionId" not in body
    assert after == before, "a refused request changed the state"


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES, key=lambda key: (key[1], key[0])), ids=str)
def test_every_route_requires_the_key(world: tuple[Sim, dict[str, str]], method: str, path: str) -> None:
    server, dummy = world
    before = server.state()
    for key in (None, "wrong-key"):
        status, body, dummy = server.api(method, path, json={}, key=key)
        assert (status, body["status"], body["data"]) == (401, 401, None)
        assert body["message"].startswith("Invalid API Key")
    assert server.state() == before


def test_every_route_has_error_cases() -> None:
    covered = {(case.method, case.path) for case in CASES}
    assert not covered - set(ROUTES), "cases for routes the simulator does not serve"
    missing = set(ROUTES) - covered - KEY_ONLY
    assert not missing, f"routes without error cases: {sorted(missing)}"
    assert len(set(ROUTES) - ALIASES) == 63  # the documented endpoints


# The second method or path some endpoints accept (docs/developer/API.md#recreation-path, #domain-auto-renew-method; #sandbox: method not shown).
ALIASES = {("POST", "/domains/toggle-auto-renew"), ("POST", "/subscriptions/recreate"), ("DELETE", "/sandbox/pre-warmup/reset")}


# -- happy paths ----------------------------------------------------------------------------------

# The test that proves each route's happy path (2xx in the documented shape), so the coverage
# of the documentation can be read off one table; test_happy_path_index checks the names exist.
HAPPY_PATH = {
    ("GET", "/users/list"): "test_users.py::test_list_pagination_and_search",
    ("GET", "/users"): "test_users.py::test_create_get_roundtrip",
    ("POST", "/users"): "test_users.py::test_create_get_roundtrip",
    ("PUT", "/users"): "test_users.py::test_update_partial_and_full",
    ("DELETE", "/users"): "test_users.py::test_delete_removes_user_and_leftovers",
    ("GET", "/geo/countries"): "test_geo_wallet_misc.py::test_countries",
    ("GET", "/geo/states"): "test_geo_wallet_misc.py::test_states",
    ("GET", "/wallet"): "test_geo_wallet_misc.py::test_wallet",
    ("POST", "/send-errors"): "test_geo_wallet_misc.py::test_send_errors_recorded",
    ("POST", "/domains/renewal-price"): "test_domains.py::test_renewal_price",
    ("POST", "/domains/renew"): "test_domains.py::test_renew_inside_window",
    ("PATCH", "/domains/toggle-auto-renew"): "test_domains.py::test_toggle_auto_renew",
    ("POST", "/domains/toggle-auto-renew"): "test_domains.py::test_toggle_auto_renew",
    ("GET", "/domains/by-user"): "test_domains.py::test_by_user_lists_domains_and_unknown_user_is_empty",
    ("POST", "/domains/suggest"): "test_domains.py::test_suggest_is_deterministic_and_available_only",
    ("POST", "/domains/available"): "test_domains.py::test_available",
    ("POST", "/domains/has-workspace"): "test_domains.py::test_has_workspace_single",
    ("POST", "/domains/forwarding"): "test_domains.py::test_domain_forwarding",
    ("POST", "/domains/email-forwarding"): "test_domains.py::test_email_forwarding_needs_active_mailboxes",
    ("POST", "/domains/add-client-id"): "test_domains.py::test_add_client_id",
    ("DELETE", "/domains/remove"): "test_domains.py::test_remove_domain",
    ("GET", "/domains/details"): "test_domains.py::test_details",
    ("GET", "/dns"): "test_dns.py::test_add_documented_example",
    ("POST", "/dns"): "test_dns.py::test_add_many_records_in_one_call",
    ("PUT", "/dns"): "test_dns.py::test_update_replaces_the_record",
    ("DELETE", "/dns"): "test_dns.py::test_delete_record",
    ("GET", "/orders/details"): "test_orders.py::test_status_and_details",
    ("GET", "/orders/status"): "test_orders.py::test_status_and_details",
    ("POST", "/orders/json"): "test_orders.py::test_documented_example_is_accepted",
    ("POST", "/orders/create-mailbox-order/json"): "test_orders.py::test_mailbox_order_on_active_subscription",
    ("POST", "/orders/process"): "test_orders.py::test_confirm_false_registers_and_charges_nothing_until_processed",
    ("POST", "/orders"): "test_orders.py::test_multipart_create_order",
    ("POST", "/orders/create-mailbox-order"): "test_orders.py::test_deprecated_multipart_mailbox_order",
    ("GET", "/mailboxes"): "test_mailboxes.py::test_partner_listing_and_filters",
    ("GET", "/mailboxes/single"): "test_mailboxes.py::test_single_paginates_and_hides_credentials",
    ("GET", "/mailboxes/mailbox"): "test_mailboxes.py::test_get_by_id_and_admin_details",
    ("GET", "/mailboxes/admin-mailbox-details"): "test_mailboxes.py::test_get_by_id_and_admin_details",
    ("PATCH", "/mailboxes/update-mailbox-details"): "test_mailboxes.py::test_update_single",
    ("DELETE", "/mailboxes/remove"): "test_mailboxes.py::test_remove_one_mailbox",
    ("POST", "/mailboxes/validate-mailbox"): "test_mailboxes.py::test_validate_mailbox",
    ("POST", "/mailboxes/warmup"): "test_mailboxes.py::test_warmup_lifecycle",
    ("POST", "/mailboxes/warmup/toggle"): "test_mailboxes.py::test_warmup_lifecycle",
    ("PATCH", "/mailboxes/warmup/status"): "test_mailboxes.py::test_warmup_lifecycle",
    ("DELETE", "/mailboxes/warmup"): "test_mailboxes.py::test_warmup_lifecycle",
    ("PATCH", "/mailboxes/warmup/settings"): "test_mailboxes.py::test_warmup_settings",
    ("POST", "/mailboxes/oauth"): "test_mailboxes.py::test_oauth_export",
    ("POST", "/placement"): "test_exports_prewarmup_placement.py::test_placement_order_and_reports",
    ("GET", "/placement/reports"): "test_exports_prewarmup_placement.py::test_placement_order_and_reports",
    ("GET", "/subscriptions"): "test_subscriptions.py::test_list_shape_filters_and_pagination",
    ("POST", "/subscriptions/renew-subscriptions"): "test_subscriptions.py::test_renew_inside_window",
    ("POST", "/subscriptions/toggle-autorenewal"): "test_subscriptions.py::test_toggle_autorenewal_explicit_list_and_flip",
    ("POST", "/subscriptions/cancel"): "test_subscriptions.py::test_cancel_deletes_workspace_and_is_permanent",
    ("POST", "/component/subscriptions/recreate"): "test_subscriptions.py::test_recreate_issues_new_id",
    ("POST", "/subscriptions/recreate"): "test_subscriptions.py::test_recreate_issues_new_id",
    ("POST", "/exports/platform-credential"): "test_exports_prewarmup_placement.py::test_add_credential_documented_example_and_listing",
    ("GET", "/exports/platform-credentials"): "test_exports_prewarmup_placement.py::test_add_credential_documented_example_and_listing",
    ("PUT", "/exports/platform-credential"): "test_exports_prewarmup_placement.py::test_update_in_place_and_delete",
    ("DELETE", "/exports/platform-credential"): "test_exports_prewarmup_placement.py::test_update_in_place_and_delete",
    ("POST", "/exports/platform-exports"): "test_exports_prewarmup_placement.py::test_platform_export_accepts_both_field_names",
    ("GET", "/exports/platform-workspaces"): "test_exports_prewarmup_placement.py::test_platform_workspaces",
    ("GET", "/pre-warmup"): "test_exports_prewarmup_placement.py::test_inventory_listing_and_filters",
    ("POST", "/pre-warmup/order"): "test_exports_prewarmup_placement.py::test_prewarmup_order",
    ("GET", "/sandbox/pre-warmup"): "test_exports_prewarmup_placement.py::test_sandbox_flow",
    ("POST", "/sandbox/pre-warmup/order"): "test_exports_prewarmup_placement.py::test_sandbox_flow",
    ("POST", "/sandbox/pre-warmup/reset"): "test_exports_prewarmup_placement.py::test_sandbox_flow",
    ("DELETE", "/sandbox/pre-warmup/reset"): "test_exports_prewarmup_placement.py::test_sandbox_scenarios",
}


def test_happy_path_index() -> None:
    """Every route has a named happy-path test, the test exists and its file calls that path."""
    assert set(HAPPY_PATH) == set(ROUTES)
    for (method, path), where in HAPPY_PATH.items():
        filename, test_name = where.split("::")
        with open(os.path.join(TESTS_DIR, filename), encoding="utf-8") as handle:
            source = handle.read()
        names = {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}
        assert test_name in names, f"{method} {path}: {where} does not exist"
        assert f'"{path}' in source or f'"/{path.rsplit("/", 1)[-1]}"' in source, f"{method} {path}: {filename} never names the path"
