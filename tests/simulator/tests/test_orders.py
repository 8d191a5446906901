"""Orders: creation, cost formula, 402, confirm:false + process, mailbox orders, multipart, reads."""

from __future__ import annotations

import json
import re

import pytest

from cmrsim import catalog
from conftest import USER
from simhelpers import (MS_ROUTE, domain, domains_of, events, mailbox, mailbox_spec, mailboxes_of, multipart, order_body, order_status, place,
                        provision, subscription, wallet)

ACTION_RE = re.compile(r"^ACT_[0-9a-f-]{36}$")
DOC_EXAMPLE = {
    "billingCycle": "MONTHLY", "confirm": True, "serviceProvider": "GOOGLE",
    "domains": [{"domain": "alicesender.com", "years": 1}],
    "mailboxes": {"alicesender.com": [{"username": "alice", "firstName": "Alice", "lastName": "Johnson", "onWarmup": True}]},
}


def test_documented_example_is_accepted(sim, make_user):
    user_id = make_user()
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=DOC_EXAMPLE)
    assert status == 200
    assert body["message"] == "Order created and queued for processing"
    assert body["data"]["unavailableDomains"] == []
    assert ACTION_RE.match(body["actionId"]) and body["data"]["actionId"] == body["actionId"]
    order = sim.state()["orders"][0]
    assert {key: order[key] for key in ("orderId", "userId", "confirmed", "serviceProvider")} == {
        "orderId": body["data"]["orderId"], "userId": user_id, "confirmed": True, "serviceProvider": "GOOGLE"}
    assert order["totalPrice"] == 15.00


def test_accepted_order_lists_domains_and_mailboxes_at_once(sim_factory):
    slow = sim_factory(async_delay=2)
    status, body, dummy = slow.api("POST", "/users", json=USER)
    assert status == 200, body
    user_id = body["data"]["id"]
    data = place(slow, user_id, {"fastlist.com": ["ann", "ben"]})
    assert [d["status"] for d in domains_of(slow, user_id)] == ["PENDING"]
    assert [mb["status"] for mb in mailboxes_of(slow, user_id)] == ["IN_PROGRESS", "IN_PROGRESS"]
    assert order_status(slow, user_id, data["orderId"]) == "QUEUED"
    assert subscription(slow, "fastlist.com")["subscriptionStatus"] == "ACTIVE"


def test_mailboxes_pass_through_creating_password(sim_factory):
    """IN_PROGRESS → CREATING_PASSWORD → ACTIVE, one --async-delay step each; the order QUEUED → PROCESSING → COMPLETED.

    docs/developer/API.md#status-values
    """
    slow = sim_factory(async_delay=0.6)
    user_id = slow.api("POST", "/users", json=USER)[1]["data"]["id"]
    data = place(slow, user_id, {"stepwise.com": ["ann"]})
    assert [mb["status"] for mb in mailboxes_of(slow, user_id)] == ["IN_PROGRESS"]
    slow.wait_for(lambda: [mb["status"] for mb in mailboxes_of(slow, user_id)] == ["CREATING_PASSWORD"], interval=0.05)
    assert order_status(slow, user_id, data["orderId"]) == "PROCESSING"
    assert [d["status"] for d in domains_of(slow, user_id)] == ["ACTIVE"]
    assert "password" not in slow.state()["mailboxes"][0] or not slow.state()["mailboxes"][0]["password"]
    slow.wait_for(lambda: [mb["status"] for mb in mailboxes_of(slow, user_id)] == ["ACTIVE"], interval=0.05)
    assert order_status(slow, user_id, data["orderId"]) == "COMPLETED"
    assert slow.state()["mailboxes"][0]["password"]


def test_provisioning_transitions_and_webhooks(sim, make_user):
    user_id = make_user()
    data = provision(sim, user_id, {"provisioned.com": ["alice", "bob"]}, years=2)
    dom = domain(sim, user_id, "provisioned.com")
    assert dom["status"] == "ACTIVE"
    created = sim.state()["domains"][0]
    assert created["expiryDate"][:4] == str(int(created["creationTime"][:4]) + 2)
    boxes = mailboxes_of(sim, user_id)
    assert {mb["status"] for mb in boxes} == {"ACTIVE"}
    assert all("password" not in mb for mb in boxes)
    assert all(mb["password"] and mb["appPassword"] and mb["authenticatorSecret"] for mb in sim.state()["mailboxes"])
    sub = subscription(sim, "provisioned.com")
    assert (sub["subscriptionStatus"], sub["totalMailboxQuantity"], sub["pricePerMailbox"], sub["autoRenew"]) == ("ACTIVE", 2, 3, True)
    assert sub["periodEnd"] > sub["periodStart"]
    names = [hook["event"] for hook in sim.control("GET", "webhooks")]
    assert names == ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created"]
    success = events(sim, "domain.order.success")[0]
    assert success["orderId"] == data["orderId"] and success["price"] == 24.00 and success["actionId"] == data["actionId"]
    assert {e["email"] for e in events(sim, "mailbox.created")} == {"alice@provisioned.com", "bob@provisioned.com"}
    assert all(e["password"] for e in events(sim, "mailbox.created"))


def test_debit_equals_documented_formula(sim, make_user):
    user_id = make_user()
    before = wallet(sim)
    body = order_body({"formula-one.com": ["a", "b"], "formula-two.io": ["c"], "formula-three.info": []}, years=1)
    body["domains"][0]["years"] = 3
    status, reply, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=body)
    assert status == 200, reply
    expected = 12.00 * 3 + 39.00 + 4.00 + 3 * catalog.MAILBOX_PRICE
    assert round(before - wallet(sim), 2) == expected == sim.state()["orders"][0]["totalPrice"]


def test_insufficient_funds_is_402_with_nothing_recorded(sim, make_user):
    user_id = make_user()
    sim.control("POST", "wallet", {"balance": 10})
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=order_body({"tooexpensive.com": ["x"]}))
    assert status == 402
    assert body["data"] is None and body["message"].startswith("Insufficient wallet balance")
    state = sim.state()
    assert state["wallet"] == 10 and not state["orders"] and not state["domains"] and not state["mailboxes"] and not state["subscriptions"]


def test_unavailable_domains_are_listed_and_not_registered(sim, make_user):
    user_id = make_user()
    before = wallet(sim)
    data = place(sim, user_id, {"free-name.com": ["a"], "taken.com": ["b"], "gws-conflict.com": ["c"], "nope.zzz": []})
    assert sorted(data["unavailableDomains"]) == ["gws-conflict.com", "nope.zzz", "taken.com"]
    assert [d["domainName"] for d in sim.state()["domains"]] == ["free-name.com"]
    assert round(before - wallet(sim), 2) == 12.00 + 3.00


def test_all_unavailable_is_422(sim, make_user):
    user_id = make_user()
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=order_body({"taken.com": ["x"]}))
    assert status == 422
    assert "taken.com (already registered)" in body["message"]
    assert body["data"] == {"unavailableDomains": ["taken.com"]}
    assert not sim.state()["orders"]


def test_workspace_conflict_depends_on_provider(sim, make_user):
    user_id = make_user()
    data = place(sim, user_id, {"has-microsoft.com": ["a"]}, provider="GOOGLE")
    assert data["unavailableDomains"] == []
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id},
                                  json=order_body({"m365-shop.com": ["a"], "fine-ms.com": ["b"]}, provider="MICROSOFT"))
    assert status == 200 and body["data"]["unavailableDomains"] == ["m365-shop.com"]


def test_already_registered_name_is_unavailable(sim, make_user):
    first, second = make_user(), make_user()
    provision(sim, first, {"once-only.com": []})
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": second}, json=order_body({"once-only.com": []}))
    assert status == 422 and "once-only.com (already registered)" in body["message"]


def test_confirm_false_registers_and_charges_nothing_until_processed(sim, make_user):
    user_id = make_user()
    before = wallet(sim)
    data = place(sim, user_id, {"review-me.com": ["a", "b"]}, confirm=False)
    assert "actionId" not in data
    state = sim.state()
    assert state["orders"][0]["status"] == "UNCONFIRMED" and state["orders"][0]["confirmed"] is False
    assert state["orders"][0]["totalPrice"] == 18.00
    assert not state["domains"] and not state["mailboxes"] and state["wallet"] == before

    status, body, dummy = sim.api("POST", "/orders/process", query={"userId": user_id}, json={"orderId": data["orderId"]})
    assert status == 200 and ACTION_RE.match(body["actionId"])
    assert wallet(sim) == before - 18.00
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "COMPLETED")
    assert domain(sim, user_id, "review-me.com")["status"] == "ACTIVE"

    status, body, dummy = sim.api("POST", "/orders/process", query={"userId": user_id}, json={"orderId": data["orderId"]})
    assert status == 409 and "already been processed" in body["message"]
    assert wallet(sim) == before - 18.00


def test_process_rechecks_funds(sim, make_user):
    user_id = make_user()
    data = place(sim, user_id, {"later-paid.com": ["a"]}, confirm=False)
    sim.control("POST", "wallet", {"balance": 5})
    status, _body, dummy = sim.api("POST", "/orders/process", query={"userId": user_id}, json={"orderId": data["orderId"]})
    assert status == 402
    state = sim.state()
    assert state["orders"][0]["status"] == "UNCONFIRMED" and state["wallet"] == 5 and not state["domains"]


def test_process_rechecks_availability(sim, make_user):
    first, second = make_user(), make_user()
    data = place(sim, first, {"contested.com": ["a"], "mine-only.com": []}, confirm=False)
    provision(sim, second, {"contested.com": []})
    status, body, dummy = sim.api("POST", "/orders/process", query={"userId": first}, json={"orderId": data["orderId"]})
    assert status == 200 and body["data"]["unavailableDomains"] == ["contested.com"]
    sim.wait_for(lambda: order_status(sim, first, data["orderId"]) == "COMPLETED")
    assert [d["domainName"] for d in domains_of(sim, first)] == ["mine-only.com"]


def test_process_errors(sim, make_user):
    owner, other = make_user(), make_user()
    data = place(sim, owner, {"someone.com": []}, confirm=False)
    assert sim.api("POST", "/orders/process", query={"userId": other}, json={"orderId": data["orderId"]})[0] == 403
    assert sim.api("POST", "/orders/process", query={"userId": owner}, json={"orderId": "NOPE"})[0] == 404
    status, body, dummy = sim.api("POST", "/orders/process", query={"userId": owner}, json={})
    assert status == 400 and body["message"] == "orderId: required key not provided"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda b: b.pop("domains"), "domains: required key not provided"),
    (lambda b: b.pop("mailboxes"), "mailboxes: required key not provided"),
    (lambda b: b["domains"][0].update(years="1"), "domains[0].years: expected an integer"),
    (lambda b: b["domains"][0].update(years=0), "domains[0].years: must be at least 1"),
    (lambda b: b["domains"][0].pop("domain"), "domains[0].domain: required key not provided"),
    (lambda b: b["domains"][0].update(domain="not a domain"), "domains[0].domain: 'not a domain' is not a valid domain name"),
    (lambda b: b.update(domains=[]), "domains: must not be empty"),
    (lambda b: b.update(billingCycle="YEARLY"), "billingCycle"),
    (lambda b: b.update(serviceProvider="YAHOO"), "serviceProvider"),
    (lambda b: b.update(confirm="yes"), "confirm: expected a boolean"),
    (lambda b: b.update(surprise=1), "surprise: extra keys not allowed"),
    (lambda b: b["mailboxes"]["valid-order.com"][0].pop("firstName"), "mailboxes.valid-order.com[0].firstName: required key not provided"),
    (lambda b: b["mailboxes"].update({"other.com": [mailbox_spec("x")]}), "mailboxes.other.com: not one of the ordered domains"),
    (lambda b: b["mailboxes"]["valid-order.com"].append(mailbox_spec("a")), "is listed twice"),
    (lambda b: b.update(serviceProvider="MICROSOFT"), "microsoftOauthRoute: required for MICROSOFT orders"),
])
def test_order_validation(sim, make_user, mutate, message):
    user_id = make_user()
    body = order_body({"valid-order.com": ["a"]})
    mutate(body)
    status, reply, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=body)
    assert status == 400, reply
    assert message in reply["message"]
    assert not sim.state()["orders"]


def test_order_needs_known_user(sim):
    assert sim.api("POST", "/orders/json", json=order_body({"x-user.com": []}))[0] == 400
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": "UNKNOWN"}, json=order_body({"x-user.com": []}))
    assert status == 404 and body["message"] == "The requested user does not exist"


def test_microsoft_order(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"ms-order.com": ["a"]}, provider="MICROSOFT")
    assert mailboxes_of(sim, user_id)[0]["serviceProvider"] == "MICROSOFT"
    assert sim.state()["orders"][0]["microsoftOauthRoute"] == MS_ROUTE


def test_status_and_details(sim, make_user):
    owner, other = make_user(), make_user()
    data = provision(sim, owner, {"details-order.com": ["a"]})
    status, body, dummy = sim.api("GET", "/orders/details", query={"userId": owner, "orderId": data["orderId"]})
    assert status == 200
    order = body["data"]
    assert {"orderId", "userId", "status", "confirmed", "domains", "mailboxes", "serviceProvider", "totalPrice", "createdAt"} <= set(order)
    assert order["status"] == "COMPLETED" and order["domains"] == [{"domain": "details-order.com", "years": 1}]
    assert not [key for key in order if key.startswith("_")]
    for path in ("/orders/status", "/orders/details"):
        assert sim.api("GET", path, query={"userId": other, "orderId": data["orderId"]})[0] == 403
        assert sim.api("GET", path, query={"userId": owner, "orderId": "NOPE"})[0] == 404
        assert sim.api("GET", path, query={"userId": owner})[0] == 400


# -- mailbox orders -------------------------------------------------------------------------------

def mailbox_order(sim, user_id, **body):
    return sim.api("POST", "/orders/create-mailbox-order/json", query={"userId": user_id}, json=body)


def test_mailbox_order_on_active_subscription(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"grow.com": ["a"]})
    sub = subscription(sim, "grow.com")
    before = wallet(sim)
    status, body, dummy = mailbox_order(sim, user_id, subscriptionId=sub["subscriptionId"], confirm=True,
                                        mailboxes={"grow.com": [mailbox_spec("b"), mailbox_spec("c")]})
    assert status == 200 and ACTION_RE.match(body["actionId"])
    assert wallet(sim) == before - 2 * catalog.MAILBOX_PRICE
    sim.wait_for(lambda: order_status(sim, user_id, body["data"]["orderId"]) == "COMPLETED")
    assert subscription(sim, "grow.com")["totalMailboxQuantity"] == 3
    assert {mb["email"] for mb in mailboxes_of(sim, user_id)} == {"a@grow.com", "b@grow.com", "c@grow.com"}
    assert mailbox(sim, "b@grow.com")["status"] == "ACTIVE"


def test_mailbox_order_ids_are_mutually_exclusive(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"exclusive.com": ["a"]})
    sub, dom = subscription(sim, "exclusive.com"), domain(sim, user_id, "exclusive.com")
    boxes = {"exclusive.com": [mailbox_spec("b")]}
    for ids in ({"subscriptionId": sub["subscriptionId"], "domainId": dom["domainId"]}, {}):
        status, body, dummy = mailbox_order(sim, user_id, mailboxes=boxes, **ids)
        assert status == 400 and "mutually exclusive" in body["message"]
    assert len(sim.state()["orders"]) == 1


def test_mailbox_order_with_domain_id_after_cancellation(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"reborn.com": ["a"]})
    old = subscription(sim, "reborn.com")
    dom = domain(sim, user_id, "reborn.com")
    status, body, dummy = mailbox_order(sim, user_id, domainId=dom["domainId"], mailboxes={"reborn.com": [mailbox_spec("b")]})
    assert status == 422 and old["subscriptionId"] in body["message"]
    assert sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": old["subscriptionId"]})[0] == 200
    sim.wait_for(lambda: not mailboxes_of(sim, user_id))
    status, body, dummy = mailbox_order(sim, user_id, subscriptionId=old["subscriptionId"], mailboxes={"reborn.com": [mailbox_spec("b")]})
    assert status == 422 and "CANCELLED" in body["message"]
    before = wallet(sim)
    status, body, dummy = mailbox_order(sim, user_id, domainId=dom["domainId"], autoRenew=False, mailboxes={"reborn.com": [mailbox_spec("b")]})
    assert status == 200, body
    assert wallet(sim) == before - catalog.MAILBOX_PRICE
    sim.wait_for(lambda: order_status(sim, user_id, body["data"]["orderId"]) == "COMPLETED")
    new = subscription(sim, "reborn.com")
    assert new["subscriptionId"] != old["subscriptionId"]
    assert (new["subscriptionStatus"], new["autoRenew"], new["totalMailboxQuantity"]) == ("ACTIVE", False, 1)
    assert mailbox(sim, "b@reborn.com")["subscriptionId"] == new["subscriptionId"]


def test_mailbox_order_errors(sim, make_user):
    owner, other = make_user(), make_user()
    provision(sim, owner, {"guarded.com": ["a"]})
    sub = subscription(sim, "guarded.com")
    status, _b, dummy = mailbox_order(sim, other, subscriptionId=sub["subscriptionId"], mailboxes={"guarded.com": [mailbox_spec("b")]})
    assert status == 403
    assert mailbox_order(sim, owner, subscriptionId="NOPE", mailboxes={"guarded.com": [mailbox_spec("b")]})[0] == 404
    status, body, dummy = mailbox_order(sim, owner, subscriptionId=sub["subscriptionId"], mailboxes={"guarded.com": [mailbox_spec("a")]})
    assert status == 409 and "a@guarded.com already exists" in body["message"]
    status, body, dummy = mailbox_order(sim, owner, subscriptionId=sub["subscriptionId"], mailboxes={"elsewhere.com": [mailbox_spec("b")]})
    assert status == 400 and "elsewhere.com" in body["message"]
    sim.control("POST", "wallet", {"balance": 1})
    status, _b, dummy = mailbox_order(sim, owner, subscriptionId=sub["subscriptionId"], mailboxes={"guarded.com": [mailbox_spec("b")]})
    assert status == 402
    assert len(sim.state()["orders"]) == 1 and wallet(sim) == 1


def test_unconfirmed_mailbox_order_processed_later(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"slowgrow.com": ["a"]})
    sub = subscription(sim, "slowgrow.com")
    before = wallet(sim)
    status, body, dummy = mailbox_order(sim, user_id, subscriptionId=sub["subscriptionId"], confirm=False,
                                        mailboxes={"slowgrow.com": [mailbox_spec("b")]})
    assert status == 200 and wallet(sim) == before and len(mailboxes_of(sim, user_id)) == 1
    status, _b, dummy = sim.api("POST", "/orders/process", query={"userId": user_id}, json={"orderId": body["data"]["orderId"]})
    assert status == 200 and wallet(sim) == before - 3.00
    sim.wait_for(lambda: len(mailboxes_of(sim, user_id)) == 2)


# -- multipart variants -----------------------------------------------------------------------------

def test_multipart_create_order(sim, make_user):
    user_id = make_user()
    raw, content_type = multipart({
        "domains": json.dumps([{"domain": "formdata.com", "years": 1, "maskForwarding": False}]),
        "mailboxes": json.dumps({"formdata.com": [mailbox_spec("alice")]}),
        "billingCycle": "MONTHLY", "confirm": "true", "serviceProvider": "GOOGLE",
        "google": json.dumps({"googleOauthRoute": "https://app.example.org/oauth", "clientId": 12345, "appName": "App"}),
        "files[alice@formdata.com]": ("alice.png", b"\x89PNG fake"),
    })
    status, body, dummy = sim.api("POST", "/orders", query={"userId": user_id}, raw=raw, headers={"Content-Type": content_type})
    assert status == 200, body
    sim.wait_for(lambda: order_status(sim, user_id, body["data"]["orderId"]) == "COMPLETED")
    created = mailbox(sim, "alice@formdata.com")
    assert created["status"] == "ACTIVE" and created["profilePicture"].endswith("alice@formdata.com")
    assert wallet(sim) == 1000 - 15.00


def test_multipart_errors(sim, make_user):
    user_id = make_user()
    raw, content_type = multipart({"domains": "[not json", "mailboxes": "{}"})
    status, body, dummy = sim.api("POST", "/orders", query={"userId": user_id}, raw=raw, headers={"Content-Type": content_type})
    assert status == 400 and body["message"] == "domains: expected JSON text"
    raw, content_type = multipart({"domains": json.dumps([{"domain": "fd.com", "years": 1}]), "mailboxes": "{}", "confirm": "maybe"})
    status, body, dummy = sim.api("POST", "/orders", query={"userId": user_id}, raw=raw, headers={"Content-Type": content_type})
    assert status == 400 and body["message"] == "confirm: expected true or false"


def test_multipart_json_body_is_accepted_too(sim, make_user):
    user_id = make_user()
    status, body, dummy = sim.api("POST", "/orders", query={"userId": user_id}, json=order_body({"json-on-multipart.com": []}))
    assert status == 200, body


def test_deprecated_multipart_mailbox_order(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"legacy.com": ["a"]})
    sub = subscription(sim, "legacy.com")
    raw, content_type = multipart({"subscriptionId": sub["subscriptionId"], "confirm": "true",
                                   "mailboxes": json.dumps({"legacy.com": [mailbox_spec("b")]})})
    status, body, dummy = sim.api("POST", "/orders/create-mailbox-order", query={"userId": user_id}, raw=raw, headers={"Content-Type": content_type})
    assert status == 200, body
    sim.wait_for(lambda: order_status(sim, user_id, body["data"]["orderId"]) == "COMPLETED")
    assert subscription(sim, "legacy.com")["totalMailboxQuantity"] == 2
    raw, content_type = multipart({"mailboxes": json.dumps({"legacy.com": [mailbox_spec("c")]})})
    status, body, dummy = sim.api("POST", "/orders/create-mailbox-order", query={"userId": user_id}, raw=raw, headers={"Content-Type": content_type})
    assert status == 400 and body["message"] == "subscriptionId: required key not provided"
