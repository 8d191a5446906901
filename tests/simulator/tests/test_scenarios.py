"""Failures that arrive after CMR accepted a request (POST /_sim/scenario)."""

from __future__ import annotations

import pytest
from simhelpers import order_status, place, subscription, wallet

from cmrsim import catalog


def arm(sim, name):
    return sim.control("POST", "scenario", {"scenario": name})


def events(sim, name):
    return [hook for hook in sim.control("GET", "webhooks") if hook["event"] == name]


def test_unknown_scenario_is_refused_and_reset_disarms(sim):
    assert sim.request("POST", "/_sim/scenario", b'{"scenario": "nope"}').status == 400
    assert arm(sim, "renewal-failed") == {"scenarios": ["renewal-failed"]}
    sim.reset()
    assert sim.control("GET", "scenario")["scenarios"] == []


def test_domain_order_fails_after_acceptance(sim, make_user):
    user_id = make_user()
    arm(sim, "domain-order-failed")
    before = wallet(sim)
    data = place(sim, user_id, {"late-fail.com": ["a"]})
    assert wallet(sim) < before  # accepted and charged first
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "FAILED")
    status = sim.api("GET", "/orders/status", query={"userId": user_id, "orderId": data["orderId"]})[1]["data"]
    assert "registry refused" in status["failureReason"]
    state = sim.state()
    assert state["domains"] == [] and state["mailboxes"] == [] and state["subscriptions"] == []
    assert wallet(sim) == before
    assert [hook["data"]["domainName"] for hook in events(sim, "domain.order.failed")] == ["late-fail.com"]


@pytest.mark.parametrize(("name", "words"), [("mailbox-order-failed", "could not create the mailboxes"), ("workspace-conflict", "existing GOOGLE workspace")])
def test_mailboxes_fail_after_acceptance_and_the_domain_stays(sim, make_user, name, words):
    user_id = make_user()
    arm(sim, name)
    before = wallet(sim)
    data = place(sim, user_id, {"late-box.com": ["a", "b"]})
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "FAILED")
    state = sim.state()
    assert [(d["domainName"], d["status"]) for d in state["domains"]] == [("late-box.com", "ACTIVE")]
    assert state["mailboxes"] == [] and state["subscriptions"] == []
    assert wallet(sim) == pytest.approx(before - catalog.registration_price("late-box.com"))
    (hook,) = events(sim, "mailbox.order.failed")
    assert words in hook["data"]["reason"] and hook["data"]["domainNames"] == ["late-box.com"]


def test_a_domain_only_order_does_not_take_a_mailbox_scenario(sim, make_user):
    user_id = make_user()
    arm(sim, "mailbox-order-failed")
    data = place(sim, user_id, {"no-boxes.com": []})
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "COMPLETED")
    assert sim.control("GET", "scenario")["scenarios"] == ["mailbox-order-failed"]


def test_renewal_fails_after_acceptance(sim, make_user):
    user_id = make_user()
    data = place(sim, user_id, {"late-renew.com": ["a"]}, autoRenew=False)
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "COMPLETED")
    sim.control("POST", "clock", {"advance_days": 25})
    sub = subscription(sim, "late-renew.com")
    arm(sim, "renewal-failed")
    before = wallet(sim)
    assert sim.api("POST", "/subscriptions/renew-subscriptions", json={"subscriptionIds": [sub["subscriptionId"]]})[0] == 200
    assert wallet(sim) < before
    sim.wait_for(lambda: subscription(sim, "late-renew.com")["subscriptionStatus"] == "PAST_DUE")
    assert wallet(sim) == before
    assert subscription(sim, "late-renew.com")["periodEnd"] == sub["periodEnd"]
    assert events(sim, "subscription.renewal.failed") and events(sim, "subscription.past_due")
