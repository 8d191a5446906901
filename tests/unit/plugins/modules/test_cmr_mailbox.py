# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_mailbox.Mailbox against the simulator: purchase, details and warm-up, no change, removal."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, NONE, PURCHASE, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_mailbox import ARGUMENT_SPEC, Mailbox

DOMAIN = "acme-mail.com"
ANN = "ann@acme-mail.com"  # "Ann Lee", ordered with the domain
BOB = "bob@acme-mail.com"
NEW = "cara@acme-mail.com"
ORDER_COST = 12.0 + 2 * 3.0
MAILBOX_ORDER = ("POST", "/orders/create-mailbox-order/json")


@pytest.fixture
def owner(sim):
    """A user with DOMAIN and two ACTIVE mailboxes on its subscription."""
    user_id = sim.user()
    sim.order(user_id, [DOMAIN], {DOMAIN: ["ann", "bob"]})
    return user_id


def lines(plan):
    return [action.change for action in plan.actions]


def purchase(owner_id, **extra):
    return {"user_id": owner_id, "email": NEW, "first_name": "Cara", "last_name": "Diaz", "confirm": True, **extra}


# --- create (a paid mailbox order) -------------------------------------------------------------

def test_plan_of_a_new_mailbox_is_one_purchase_at_the_mailbox_price(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Mailbox, ARGUMENT_SPEC, purchase(owner))
    assert plan.action == CREATE
    assert lines(plan) == [Change(PURCHASE, "mailbox", NEW, cost=3.0)]
    assert plan.extra == {"estimated_cost": 3.0, "wallet_balance": 1000.0 - ORDER_COST, "sufficient_funds": True}
    assert plan.diff() == {"before": {}, "after": {"email": NEW, "username": "cara", "domain": DOMAIN, "first_name": "Cara", "last_name": "Diaz"}}


def test_check_mode_purchase_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Mailbox, ARGUMENT_SPEC, purchase(owner), check_mode=True)
    assert run.result["changed"] is True
    assert (run.result["cmr_plan"]["action"], run.result["cmr_plan"]["cost"]) == (PURCHASE, 3.0)
    sim.assert_untouched(before)


def test_purchase_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    run = run_resource(Mailbox, ARGUMENT_SPEC, purchase(owner))
    assert run.result["changed"] is True
    stored = sim.mailbox(NEW)
    assert (stored["status"], stored["firstName"], stored["lastName"]) == ("ACTIVE", "Cara", "Diaz")
    assert run.result["mailbox"]["mailbox_id"] == stored["mailboxId"]
    assert sim.snapshot()["wallet"] == pytest.approx(1000.0 - ORDER_COST - 3.0)
    assert sim.writes() == [MAILBOX_ORDER]
    assert run_resource(Mailbox, ARGUMENT_SPEC, purchase(owner)).result["changed"] is False
    assert sim.writes() == [MAILBOX_ORDER]


def test_a_purchase_without_confirm_fails_with_its_price_and_sends_nothing(sim, run_resource, owner):
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="places a mailbox order of 3.00 USD .*Set confirm: true") as caught:
        run_resource(Mailbox, ARGUMENT_SPEC, purchase(owner, confirm=False))
    assert caught.value.details["estimated_cost"] == 3.0
    sim.assert_untouched(before)


# --- update -----------------------------------------------------------------------------------

def test_plan_of_a_details_change(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Mailbox, ARGUMENT_SPEC, {"user_id": owner, "email": ANN, "first_name": "Anna", "last_name": "Lee"})
    assert plan.action == UPDATE
    assert plan.changes == {"first_name": "Anna"}
    assert lines(plan) == [Change(UPDATE, "mailbox", ANN, fields=("first_name",))]
    assert plan.diff() == {"before": {"first_name": "Ann"}, "after": {"first_name": "Anna"}}


def test_check_mode_details_and_warmup_change_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Mailbox, ARGUMENT_SPEC, {"user_id": owner, "email": ANN, "first_name": "Anna", "warmup": "active"}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["diff"] == {"before": {"first_name": "Ann", "warmup": None}, "after": {"first_name": "Anna", "warmup": "PENDING"}}
    sim.assert_untouched(before)


def test_details_change_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "username": "ann", "first_name": "Anna"}
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is True
    assert sim.mailbox(ANN)["firstName"] == "Anna"
    assert sim.writes() == [("PATCH", "/mailboxes/update-mailbox-details")]
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is False
    assert len(sim.writes()) == 1


def test_warmup_enrolment_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "email": ANN, "warmup": "active"}
    run = run_resource(Mailbox, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    assert run.result["mailbox"]["warmup"] == "PENDING"
    assert sim.writes() == [("POST", "/mailboxes/warmup")]
    sim.settle()
    assert sim.mailbox(ANN)["warmupStatus"] == "ACTIVE"
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is False
    assert len(sim.writes()) == 1


def test_a_warmup_enrolment_whose_answer_is_lost_is_a_change_with_one_warning_and_one_request(sim, run_resource, owner):
    sim.ready()
    sim.faults({"method": "POST", "path": "/mailboxes/warmup", "apply_then_drop": True, "times": 1})
    run = run_resource(Mailbox, ARGUMENT_SPEC, {"user_id": owner, "email": ANN, "warmup": "active"})
    assert run.result["changed"] is True
    assert len(run.warnings) == 1 and run.warnings[0].startswith("CMR's answer to the request POST /mailboxes/warmup for mailbox %s was lost" % ANN)
    sent = sim.sent("POST", "/mailboxes/warmup")
    assert len(sent) == 1 and sent[0]["fault"] == "apply_then_drop"  # the charged enrolment is never sent twice
    assert sim.mailbox(ANN)["warmupStatus"] in ("PENDING", "ACTIVE")


def test_no_change_plans_nothing_and_sends_only_reads(sim, plan_of, run_resource, owner):
    before = sim.ready()
    params = {"user_id": owner, "email": ANN.upper(), "first_name": "Ann", "last_name": "Lee"}
    plan = plan_of(Mailbox, ARGUMENT_SPEC, params)
    assert (plan.action, plan.actions, plan.changes) == (NONE, [], {})
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is False
    sim.assert_untouched(before)


# --- delete -----------------------------------------------------------------------------------

def test_plan_of_a_removal(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Mailbox, ARGUMENT_SPEC, {"user_id": owner, "email": BOB, "state": "absent"})
    assert plan.action == DELETE
    assert lines(plan) == [Change(DELETE, "mailbox", BOB)]
    assert plan.extra == {"estimated_cost": 0.0, "deletes_workspace": False}
    assert plan.diff()["after"] == {} and plan.diff()["before"]["email"] == BOB


def test_check_mode_removal_of_the_last_mailbox_sends_no_write_and_warns(sim, run_resource):
    user_id = sim.user()
    sim.order(user_id, [DOMAIN], {DOMAIN: ["ann"]})
    before = sim.ready()
    run = run_resource(Mailbox, ARGUMENT_SPEC, {"user_id": user_id, "email": ANN, "state": "absent"}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["deletes_workspace"] is True
    assert run.warnings == [ANN + " is the last mailbox of its domain: removing it deletes the whole workspace (its subscription)"]
    sim.assert_untouched(before)


def test_removal_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "email": BOB, "state": "absent"}
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is True
    assert sim.mailbox(BOB) is None and sim.mailbox(ANN) is not None
    assert sim.writes() == [("DELETE", "/mailboxes/remove")]
    assert run_resource(Mailbox, ARGUMENT_SPEC, params).result["changed"] is False
    assert len(sim.writes()) == 1
