"""Subscriptions: listing, renewal window and PAST_DUE/EXPIRED over the clock, auto-renew, cancel, recreate."""

from __future__ import annotations

import datetime as dt

import pytest

from cmrsim import catalog
from simhelpers import clock, domain, events, mailbox, mailboxes_of, provision, subscription, subscriptions, wallet


@pytest.fixture
def subbed(sim, make_user):
    """(userId, subscription) for sub-owner.com with two ACTIVE mailboxes and auto-renew off."""
    user_id = make_user()
    provision(sim, user_id, {"sub-owner.com": ["a", "b"]}, autoRenew=False)
    return user_id, subscription(sim, "sub-owner.com")


def sid(subbed):
    return subbed[1]["subscriptionId"]


def test_list_shape_filters_and_pagination(sim, subbed, make_user):
    user_id, sub = subbed
    other = make_user()
    provision(sim, other, {"sub-other.com": ["x"], "sub-third.com": ["y"]})
    status, body, dummy = sim.api("GET", "/subscriptions")
    assert status == 200 and body["message"] == "Subscriptions fetched successfully"
    assert body["data"]["pagination"] == {"totalSearchedCount": 3, "currentPage": 1, "nextPage": None, "totalPages": 1}
    keys = {"subscriptionId", "subscriptionStatus", "totalMailboxQuantity", "billingCycle", "pricePerMailbox", "periodStart", "periodEnd",
            "serviceProvider", "autoRenew", "userId", "domain"}
    assert keys <= set(body["data"]["subscriptions"][0])
    assert (sub["totalMailboxQuantity"], sub["billingCycle"], sub["autoRenew"], sub["userId"]) == (2, "MONTHLY", False, user_id)
    assert [s["domain"] for s in subscriptions(sim, userId=other)] == ["sub-other.com", "sub-third.com"]
    assert [s["subscriptionId"] for s in subscriptions(sim, componentSubscriptionId=sid(subbed))] == [sid(subbed)]
    assert subscriptions(sim, status="CANCELLED") == []
    page = sim.api("GET", "/subscriptions", query={"limit": 2, "page": 1})[1]["data"]
    assert len(page["subscriptions"]) == 2 and page["pagination"]["nextPage"] == 2 and page["pagination"]["totalPages"] == 2
    status, body, dummy = sim.api("GET", "/subscriptions", query={"status": "WEIRD"})
    assert status == 400 and body["message"].startswith("status:")


# -- auto-renew -------------------------------------------------------------------------------------

def test_toggle_autorenewal_explicit_list_and_flip(sim, subbed, make_user):
    status, body, dummy = sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": sid(subbed), "autoRenew": True})
    assert status == 200 and body["data"] == {"subscriptionId": sid(subbed), "autoRenew": True}
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": sid(subbed), "autoRenew": True})[1]["data"]["autoRenew"]
    status, body, dummy = sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionIds": [sid(subbed)], "autoRenew": False})
    assert body["data"] == [{"subscriptionId": sid(subbed), "autoRenew": False}]
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": sid(subbed)})[1]["data"]["autoRenew"] is True
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"autoRenew": True})[0] == 400
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": "NOPE", "autoRenew": True})[0] == 404
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": sid(subbed), "autoRenew": "no"})[0] == 400
    stranger = make_user()
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", query={"userId": stranger},
                   json={"subscriptionId": sid(subbed), "autoRenew": False})[0] == 403


# -- renewal ----------------------------------------------------------------------------------------

def renew(sim, *ids):
    return sim.api("POST", "/subscriptions/renew-subscriptions", json={"subscriptionIds": list(ids)})


def test_renew_outside_window_is_422(sim, subbed):
    status, body, dummy = renew(sim, sid(subbed))
    assert status == 422 and "not due for renewal" in body["message"]


def test_renew_inside_window(sim, subbed):
    clock(sim, 25)
    old_end = subscription(sim, "sub-owner.com")["periodEnd"]
    before = wallet(sim)
    status, body, dummy = renew(sim, sid(subbed))
    assert status == 200 and body["actionId"].startswith("ACT_")
    assert body["message"] == "Subscriptions added for renewal. Please ensure you have enough balance to renew the subscriptions."
    assert wallet(sim) == before - 2 * catalog.MAILBOX_PRICE
    assert subscription(sim, "sub-owner.com")["subscriptionStatus"] == "RENEWING"
    sim.wait_for(lambda: subscription(sim, "sub-owner.com")["subscriptionStatus"] == "ACTIVE")
    renewed = subscription(sim, "sub-owner.com")
    assert renewed["periodStart"] == old_end and renewed["periodEnd"] > old_end
    assert events(sim, "subscription.renewal.success")[0]["actionId"] == body["actionId"]


def test_renew_402_and_unknown(sim, subbed):
    clock(sim, 25)
    sim.control("POST", "wallet", {"balance": 1})
    assert renew(sim, sid(subbed))[0] == 402
    assert subscription(sim, "sub-owner.com")["subscriptionStatus"] == "ACTIVE" and wallet(sim) == 1
    assert renew(sim, "NOPE")[0] == 404
    assert sim.api("POST", "/subscriptions/renew-subscriptions", json={"subscriptionIds": []})[0] == 400


def test_period_end_past_due_then_expired(sim, subbed):
    clock(sim, 32)
    sub = subscription(sim, "sub-owner.com")
    assert sub["subscriptionStatus"] == "PAST_DUE"
    assert events(sim, "subscription.past_due")[0]["subscriptionId"] == sid(subbed)
    assert {mb["status"] for mb in mailboxes_of(sim, subbed[0])} == {"ACTIVE"}
    clock(sim, catalog.SUBSCRIPTION_GRACE_DAYS)
    assert subscription(sim, "sub-owner.com")["subscriptionStatus"] == "EXPIRED"
    assert {mb["status"] for mb in mailboxes_of(sim, subbed[0])} == {"EXPIRED"}
    assert renew(sim, sid(subbed))[0] == 422


def test_past_due_can_be_renewed(sim, subbed):
    clock(sim, 32)
    before = wallet(sim)
    assert renew(sim, sid(subbed))[0] == 200
    assert wallet(sim) == before - 6.00
    sim.wait_for(lambda: subscription(sim, "sub-owner.com")["subscriptionStatus"] == "ACTIVE")


def test_auto_renew_at_period_end(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"auto-sub.com": ["a"]})
    assert subscription(sim, "auto-sub.com")["autoRenew"] is True
    before = wallet(sim)
    clock(sim, 32)
    sub = subscription(sim, "auto-sub.com")
    assert sub["subscriptionStatus"] == "ACTIVE" and wallet(sim) == before - 3.00
    assert len(events(sim, "subscription.renewal.success")) == 1


def test_auto_renew_without_funds_goes_past_due(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"poor-sub.com": ["a"]})
    sim.control("POST", "wallet", {"balance": 0})
    clock(sim, 32)
    assert subscription(sim, "poor-sub.com")["subscriptionStatus"] == "PAST_DUE"
    assert events(sim, "subscription.renewal.failed")[0]["reason"] == "Insufficient wallet balance"


def test_domain_in_grace_blocks_subscription_renewal(sim, make_user):
    """docs/developer/API.md#domain-renewal: a GRACE_PERIOD domain blocks the renewal of its subscription, automatic or manual."""
    user_id = make_user()
    provision(sim, user_id, {"graced.com": ["a"]})  # the subscription auto-renews (funds are plenty); the domain does not
    state = sim.state()
    dom = next(d for d in state["domains"] if d["domainName"] == "graced.com")
    sub = next(s for s in state["subscriptions"] if s["domain"] == "graced.com")
    # The registrar expiry comes in 2 days, the period end in 3: when the period ends the domain is in its grace period.
    sim.control("POST", "seed", {"kind": "domains", "id": dom["domainId"], "object": {**dom, "expiryDate": iso_in(2)}})
    sim.control("POST", "seed", {"kind": "subscriptions", "id": sub["subscriptionId"], "object": {**sub, "periodEnd": iso_in(3)}})
    clock(sim, 3.5)
    assert domain(sim, user_id, "graced.com")["status"] == "GRACE_PERIOD"
    assert subscription(sim, "graced.com")["subscriptionStatus"] == "PAST_DUE"
    assert "graced.com is GRACE_PERIOD" in events(sim, "subscription.renewal.failed")[-1]["reason"]
    before = wallet(sim)
    status, body, dummy = renew(sim, sub["subscriptionId"])
    assert status == 422 and "renew the domain first" in body["message"] and wallet(sim) == before
    assert sim.api("POST", "/domains/renew", json={"userId": user_id, "domains": ["graced.com"]})[0] == 200
    sim.wait_for(lambda: domain(sim, user_id, "graced.com")["status"] == "ACTIVE")
    assert renew(sim, sub["subscriptionId"])[0] == 200
    sim.wait_for(lambda: subscription(sim, "graced.com")["subscriptionStatus"] == "ACTIVE")


def iso_in(days: float) -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_price_moves_to_one_year_tier(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"long-sub.com": ["a"]}, years=2)
    for dummy in range(12):
        clock(sim, 31)
    sub = subscription(sim, "long-sub.com")
    assert sub["subscriptionStatus"] == "ACTIVE" and sub["pricePerMailbox"] == catalog.MAILBOX_PRICE_AFTER_12_MONTHS
    assert len(events(sim, "subscription.updated")) == 1


# -- cancellation -----------------------------------------------------------------------------------

def test_cancel_deletes_workspace_and_is_permanent(sim, subbed):
    user_id, dummy = subbed
    status, body, dummy = sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": sid(subbed)})
    assert status == 200 and body["message"] == "Subscription will be cancelled successfully" and body["data"] is None
    assert subscription(sim, "sub-owner.com")["subscriptionStatus"] == "CANCELLED"
    sim.wait_for(lambda: not mailboxes_of(sim, user_id))
    assert not sim.state()["mailboxes"]
    assert [s["subscriptionStatus"] for s in subscriptions(sim, domain="sub-owner.com")] == ["CANCELLED"]
    assert domain(sim, user_id, "sub-owner.com")["subscriptionId"] is None
    assert events(sim, "subscription.cancelled")[0]["subscriptionId"] == sid(subbed)
    status, body, dummy = sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": sid(subbed)})
    assert status == 409 and "permanent" in body["message"]
    assert sim.api("POST", "/subscriptions/cancel", json={"domain": "sub-owner.com"})[0] == 409
    assert sim.api("POST", "/subscriptions/toggle-autorenewal", json={"subscriptionId": sid(subbed), "autoRenew": True})[0] == 422


@pytest.mark.usefixtures("subbed")
def test_cancel_by_domain_and_errors(sim, make_user):
    assert sim.api("POST", "/subscriptions/cancel", json={})[0] == 400
    assert sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": "NOPE"})[0] == 404
    assert sim.api("POST", "/subscriptions/cancel", json={"domain": "unknown-dom.com"})[0] == 404
    assert sim.api("POST", "/subscriptions/cancel", query={"userId": make_user()}, json={"domain": "sub-owner.com"})[0] == 403
    assert sim.api("POST", "/subscriptions/cancel", json={"domain": "clientapp.co"})[0] == 404
    assert sim.api("POST", "/subscriptions/cancel", json={"domain": "sub-owner.com"})[0] == 200
    assert subscription(sim, "sub-owner.com")["subscriptionStatus"] == "CANCELLED"


# -- recreation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/component/subscriptions/recreate", "/subscriptions/recreate"])
def test_recreate_issues_new_id(sim, subbed, path):
    user_id, old = subbed
    before = wallet(sim)
    status, body, dummy = sim.api("POST", path, json={"subscriptionIds": [old["subscriptionId"]]})
    assert status == 200 and body["actionId"].startswith("ACT_")
    new_id = body["data"]["recreated"][0]["subscriptionId"]
    assert new_id != old["subscriptionId"] and body["data"]["recreated"][0]["previousSubscriptionId"] == old["subscriptionId"]
    assert wallet(sim) == before
    assert subscriptions(sim, componentSubscriptionId=old["subscriptionId"]) == []
    new = subscription(sim, "sub-owner.com")
    assert (new["subscriptionId"], new["pricePerMailbox"], new["totalMailboxQuantity"]) == (new_id, catalog.MAILBOX_PRICE, 2)
    assert {mb["subscriptionId"] for mb in mailboxes_of(sim, user_id)} == {new_id}
    assert domain(sim, user_id, "sub-owner.com")["subscriptionId"] == new_id
    assert sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": old["subscriptionId"]})[0] == 404
    sim.wait_for(lambda: events(sim, "subscription.updated"))


def test_recreate_by_domain_and_errors(sim, subbed):
    status, body, dummy = sim.api("POST", "/subscriptions/recreate", json={"domainNames": ["sub-owner.com"]})
    assert status == 200 and body["data"]["recreated"][0]["domain"] == "sub-owner.com"
    assert sim.api("POST", "/subscriptions/recreate", json={})[0] == 400
    assert sim.api("POST", "/subscriptions/recreate", json={"subscriptionIds": ["A"], "domainNames": ["sub-owner.com"]})[0] == 400
    assert sim.api("POST", "/subscriptions/recreate", json={"subscriptionIds": [sid(subbed)]})[0] == 404  # the old id is gone
    new_id = body["data"]["recreated"][0]["subscriptionId"]
    assert sim.api("POST", "/subscriptions/cancel", json={"subscriptionId": new_id})[0] == 200
    assert sim.api("POST", "/component/subscriptions/recreate", json={"subscriptionIds": [new_id]})[0] == 422
    assert mailbox(sim, "a@sub-owner.com") is None or mailbox(sim, "a@sub-owner.com")["subscriptionId"] == new_id
