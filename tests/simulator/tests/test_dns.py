"""DNS: list, bulk add (all or nothing), DMARC tag appending, update and delete by recordId, ownership."""

from __future__ import annotations

import pytest

from simhelpers import provision

DMARC_DEFAULTS = ("rua=mailto:dmarc-reports@dns-owned.com; ruf=mailto:dmarc-reports@dns-owned.com; fo=0; rf=afrf; ri=604800; "
                  "pct=100; sp=reject; aspf=r; adkim=r")


@pytest.fixture
def owner(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"dns-owned.com": []})
    return user_id


def add(sim, user_id, *records, domain="dns-owned.com"):
    return sim.api("POST", "/dns", query={"userId": user_id}, json={"domain": domain, "records": list(records)})


def listing(sim, user_id, domain="dns-owned.com"):
    status, body, dummy = sim.api("GET", "/dns", query={"userId": user_id, "domain": domain})
    assert status == 200, body
    return body["data"]


def test_get_empty_and_errors(sim, owner, make_user):
    assert listing(sim, owner) == {"records": [], "disabledRecords": []}
    assert sim.api("GET", "/dns", query={"userId": owner})[0] == 400
    assert sim.api("GET", "/dns", query={"domain": "dns-owned.com"})[0] == 400
    assert sim.api("GET", "/dns", query={"userId": owner, "domain": "unknown-dom.com"})[0] == 404
    assert sim.api("GET", "/dns", query={"userId": make_user(), "domain": "dns-owned.com"})[0] == 403


def test_add_documented_example(sim, owner):
    status, body, dummy = add(sim, owner, {"host": "mail", "value": "192.0.2.10", "recordType": "A"})
    assert status == 200
    record = body["data"][0]
    assert set(record) == {"recordId", "host", "value", "recordType", "priority"}
    assert (record["host"], record["value"], record["recordType"], record["priority"]) == ("mail", "192.0.2.10", "A", "")
    assert listing(sim, owner)["records"] == [record]


def test_documented_example_verbatim(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"example.com": []})
    status, body, dummy = sim.api("POST", "/dns", query={"userId": user_id},
                                  json={"domain": "example.com", "records": [{"host": "mail", "value": "192.0.2.10", "recordType": "A"}]})
    assert status == 200 and body["data"][0]["host"] == "mail"
    status, body, dummy = sim.api("POST", "/dns", query={"userId": user_id}, json={"domain": "example.com", "records": [
        {"host": "_dmarc", "value": "v=DMARC1; p=quarantine", "recordType": "TXT", "excludedDMARCtags": ["rua", "ruf"]}]})
    assert status == 200 and "rua=" not in body["data"][0]["value"] and "fo=0" in body["data"][0]["value"]


def test_add_many_records_in_one_call(sim, owner):
    records = [{"host": f"h{i}", "value": f"192.0.2.{i % 250}", "recordType": "A"} for i in range(120)]
    status, body, dummy = add(sim, owner, *records)
    assert status == 200 and body["message"] == "120 DNS records added successfully"
    ids = [r["recordId"] for r in body["data"]]
    assert len(set(ids)) == 120
    assert [r["recordId"] for r in listing(sim, owner)["records"]] == ids
    assert [r["host"] for r in body["data"]] == [r["host"] for r in records]


def test_add_is_all_or_nothing(sim, owner):
    records = [{"host": f"h{i}", "value": "192.0.2.1", "recordType": "A"} for i in range(100)]
    status, body, dummy = add(sim, owner, *records, {"value": "192.0.2.1", "recordType": "A"})
    assert status == 400 and body["message"] == "records[100].host: required key not provided"
    status, body, dummy = add(sim, owner, *records, {"host": "x", "value": "v", "recordType": "A", "excludedDMARCtags": ["rua"]})
    assert status == 400 and body["message"].startswith("records[100].excludedDMARCtags")
    status, body, dummy = add(sim, owner, *records, dict(records[0]))
    assert status == 409 and body["message"].startswith("records[100]:")
    assert listing(sim, owner)["records"] == [] and not sim.state()["records"]


def test_dmarc_default_tags_are_appended(sim, owner):
    status, body, dummy = add(sim, owner, {"host": "_dmarc", "value": "v=DMARC1; p=quarantine", "recordType": "TXT"})
    assert status == 200
    assert body["data"][0]["value"] == "v=DMARC1; p=quarantine; " + DMARC_DEFAULTS


def test_dmarc_excluded_tags_and_present_tags(sim, owner, make_user):
    status, body, dummy = add(sim, owner, {"host": "_dmarc", "value": "v=DMARC1; p=quarantine; pct=50;", "recordType": "TXT",
                                           "excludedDMARCtags": ["rua", "ruf"]})
    assert status == 200
    value = body["data"][0]["value"]
    assert value == "v=DMARC1; p=quarantine; pct=50; fo=0; rf=afrf; ri=604800; sp=reject; aspf=r; adkim=r"
    assert body["data"][0]["excludedDMARCtags"] == ["rua", "ruf"]
    other = make_user()
    provision(sim, other, {"dmarc-all.com": []})
    status, body, dummy = add(sim, other, {"host": "_dmarc", "value": "v=DMARC1; p=none", "recordType": "TXT",
                                           "excludedDMARCtags": ["rua", "ruf", "fo", "rf", "ri", "pct", "sp", "aspf", "adkim"]},
                              domain="dmarc-all.com")
    assert status == 200 and body["data"][0]["value"] == "v=DMARC1; p=none"


@pytest.mark.parametrize(("record", "message"), [
    ({"host": "@", "value": "v=spf1 -all", "recordType": "TXT", "excludedDMARCtags": ["rua"]},
     "records[0].excludedDMARCtags: only allowed on TXT records whose host is _dmarc"),
    ({"host": "_dmarc", "value": "v=DMARC1", "recordType": "TXT", "excludedDMARCtags": ["bogus"]}, "records[0].excludedDMARCtags[0]"),
    ({"host": "@", "value": "mx.example.org", "recordType": "MX"}, "records[0].priority: required for MX records"),
    ({"host": "@", "value": "1.2.3.4", "recordType": "BOGUS"}, "records[0].recordType"),
    ({"host": "@", "value": "", "recordType": "A"}, "records[0].value: must not be empty"),
    ({"host": "@", "value": "1.2.3.4", "recordType": "A", "ttl": 300}, "records[0].ttl: extra keys not allowed"),
    ({"host": "@", "value": "mx.example.org", "recordType": "MX", "priority": "high"}, "records[0].priority"),
])
def test_add_validation(sim, owner, record, message):
    status, body, dummy = add(sim, owner, record)
    assert status == 400 and body["message"].startswith(message), body
    assert not sim.state()["records"]


def test_add_body_errors_and_ownership(sim, owner, make_user):
    status, body, dummy = sim.api("POST", "/dns", query={"userId": owner}, json={"domain": "dns-owned.com"})
    assert status == 400 and body["message"] == "records: required key not provided"
    status, body, dummy = sim.api("POST", "/dns", query={"userId": owner}, json={"domain": "dns-owned.com", "records": []})
    assert status == 400 and body["message"] == "records: must not be empty"
    assert add(sim, make_user(), {"host": "@", "value": "1.2.3.4", "recordType": "A"})[0] == 403
    assert add(sim, owner, {"host": "@", "value": "1.2.3.4", "recordType": "A"}, domain="unknown-dom.com")[0] == 404


def test_mx_priority_hosts_and_single_valued_types(sim, owner):
    status, body, dummy = add(sim, owner,
                              {"host": "dns-owned.com.", "value": "mx1.example.org", "recordType": "MX", "priority": 10},
                              {"host": "@", "value": "mx2.example.org", "recordType": "mx", "priority": "20"},
                              {"host": "WWW.dns-owned.com", "value": "target.example.org", "recordType": "CNAME"})
    assert status == 200, body
    assert [(r["host"], r["recordType"], r["priority"]) for r in body["data"]] == [("@", "MX", 10), ("@", "MX", "20"), ("www", "CNAME", "")]
    status, body, dummy = add(sim, owner, {"host": "www", "value": "other.example.org", "recordType": "CNAME"})
    assert status == 409 and "update it by recordId" in body["message"]


def test_update_replaces_the_record(sim, owner, make_user):
    record = add(sim, owner, {"host": "mail", "value": "192.0.2.10", "recordType": "A"})[1]["data"][0]
    status, body, dummy = sim.api("PUT", "/dns", query={"userId": owner}, json={
        "recordId": record["recordId"], "domain": "dns-owned.com", "host": "_dmarc", "value": "v=DMARC1; p=reject", "recordType": "TXT",
        "excludedDMARCtags": ["rua", "ruf", "fo", "rf", "ri", "pct", "sp", "aspf"]})
    assert status == 200
    assert body["data"] == {"recordId": record["recordId"], "host": "_dmarc", "value": "v=DMARC1; p=reject; adkim=r", "recordType": "TXT",
                            "priority": "", "excludedDMARCtags": ["rua", "ruf", "fo", "rf", "ri", "pct", "sp", "aspf"]}
    assert listing(sim, owner)["records"] == [body["data"]]
    update = {"recordId": record["recordId"], "domain": "dns-owned.com", "host": "mail", "value": "192.0.2.11", "recordType": "A"}
    assert sim.api("PUT", "/dns", query={"userId": owner}, json=update)[1]["data"]["value"] == "192.0.2.11"
    assert "excludedDMARCtags" not in listing(sim, owner)["records"][0]
    assert sim.api("PUT", "/dns", query={"userId": owner}, json={**update, "recordId": "NOPE"})[0] == 404
    assert sim.api("PUT", "/dns", query={"userId": make_user()}, json=update)[0] == 403
    status, body, dummy = sim.api("PUT", "/dns", query={"userId": owner}, json={k: v for k, v in update.items() if k != "value"})
    assert status == 400 and body["message"] == "value: required key not provided"


def test_delete_record(sim, owner, make_user):
    record = add(sim, owner, {"host": "mail", "value": "192.0.2.10", "recordType": "A"})[1]["data"][0]
    assert sim.api("DELETE", "/dns", query={"userId": make_user(), "recordId": record["recordId"]})[0] == 403
    assert sim.api("DELETE", "/dns", query={"userId": owner})[0] == 400
    status, body, dummy = sim.api("DELETE", "/dns", query={"userId": owner, "recordId": record["recordId"]})
    assert (status, body["data"]) == (200, None)
    assert listing(sim, owner)["records"] == []
    assert sim.api("DELETE", "/dns", query={"userId": owner, "recordId": record["recordId"]})[0] == 404
