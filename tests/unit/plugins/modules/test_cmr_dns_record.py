# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_dns_record.DnsRecord against the simulator: create, update, no change, delete; one GET to plan."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, NONE, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_dns_record import ARGUMENT_SPEC, DnsRecord

DOMAIN = "acme-mail.com"
READ = [("GET", "/dns")]


@pytest.fixture
def owner(sim):
    """A user owning DOMAIN, with a CNAME www -> old.acme.example and an A record at the apex."""
    user_id = sim.user()
    sim.order(user_id, [DOMAIN])
    sim.dns(user_id, DOMAIN, ("CNAME", "www", "old.acme.example"), ("A", "@", "192.0.2.1"))
    return user_id


def planned(resource_for, params):
    """(plan, its plan lines) of a DnsRecord for these options."""
    record = resource_for(DnsRecord, ARGUMENT_SPEC, params)
    plan = record.plan()
    return plan, record.record_changes(plan.records)


def methods(sim):
    return [(entry["method"], entry["path"]) for entry in sim.requests()]


# --- create -----------------------------------------------------------------------------------

def test_plan_of_a_new_record(sim, resource_for, owner):
    sim.ready()
    plan, lines = planned(resource_for, {"user_id": owner, "domain": DOMAIN, "type": "A", "host": "mail.acme-mail.com.", "value": "192.0.2.7"})
    assert plan.action == UPDATE and plan.changed
    assert lines == [Change(CREATE, "dns_record", "acme-mail.com A mail 192.0.2.7")]
    assert plan.diff() == {"before": {"records": []}, "after": {"records": [{"type": "A", "host": "mail", "value": "192.0.2.7"}]}}
    assert methods(sim) == READ  # planning reads the zone once, nothing else


def test_check_mode_creation_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(DnsRecord, ARGUMENT_SPEC, {"user_id": owner, "domain": DOMAIN, "type": "A", "host": "mail", "value": "192.0.2.7"},
                       check_mode=True)
    assert run.result["changed"] is True
    assert run.result["record"] == {"record_id": None, "type": "A", "host": "mail", "value": "192.0.2.7"}
    assert run.result["cmr_plan"]["changes"] == [
        {"action": CREATE, "resource_type": "dns_record", "key": "acme-mail.com A mail 192.0.2.7", "cost": 0.0, "fields": []}]
    sim.assert_untouched(before)


def test_creation_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "type": "MX", "host": "@", "value": "10 mx1.acme.example"}
    run = run_resource(DnsRecord, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    assert run.result["record"]["record_id"]
    assert ("MX", "@", "mx1.acme.example") in sim.records(DOMAIN)
    assert sim.writes() == [("POST", "/dns")]
    assert run_resource(DnsRecord, ARGUMENT_SPEC, params).result["changed"] is False
    assert sim.writes() == [("POST", "/dns")]


# --- update -----------------------------------------------------------------------------------

def test_plan_of_a_new_value_for_a_single_valued_record_is_an_update(sim, resource_for, owner):
    sim.ready()
    plan, lines = planned(resource_for, {"user_id": owner, "domain": DOMAIN, "type": "CNAME", "host": "www", "value": "new.acme.example"})
    assert lines == [Change(UPDATE, "dns_record", "acme-mail.com CNAME www new.acme.example", fields=("value",))]
    assert plan.diff() == {"before": {"records": [{"type": "CNAME", "host": "www", "value": "old.acme.example"}]},
                           "after": {"records": [{"type": "CNAME", "host": "www", "value": "new.acme.example"}]}}


def test_check_mode_update_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "type": "CNAME", "host": "www", "value": "new.acme.example"}
    assert run_resource(DnsRecord, ARGUMENT_SPEC, params, check_mode=True).result["changed"] is True
    sim.assert_untouched(before)


def test_update_keeps_the_record_id_and_a_second_run_changes_nothing(sim, run_resource, owner):
    record_id = next(r["recordId"] for r in sim.snapshot()["records"] if r["recordType"] == "CNAME")
    sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "type": "CNAME", "host": "www", "value": "new.acme.example"}
    run = run_resource(DnsRecord, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    assert run.result["record"]["record_id"] == record_id
    assert ("CNAME", "www", "new.acme.example") in sim.records(DOMAIN)
    assert sim.writes() == [("PUT", "/dns")]
    assert run_resource(DnsRecord, ARGUMENT_SPEC, params).result["changed"] is False
    assert sim.writes() == [("PUT", "/dns")]


# --- no change ----------------------------------------------------------------------------------

def test_no_change_is_one_read(sim, resource_for, run_resource, owner):
    before = sim.ready()
    params = {"user_id": owner, "domain": DOMAIN.upper(), "type": "CNAME", "host": "WWW", "value": "old.acme.example."}
    plan, lines = planned(resource_for, params)
    assert (plan.action, plan.changed, lines) == (NONE, False, [])
    run = run_resource(DnsRecord, ARGUMENT_SPEC, params)
    assert run.result["changed"] is False
    assert run.result["cmr_plan"]["action"] == NONE
    assert methods(sim) == READ + READ
    sim.assert_untouched(before)


# --- delete -----------------------------------------------------------------------------------

def test_plan_of_a_deletion(sim, resource_for, owner):
    sim.ready()
    plan, lines = planned(resource_for, {"user_id": owner, "domain": DOMAIN, "type": "A", "host": "@", "value": "192.0.2.1", "state": "absent"})
    assert lines == [Change(DELETE, "dns_record", "acme-mail.com A @ 192.0.2.1")]
    assert plan.diff() == {"before": {"records": [{"type": "A", "host": "@", "value": "192.0.2.1"}]}, "after": {"records": []}}


def test_check_mode_deletion_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "type": "CNAME", "host": "www", "state": "absent"}
    assert run_resource(DnsRecord, ARGUMENT_SPEC, params, check_mode=True).result["changed"] is True
    sim.assert_untouched(before)


def test_deletion_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "type": "A", "host": "@", "value": "192.0.2.1", "state": "absent"}
    run = run_resource(DnsRecord, ARGUMENT_SPEC, params)
    assert (run.result["changed"], run.result["record"]) == (True, {})
    assert sim.records(DOMAIN) == [("CNAME", "www", "old.acme.example")]
    assert sim.writes() == [("DELETE", "/dns")]
    assert run_resource(DnsRecord, ARGUMENT_SPEC, params).result["changed"] is False
    assert sim.writes() == [("DELETE", "/dns")]


def test_a_deletion_whose_answer_is_lost_ends_with_the_record_gone(sim, run_resource, owner):
    sim.ready()
    sim.faults({"method": "DELETE", "path": "/dns", "apply_then_drop": True, "times": 1})
    params = {"user_id": owner, "domain": DOMAIN, "type": "A", "host": "@", "value": "192.0.2.1", "state": "absent"}
    run = run_resource(DnsRecord, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    assert sim.records(DOMAIN) == [("CNAME", "www", "old.acme.example")]
    # The client sends a DELETE again when its answer is lost; CMR's 404 then means "already gone".
    assert [entry.get("fault") for entry in sim.sent("DELETE", "/dns")] == ["apply_then_drop", None]


def test_a_domain_of_another_user_fails_in_one_line_without_a_write(sim, run_resource, owner):
    stranger = sim.user("eve@other.example")
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^cannot use the DNS of acme-mail.com for user %s: .*HTTP 403" % stranger):
        run_resource(DnsRecord, ARGUMENT_SPEC, {"user_id": stranger, "domain": DOMAIN, "type": "A", "host": "@", "value": "192.0.2.9"})
    assert owner != stranger
    sim.assert_untouched(before)
