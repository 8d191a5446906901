"""Readings of the docs: the default serves one form per endpoint, each variant exactly its alternative."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SIM_DIR
from simhelpers import provision, subscription

from cmrsim import readings


def use(sim, *names):
    assert sim.control("POST", "variants", {"variants": list(names)}) == {"variants": sorted(names)}


@pytest.fixture
def owner(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"reading.com": ["a"]})
    return user_id


def test_list_variants_prints_one_line_each():
    out = subprocess.run([sys.executable, SIM_DIR, "--list-variants"], capture_output=True, text=True, check=True, timeout=30).stdout
    lines = out.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(readings.VARIANTS)
    # the six contradictions of the docs (docs/developer/API.md#contradictions) the modules touch, and alternative list shapes
    for name in ("auto-renew-post", "recreate-short-path", "users-put-full", "renew-no-action-id", "webhook-event-type",
                 "export-mailbox-ids", "lists-wrapped", "lists-bare", "lists-items"):
        assert name in out


def test_unknown_or_contradicting_variants_are_refused(sim):
    proc = subprocess.run([sys.executable, SIM_DIR, "--port", "0", "--api-key", "k", "--variant", "nope"],
                          capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 2 and "unknown variant(s) nope" in proc.stderr
    status = sim.request("POST", "/_sim/variants", b'{"variants": ["lists-wrapped", "lists-items"]}').status
    assert status == 400
    assert sim.control("GET", "variants")["variants"] == []


def test_startup_variant_survives_reset(sim_factory):
    server = sim_factory(extra=["--variant", "wallet-absent"])
    assert server.api("GET", "/wallet")[0] == 404
    server.control("POST", "variants", {"variants": []})
    assert server.api("GET", "/wallet")[0] == 200
    server.reset()
    assert server.api("GET", "/wallet")[0] == 404


def test_auto_renew_one_method_per_reading(sim, owner):
    body = {"userId": owner, "domains": ["reading.com"], "autoRenew": True}
    assert sim.api("POST", "/domains/toggle-auto-renew", json=body)[0] == 405
    assert sim.api("OPTIONS", "/domains/toggle-auto-renew")[1]["data"]["allow"] == ["OPTIONS", "PATCH"]
    use(sim, "auto-renew-post")
    assert sim.api("PATCH", "/domains/toggle-auto-renew", json=body)[0] == 405
    assert sim.api("POST", "/domains/toggle-auto-renew", json=body)[0] == 200


def test_recreation_one_path_per_reading(sim):
    assert sim.api("POST", "/subscriptions/recreate", json={})[0] == 404
    assert sim.api("POST", "/component/subscriptions/recreate", json={})[0] == 400
    use(sim, "recreate-short-path")
    assert sim.api("POST", "/component/subscriptions/recreate", json={})[0] == 404
    assert sim.api("POST", "/subscriptions/recreate", json={})[0] == 400


def test_partial_user_update_only_in_the_default_reading(sim, make_user):
    user_id = make_user()
    assert sim.api("PUT", "/users", query={"userId": user_id}, json={"city": "Berlin"})[0] == 200
    use(sim, "users-put-full")
    status, body, dummy = sim.api("PUT", "/users", query={"userId": user_id}, json={"city": "Paris"})
    assert status == 400 and "full billing object" in body["message"]
    full = {k: v for k, v in sim.api("GET", "/users", query={"userId": user_id})[1]["data"].items() if k not in ("userId", "createdAt")}
    assert sim.api("PUT", "/users", query={"userId": user_id}, json=dict(full, city="Paris"))[0] == 200


def test_renewal_answer_with_and_without_action_id(sim, make_user):
    user_id = make_user()
    provision(sim, user_id, {"renew-reading.com": ["a"]}, autoRenew=False)
    sim.control("POST", "clock", {"advance_days": 25})
    sid = subscription(sim, "renew-reading.com")["subscriptionId"]
    use(sim, "renew-no-action-id")
    status, body, dummy = sim.api("POST", "/subscriptions/renew-subscriptions", json={"subscriptionIds": [sid]})
    assert status == 200 and body["data"] is None and "actionId" not in body


def test_bulk_workspace_check_refused_in_single_only(sim):
    bulk = {"domains": [{"domainName": "free-one.com"}]}
    assert sim.api("POST", "/domains/has-workspace", json=bulk)[0] == 200
    use(sim, "has-workspace-single-only")
    status, body, dummy = sim.api("POST", "/domains/has-workspace", json=bulk)
    assert status == 400 and "domainName is required" in body["message"]
    assert sim.api("POST", "/domains/has-workspace", json={"domainName": "free-one.com"})[0] == 200


@pytest.mark.parametrize(("variant", "path", "expect"), [
    (None, "/domains/by-user", lambda data: isinstance(data, list)),
    ("lists-wrapped", "/domains/by-user", lambda data: isinstance(data["domains"], list)),
    ("lists-wrapped", "/mailboxes/single", lambda data: isinstance(data["mailboxes"], list)),
    ("lists-items", "/mailboxes/single", lambda data: isinstance(data["items"], list)),
    (None, "/users/list", lambda data: isinstance(data["users"], list)),
    ("lists-bare", "/users/list", lambda data: isinstance(data, list)),
    ("lists-items", "/users/list", lambda data: isinstance(data["items"], list) and "pagination" in data),
])
def test_list_shapes(sim, owner, variant, path, expect):
    if variant:
        use(sim, variant)
    status, body, dummy = sim.api("GET", path, query={"userId": owner})
    assert status == 200 and expect(body["data"]), body


def test_subscriptions_under_items(sim, owner):
    use(sim, "lists-items")
    data = sim.api("GET", "/subscriptions")[1]["data"]
    assert isinstance(data["items"], list) and "subscriptions" not in data


def test_webhook_event_key(sim, owner):
    use(sim, "webhook-event-type")
    sim.control("POST", "emit", {"event": "domain.test", "data": {}})
    assert sim.control("GET", "webhooks")[-1]["eventKey"] == "eventType"
    sim.control("POST", "variants", {"variants": []})
    sim.control("POST", "emit", {"event": "domain.test", "data": {}})
    assert sim.control("GET", "webhooks")[-1]["eventKey"] == "event"


def test_wallet_absent(sim):
    assert sim.api("GET", "/wallet")[0] == 200
    use(sim, "wallet-absent")
    assert sim.api("GET", "/wallet")[0] == 404
