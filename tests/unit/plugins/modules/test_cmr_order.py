# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_order.Order against the simulator: a priced purchase, more mailboxes for an owned domain,
an unconfirmed order processed later, nothing left to buy, and a lost answer.

CMR cannot cancel or list orders, so the module has no deletion to test.
"""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, NONE, PURCHASE, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_order import ARGUMENT_SPEC, Order

DOMAIN = "acme-mail.com"
ANN = "ann@acme-mail.com"
DOMAIN_PRICE = 12.0  # .com for one year in the simulator's catalogue
MAILBOX_PRICE = 3.0
ORDER = ("POST", "/orders/json")
MAILBOX_ORDER = ("POST", "/orders/create-mailbox-order/json")
PROCESS = ("POST", "/orders/process")


@pytest.fixture
def customer(sim):
    return sim.user()


def lines(plan):
    """Every plan line of the plan's steps, the ones a step has for other resources included."""
    return [change for action in plan.actions for change in (action.change, *action.also)]


def order(user_id, *usernames, **extra):
    mailboxes = {DOMAIN: [{"username": name, "first_name": name.title(), "last_name": "Lee"} for name in usernames]} if usernames else None
    return {"user_id": user_id, "domains": [{"name": DOMAIN}], "mailboxes": mailboxes, "confirm": True, **extra}


# --- purchase ---------------------------------------------------------------------------------

def test_plan_of_a_purchase_prices_each_domain_and_mailbox(sim, plan_of, customer):
    sim.ready()
    plan = plan_of(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert plan.action == UPDATE
    assert len(plan.actions) == 1  # one request buys them all
    assert lines(plan) == [Change(PURCHASE, "domain", DOMAIN, cost=DOMAIN_PRICE), Change(PURCHASE, "mailbox", ANN, cost=MAILBOX_PRICE)]
    assert plan.diff() == {"before": {"domains": [], "mailboxes": []}, "after": {"domains": [DOMAIN], "mailboxes": [ANN]}}


def test_check_mode_purchase_sends_no_write(sim, run_resource, customer):
    before = sim.ready()
    run = run_resource(Order, ARGUMENT_SPEC, order(customer, "ann"), check_mode=True)
    assert run.result["changed"] is True
    assert (run.result["cmr_plan"]["action"], run.result["cmr_plan"]["cost"]) == (PURCHASE, DOMAIN_PRICE + MAILBOX_PRICE)
    assert (run.result["estimated_cost"], run.result["wallet_balance"], run.result["sufficient_funds"]) == (15.0, 1000.0, True)
    sim.assert_untouched(before)


def test_purchase_reaches_the_state_and_a_second_run_buys_nothing(sim, run_resource, customer):
    sim.ready()
    run = run_resource(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert run.result["changed"] is True
    assert sim.domain(DOMAIN)["status"] == "ACTIVE" and sim.mailbox(ANN)["status"] == "ACTIVE"
    assert [mailbox["email"] for mailbox in run.result["mailboxes"]] == [ANN]
    assert sim.snapshot()["wallet"] == pytest.approx(1000.0 - DOMAIN_PRICE - MAILBOX_PRICE)
    assert sim.writes() == [ORDER]
    again = run_resource(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert again.result["changed"] is False
    assert again.result["cmr_plan"]["action"] == NONE
    assert sim.writes() == [ORDER]


def test_a_purchase_above_max_cost_is_refused_before_anything_is_sent(sim, run_resource, customer):
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^nothing was ordered: the order costs 15.00 USD, more than max_cost 10.00 USD"):
        run_resource(Order, ARGUMENT_SPEC, order(customer, "ann", max_cost=10.0))
    sim.assert_untouched(before)


def test_an_order_whose_answer_is_lost_is_a_change_with_one_warning_and_one_request(sim, run_resource, customer):
    sim.ready()
    sim.faults({"method": "POST", "path": ORDER[1], "apply_then_drop": True, "times": 1})
    run = run_resource(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert run.result["changed"] is True
    assert len(run.warnings) == 1 and run.warnings[0].startswith("CMR's answer to the order for acme-mail.com, ann@acme-mail.com was lost")
    sent = sim.sent(*ORDER)
    assert len(sent) == 1 and sent[0]["fault"] == "apply_then_drop"
    assert sim.domain(DOMAIN)["status"] == "ACTIVE"


@pytest.mark.parametrize("fault", [{"drop": True}, {"status": 500}], ids=["dropped", "500"])
def test_an_order_that_does_not_show_is_state_unknown_changed_and_never_resent(sim, run_resource, customer, fault):
    before = sim.ready()
    sim.faults({"method": "POST", "path": ORDER[1], "times": 1, **fault})
    with pytest.raises(CmrModuleError, match="^state unknown: the order for acme-mail.com, ann@acme-mail.com reached CMR .*NOT sent again") as caught:
        run_resource(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert caught.value.details == {"changed": True, "maybe_applied": True}
    assert len(sim.sent(*ORDER)) == 1
    assert sim.snapshot() == before


# --- more for what the user owns (the order's "update") -----------------------------------------

def test_plan_for_an_owned_domain_buys_only_the_missing_mailbox(sim, plan_of, customer):
    sim.order(customer, [DOMAIN], {DOMAIN: ["ann"]})
    sim.ready()
    plan = plan_of(Order, ARGUMENT_SPEC, order(customer, "ann", "bob"))
    assert lines(plan) == [Change(PURCHASE, "mailbox", "bob@acme-mail.com", cost=MAILBOX_PRICE)]
    assert plan.diff() == {"before": {"domains": [DOMAIN], "mailboxes": [ANN]}, "after": {"domains": [DOMAIN], "mailboxes": [ANN, "bob@acme-mail.com"]}}


def test_the_missing_mailbox_is_ordered_on_the_domain_s_subscription(sim, run_resource, customer):
    sim.order(customer, [DOMAIN], {DOMAIN: ["ann"]})
    before = sim.ready()
    assert run_resource(Order, ARGUMENT_SPEC, order(customer, "ann", "bob"), check_mode=True).result["changed"] is True
    sim.assert_untouched(before)
    assert run_resource(Order, ARGUMENT_SPEC, order(customer, "ann", "bob")).result["changed"] is True
    assert sim.mailbox("bob@acme-mail.com")["subscriptionId"] == sim.mailbox(ANN)["subscriptionId"]
    assert sim.writes() == [MAILBOX_ORDER]
    assert run_resource(Order, ARGUMENT_SPEC, order(customer, "ann", "bob")).result["changed"] is False
    assert sim.writes() == [MAILBOX_ORDER]


def test_nothing_left_to_buy_plans_nothing_and_sends_only_reads(sim, plan_of, customer):
    sim.order(customer, [DOMAIN], {DOMAIN: ["ann"]})
    before = sim.ready()
    plan = plan_of(Order, ARGUMENT_SPEC, order(customer, "ann"))
    assert (plan.action, plan.actions) == (NONE, [])
    sim.assert_untouched(before)


# --- an unconfirmed order, processed by a later task ----------------------------------------------

def test_an_unconfirmed_order_is_created_unpaid_then_processed_once(sim, plan_of, run_resource, customer):
    sim.ready()
    plan = plan_of(Order, ARGUMENT_SPEC, order(customer, confirm=False))
    assert lines(plan) == [Change(CREATE, "order", DOMAIN)]
    created = run_resource(Order, ARGUMENT_SPEC, order(customer, confirm=False))
    order_id = created.result["order"]["order_id"]
    assert len(created.warnings) == 1 and created.warnings[0].startswith("created an unconfirmed order (not charged)")
    assert [stored["status"] for stored in sim.snapshot()["orders"]] == ["UNCONFIRMED"]
    assert sim.snapshot()["wallet"] == 1000.0
    assert sim.writes() == [ORDER]

    process = {"user_id": customer, "order_id": order_id, "confirm": True}
    plan = plan_of(Order, ARGUMENT_SPEC, process)
    assert lines(plan) == [Change(PURCHASE, "domain", DOMAIN, cost=DOMAIN_PRICE)]
    assert plan.diff() == {"before": {"confirmed": False}, "after": {"confirmed": True}}
    before = sim.ready()
    assert run_resource(Order, ARGUMENT_SPEC, process, check_mode=True).result["changed"] is True
    sim.assert_untouched(before)

    assert run_resource(Order, ARGUMENT_SPEC, process).result["changed"] is True
    assert sim.domain(DOMAIN)["status"] == "ACTIVE"
    assert sim.snapshot()["wallet"] == pytest.approx(1000.0 - DOMAIN_PRICE)
    assert sim.writes() == [PROCESS]
    assert run_resource(Order, ARGUMENT_SPEC, process).result["changed"] is False
    assert sim.writes() == [PROCESS]
