# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_subscription.Subscription against the simulator: auto-renew, the paid renewal (also with a lost
answer), cancellation with the mailboxes it deletes."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import DELETE, NONE, RENEW, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_subscription import ARGUMENT_SPEC, Subscription

DOMAIN = "acme-mail.com"
MAILBOXES = ["ann@acme-mail.com", "bob@acme-mail.com"]
RENEWAL_COST = 6.0  # two mailboxes at 3.00
ORDER_COST = 12.0 + RENEWAL_COST  # the .com registration and the first month
RENEW_PATH = ("POST", "/subscriptions/renew-subscriptions")


@pytest.fixture
def owner(sim):
    """A user with DOMAIN and two ACTIVE mailboxes on an auto-renewing subscription."""
    user_id = sim.user()
    sim.order(user_id, [DOMAIN], {DOMAIN: ["ann", "bob"]})
    return user_id


@pytest.fixture
def renewable(sim, owner):
    """The subscription 2 to 5 days before the end of its period: inside the 7-day renewal window."""
    sim.advance_days(26)
    return owner


def lines(plan):
    return [action.change for action in plan.actions]


# --- update -----------------------------------------------------------------------------------

def test_plan_of_an_auto_renew_change(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "auto_renew": False})
    assert plan.action == UPDATE
    assert lines(plan) == [Change(UPDATE, "subscription", DOMAIN, fields=("auto_renew",))]
    assert plan.diff() == {"before": {"auto_renew": True}, "after": {"auto_renew": False}}


def test_check_mode_auto_renew_change_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "auto_renew": False}, check_mode=True)
    assert run.result["changed"] is True
    sim.assert_untouched(before)


def test_auto_renew_change_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "auto_renew": False})
    assert run.result["changed"] is True
    assert sim.subscription(DOMAIN)["autoRenew"] is False
    assert sim.writes() == [("POST", "/subscriptions/toggle-autorenewal")]
    assert run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "auto_renew": False}).result["changed"] is False
    assert len(sim.writes()) == 1


def test_no_change_plans_nothing_and_sends_only_reads(sim, plan_of, run_resource, owner):
    before = sim.ready()
    plan = plan_of(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "auto_renew": True})
    assert (plan.action, plan.actions, plan.changes) == (NONE, [], {})
    assert run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "auto_renew": True}).result["changed"] is False
    sim.assert_untouched(before)


# --- renew ------------------------------------------------------------------------------------

def test_renewal_outside_its_window_plans_nothing(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "renew": True})
    assert run.result["changed"] is False
    assert run.result["renewal"]["renewable"] is False
    assert "renewal window opens on" in run.result["msg"]
    sim.assert_untouched(before)


def test_plan_of_a_renewal_is_one_paid_line_at_the_mailbox_price(sim, plan_of, renewable):
    sim.ready()
    plan = plan_of(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True})
    assert plan.action == NONE  # no setting changes: the renewal is the plan's one action
    assert lines(plan) == [Change(RENEW, "subscription", DOMAIN, cost=RENEWAL_COST)]
    assert plan.extra["renewal"] == {"renewable": True, "reason": plan.extra["renewal"]["reason"], "estimated_cost": RENEWAL_COST,
                                     "wallet_balance": 1000.0 - ORDER_COST, "sufficient_funds": True}
    assert plan.diff() == {"before": {"renewed": False}, "after": {"renewed": True}}


def test_check_mode_renewal_sends_no_write(sim, run_resource, renewable):
    before = sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True}, check_mode=True)
    assert run.result["changed"] is True
    assert (run.result["cmr_plan"]["action"], run.result["cmr_plan"]["cost"]) == (RENEW, RENEWAL_COST)
    sim.assert_untouched(before)


def test_renewal_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, renewable):
    period_end = sim.subscription(DOMAIN)["periodEnd"]
    sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True})
    assert run.result["changed"] is True
    stored = sim.subscription(DOMAIN)
    assert (stored["subscriptionStatus"], stored["periodEnd"] > period_end) == ("ACTIVE", True)
    assert run.result["subscription"]["period_end"] == stored["periodEnd"]
    assert sim.snapshot()["wallet"] == pytest.approx(1000.0 - ORDER_COST - RENEWAL_COST)
    assert sim.writes() == [RENEW_PATH]
    assert run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True}).result["changed"] is False
    assert sim.writes() == [RENEW_PATH]


def test_renewal_the_wallet_cannot_pay_is_refused_before_anything_is_sent(sim, run_resource, renewable):
    sim.control("POST", "wallet", {"balance": 1.0})
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^nothing was renewed: the renewal costs 6.00 USD"):
        run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True, "auto_renew": False})
    sim.assert_untouched(before)


def test_a_renewal_whose_answer_is_lost_is_a_change_with_one_warning_and_one_request(sim, run_resource, renewable):
    period_end = sim.subscription(DOMAIN)["periodEnd"]
    sim.ready()
    sim.faults({"method": "POST", "path": RENEW_PATH[1], "apply_then_drop": True, "times": 1})
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True})
    assert run.result["changed"] is True
    assert len(run.warnings) == 1
    assert run.warnings[0].startswith("CMR's answer to the renewal of the subscription of acme-mail.com was lost")
    sent = sim.sent(*RENEW_PATH)
    assert len(sent) == 1 and sent[0]["fault"] == "apply_then_drop"  # applied, answer lost: never sent again
    assert sim.subscription(DOMAIN)["periodEnd"] > period_end


@pytest.mark.parametrize("fault", [{"drop": True}, {"status": 500}], ids=["dropped", "500"])
def test_a_renewal_that_does_not_show_is_state_unknown_changed_and_never_resent(sim, run_resource, renewable, fault):
    before = sim.ready()
    sim.faults({"method": "POST", "path": RENEW_PATH[1], "times": 1, **fault})
    with pytest.raises(CmrModuleError, match="^state unknown: the renewal of the subscription of acme-mail.com reached CMR .*NOT sent again") as caught:
        run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": renewable, "renew": True})
    assert caught.value.details == {"changed": True, "maybe_applied": True}
    assert len(sim.sent(*RENEW_PATH)) == 1
    assert sim.snapshot() == before


# --- cancel (the module's "absent") -------------------------------------------------------------

def test_plan_of_a_cancellation_names_the_mailboxes_it_deletes(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "state": "cancelled"})
    assert plan.action == UPDATE  # the subscription stays listed, CANCELLED
    assert lines(plan) == [Change(DELETE, "subscription", DOMAIN)]
    assert plan.actions[0].also == tuple(Change(DELETE, "mailbox", email) for email in MAILBOXES)
    assert plan.diff() == {"before": {"status": "ACTIVE", "mailboxes": MAILBOXES}, "after": {"status": "CANCELLED", "mailboxes": []}}


def test_check_mode_cancellation_sends_no_write_and_warns(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "state": "cancelled"}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["deleted_mailboxes"] == MAILBOXES
    assert [change["resource_type"] for change in run.result["cmr_plan"]["changes"]] == ["subscription", "mailbox", "mailbox"]
    assert run.warnings == ["cancelling the subscription of acme-mail.com deletes its workspace and 2 mailbox(es): " + ", ".join(MAILBOXES)]
    sim.assert_untouched(before)


def test_cancellation_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    run = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "state": "cancelled"})
    assert run.result["changed"] is True
    assert run.result["subscription"]["status"] == "CANCELLED"
    assert sim.subscription(DOMAIN)["subscriptionStatus"] == "CANCELLED"
    assert sim.snapshot()["mailboxes"] == []
    assert sim.writes() == [("POST", "/subscriptions/cancel")]
    again = run_resource(Subscription, ARGUMENT_SPEC, {"domain": DOMAIN, "user_id": owner, "state": "cancelled"})
    assert again.result["changed"] is False
    assert again.result["subscription"]["status"] == "CANCELLED"
    assert len(sim.writes()) == 1
