# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_dns_records.DnsRecords against the simulator: a record set in one read and one creation request,
updates, purge with keep, deletion; check mode sends no write."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, NONE, UPDATE, Change
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules.cmr_dns_records import ARGUMENT_SPEC, DnsRecords

DOMAIN = "acme-mail.com"
BASELINE = [
    {"type": "A", "host": "@", "value": "192.0.2.1"},
    {"type": "MX", "host": "@", "value": "mx1.acme.example", "priority": 10},
    {"type": "TXT", "host": "@", "value": "v=spf1 include:_spf.acme.example -all"},
    {"type": "TXT", "host": "_dmarc", "value": "v=DMARC1; p=none"},
]


@pytest.fixture
def owner(sim):
    user_id = sim.user()
    sim.order(user_id, [DOMAIN])
    return user_id


@pytest.fixture
def zone(sim, owner):
    """DOMAIN with an A record at the apex, a CNAME www, a verification TXT and a stray A record."""
    sim.dns(owner, DOMAIN, ("A", "@", "192.0.2.1"), ("CNAME", "www", "old.acme.example"),
            ("TXT", "@", "google-site-verification=abc"), ("A", "old", "192.0.2.99"))
    return owner


def planned(resource_for, params):
    """(plan, its plan lines) of DnsRecords for these options."""
    records = resource_for(DnsRecords, ARGUMENT_SPEC, params)
    plan = records.plan()
    return plan, records.record_changes(plan.records)


def methods(sim):
    return [(entry["method"], entry["path"]) for entry in sim.requests()]


# --- create -----------------------------------------------------------------------------------

def test_plan_of_a_new_record_set_is_one_line_per_record(sim, resource_for, owner):
    sim.ready()
    plan, lines = planned(resource_for, {"user_id": owner, "domain": DOMAIN, "records": BASELINE})
    assert plan.action == UPDATE and plan.changed
    assert lines == [
        Change(CREATE, "dns_record", "acme-mail.com A @ 192.0.2.1"),
        Change(CREATE, "dns_record", "acme-mail.com MX @ 10 mx1.acme.example"),
        Change(CREATE, "dns_record", "acme-mail.com TXT @ v=spf1 include:_spf.acme.example -all"),
        Change(CREATE, "dns_record", "acme-mail.com TXT _dmarc v=DMARC1; p=none"),
    ]
    assert plan.records.summary() == {"created": 4, "updated": 0, "deleted": 0}
    assert methods(sim) == [("GET", "/dns")]


def test_check_mode_creation_sends_no_write(sim, run_resource, owner):
    before = sim.ready()
    run = run_resource(DnsRecords, ARGUMENT_SPEC, {"user_id": owner, "domain": DOMAIN, "records": BASELINE}, check_mode=True)
    assert run.result["changed"] is True
    assert run.result["summary"] == {"created": 4, "updated": 0, "deleted": 0}
    assert run.result["diff"]["before"] == {"records": []}
    assert len(run.result["cmr_plan"]["changes"]) == 4
    sim.assert_untouched(before)


def test_creation_is_one_request_and_a_second_run_one_read(sim, run_resource, owner):
    sim.ready()
    params = {"user_id": owner, "domain": DOMAIN, "records": BASELINE}
    run = run_resource(DnsRecords, ARGUMENT_SPEC, params)
    assert run.result["changed"] is True
    assert all(record["record_id"] for record in run.result["records"])
    stored = sim.records(DOMAIN)
    assert ("MX", "@", "mx1.acme.example") in stored
    dmarc = next(value for record_type, host, value in stored if host == "_dmarc")
    assert dmarc.startswith("v=DMARC1; p=none; rua=mailto:")  # CMR appends its reporting tags
    assert methods(sim) == [("GET", "/dns"), ("POST", "/dns")]
    sim.control("DELETE", "requests")
    again = run_resource(DnsRecords, ARGUMENT_SPEC, params)
    assert again.result["changed"] is False  # the appended DMARC tags are not a difference
    assert methods(sim) == [("GET", "/dns")]


def test_a_creation_whose_answer_is_lost_is_sent_once_and_a_change_with_one_warning(sim, run_resource, owner):
    sim.ready()
    sim.faults({"method": "POST", "path": "/dns", "apply_then_drop": True, "times": 1})
    run = run_resource(DnsRecords, ARGUMENT_SPEC, {"user_id": owner, "domain": DOMAIN, "records": BASELINE})
    assert run.result["changed"] is True
    assert len(run.warnings) == 1 and run.warnings[0].startswith("CMR's answer to the request POST /dns for records acme-mail.com was lost")
    assert len(sim.sent("POST", "/dns")) == 1
    assert len(sim.records(DOMAIN)) == 4


# --- update, purge and keep -----------------------------------------------------------------------

CONVERGE = {
    "records": [{"type": "A", "host": "@", "value": "192.0.2.1"}, {"type": "CNAME", "host": "www", "value": "new.acme.example"}],
    "purge": True,
    "keep": [{"type": "TXT"}],
}


def test_plan_of_a_converging_set_updates_purges_and_keeps(sim, resource_for, zone):
    sim.ready()
    plan, lines = planned(resource_for, {"user_id": zone, "domain": DOMAIN, **CONVERGE})
    assert lines == [
        Change(DELETE, "dns_record", "acme-mail.com A old 192.0.2.99"),
        Change(UPDATE, "dns_record", "acme-mail.com CNAME www new.acme.example", fields=("value",)),
    ]
    assert plan.diff() == {
        "before": {"records": [{"type": "A", "host": "old", "value": "192.0.2.99"}, {"type": "CNAME", "host": "www", "value": "old.acme.example"}]},
        "after": {"records": [{"type": "CNAME", "host": "www", "value": "new.acme.example"}]},
    }


def test_check_mode_converging_set_sends_no_write(sim, run_resource, zone):
    before = sim.ready()
    run = run_resource(DnsRecords, ARGUMENT_SPEC, {"user_id": zone, "domain": DOMAIN, **CONVERGE}, check_mode=True)
    assert run.result["summary"] == {"created": 0, "updated": 1, "deleted": 1}
    assert run.result["cmr_plan"]["action"] == DELETE
    sim.assert_untouched(before)


def test_converging_set_reaches_the_state_and_a_second_run_changes_nothing(sim, run_resource, zone):
    sim.ready()
    params = {"user_id": zone, "domain": DOMAIN, **CONVERGE}
    assert run_resource(DnsRecords, ARGUMENT_SPEC, params).result["changed"] is True
    assert sim.records(DOMAIN) == [("A", "@", "192.0.2.1"), ("CNAME", "www", "new.acme.example"), ("TXT", "@", "google-site-verification=abc")]
    assert sim.writes() == [("DELETE", "/dns"), ("PUT", "/dns")]  # deletions first
    assert run_resource(DnsRecords, ARGUMENT_SPEC, params).result["changed"] is False
    assert len(sim.writes()) == 2


# --- no change and delete -----------------------------------------------------------------------

def test_no_change_is_one_read_and_no_plan_line(sim, resource_for, run_resource, zone):
    before = sim.ready()
    params = {"user_id": zone, "domain": DOMAIN, "records": [{"type": "A", "host": "acme-mail.com", "value": "192.0.2.1"}]}
    plan, lines = planned(resource_for, params)
    assert (plan.action, plan.changed, lines) == (NONE, False, [])
    run = run_resource(DnsRecords, ARGUMENT_SPEC, params)
    assert (run.result["changed"], run.result["cmr_plan"]["changes"]) == (False, [])
    sim.assert_untouched(before)


def test_state_absent_deletes_the_listed_records_only(sim, resource_for, run_resource, zone):
    params = {"user_id": zone, "domain": DOMAIN, "state": "absent",
              "records": [{"type": "CNAME", "host": "www"}, {"type": "A", "host": "old", "value": "192.0.2.99"}]}
    before = sim.ready()
    _plan, lines = planned(resource_for, params)
    assert lines == [Change(DELETE, "dns_record", "acme-mail.com CNAME www old.acme.example"), Change(DELETE, "dns_record", "acme-mail.com A old 192.0.2.99")]
    assert run_resource(DnsRecords, ARGUMENT_SPEC, params, check_mode=True).result["changed"] is True
    sim.assert_untouched(before)
    assert run_resource(DnsRecords, ARGUMENT_SPEC, params).result["changed"] is True
    assert sim.records(DOMAIN) == [("A", "@", "192.0.2.1"), ("TXT", "@", "google-site-verification=abc")]
    assert sim.writes() == [("DELETE", "/dns"), ("DELETE", "/dns")]
    assert run_resource(DnsRecords, ARGUMENT_SPEC, params).result["changed"] is False
    assert len(sim.writes()) == 2


def test_purge_with_state_absent_is_refused_before_any_request(sim, run_resource, zone):
    before = sim.ready()
    with pytest.raises(CmrModuleError, match="^purge=true needs state=present"):
        run_resource(DnsRecords, ARGUMENT_SPEC, {"user_id": zone, "domain": DOMAIN, "state": "absent", "purge": True,
                                                 "records": [{"type": "A", "host": "@"}]})
    assert sim.requests() == []
    sim.assert_untouched(before)
