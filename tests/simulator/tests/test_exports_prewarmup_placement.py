"""Platform credentials and exports, placement tests, pre-warmup inventory/orders and the sandbox flow."""

from __future__ import annotations

import pytest

from cmrsim import catalog
from conftest import USER
from simhelpers import domain, domains_of, events, mailbox, mailboxes_of, provision, subscription, wallet

EMAILBISON = {
    "app": "EMAILBISON",
    "credentials": {"email": "john@agency.com", "password": "eb_password_abc123"},
    "metadata": {"appBaseUrl": "https://app.emailbison.com", "clientId": "client_eb_1234abcd", "appName": "EmailBison", "workspace": "my-workspace"},
}


@pytest.fixture
def user_with_boxes(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"export-me.com": ["a", "b"]})
    return user_id, [mb["mailboxId"] for mb in mailboxes_of(sim, user_id)]


def add_credential(sim, user_id, body):
    return sim.api("POST", "/exports/platform-credential", query={"userId": user_id}, json=body)


# -- platform credentials ---------------------------------------------------------------------------

def test_add_credential_documented_example_and_listing(sim, make_user):
    user_id = make_user()
    status, body, dummy = add_credential(sim, user_id, EMAILBISON)
    assert status == 200 and body["message"] == "Platform credentials added successfully"
    cred_id = body["data"]["credentialId"]
    assert len(cred_id) == 16
    status, body, dummy = sim.api("GET", "/exports/platform-credentials", query={"userId": user_id})
    assert status == 200 and body["message"] == "Fetched connected accounts successfully"
    assert body["data"]["EMAILBISON"]["connected"] is True
    listed = body["data"]["EMAILBISON"]["credentials"][0]
    assert listed["credentialId"] == cred_id and listed["email"] == "john@agency.com" and listed["connectedAt"].endswith("Z")
    assert listed["metadata"]["workspace"] == "my-workspace"
    assert "password" not in str(body)
    assert body["data"]["SMARTLEAD"] == {"connected": False, "credentials": []}


def test_every_post_stores_a_new_credential(sim, make_user):
    user_id = make_user()
    first = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    second = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    assert first != second
    listed = sim.api("GET", "/exports/platform-credentials", query={"userId": user_id})[1]["data"]["EMAILBISON"]["credentials"]
    assert [c["credentialId"] for c in listed] == [first, second]


def test_metadata_rules(sim, make_user):
    user_id = make_user()
    status, body, dummy = add_credential(sim, user_id, {k: v for k, v in EMAILBISON.items() if k != "metadata"})
    assert status == 400 and body["message"].startswith("metadata: required for EMAILBISON")
    status, body, dummy = add_credential(sim, user_id, {"app": "SMARTLEAD", "credentials": {"email": "s@agency.com", "password": "pw"}})
    assert status == 200


@pytest.mark.parametrize(("body", "message"), [
    ({"app": "MAILCHIMP", "credentials": {"email": "a@b.com", "password": "x"}}, "app"),
    ({"app": "SMARTLEAD"}, "credentials: required key not provided"),
    ({"app": "SMARTLEAD", "credentials": {"email": "a@b.com"}}, "credentials.password: required key not provided"),
    ({"app": "SMARTLEAD", "credentials": {"email": "a@b.com", "password": "invalid-password"}}, "Invalid SMARTLEAD credentials"),
])
def test_add_credential_validation(sim, make_user, body, message):
    status, reply, dummy = add_credential(sim, make_user(), body)
    assert status == 400 and reply["message"].startswith(message)
    assert not sim.state()["credentials"]


def test_update_in_place_and_delete(sim, make_user):
    user_id, stranger = make_user(), make_user()
    cred_id = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    update = {"credentialId": cred_id, "credentials": {"password": "rotated"}, "metadata": {**EMAILBISON["metadata"], "workspace": "other"}}
    status, body, dummy = sim.api("PUT", "/exports/platform-credential", query={"userId": user_id}, json=update)
    assert status == 200 and body["data"] == {"credentialId": cred_id}
    stored = sim.state()["credentials"]
    assert len(stored) == 1 and stored[0]["password"] == "rotated" and stored[0]["metadata"]["workspace"] == "other"
    assert sim.api("PUT", "/exports/platform-credential", json={"credentialId": cred_id, "orgId": "org_1"})[0] == 200
    assert sim.api("PUT", "/exports/platform-credential", query={"userId": stranger}, json=update)[0] == 403
    assert sim.api("PUT", "/exports/platform-credential", json={**update, "credentialId": "NOPE"})[0] == 404
    assert sim.api("PUT", "/exports/platform-credential", json={"credentialId": cred_id, "app": "SMARTLEAD"})[0] == 400
    assert sim.api("DELETE", "/exports/platform-credential", query={"userId": stranger, "credentialId": cred_id})[0] == 403
    status, body, dummy = sim.api("DELETE", "/exports/platform-credential", query={"userId": user_id, "credentialId": cred_id})
    assert (status, body["message"], body["data"]) == (200, "Platform credentials removed successfully", None)
    assert sim.api("DELETE", "/exports/platform-credential", query={"userId": user_id, "credentialId": cred_id})[0] == 404


def test_platform_workspaces(sim, make_user):
    user_id = make_user()
    instantly = add_credential(sim, user_id, {"app": "INSTANTLY", "credentials": {"email": "ops@agency.com", "password": "pw"}})[1]["data"]
    status, body, dummy = sim.api("GET", "/exports/platform-workspaces", query={"credentialId": instantly["credentialId"]})
    assert status == 200 and [w["name"] for w in body["data"]] == ["ops workspace", "Shared workspace"]
    assert body["data"] == sim.api("GET", "/exports/platform-workspaces", query={"credentialId": instantly["credentialId"]})[1]["data"]
    bison = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    assert sim.api("GET", "/exports/platform-workspaces", query={"credentialId": bison})[0] == 400
    assert sim.api("GET", "/exports/platform-workspaces", query={"credentialId": "NOPE"})[0] == 404


@pytest.mark.parametrize("field", ["componentMailboxIds", "mailboxIds"])
def test_platform_export_accepts_each_field_name_in_its_reading(sim, user_with_boxes, field):
    user_id, ids = user_with_boxes
    other = "componentMailboxIds" if field == "mailboxIds" else "mailboxIds"
    sim.control("POST", "variants", {"variants": ["export-mailbox-ids"] if field == "mailboxIds" else []})
    refused = sim.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": "x", other: ids})
    assert refused[0] == 400 and other in refused[1]["message"]
    cred_id = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    status, body, dummy = sim.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": cred_id, field: ids})
    assert status == 200 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: sim.state()["exports"][0]["status"] == "COMPLETED")
    assert all(mailbox(sim, f"{name}@export-me.com")["platformExports"][0]["credentialId"] == cred_id for name in ("a", "b"))
    assert all(mailbox(sim, f"{name}@export-me.com")["platformExports"][0]["status"] == "COMPLETED" for name in ("a", "b"))
    assert len(events(sim, "mailbox.exported")) == 2


def test_platform_export_in_progress_shows_on_the_mailbox_and_is_not_queued_twice(sim_factory):
    slow = sim_factory(async_delay=30)
    user_id = slow.api("POST", "/users", json={**USER, "email": "slow@example.com"})[1]["data"]["id"]
    box = slow.control("POST", "seed", {"kind": "mailboxes", "object": {
        "mailboxId": "MB1", "userId": user_id, "email": "a@slow-export.com", "status": "ACTIVE", "platformExports": []}})["object"]
    cred_id = add_credential(slow, user_id, EMAILBISON)[1]["data"]["credentialId"]
    body = {"credentialId": cred_id, "componentMailboxIds": [box["mailboxId"]]}
    assert slow.api("POST", "/exports/platform-exports", query={"userId": user_id}, json=body)[0] == 200
    entry = slow.api("GET", "/mailboxes/mailbox", query={"mailboxId": "MB1"})[1]["data"]["platformExports"][0]
    assert entry["credentialId"] == cred_id and entry["status"] == "IN_PROGRESS" and entry["exportedAt"] is None
    status, reply, dummy = slow.api("POST", "/exports/platform-exports", query={"userId": user_id}, json=body)
    assert status == 409 and "already in progress" in reply["message"]
    assert len(slow.state()["exports"]) == 1
    other = add_credential(slow, user_id, {**EMAILBISON, "credentials": {"email": "two@agency.com", "password": "pw2"}})[1]["data"]["credentialId"]
    assert slow.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": other, "componentMailboxIds": ["MB1"]})[0] == 200


def test_platform_export_errors(sim, user_with_boxes, make_user):
    user_id, ids = user_with_boxes
    sim.control("POST", "variants", {"variants": ["export-mailbox-ids"]})
    cred_id = add_credential(sim, user_id, EMAILBISON)[1]["data"]["credentialId"]
    status, body, dummy = sim.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": cred_id})
    assert status == 400 and body["message"].startswith("componentMailboxIds")
    assert sim.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": "NOPE", "mailboxIds": ids})[0] == 404
    assert sim.api("POST", "/exports/platform-exports", query={"userId": user_id}, json={"credentialId": cred_id, "mailboxIds": ["NOPE"]})[0] == 404
    other = make_user()
    other_cred = add_credential(sim, other, EMAILBISON)[1]["data"]["credentialId"]
    assert sim.api("POST", "/exports/platform-exports", query={"userId": other}, json={"credentialId": other_cred, "mailboxIds": ids})[0] == 403
    assert sim.api("POST", "/exports/platform-exports", query={"userId": other}, json={"credentialId": cred_id, "mailboxIds": ids})[0] == 403
    assert not sim.state()["exports"]


# -- placement --------------------------------------------------------------------------------------

def test_placement_order_and_reports(sim, user_with_boxes):
    user_id, ids = user_with_boxes
    before = wallet(sim)
    status, body, dummy = sim.api("POST", "/placement", query={"userId": user_id},
                                  json={"mailboxIds": ids, "spamassassin": True, "blacklist": True, "aiInsight": False})
    assert status == 200 and body["message"] == "Success"
    first = body["data"]["orderId"]
    assert wallet(sim) == before - 2 * catalog.PLACEMENT_PRICE_PER_MAILBOX
    report = sim.api("GET", "/placement/reports", query={"userId": user_id})[1]["data"][0]
    assert report["orderId"] == first and report["mailboxCount"] == 2
    sim.wait_for(lambda: sim.api("GET", "/placement/reports", query={"userId": user_id})[1]["data"][0]["status"] == "COMPLETED")
    second = sim.api("POST", "/placement", query={"userId": user_id}, json={"mailboxIds": ids[:1], "aiInsight": True})[1]["data"]["orderId"]
    assert wallet(sim) == before - 3 * catalog.PLACEMENT_PRICE_PER_MAILBOX - catalog.PLACEMENT_AI_INSIGHT_PRICE
    reports = sim.api("GET", "/placement/reports", query={"userId": user_id})[1]["data"]
    assert [r["orderId"] for r in reports] == [second, first]
    assert reports[1]["mailboxes"][0]["report"]["spamassassin"]["passed"] is True
    assert reports[0]["aiInsightRequested"] is True
    only = sim.api("GET", "/placement/reports", query={"userId": user_id, "mailboxId": ids[1]})[1]["data"]
    assert [r["orderId"] for r in only] == [first]
    assert [r["orderId"] for r in sim.api("GET", "/placement/reports", query={"userId": user_id, "orderId": second})[1]["data"]] == [second]


def test_placement_errors(sim, user_with_boxes, make_user):
    user_id, ids = user_with_boxes
    assert sim.api("POST", "/placement", query={"userId": user_id}, json={"mailboxIds": []})[0] == 400
    assert sim.api("POST", "/placement", query={"userId": user_id}, json={"mailboxIds": ["NOPE"]})[0] == 404
    assert sim.api("POST", "/placement", query={"userId": make_user()}, json={"mailboxIds": ids})[0] == 403
    sim.control("POST", "wallet", {"balance": 0.4})
    status, body, dummy = sim.api("POST", "/placement", query={"userId": user_id}, json={"mailboxIds": ids})
    assert status == 402 and body["message"].startswith("Insufficient wallet balance")
    assert not sim.state()["placements"] and wallet(sim) == 0.4


# -- pre-warmup -------------------------------------------------------------------------------------

def test_inventory_listing_and_filters(sim):
    status, body, dummy = sim.api("GET", "/pre-warmup")
    assert status == 200 and body["message"] == "Pre-warmed up domains fetched successfully"
    data = body["data"]
    assert data["totalDomains"] == len(catalog.PREWARMUP_DOMAINS) and data["totalMailboxes"] == 3 * len(catalog.PREWARMUP_DOMAINS)
    item = data["inventory"][0]
    assert item == {"domain": "prewarm-acmecorp.com", "serviceProvider": "GOOGLE", "purchasePrice": 30, "renewalPrice": 15,
                    "preWarmedUpMailboxes": [{"email": f"{u}@prewarm-acmecorp.com", "firstName": f, "lastName": last,
                                              "createdAt": "2025-01-15T10:00:00.000Z"} for u, f, last in catalog.PREWARMUP_PEOPLE]}
    ms = sim.api("GET", "/pre-warmup", query={"serviceProvider": "MICROSOFT"})[1]["data"]
    assert {i["serviceProvider"] for i in ms["inventory"]} == {"MICROSOFT"} and ms["totalDomains"] == 4
    assert [i["domain"] for i in sim.api("GET", "/pre-warmup", query={"contains": "contoso"})[1]["data"]["inventory"]] == ["prewarm-contoso.com"]
    paged = sim.api("GET", "/pre-warmup", query={"limit": 3, "page": 2})[1]["data"]
    assert len(paged["inventory"]) == 3 and paged["currentPage"] == 2 and paged["totalPages"] == 4
    assert sim.api("GET", "/pre-warmup", query={"serviceProvider": "YAHOO"})[0] == 400


def test_prewarmup_order(sim, make_user):
    user_id = make_user()
    before = wallet(sim)
    status, body, dummy = sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json={
        "order": [{"domain": "prewarm-acmecorp.com", "forwardTo": "https://acmecorp.com"}], "serviceProvider": "GOOGLE",
        "google": {"googleOauthRoute": "https://yourapp.com/oauth/google", "clientId": "...", "appName": "YourApp"}, "autoRenew": True})
    assert status == 201 and body["status"] == 201 and body["actionId"].startswith("ACT_")
    assert wallet(sim) == before - 30
    assert "prewarm-acmecorp.com" not in [i["domain"] for i in sim.api("GET", "/pre-warmup")[1]["data"]["inventory"]]
    sim.wait_for(lambda: domain(sim, user_id, "prewarm-acmecorp.com"))
    dom = domain(sim, user_id, "prewarm-acmecorp.com")
    assert (dom["status"], dom["purchaseType"], dom["domainForwarding"]["forwardTo"]) == ("ACTIVE", "PREWARMUP", "https://acmecorp.com")
    boxes = mailboxes_of(sim, user_id)
    assert {(mb["status"], mb["warmupStatus"]) for mb in boxes} == {("ACTIVE", "ACTIVE")} and len(boxes) == 3
    assert subscription(sim, "prewarm-acmecorp.com")["totalMailboxQuantity"] == 3
    success = events(sim, "prewarmup.order.success")[0]
    assert success["orderId"] == body["data"]["orderId"] and success["actionId"] == body["actionId"]
    assert all(mb["password"] for mb in success["mailboxDetails"][0]["preWarmedUpMailboxes"])


def test_prewarmup_partial_failure_refunds_and_offers_the_failed_package_again(sim, make_user):
    user_id = make_user()
    before = wallet(sim)
    status, body, dummy = sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json={
        "order": [{"domain": "prewarm-acmecorp.com"}, {"domain": "prewarm-umbrella.org"}], "serviceProvider": "GOOGLE"})
    assert status == 201 and wallet(sim) == before - 60
    sim.wait_for(lambda: events(sim, "prewarmup.order.failed"))
    failed = events(sim, "prewarmup.order.failed")[0]
    assert failed["failedDomains"] == [{"domain": "prewarm-umbrella.org", "reason": catalog.PREWARMUP_FAILING_DOMAINS["prewarm-umbrella.org"]}]
    assert [d["domain"] for d in events(sim, "prewarmup.order.success")[0]["mailboxDetails"]] == ["prewarm-acmecorp.com"]
    assert [d["domainName"] for d in domains_of(sim, user_id)] == ["prewarm-acmecorp.com"]
    assert wallet(sim) == before - 30
    assert "prewarm-umbrella.org" in [i["domain"] for i in sim.api("GET", "/pre-warmup")[1]["data"]["inventory"]]
    assert sim.state()["prewarmup_orders"][0]["status"] == "PARTIALLY_COMPLETED"


def test_prewarmup_order_errors(sim, make_user):
    user_id = make_user()
    order = {"order": [{"domain": "prewarm-contoso.com"}], "serviceProvider": "GOOGLE"}
    assert sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json=order)[0] == 422
    assert sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json={**order, "order": [{"domain": "elsewhere.com"}]})[0] == 404
    status, body, dummy = sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json={"order": [{"domain": "prewarm-contoso.com"}]})
    assert status == 400 and body["message"] == "serviceProvider: required key not provided"
    assert sim.api("POST", "/pre-warmup/order", json=order)[0] == 400
    sim.control("POST", "wallet", {"balance": 29})
    assert sim.api("POST", "/pre-warmup/order", query={"userId": user_id},
                   json={"order": [{"domain": "prewarm-contoso.com"}], "serviceProvider": "MICROSOFT"})[0] == 402
    assert wallet(sim) == 29 and not sim.state()["prewarmup_orders"]


# -- sandbox ----------------------------------------------------------------------------------------

def test_sandbox_flow(sim):
    listed = sim.api("GET", "/sandbox/pre-warmup")[1]["data"]
    assert [i["domain"] for i in listed["inventory"]] == [name for name, _p in catalog.SANDBOX_DOMAINS]
    status, body, dummy = sim.api("POST", "/sandbox/pre-warmup/order", json={
        "order": [{"domain": "sandbox.nexora-tech.com"}, {"domain": "mail-sandbox.brightplathlabs.com"}],
        "serviceProvider": "GOOGLE", "scenario": "partial_failure"})
    assert status == 201 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: events(sim, "prewarmup.order.success"))
    failed = events(sim, "prewarmup.order.failed")[0]
    assert [d["domain"] for d in failed["failedDomains"]] == ["sandbox.nexora-tech.com"]
    assert [d["domain"] for d in events(sim, "prewarmup.order.success")[0]["mailboxDetails"]] == ["mail-sandbox.brightplathlabs.com"]
    assert wallet(sim) == 1000
    remaining = [i["domain"] for i in sim.api("GET", "/sandbox/pre-warmup")[1]["data"]["inventory"]]
    assert "mail-sandbox.brightplathlabs.com" not in remaining
    status, body, dummy = sim.api("POST", "/sandbox/pre-warmup/order", json={"order": [{"domain": "mail-sandbox.brightplathlabs.com"}],
                                                                             "serviceProvider": "GOOGLE"})
    assert status == 409
    assert sim.api("POST", "/sandbox/pre-warmup/reset")[1]["data"] == {"removedOrders": 1}
    assert len(sim.api("GET", "/sandbox/pre-warmup")[1]["data"]["inventory"]) == 4


@pytest.mark.parametrize(("scenario", "failed", "succeeded"), [("success", 0, 1), ("full_failure", 1, 0), (None, 0, 1), ("unknown", 0, 1)])
def test_sandbox_scenarios(sim, scenario, failed, succeeded):
    body = {"order": [{"domain": "sandbox-mail.corevista.io"}], "serviceProvider": "MICROSOFT"}
    if scenario:
        body["scenario"] = scenario
    assert sim.api("POST", "/sandbox/pre-warmup/order", json=body)[0] == 201
    sim.wait_for(lambda: events(sim, "prewarmup.order.success") or events(sim, "prewarmup.order.failed"))
    assert (len(events(sim, "prewarmup.order.failed")), len(events(sim, "prewarmup.order.success"))) == (failed, succeeded)
    assert sim.api("DELETE", "/sandbox/pre-warmup/reset")[0] == 200


def test_sandbox_errors(sim):
    assert sim.api("POST", "/sandbox/pre-warmup/order", json={"order": [{"domain": "prewarm-acmecorp.com"}], "serviceProvider": "GOOGLE"})[0] == 404
    assert sim.api("POST", "/sandbox/pre-warmup/order", json={"order": [{"domain": "sandbox.stratospherehq.com"}],
                                                              "serviceProvider": "GOOGLE"})[0] == 422
    assert sim.api("POST", "/sandbox/pre-warmup/order", json={"order": []})[0] == 400
