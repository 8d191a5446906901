"""Mailboxes: reads, admin details, updates, removal rules, validation, OAuth export and warmup."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import USER
from simhelpers import clock, events, mailbox, mailboxes_of, provision, subscription

GOOGLE_BLOCK = {"googleOauthRoute": "https://app.example.org/oauth/google", "clientId": "42-x.apps.googleusercontent.com", "appName": "App"}
WARMUP_SETTINGS = {"warmupLimit": 40, "minimumWarmupLimit": 5, "warmupReplyRate": 0.3, "warmupOpenRate": 0.8, "warmupSpamProtectionRate": 0.2,
                   "warmupOnWeekdays": True, "increasePerDay": 2, "warmupDisableSlow": False, "minimumDelayBetweenWarmupEmails": 60,
                   "maximumDelayBetweenWarmupEmails": 300}


@pytest.fixture
def boxes(sim, make_user):
    """(userId, {username: mailbox}) with three ACTIVE mailboxes on box-owner.com."""
    user_id = make_user()
    provision(sim, user_id, {"box-owner.com": ["alice", "bob", "carol"]})
    return user_id, {mb["username"]: mb for mb in mailboxes_of(sim, user_id)}


def mid(boxes, name="alice"):
    return boxes[1][name]["mailboxId"]


# -- reads ------------------------------------------------------------------------------------------

def test_single_paginates_and_hides_credentials(sim, boxes):
    user_id, dummy = boxes
    first = sim.api("GET", "/mailboxes/single", query={"userId": user_id, "limit": 2})[1]["data"]
    second = sim.api("GET", "/mailboxes/single", query={"userId": user_id, "limit": 2, "page": 2})[1]["data"]
    assert [mb["username"] for mb in first + second] == ["alice", "bob", "carol"]
    assert all("password" not in mb and "appPassword" not in mb and "authenticatorSecret" not in mb for mb in first + second)
    keys = {"mailboxId", "email", "username", "firstName", "lastName", "profilePicture", "status", "serviceProvider", "domain", "domainId",
            "subscriptionId", "userId", "warmupStatus", "isAdmin", "expiryDate", "createdAt"}
    assert keys <= set(first[0])
    assert first[0]["expiryDate"] == subscription(sim, "box-owner.com")["periodEnd"]
    assert sim.api("GET", "/mailboxes/single")[0] == 400
    assert sim.api("GET", "/mailboxes/single", query={"userId": "NOBODY"})[0] == 404


def test_partner_listing_and_filters(sim, boxes, make_user):
    user_id, dummy = boxes
    other = make_user()
    provision(sim, other, {"box-other.com": ["zed"]})
    everything = sim.api("GET", "/mailboxes", query={"limit": 100})[1]["data"]
    assert len(everything) == 4
    assert [mb["email"] for mb in sim.api("GET", "/mailboxes", query={"userId": other})[1]["data"]] == ["zed@box-other.com"]
    assert len(sim.api("GET", "/mailboxes", query={"domain": "box-owner.com"})[1]["data"]) == 3
    assert sim.api("GET", "/mailboxes", query={"userId": user_id, "status": "EXPIRED"})[1]["data"] == []


def test_get_by_id_and_admin_details(sim, boxes, make_user):
    user_id, dummy = boxes
    status, body, dummy = sim.api("GET", "/mailboxes/mailbox", query={"mailboxId": mid(boxes)})
    assert status == 200 and body["data"]["email"] == "alice@box-owner.com" and "password" not in body["data"]
    assert sim.api("GET", "/mailboxes/mailbox", query={"mailboxId": "NOPE"})[0] == 404
    assert sim.api("GET", "/mailboxes/mailbox")[0] == 400
    stranger = make_user()
    assert sim.api("GET", "/mailboxes/mailbox", query={"mailboxId": mid(boxes), "userId": stranger})[0] == 403
    status, body, dummy = sim.api("GET", "/mailboxes/admin-mailbox-details", query={"userId": user_id, "mailboxId": mid(boxes)})
    assert status == 200
    assert all(body["data"][key] for key in ("password", "appPassword", "authenticatorSecret"))
    assert sim.api("GET", "/mailboxes/admin-mailbox-details", query={"userId": stranger, "mailboxId": mid(boxes)})[0] == 403
    assert sim.api("GET", "/mailboxes/admin-mailbox-details", query={"mailboxId": mid(boxes)})[0] == 400


# -- updates ----------------------------------------------------------------------------------------

def test_update_single(sim, boxes):
    user_id, dummy = boxes
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id}, json={
        "mailboxData": {"mailboxId": mid(boxes), "userName": "alice.doe", "firstName": "Alice", "lastName": "Doe"}})
    assert status == 200 and body["message"] == "Mailbox details will update shortly" and body["actionId"].startswith("ACT_")
    assert body["data"] is None
    sim.wait_for(lambda: mailbox(sim, "alice.doe@box-owner.com"))
    updated = mailbox(sim, "alice.doe@box-owner.com")
    assert (updated["username"], updated["lastName"], updated["mailboxId"]) == ("alice.doe", "Doe", mid(boxes))
    event = events(sim, "mailbox.updated")[0]
    assert event["updatedFields"] == {"username": "alice.doe", "email": "alice.doe@box-owner.com", "lastName": "Doe"}


def test_update_bulk_reports_per_item(sim, boxes, make_user):
    user_id, dummy = boxes
    other = make_user()
    provision(sim, other, {"box-foreign.com": ["x"]})
    foreign = mailboxes_of(sim, other)[0]["mailboxId"]
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id}, json={"mailboxData": [
        {"mailboxId": mid(boxes, "bob"), "firstName": "Robert", "profilePicture": "https://img.example.org/bob.png"},
        {"mailboxId": "NOPE", "firstName": "Nobody"},
        {"mailboxId": foreign, "firstName": "Thief"},
        {"mailboxId": mid(boxes, "carol"), "userName": "alice"},
    ]})
    assert status == 200
    assert [(r["success"], r["mailboxId"]) for r in body["data"]] == [(True, mid(boxes, "bob")), (False, "NOPE"), (False, foreign),
                                                                      (False, mid(boxes, "carol"))]
    assert "already exists" in body["data"][3]["message"]
    sim.wait_for(lambda: mailbox(sim, "bob@box-owner.com")["firstName"] == "Robert")
    assert mailbox(sim, "x@box-foreign.com")["firstName"] == "X"


def test_update_validation(sim, boxes):
    user_id, dummy = boxes
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id}, json={"mailboxData": {"firstName": "A"}})
    assert status == 400 and body["message"] == "mailboxData.mailboxId: required key not provided"
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id}, json={"mailboxData": []})
    assert status == 400
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id},
                                  json={"mailboxData": {"mailboxId": "NOPE"}})
    assert status == 404
    status, body, dummy = sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id},
                                  json={"mailboxData": {"mailboxId": mid(boxes), "userName": "bad name"}})
    assert status == 400 and body["message"].startswith("mailboxData.userName")


def test_remove_profile_picture(sim, boxes):
    user_id, dummy = boxes
    for item in ({"profilePicture": "https://img.example.org/a.png"}, {"removeProfilePicture": True}):
        sim.api("PATCH", "/mailboxes/update-mailbox-details", query={"userId": user_id}, json={"mailboxData": {"mailboxId": mid(boxes), **item}})
        expected = item.get("profilePicture")
        sim.wait_for(lambda expected=expected: mailbox(sim, "alice@box-owner.com")["profilePicture"] == expected)


# -- removal ----------------------------------------------------------------------------------------

def remove(sim, user_id, mailbox_id):
    return sim.api("DELETE", "/mailboxes/remove", query={"userId": user_id}, json={"mailboxId": mailbox_id})


def test_remove_one_mailbox(sim, boxes, make_user):
    user_id, dummy = boxes
    assert remove(sim, make_user(), mid(boxes))[0] == 403
    assert remove(sim, user_id, "NOPE")[0] == 404
    status, body, dummy = sim.api("DELETE", "/mailboxes/remove", query={"userId": user_id}, json={})
    assert status == 400 and body["message"] == "mailboxId: required key not provided"
    status, body, dummy = remove(sim, user_id, mid(boxes))
    assert status == 200 and body["message"] == "Mailbox will be removed shortly"
    sim.wait_for(lambda: mailbox(sim, "alice@box-owner.com") is None)
    sub = subscription(sim, "box-owner.com")
    assert (sub["subscriptionStatus"], sub["totalMailboxQuantity"]) == ("ACTIVE", 2)
    assert remove(sim, user_id, mid(boxes))[0] == 404


def test_removing_last_mailbox_deletes_workspace(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"solo-box.com": ["only"]})
    assert remove(sim, user_id, mailboxes_of(sim, user_id)[0]["mailboxId"])[0] == 200
    sim.wait_for(lambda: subscription(sim, "solo-box.com")["subscriptionStatus"] == "CANCELLED")
    assert mailboxes_of(sim, user_id) == []
    assert [e["domain"] for e in events(sim, "subscription.cancelled")] == ["solo-box.com"]


def test_remove_refused_within_24_hours_of_period_end(sim, boxes):
    user_id, dummy = boxes
    period_end = dt.datetime.fromisoformat(subscription(sim, "box-owner.com")["periodEnd"].replace("Z", "+00:00"))
    remaining = (period_end - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400
    clock(sim, remaining - 1.5)  # 36 hours left: still allowed
    assert remove(sim, user_id, mid(boxes, "alice"))[0] == 200
    clock(sim, 1)  # 12 hours left
    status, body, dummy = remove(sim, user_id, mid(boxes, "bob"))
    assert status == 422 and "24 hours" in body["message"]
    assert mailbox(sim, "bob@box-owner.com") is not None


def test_remove_refused_while_provisioning(sim_factory):
    slow = sim_factory(async_delay=3)
    user_id = slow.api("POST", "/users", json=USER)[1]["data"]["id"]
    status, _b, dummy = slow.api("POST", "/orders/json", query={"userId": user_id}, json={
        "domains": [{"domain": "in-progress.com", "years": 1}],
        "mailboxes": {"in-progress.com": [{"username": "a", "firstName": "A", "lastName": "B"}]}})
    assert status == 200
    mailbox_id = slow.state()["mailboxes"][0]["mailboxId"]
    status, body, dummy = slow.api("DELETE", "/mailboxes/remove", query={"userId": user_id}, json={"mailboxId": mailbox_id})
    assert status == 422 and "being provisioned" in body["message"]


# -- validation and OAuth export --------------------------------------------------------------------

def test_validate_mailbox(sim, boxes, make_user):
    user_id, dummy = boxes
    status, body, dummy = sim.api("POST", "/mailboxes/validate-mailbox", query={"userId": user_id}, json={"mailboxId": mid(boxes)})
    assert status == 200 and body["data"]["valid"] is True and body["data"]["checks"]["smtp"] is True
    assert body["data"]["checks"]["mx"] is False
    assert sim.api("POST", "/mailboxes/validate-mailbox", query={"userId": make_user()}, json={"mailboxId": mid(boxes)})[0] == 403
    assert sim.api("POST", "/mailboxes/validate-mailbox", query={"userId": user_id}, json={})[0] == 400


def test_oauth_export(sim, boxes, make_user):
    user_id, dummy = boxes
    status, body, dummy = sim.api("POST", "/mailboxes/oauth", query={"userId": user_id}, json={"mailboxId": mid(boxes)})
    assert status == 400 and body["message"].startswith("google: required for GOOGLE mailboxes")
    status, body, dummy = sim.api("POST", "/mailboxes/oauth", query={"userId": user_id},
                                  json={"mailboxId": mid(boxes), "google": {**GOOGLE_BLOCK, "clientId": "bogus"}})
    assert status == 400 and body["message"].startswith("google.clientId")
    assert sim.api("POST", "/mailboxes/oauth", query={"userId": make_user()}, json={"mailboxId": mid(boxes), "google": GOOGLE_BLOCK})[0] == 403
    assert sim.api("POST", "/mailboxes/oauth", query={"userId": user_id}, json={"mailboxId": "NOPE", "google": GOOGLE_BLOCK})[0] == 404
    status, body, dummy = sim.api("POST", "/mailboxes/oauth", query={"userId": user_id}, json={"mailboxId": mid(boxes), "google": GOOGLE_BLOCK})
    assert status == 200 and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: mailbox(sim, "alice@box-owner.com")["exportStatus"] == "EXPORTED")
    assert events(sim, "mailbox.exported")[0]["actionId"] == body["actionId"]


def test_oauth_export_in_progress_is_409(sim_factory):
    slow = sim_factory(async_delay=3)
    user_id = slow.api("POST", "/users", json=USER)[1]["data"]["id"]
    slow.api("POST", "/orders/json", query={"userId": user_id}, json={
        "domains": [{"domain": "ms-export.com", "years": 1}], "serviceProvider": "MICROSOFT", "microsoftOauthRoute": "https://a.example.org",
        "mailboxes": {"ms-export.com": [{"username": "a", "firstName": "A", "lastName": "B"}]}})
    mailbox_id = slow.state()["mailboxes"][0]["mailboxId"]
    slow.control("POST", "seed", {"kind": "mailboxes", "object": {**slow.state()["mailboxes"][0], "status": "ACTIVE"}})
    body = {"mailboxId": mailbox_id, "microsoft": {"microsoftOauthRoute": "https://a.example.org"}}
    assert slow.api("POST", "/mailboxes/oauth", query={"userId": user_id}, json=body)[0] == 200
    status, reply, dummy = slow.api("POST", "/mailboxes/oauth", query={"userId": user_id}, json=body)
    assert status == 409 and "already in progress" in reply["message"]


# -- warmup -----------------------------------------------------------------------------------------

def warmup(sim, method, path, mailbox_id, json=None, **query):  # pylint: disable=redefined-outer-name
    return sim.api(method, "/mailboxes/warmup" + path, query={"mailboxId": mailbox_id, **query}, json=json)


def test_warmup_lifecycle(sim, boxes):
    box = mid(boxes)
    status, body, dummy = warmup(sim, "POST", "", box)
    assert status == 200 and body["data"]["status"] == "PENDING" and body["actionId"].startswith("ACT_")
    sim.wait_for(lambda: mailbox(sim, "alice@box-owner.com")["warmupStatus"] == "ACTIVE")
    assert events(sim, "mailbox.warmup.started")[0]["mailboxId"] == box
    assert warmup(sim, "POST", "", box)[0] == 409

    status, body, dummy = warmup(sim, "POST", "/toggle", box)
    assert (status, body["message"], body["data"]) == (200, "Warmup paused", {"status": "PAUSED", "actionId": body["actionId"]})
    assert warmup(sim, "POST", "/toggle", box)[1]["message"] == "Warmup resumed"

    status, body, dummy = warmup(sim, "PATCH", "/status", box, json={"status": "PAUSED"})
    assert status == 200 and body["data"]["status"] == "PAUSED"
    assert warmup(sim, "PATCH", "/status", box, json={"status": "PAUSED"})[1]["data"]["status"] == "PAUSED"  # explicit = idempotent
    assert warmup(sim, "PATCH", "/status", box, json={"status": "STOPPED"})[0] == 400
    assert warmup(sim, "PATCH", "/status", box, json={"status": "ACTIVE"})[1]["data"]["status"] == "ACTIVE"

    status, body, dummy = warmup(sim, "DELETE", "", box)
    assert (status, body["message"], body["data"]) == (200, "Warmup disabled", None)
    assert mailbox(sim, "alice@box-owner.com")["warmupStatus"] == "STOPPED"
    assert events(sim, "mailbox.warmup.removed")[0]["email"] == "alice@box-owner.com"
    assert warmup(sim, "POST", "/toggle", box)[0] == 422
    assert warmup(sim, "PATCH", "/status", box, json={"status": "ACTIVE"})[0] == 422
    assert warmup(sim, "DELETE", "", box)[0] == 422
    assert warmup(sim, "POST", "", box)[0] == 200  # re-enroll after STOPPED


def test_order_time_warmup(sim, make_user):
    user_id = make_user()
    status, _body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json={
        "domains": [{"domain": "warm-order.com", "years": 1}],
        "mailboxes": {"warm-order.com": [{"username": "w", "firstName": "W", "lastName": "X", "onWarmup": True}]}})
    assert status == 200
    sim.wait_for(lambda: (mailbox(sim, "w@warm-order.com") or {}).get("warmupStatus") == "ACTIVE")


def test_warmup_settings(sim, boxes):
    box = mid(boxes)
    status, body, dummy = warmup(sim, "PATCH", "/settings", box, json=WARMUP_SETTINGS)
    assert status == 200 and body["data"] == WARMUP_SETTINGS
    assert mailbox(sim, "alice@box-owner.com")["warmupSettings"] == WARMUP_SETTINGS
    status, body, dummy = warmup(sim, "PATCH", "/settings", box, json={"warmupLimit": 50})
    assert body["data"] == {**WARMUP_SETTINGS, "warmupLimit": 50}
    assert warmup(sim, "PATCH", "/settings", box, json={"warmupReplyRate": 1.5})[1]["message"] == "warmupReplyRate: must be at most 1"
    assert warmup(sim, "PATCH", "/settings", box, json={"minimumWarmupLimit": 60})[1]["message"] == "minimumWarmupLimit: must not exceed warmupLimit"
    assert warmup(sim, "PATCH", "/settings", box, json={"speed": 1})[0] == 400
    assert warmup(sim, "PATCH", "/settings", box, json={})[0] == 400


def test_warmup_errors(sim, boxes, make_user):
    assert warmup(sim, "POST", "", "NOPE")[0] == 404
    assert sim.api("POST", "/mailboxes/warmup")[0] == 400
    assert warmup(sim, "POST", "", mid(boxes), userId=make_user())[0] == 403
    assert warmup(sim, "POST", "", mid(boxes), userId=boxes[0])[0] == 200
