"""Domains: reads, availability, workspace checks, renewal window and grace, forwarding, client id, removal."""

from __future__ import annotations

import datetime as dt

import pytest

from cmrsim import catalog
from simhelpers import clock, domain, domains_of, events, mailbox, provision, wallet

SEEDED_MAILBOX = {"mailboxId": "SEEDEDMAILBOX0000000000000001", "email": "late@late-boxes.com", "username": "late",
                  "status": "IN_PROGRESS", "domain": "late-boxes.com"}


@pytest.fixture
def owned(sim, make_user):
    """A user with an ACTIVE mailbox-less domain ``owned.com`` (1 year)."""
    user_id = make_user()
    provision(sim, user_id, {"owned.com": []})
    return user_id


def call(sim, method, path, user_id=None, **body):
    query = {"userId": user_id} if user_id and method in ("GET", "DELETE") else None
    if user_id and method not in ("GET", "DELETE"):
        body["userId"] = user_id
    return sim.api(method, path, query=query, json=body or None)


# -- reads ------------------------------------------------------------------------------------------

def test_by_user_lists_domains_and_unknown_user_is_empty(sim, owned):
    status, body, dummy = sim.api("GET", "/domains/by-user", query={"userId": owned})
    assert status == 200 and body["message"] == "Domains fetched successfully"
    dom = body["data"][0]
    expected_keys = {"domainId", "domainName", "status", "creationTime", "expiryDate", "purchaseType", "serviceProvider", "autoRenew",
                     "domainProtection", "domainForwarding", "emailForwarding", "subscriptionId", "userId", "clientId", "appName"}
    assert expected_keys <= set(dom)
    assert (dom["domainName"], dom["status"], dom["domainForwarding"], dom["emailForwarding"]) == ("owned.com", "ACTIVE", None, None)
    assert sim.api("GET", "/domains/by-user", query={"userId": "NOBODY"})[1]["data"] == []
    status, body, dummy = sim.api("GET", "/domains/by-user")
    assert status == 400 and body["message"] == "userId must be provided"


def test_by_user_paginates(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"page-a.com": [], "page-b.com": [], "page-c.com": []})
    first = sim.api("GET", "/domains/by-user", query={"userId": user_id, "limit": 2})[1]["data"]
    second = sim.api("GET", "/domains/by-user", query={"userId": user_id, "limit": 2, "page": 2})[1]["data"]
    assert [d["domainName"] for d in first + second] == ["page-a.com", "page-b.com", "page-c.com"]
    assert sim.api("GET", "/domains/by-user", query={"userId": user_id, "limit": 101})[0] == 400


def test_details(sim, owned, make_user):
    dom = domain(sim, owned, "owned.com")
    status, body, dummy = sim.api("GET", "/domains/details", query={"userId": owned, "domainId": dom["domainId"]})
    assert status == 200 and body["data"] == dom
    assert sim.api("GET", "/domains/details", query={"userId": owned, "domain": "owned.com"})[1]["data"] == dom
    assert sim.api("GET", "/domains/details", query={"userId": make_user(), "domainId": dom["domainId"]})[0] == 403
    assert sim.api("GET", "/domains/details", query={"userId": owned, "domainId": "NOPE"})[0] == 404
    assert sim.api("GET", "/domains/details", query={"userId": owned})[0] == 400


def test_renewal_price(sim, owned, make_user):
    status, body, dummy = call(sim, "POST", "/domains/renewal-price", owned, domains=["owned.com"])
    assert status == 200 and body["message"] == "Domain renewal prices fetched successfully"
    item = body["data"][0]
    assert item["renewalPrice"] == "14.50" and item["years"] == 1 and item["autoRenew"] is False
    assert item["expireOn"] == domain(sim, owned, "owned.com")["expiryDate"]
    assert call(sim, "POST", "/domains/renewal-price", make_user(), domains=["owned.com"])[0] == 403
    assert call(sim, "POST", "/domains/renewal-price", owned, domains=["unknown-dom.com"])[0] == 404
    status, body, dummy = call(sim, "POST", "/domains/renewal-price", owned)
    assert status == 400 and body["message"] == "domains: required key not provided"
    status, body, dummy = call(sim, "POST", "/domains/renewal-price", None, domains=["owned.com"])
    assert status == 400 and body["message"] == "userId must be provided"


# -- availability and workspaces --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "available", "price"), [
    ("brand-new-name.com", True, 12.00),
    ("brand-new-name.io", True, 39.00),
    ("taken.com", False, 12.00),
    ("taken-anything.net", False, 13.00),
    ("prewarm-acmecorp.com", False, 12.00),
    ("nice.zzz", False, None),
])
def test_available(sim, name, available, price):
    status, body, dummy = sim.api("POST", "/domains/available", json={"domain": name})
    assert status == 200 and body["data"] == {"domain": name, "available": available, "price": price}


@pytest.mark.usefixtures("owned")
def test_available_reports_registered_names_and_validates(sim):
    assert sim.api("POST", "/domains/available", json={"domain": "owned.com"})[1]["data"]["available"] is False
    status, body, dummy = sim.api("POST", "/domains/available", json={"domain": "bad name"})
    assert status == 400 and body["message"].startswith("domain:")
    assert sim.api("POST", "/domains/available", json={})[1]["message"] == "domain: required key not provided"


@pytest.mark.usefixtures("owned")
def test_suggest_is_deterministic_and_available_only(sim):
    status, body, dummy = sim.api("POST", "/domains/suggest", json={"domain": "owned", "tlds": ["com", "io"]})
    assert status == 200
    names = [item["domain"] for item in body["data"]]
    assert body["data"] == sim.api("POST", "/domains/suggest", json={"domain": "owned", "tlds": ["com", "io"]})[1]["data"]
    assert "owned.com" not in names and "owned.io" in names and "getowned.com" in names
    assert all(item["available"] for item in body["data"]) and len(names) <= catalog.SUGGESTION_LIMIT
    assert {item["price"] for item in body["data"]} <= {12.00, 39.00}
    assert sim.api("POST", "/domains/suggest", json={})[0] == 400


def test_has_workspace_single(sim):
    status, body, dummy = sim.api("POST", "/domains/has-workspace", json={"domainName": "acmecorp.com", "serviceProvider": "GOOGLE"})
    assert (status, body) == (200, {"status": 200, "message": "Workspace not exists", "data": None})
    status, body, dummy = sim.api("POST", "/domains/has-workspace", json={"domainName": "gws-acme.com"})
    assert status == 409 and "GOOGLE" in body["message"] and body["data"] is None
    assert sim.api("POST", "/domains/has-workspace", json={"domainName": "has-google.com", "serviceProvider": "MICROSOFT"})[0] == 200
    assert sim.api("POST", "/domains/has-workspace", json={"domainName": "has-microsoft.com", "serviceProvider": "MICROSOFT"})[0] == 409
    assert sim.api("POST", "/domains/has-workspace", json={"domainName": "x.com", "serviceProvider": "YAHOO"})[0] == 400


def test_has_workspace_bulk_and_live_workspaces(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"live-ws.com": ["a"]})
    status, body, dummy = sim.api("POST", "/domains/has-workspace", json={"domains": [
        {"domainName": "free-ws.com", "serviceProvider": "GOOGLE"}, {"domainName": "gsuite-conflict.net"}, {"domainName": "live-ws.com"}]})
    assert status == 200
    assert [(r["domainName"], r["success"]) for r in body["data"]] == [("free-ws.com", True), ("gsuite-conflict.net", False), ("live-ws.com", False)]
    assert "error" in body["data"][1] and "error" not in body["data"][0]


# -- renewal ----------------------------------------------------------------------------------------

def test_renew_outside_window_is_422(sim, owned):
    before = wallet(sim)
    status, body, dummy = call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])
    assert status == 422 and "renewal window opens 45 days before expiry" in body["message"]
    assert wallet(sim) == before


def test_renew_inside_window(sim, owned):
    clock(sim, 366 - 40)  # 40 days before expiry
    expiry = domain(sim, owned, "owned.com")["expiryDate"]
    before = wallet(sim)
    status, body, dummy = call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])
    assert status == 200 and body["actionId"].startswith("ACT_")
    assert wallet(sim) == before - 14.50
    assert domain(sim, owned, "owned.com")["status"] == "RENEWING"
    sim.wait_for(lambda: domain(sim, owned, "owned.com")["status"] == "ACTIVE")
    renewed = domain(sim, owned, "owned.com")["expiryDate"]
    assert (int(renewed[:4]), renewed[5:7]) == (int(expiry[:4]) + 1, expiry[5:7])  # one more year from the old expiry
    assert events(sim, "domain.renewal.success")[0]["actionId"] == body["actionId"]
    assert call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])[0] == 422  # next window is a year away


def test_renewal_window_opens_exactly_45_days_before_expiry(sim, owned):
    expiry = dt.datetime.fromisoformat(domain(sim, owned, "owned.com")["expiryDate"].replace("Z", "+00:00"))
    days_left = (expiry - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400
    clock(sim, days_left - 45.1)  # 45.1 days before expiry: not yet
    status, body, dummy = call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])
    assert status == 422 and "45 days" in body["message"]
    clock(sim, 0.2)  # 44.9 days before expiry: inside the window
    assert call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])[0] == 200


def test_renew_402(sim, owned):
    clock(sim, 340)
    sim.control("POST", "wallet", {"balance": 1})
    status, _body, dummy = call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])
    assert status == 402 and wallet(sim) == 1 and domain(sim, owned, "owned.com")["status"] == "ACTIVE"


def test_grace_period_then_expired(sim, owned, make_user):
    clock(sim, 368)
    assert domain(sim, owned, "owned.com")["status"] == "GRACE_PERIOD"
    assert [e["domainName"] for e in events(sim, "domain.grace_period")] == ["owned.com"]
    assert call(sim, "POST", "/domains/renew", owned, domains=["owned.com"])[0] == 200
    sim.wait_for(lambda: domain(sim, owned, "owned.com")["status"] == "ACTIVE")

    other = make_user()
    provision(sim, other, {"lapsing.com": []})
    clock(sim, 366 + catalog.DOMAIN_GRACE_DAYS + 1)
    assert domain(sim, other, "lapsing.com")["status"] == "EXPIRED"
    assert "lapsing.com" in [e["domainName"] for e in events(sim, "domain.expired")]
    status, body, dummy = call(sim, "POST", "/domains/renew", other, domains=["lapsing.com"])
    assert status == 422 and "EXPIRED" in body["message"]


def test_auto_renew_renews_when_eligible(sim, owned):
    assert call(sim, "PATCH", "/domains/toggle-auto-renew", owned, domains=["owned.com"], autoRenew=True)[0] == 200
    before = wallet(sim)
    clock(sim, 330)
    assert wallet(sim) == before - 14.50
    assert domain(sim, owned, "owned.com")["status"] == "ACTIVE"
    assert len(events(sim, "domain.renewal.success")) == 1


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_toggle_auto_renew(sim, owned, method):
    if method == "POST":  # the older docs copy: served only in that reading
        sim.control("POST", "variants", {"variants": ["auto-renew-post"]})
    status, body, dummy = call(sim, method, "/domains/toggle-auto-renew", owned, domains=["owned.com"], autoRenew=True)
    assert status == 200 and body["message"] == "Auto-renew toggled on for 1 domain."
    assert body["data"] == [{"domainName": "owned.com", "domainId": domain(sim, owned, "owned.com")["domainId"], "autoRenew": True}]
    assert domain(sim, owned, "owned.com")["autoRenew"] is True
    assert call(sim, method, "/domains/toggle-auto-renew", owned, domains=["owned.com"], autoRenew=False)[1]["message"].startswith(
        "Auto-renew toggled off")
    status, body, dummy = call(sim, method, "/domains/toggle-auto-renew", owned, domains=["owned.com"])
    assert status == 400 and body["message"] == "autoRenew: required key not provided"
    assert call(sim, method, "/domains/toggle-auto-renew", owned, domains=["owned.com"], autoRenew="yes")[0] == 400


# -- forwarding, client id --------------------------------------------------------------------------

def test_domain_forwarding(sim, owned, make_user):
    status, body, dummy = call(sim, "POST", "/domains/forwarding", owned, domain="owned.com", forwardTo="https://target.example.org",
                               maskForwarding=True)
    assert status == 200 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: domain(sim, owned, "owned.com")["domainForwarding"])
    assert domain(sim, owned, "owned.com")["domainForwarding"] == {"forwardTo": "https://target.example.org", "maskForwarding": True}
    assert events(sim, "dns-record.updated")[0]["domainName"] == "owned.com"
    assert call(sim, "POST", "/domains/forwarding", owned, domain="owned.com", forwardTo="ftp://nope")[0] == 400
    assert call(sim, "POST", "/domains/forwarding", make_user(), domain="owned.com", forwardTo="https://x.org")[0] == 403
    assert call(sim, "POST", "/domains/forwarding", owned, domain="unknown-dom.com", forwardTo="https://x.org")[0] == 404


def test_email_forwarding_needs_active_mailboxes(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"late-boxes.com": ["ready"]})
    dom = domain(sim, user_id, "late-boxes.com")
    sim.control("POST", "seed", {"kind": "mailboxes", "object": {**SEEDED_MAILBOX, "userId": user_id, "domainId": dom["domainId"]}})
    status, body, dummy = call(sim, "POST", "/domains/email-forwarding", user_id, domain="late-boxes.com", forwardTo="inbox@example.org")
    assert status == 422 and "late@late-boxes.com (IN_PROGRESS)" in body["message"]
    sim.control("POST", "seed", {"kind": "mailboxes", "object": {**SEEDED_MAILBOX, "status": "ACTIVE", "userId": user_id,
                                                                 "domainId": dom["domainId"]}})
    status, body, dummy = call(sim, "POST", "/domains/email-forwarding", user_id, domain="late-boxes.com", forwardTo="inbox@example.org")
    assert status == 200
    sim.wait_for(lambda: domain(sim, user_id, "late-boxes.com")["emailForwarding"] == {"forwardTo": "inbox@example.org"})
    assert call(sim, "POST", "/domains/email-forwarding", user_id, domain="late-boxes.com", forwardTo="not-an-email")[0] == 400
    assert mailbox(sim, "ready@late-boxes.com")["status"] == "ACTIVE"


def test_add_client_id(sim, owned):
    client = "123456-abc.apps.googleusercontent.com"
    status, body, dummy = call(sim, "POST", "/domains/add-client-id", owned, domains=["owned.com"], clientId="bogus", appName="App")
    assert status == 400 and body["message"].startswith("clientId:")
    status, body, dummy = call(sim, "POST", "/domains/add-client-id", owned, domains=["owned.com"], clientId=client, appName="App")
    assert status == 200 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: domain(sim, owned, "owned.com")["clientId"] == client)
    assert domain(sim, owned, "owned.com")["appName"] == "App"
    assert call(sim, "POST", "/domains/add-client-id", owned, domains=["owned.com"], clientId=client)[0] == 400


# -- removal ----------------------------------------------------------------------------------------

def test_remove_refused_while_mailboxes_exist(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"busy.com": ["a", "b"]})
    status, body, dummy = sim.api("DELETE", "/domains/remove", query={"userId": user_id}, json={"domains": ["busy.com"]})
    assert status == 409
    assert "still has 2 mailboxes" in body["message"] and body["data"]["mailboxCount"] == 2
    assert domain(sim, user_id, "busy.com") is not None


def test_remove_domain(sim, owned, make_user):
    assert sim.api("POST", "/dns", query={"userId": owned}, json={"domain": "owned.com", "records": [
        {"host": "@", "value": "192.0.2.1", "recordType": "A"}]})[0] == 200
    assert sim.api("DELETE", "/domains/remove", query={"userId": make_user()}, json={"domains": ["owned.com"]})[0] == 403
    assert sim.api("DELETE", "/domains/remove", query={"userId": owned}, json={"domains": ["unknown-dom.com"]})[0] == 404
    assert sim.api("DELETE", "/domains/remove", query={"userId": owned}, json={})[0] == 400
    status, body, dummy = sim.api("DELETE", "/domains/remove", query={"userId": owned}, json={"domains": ["owned.com"]})
    assert status == 200 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: not domains_of(sim, owned))
    state = sim.state()
    assert not state["domains"] and not state["records"]
    assert sim.api("POST", "/domains/available", json={"domain": "owned.com"})[1]["data"]["available"] is True
