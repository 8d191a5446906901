# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_user.User against the simulator: create, update, no change, delete; check mode sends no write."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, NONE, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_user import ARGUMENT_SPEC, User

EMAIL = "grace@acme.example"
NEW_USER = {
    "email": EMAIL, "first_name": "Grace", "last_name": "Hopper", "company": "Acme Sending", "country": "US",
    "state_province": "NY", "city": "New York", "address_line_one": "1 Main Street", "postal_code": "10001",
    "phone_cc": "1", "phone": "5550100",
}


def lines(plan):
    return [action.change for action in plan.actions]


def stored_user(sim, email=EMAIL):
    return next((user for user in sim.snapshot()["users"] if user["email"] == email), None)


# --- create -----------------------------------------------------------------------------------

def test_plan_of_a_new_user_is_one_creation_with_the_default_language(sim, plan_of):
    sim.ready()
    plan = plan_of(User, ARGUMENT_SPEC, NEW_USER)
    assert plan.action == CREATE
    assert lines(plan) == [Change(CREATE, "user", EMAIL)]
    assert plan.after == dict(NEW_USER, language_preference="en")
    assert plan.diff() == {"before": {}, "after": dict(NEW_USER, language_preference="en")}


def test_check_mode_creation_sends_no_write(sim, run_resource):
    before = sim.ready()
    run = run_resource(User, ARGUMENT_SPEC, NEW_USER, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["cmr_plan"]["changes"] == [{"action": CREATE, "resource_type": "user", "key": EMAIL, "cost": 0.0, "fields": []}]
    sim.assert_untouched(before)


def test_creation_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource):
    sim.ready()
    run = run_resource(User, ARGUMENT_SPEC, NEW_USER)
    stored = stored_user(sim)
    assert run.result["changed"] is True
    assert run.result["user"]["user_id"] == stored["userId"]
    assert (stored["firstName"], stored["city"], stored["languagePreference"]) == ("Grace", "New York", "en")
    assert sim.writes() == [("POST", "/users")]
    again = run_resource(User, ARGUMENT_SPEC, NEW_USER)
    assert again.result["changed"] is False
    assert len(sim.writes()) == 1


def test_a_creation_without_the_required_fields_fails_before_any_request(sim, run_resource):
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^missing options required to create a user: .*company"):
        run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "first_name": "Grace"}, check_mode=True)
    sim.assert_untouched(before)


# --- update -----------------------------------------------------------------------------------

def test_plan_of_an_update_names_only_the_changed_field(sim, plan_of):
    user_id = sim.user(EMAIL)
    sim.ready()
    plan = plan_of(User, ARGUMENT_SPEC, {"email": EMAIL, "city": "Boston", "company": "Acme Sending"})
    assert plan.action == UPDATE
    assert plan.changes == {"city": "Boston"}
    assert lines(plan) == [Change(UPDATE, "user", EMAIL, fields=("city",))]
    assert plan.diff() == {"before": {"city": "New York"}, "after": {"city": "Boston"}}
    assert plan.before["user_id"] == user_id


def test_check_mode_update_sends_no_write(sim, run_resource):
    sim.user(EMAIL)
    before = sim.ready()
    run = run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "city": "Boston"}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["diff"] == {"before": {"city": "New York"}, "after": {"city": "Boston"}}
    sim.assert_untouched(before)


def test_update_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource):
    user_id = sim.user(EMAIL)
    sim.ready()
    run = run_resource(User, ARGUMENT_SPEC, {"user_id": user_id, "city": "Boston", "email": "Grace@Acme.Example"})
    assert run.result["changed"] is True
    assert stored_user(sim)["city"] == "Boston"
    assert stored_user(sim)["email"] == EMAIL  # an e-mail differing only in letter case is the same address
    assert sim.writes() == [("PUT", "/users")]
    again = run_resource(User, ARGUMENT_SPEC, {"user_id": user_id, "city": "Boston"})
    assert again.result["changed"] is False
    assert len(sim.writes()) == 1


# --- no change ----------------------------------------------------------------------------------

def test_no_change_plans_nothing_and_sends_only_reads(sim, plan_of, run_resource):
    sim.user(EMAIL)
    before = sim.ready()
    plan = plan_of(User, ARGUMENT_SPEC, {"email": EMAIL, "city": "New York", "first_name": "Ada"})
    assert (plan.action, plan.actions, plan.changes) == (NONE, [], {})
    run = run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "city": "New York"})
    assert run.result["changed"] is False
    assert run.result["cmr_plan"]["action"] == NONE
    sim.assert_untouched(before)


# --- delete -----------------------------------------------------------------------------------

def test_plan_of_a_deletion(sim, plan_of):
    sim.user(EMAIL)
    sim.ready()
    plan = plan_of(User, ARGUMENT_SPEC, {"email": EMAIL, "state": "absent"})
    assert plan.action == DELETE
    assert lines(plan) == [Change(DELETE, "user", EMAIL)]
    assert plan.diff()["after"] == {} and plan.diff()["before"]["email"] == EMAIL


def test_check_mode_deletion_sends_no_write(sim, run_resource):
    sim.user(EMAIL)
    before = sim.ready()
    run = run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "state": "absent"}, check_mode=True)
    assert run.result["changed"] is True
    sim.assert_untouched(before)


def test_deletion_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource):
    sim.user(EMAIL)
    sim.ready()
    assert run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "state": "absent"}).result["changed"] is True
    assert stored_user(sim) is None
    assert sim.writes() == [("DELETE", "/users")]
    assert run_resource(User, ARGUMENT_SPEC, {"email": EMAIL, "state": "absent"}).result["changed"] is False
    assert len(sim.writes()) == 1


def test_a_user_with_a_domain_is_not_deleted_and_the_failure_says_why(sim, run_resource):
    user_id = sim.user(EMAIL)
    sim.order(user_id, ["grace-mail.com"])
    sim.ready()
    with pytest.raises(CmrModuleError, match="still has 1 domain"):
        run_resource(User, ARGUMENT_SPEC, {"user_id": user_id, "state": "absent"})
    assert stored_user(sim) is not None
