# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""DNS identity, normalisation, DMARC comparison and record-set planning (docs/developer/DESIGN.md#dns-identity)."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import (
    Record,
    RecordFilter,
    build_wanted,
    comparable_value,
    dmarc_equivalent,
    normalise_host,
    plan_record_set,
    record_from_api,
    record_key,
    record_to_api,
    split_mx_value,
    validate_items,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

DOMAIN = "example.com"
CMR_DEFAULTS = "rua=mailto:d@example.com; ruf=mailto:d@example.com; fo=0; rf=afrf; ri=604800; pct=100; sp=reject; aspf=r; adkim=r"


def wanted(*items: dict[str, t.Any], state: str = "present"):
    return validate_items(list(items), DOMAIN, state)


def rec(record_type: str, host: str, value: str, priority: t.Optional[int] = None, record_id: str = "id") -> Record:
    return Record(type=record_type, host=host, value=value, priority=priority, record_id=record_id)


# --- normalisation ----------------------------------------------------------------------------

@pytest.mark.parametrize("host, expected", [
    ("@", "@"),
    ("", "@"),
    ("example.com", "@"),
    ("Example.COM.", "@"),
    ("mail", "mail"),
    ("MAIL.example.com.", "mail"),
    ("_dmarc.example.com", "_dmarc"),
    ("s1._domainkey", "s1._domainkey"),
    ("notexample.com", "notexample.com"),  # not a subdomain: a suffix must follow a dot
])
def test_hosts_are_relative_lower_case_without_trailing_dot(host: str, expected: str) -> None:
    assert normalise_host(host, "example.com.") == expected


def test_host_name_values_ignore_case_and_trailing_dot_but_txt_keeps_case() -> None:
    assert comparable_value("CNAME", "Target.Example.NET.") == "target.example.net"
    assert comparable_value("MX", "mx1.example.com.") == "mx1.example.com"
    assert comparable_value("TXT", "DKIM-Key=AbC") == "DKIM-Key=AbC"
    assert comparable_value("TXT", '"quoted"') == "quoted"
    assert comparable_value("AAAA", "2001:DB8:0:0::1") == "2001:db8::1"


def test_mx_priority_may_sit_in_the_value() -> None:
    assert split_mx_value("10 mx.example.com", None) == ("mx.example.com", 10)
    assert split_mx_value("mx.example.com", 5) == ("mx.example.com", 5)
    item = wanted({"type": "MX", "host": "@", "value": "20 MX.example.net."})[0]
    assert (item.record.value, item.record.priority) == ("MX.example.net.", 20)


def test_api_records_are_normalised() -> None:
    record = record_from_api({"recordId": "R1", "host": "Mail.Example.com.", "value": "192.0.2.1", "recordType": "a", "priority": ""}, DOMAIN)
    assert record == Record(type="A", host="mail", value="192.0.2.1", priority=None, record_id="R1")
    mx = record_from_api({"recordId": "R2", "host": "@", "value": "mx", "recordType": "MX", "priority": "10"}, DOMAIN)
    assert mx.priority == 10


def test_records_sent_to_the_api_are_complete_and_camel_case() -> None:
    mx = wanted({"type": "MX", "host": "@", "value": "mx.example.com", "priority": 10})[0].record
    assert record_to_api(mx) == {"recordType": "MX", "host": "@", "value": "mx.example.com", "priority": 10}
    dmarc = wanted({"type": "TXT", "host": "_dmarc", "value": "v=DMARC1; p=none", "excluded_dmarc_tags": ["rua"]})[0].record
    assert record_to_api(dmarc)["excludedDMARCtags"] == ["rua"]


# --- identity ---------------------------------------------------------------------------------

def test_identity_is_type_host_value_except_for_single_valued_records() -> None:
    assert record_key("TXT", "@", "a") != record_key("TXT", "@", "b")
    assert record_key("MX", "@", "MX.example.com.") == record_key("MX", "@", "mx.example.com")
    assert record_key("CNAME", "www", "a.example") == record_key("CNAME", "www", "b.example")
    assert record_key("TXT", "_dmarc", "v=DMARC1; p=none") == record_key("TXT", "_dmarc", "v=DMARC1; p=reject")
    assert record_key("TXT", "_dmarc.sub", "x") == ("TXT", "_dmarc.sub")


# --- DMARC --------------------------------------------------------------------------------------

def test_tags_cmr_appended_are_not_a_difference() -> None:
    assert dmarc_equivalent("v=DMARC1; p=none", "v=DMARC1; p=none; " + CMR_DEFAULTS)
    assert dmarc_equivalent("v=DMARC1; p=none", "v=DMARC1; p=none")
    assert dmarc_equivalent("v=DMARC1;p=none;", "v=DMARC1; p=none; fo=0")


def test_a_different_policy_or_an_unknown_extra_tag_is_a_difference() -> None:
    assert not dmarc_equivalent("v=DMARC1; p=reject", "v=DMARC1; p=none; " + CMR_DEFAULTS)
    assert not dmarc_equivalent("v=DMARC1; p=none", "v=DMARC1; p=none; np=reject")
    assert not dmarc_equivalent("v=DMARC1; p=none; pct=50", "v=DMARC1; p=none; pct=100")


def test_an_excluded_tag_still_stored_is_a_difference() -> None:
    stored = "v=DMARC1; p=none; " + CMR_DEFAULTS
    assert not dmarc_equivalent("v=DMARC1; p=none", stored, excluded=["rua"])
    assert dmarc_equivalent("v=DMARC1; p=none", "v=DMARC1; p=none; fo=0", excluded=["rua", "ruf"])


def test_a_stored_dmarc_record_with_appended_tags_needs_no_change() -> None:
    current = [rec("TXT", "_dmarc", "v=DMARC1; p=none; " + CMR_DEFAULTS)]
    plan = plan_record_set(current, wanted({"type": "TXT", "host": "_dmarc.example.com.", "value": "v=DMARC1; p=none"}))
    assert not plan.changed


# --- planning -----------------------------------------------------------------------------------

def test_missing_records_are_created_and_present_ones_left_alone() -> None:
    current = [rec("A", "www", "192.0.2.1")]
    plan = plan_record_set(current, wanted(
        {"type": "A", "host": "www.example.com", "value": "192.0.2.1"},
        {"type": "TXT", "host": "@", "value": "hello"},
    ))
    assert [r.describe() for r in plan.creates] == ["TXT @ hello"]
    assert plan.updates == [] and plan.deletes == []


def test_keep_adds_beside_other_values_and_replace_removes_them() -> None:
    current = [rec("TXT", "@", "old-1", record_id="1"), rec("TXT", "@", "old-2", record_id="2")]
    kept = plan_record_set(current, wanted({"type": "TXT", "host": "@", "value": "new"}))
    assert len(kept.creates) == 1 and kept.deletes == []
    replaced = plan_record_set(current, wanted({"type": "TXT", "host": "@", "value": "new", "on_existing": "replace"}))
    assert len(replaced.creates) == 1
    assert [r.record_id for r in replaced.deletes] == ["1", "2"]


def test_replace_keeps_the_wanted_value_when_it_exists() -> None:
    current = [rec("TXT", "@", "keep-me", record_id="1"), rec("TXT", "@", "other", record_id="2")]
    plan = plan_record_set(current, wanted({"type": "TXT", "host": "@", "value": "keep-me", "on_existing": "replace"}))
    assert plan.creates == [] and [r.record_id for r in plan.deletes] == ["2"]


def test_a_new_cname_value_updates_by_record_id() -> None:
    current = [rec("CNAME", "www", "old.example.net.", record_id="C1")]
    plan = plan_record_set(current, wanted({"type": "CNAME", "host": "www", "value": "new.example.net"}))
    assert plan.creates == [] and plan.deletes == []
    [(old, new)] = plan.updates
    assert (old.value, new.value, new.record_id) == ("old.example.net.", "new.example.net", "C1")


def test_mx_priority_change_is_an_update_and_unset_priority_keeps_the_current_one() -> None:
    current = [rec("MX", "@", "mx.example.com", priority=10, record_id="M1")]
    changed = plan_record_set(current, wanted({"type": "MX", "host": "@", "value": "mx.example.com", "priority": 20}))
    assert [(new.priority, new.record_id) for _old, new in changed.updates] == [(20, "M1")]
    absent = plan_record_set(current, wanted({"type": "MX", "host": "@", "value": "MX.example.com."}, state="absent"))
    assert [r.record_id for r in absent.deletes] == ["M1"]


def test_absent_without_value_removes_every_value_of_the_host_and_type() -> None:
    current = [rec("A", "old", "192.0.2.1", record_id="1"), rec("A", "old", "192.0.2.2", record_id="2"), rec("A", "new", "192.0.2.3", record_id="3")]
    plan = plan_record_set(current, wanted({"type": "A", "host": "old"}, state="absent"))
    assert [r.record_id for r in plan.deletes] == ["1", "2"]


def test_absent_single_valued_record_goes_whatever_its_value() -> None:
    current = [rec("CNAME", "www", "a.example", record_id="1")]
    plan = plan_record_set(current, wanted({"type": "CNAME", "host": "www", "value": "b.example"}, state="absent"))
    assert [r.record_id for r in plan.deletes] == ["1"]


def test_purge_deletes_unlisted_records_except_kept_ones() -> None:
    current = [
        rec("A", "www", "192.0.2.1", record_id="1"),
        rec("NS", "@", "ns1.registrar.example", record_id="2"),
        rec("TXT", "google._domainkey", "k=rsa", record_id="3"),
        rec("TXT", "@", "stale", record_id="4"),
    ]
    keep = [RecordFilter.build(DOMAIN, "NS", None), RecordFilter.build(DOMAIN, None, "google._domainkey.example.com")]
    plan = plan_record_set(current, wanted({"type": "A", "host": "www", "value": "192.0.2.1"}), purge=True, keep=keep)
    assert [r.record_id for r in plan.deletes] == ["4"]


def test_prediction_and_diff_list_only_what_changes() -> None:
    current = [rec("A", "www", "192.0.2.1", record_id="1"), rec("CNAME", "blog", "old.example", record_id="2"), rec("A", "gone", "192.0.2.9", record_id="3")]
    items = wanted(
        {"type": "A", "host": "www", "value": "192.0.2.1"},
        {"type": "CNAME", "host": "blog", "value": "new.example"},
        {"type": "TXT", "host": "@", "value": "hello"},
        {"type": "A", "host": "gone", "state": "absent"},
    )
    plan = plan_record_set(current, items)
    assert plan.summary() == {"created": 1, "updated": 1, "deleted": 1}
    diff = plan.diff()
    assert diff["before"]["records"] == [
        {"type": "A", "host": "gone", "value": "192.0.2.9"},
        {"type": "CNAME", "host": "blog", "value": "old.example"},
    ]
    assert diff["after"]["records"] == [
        {"type": "CNAME", "host": "blog", "value": "new.example"},
        {"type": "TXT", "host": "@", "value": "hello"},
    ]
    assert [r.describe() for r in plan.predicted()] == ["A www 192.0.2.1", "CNAME blog new.example", "TXT @ hello"]


def test_fifty_new_records_are_fifty_creations() -> None:
    items = wanted(*({"type": "TXT", "host": "h%d" % (i // 2), "value": "v%d" % i} for i in range(50)))
    plan = plan_record_set([], items)
    assert len(plan.creates) == 50 and not plan.updates and not plan.deletes


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("item, message", [
    ({"type": "MX", "host": "@", "value": "mx", "priority": "high"}, r"^records\[0\] \(MX @\): priority: expected an integer"),
    ({"type": "SPF", "host": "@", "value": "x"}, r"^records\[0\] \(SPF @\): type: must be one of"),
    ({"type": "A", "host": "@", "value": "192.0.2.1", "ttl": 60}, r"^records\[0\] \(A @\): ttl: unknown field"),
    ({"host": "@", "value": "x"}, r"^records\[0\]: type: required key not provided"),
    ({"type": "A", "host": "www"}, r"^records\[0\] \(A www\): value: required when state is present"),
    ({"type": "MX", "host": "@", "value": "mx.example.com"}, r"priority: required for MX records"),
    ({"type": "A", "host": "@", "value": "192.0.2.1", "priority": 1}, r"priority: only MX records have a priority"),
    ({"type": "TXT", "host": "@", "value": "x", "excluded_dmarc_tags": ["rua"]}, r"excluded_dmarc_tags: only allowed on TXT records whose host is _dmarc"),
    ({"type": "TXT", "host": "_dmarc", "value": "x", "excluded_dmarc_tags": ["nope"]}, r"excluded_dmarc_tags: expected a list of rua"),
    ("A @ 1.2.3.4", r"^records\[0\]: expected a dictionary"),
])
def test_invalid_items_fail_with_one_line_naming_item_and_field(item: t.Any, message: str) -> None:
    with pytest.raises(CmrModuleError, match=message) as caught:
        validate_items([item], DOMAIN, "present")
    assert "\n" not in str(caught.value)


def test_two_items_for_one_record_are_refused() -> None:
    with pytest.raises(CmrModuleError, match=r"records\[0\] and records\[1\] describe the same record"):
        wanted({"type": "CNAME", "host": "www", "value": "a"}, {"type": "CNAME", "host": "WWW.example.com.", "value": "b"})


def test_the_single_record_module_names_the_record_without_an_index() -> None:
    options = {"type": "MX", "host": "@", "value": "mx", "priority": None, "excluded_dmarc_tags": None, "state": "present", "on_existing": "keep"}
    with pytest.raises(CmrModuleError, match=r"^MX @: priority: required"):
        build_wanted(options, DOMAIN, "present", "")


@pytest.mark.parametrize("priority, value", [(-1, "mx.example.com"), (None, "70000 mx.example.com")])
def test_the_single_record_module_checks_the_priority_range(priority: t.Any, value: str) -> None:
    options = {"type": "MX", "host": "@", "value": value, "priority": priority, "excluded_dmarc_tags": None, "state": "present", "on_existing": "keep"}
    with pytest.raises(CmrModuleError, match=r"^MX @: priority: expected an integer from 0 to 65535"):
        build_wanted(options, DOMAIN, "present", "")
