# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_domain.Domain against the simulator: settings, the paid renewal (also with a lost answer), removal."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import DELETE, NONE, RENEW, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_domain import ARGUMENT_SPEC, Domain

NAME = "acme-mail.com"
RENEWAL_PRICE = 14.5  # .com in the simulator's catalogue
REGISTRATION_PRICE = 12.0
RENEW_PATH = ("POST", "/domains/renew")


@pytest.fixture
def owner(sim):
    """A user owning NAME (ordered and paid through the API, ACTIVE, auto-renew off)."""
    user_id = sim.user()
    sim.order(user_id, [NAME])
    return user_id


@pytest.fixture
def renewable(sim, owner):
    """NAME 25 days before expiry: inside its 45-day renewal window."""
    sim.advance_days(340)
    return owner


def lines(plan):
    return [action.change for action in plan.actions]


# --- update -----------------------------------------------------------------------------------

def test_plan_of_a_setting_change(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "auto_renew": True})
    assert plan.action == UPDATE
    assert plan.changes == {"auto_renew": True}
    assert lines(plan) == [Change(UPDATE, "domain", NAME, fields=("auto_renew",))]
    assert plan.diff() == {"before": {"auto_renew": False}, "after": {"auto_renew": True}}


def test_check_mode_setting_change_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "auto_renew": True, "forward_to": "https://acme.example"},
                       check_mode=True)
    assert run.result["changed"] is True
    assert run.result["cmr_plan"]["changes"][0]["fields"] == ["auto_renew", "forward_to"]
    sim.assert_untouched(before)


def test_setting_change_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "name": NAME.upper(), "auto_renew": True, "forward_to": "https://acme.example"}
    run = run_resource(Domain, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    stored = sim.domain(NAME)
    assert stored["autoRenew"] is True
    assert stored["domainForwarding"]["forwardTo"] == "https://acme.example"
    assert sorted(sim.writes()) == [("PATCH", "/domains/toggle-auto-renew"), ("POST", "/domains/forwarding")]
    again = run_resource(Domain, ARGUMENT_SPEC, params)
    assert again.result["changed"] is False
    assert len(sim.writes()) == 2


def test_no_change_plans_nothing_and_sends_only_reads(sim, plan_of, run_resource, owner):
    before = sim.ready()
    plan = plan_of(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "auto_renew": False})
    assert (plan.action, plan.actions, plan.changes) == (NONE, [], {})
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "auto_renew": False})
    assert run.result["changed"] is False
    sim.assert_untouched(before)


# --- renew ------------------------------------------------------------------------------------

def test_renewal_outside_its_window_plans_nothing_and_says_when_it_opens(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "renew": True})
    assert run.result["changed"] is False
    assert run.result["renewal"]["renewable"] is False
    assert "renewal window opens on" in run.result["renewal"]["reason"]
    sim.assert_untouched(before)


def test_plan_of_a_renewal_is_one_paid_line_at_the_renewal_price(sim, plan_of, renewable):
    sim.ready()
    plan = plan_of(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True})
    assert lines(plan) == [Change(RENEW, "domain", NAME, cost=RENEWAL_PRICE)]
    assert plan.extra["renewal"]["price"] == RENEWAL_PRICE
    assert plan.extra["renewal"]["wallet_balance"] == 1000.0 - REGISTRATION_PRICE
    old_expiry = plan.before["expiry_date"]
    assert plan.diff()["before"] == {"expiry_date": old_expiry}
    assert plan.diff()["after"]["expiry_date"][:4] == str(int(old_expiry[:4]) + 1)


def test_check_mode_renewal_sends_no_write(sim, run_resource, renewable):
    before = sim.ready()
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["cmr_plan"]["action"] == RENEW
    assert run.result["cmr_plan"]["cost"] == RENEWAL_PRICE
    sim.assert_untouched(before)


def test_renewal_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, renewable):
    expiry = sim.domain(NAME)["expiryDate"]
    sim.ready()
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True})
    assert run.result["changed"] is True
    after = sim.snapshot()
    assert sim.domain(NAME)["expiryDate"][:4] == str(int(expiry[:4]) + 1)
    assert after["wallet"] == pytest.approx(1000.0 - REGISTRATION_PRICE - RENEWAL_PRICE)
    assert sim.writes() == [RENEW_PATH]
    again = run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True})
    assert again.result["changed"] is False  # outside the window again
    assert sim.writes() == [RENEW_PATH]


def test_renewal_the_wallet_cannot_pay_is_refused_before_anything_is_sent(sim, run_resource, renewable):
    sim.control("POST", "wallet", {"balance": 5.0})
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^nothing was renewed: the renewal of acme-mail.com costs 14.50 USD"):
        run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True, "auto_renew": True})
    sim.assert_untouched(before)


def test_a_renewal_whose_answer_is_lost_is_a_change_with_one_warning_and_one_request(sim, run_resource, renewable):
    expiry = sim.domain(NAME)["expiryDate"]
    sim.ready()
    sim.faults({"method": "POST", "path": "/domains/renew", "apply_then_drop": True, "times": 1})
    run = run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True})
    assert run.result["changed"] is True
    assert len(run.warnings) == 1 and run.warnings[0].startswith("CMR's answer to the renewal of acme-mail.com was lost")
    sent = sim.sent(*RENEW_PATH)
    assert len(sent) == 1 and sent[0]["fault"] == "apply_then_drop"  # applied, answer lost: never sent again
    assert sim.domain(NAME)["expiryDate"] != expiry


@pytest.mark.parametrize("fault", [{"drop": True}, {"status": 500}], ids=["dropped", "500"])
def test_a_renewal_that_does_not_show_is_state_unknown_changed_and_never_resent(sim, run_resource, renewable, fault):
    before = sim.ready()
    sim.faults({"method": "POST", "path": "/domains/renew", "times": 1, **fault})
    with pytest.raises(CmrModuleError, match="^state unknown: the renewal of acme-mail.com reached CMR .*NOT sent again") as caught:
        run_resource(Domain, ARGUMENT_SPEC, {"user_id": renewable, "name": NAME, "renew": True})
    assert caught.value.details == {"changed": True, "maybe_applied": True}
    assert len(sim.sent(*RENEW_PATH)) == 1
    assert sim.snapshot() == before  # the fault kept the renewal from landing


# --- delete -----------------------------------------------------------------------------------

def test_plan_of_a_removal(sim, plan_of, owner):
    sim.ready()
    plan = plan_of(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "state": "absent"})
    assert plan.action == DELETE
    assert lines(plan) == [Change(DELETE, "domain", NAME)]
    assert plan.diff()["after"] == {} and plan.diff()["before"]["name"] == NAME


def test_check_mode_removal_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    assert run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "state": "absent"}, check_mode=True).result["changed"] is True
    sim.assert_untouched(before)


def test_removal_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    assert run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "state": "absent"}).result["changed"] is True
    assert sim.domain(NAME) is None
    assert sim.writes() == [("DELETE", "/domains/remove")]
    assert run_resource(Domain, ARGUMENT_SPEC, {"user_id": owner, "name": NAME, "state": "absent"}).result["changed"] is False
    assert len(sim.writes()) == 1


def test_a_domain_with_mailboxes_is_not_removed_and_nothing_is_sent(sim, run_resource):
    user_id = sim.user()
    sim.order(user_id, [NAME], {NAME: ["ann"]})
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^cannot remove acme-mail.com: it still has 1 mailbox"):
        run_resource(Domain, ARGUMENT_SPEC, {"user_id": user_id, "name": NAME, "state": "absent"})
    sim.assert_untouched(before)
