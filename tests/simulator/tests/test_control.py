"""Control API: reset, state, wallet, clock, seed, faults, webhooks and persistence."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from conftest import USER


# -- reset, state, wallet, seed, clock -------------------------------------------------------------

def test_reset_empties_everything(sim, make_user):
    make_user()
    sim.api("POST", "/send-errors", json={"method": "GET", "path": "/x", "query": "{}", "payload": "{}", "response": "{}"})
    sim.control("POST", "faults", {"rules": [{"path": "/nothing", "status": 500}]})
    sim.control("POST", "emit", {"event": "x.y", "data": {}})
    assert sim.control("POST", "reset", {"wallet": 77}) == {"ok": True, "wallet": 77}
    state = sim.state()
    assert state["wallet"] == 77
    assert {key: value for key, value in state.items() if key != "wallet" and value} == {}
    for path in ("requests", "error-reports", "webhooks"):
        assert sim.control("GET", path) == []
    assert sim.control("GET", "faults") == {"rules": []}


def test_state_lists_every_collection(sim, make_user):
    user_id = make_user()
    state = sim.state()
    for key in ("users", "domains", "records", "orders", "subscriptions", "mailboxes", "credentials", "exports",
                "placements", "prewarmup_orders"):
        assert isinstance(state[key], list)
    assert state["users"][0]["userId"] == user_id
    assert "requests" not in state and "webhooks" not in state


def test_control_errors(sim):
    assert sim.request("GET", "/_sim/nothing")[0] == 404
    assert sim.request("POST", "/_sim/wallet", b"{bad")[0] == 400
    status, body, _headers = sim.request("POST", "/_sim/wallet", b'{"balance": "a lot"}')
    assert (status, body) == (400, {"error": "balance: expected a number"})
    assert sim.request("POST", "/_sim/seed", b'{"kind": "domains"}')[0] == 400


def test_control_api_is_not_logged_or_keyed(sim):
    sim.control("GET", "state")
    sim.control("POST", "wallet", {"balance": 5})
    assert sim.requests() == []


def test_seed_ids(sim):
    seeded = sim.control("POST", "seed", {"kind": "domains", "object": {"userId": "U", "domain": "a.com"}})
    assert len(seeded["id"]) == 28 and seeded["object"]["domainId"] == seeded["id"]
    seeded = sim.control("POST", "seed", {"kind": "mailboxes", "object": {"mailboxId": "MB1", "userId": "U"}})
    assert seeded["id"] == "MB1"
    seeded = sim.control("POST", "seed", {"kind": "custom", "id": "C1", "object": {"a": 1}})
    assert sim.state()["custom"] == [{"a": 1, "id": "C1"}]


def test_clock_moves_stored_dates_into_the_past(sim, make_user):
    user_id = make_user()
    created = sim.api("GET", "/users", query={"userId": user_id})[1]["data"]["createdAt"]
    sim.control("POST", "seed", {"kind": "domains", "object": {
        "domainId": "D1", "userId": user_id, "expiryDate": "2030-01-10", "renewedAt": "2029-01-10T08:30:00Z",
        "history": [{"at": "2029-06-01T00:00:00Z"}], "name": "2030-01-10.example"}})
    assert sim.control("POST", "clock", {"advance_days": 10}) == {"advanced_days": 10}
    state = sim.state()
    domain = state["domains"][0]
    assert domain["expiryDate"] == "2029-12-31"
    assert domain["renewedAt"] == "2028-12-31T08:30:00Z"
    assert domain["history"] == [{"at": "2029-05-22T00:00:00Z"}]
    assert domain["name"] == "2030-01-10.example"
    assert state["users"][0]["createdAt"] < created
    assert state["wallet"] == 1000


def test_tick_runs_due_work_and_counts_what_is_pending(sim_factory, sim, make_user):
    idle = sim.control("POST", "tick")
    assert idle == {"ran": 0, "pending": 0}
    slow = sim_factory(async_delay=30)
    user_id = slow.api("POST", "/users", json=USER)[1]["data"]["id"]
    assert slow.api("POST", "/orders/json", query={"userId": user_id}, json={
        "domains": [{"domain": "ticked.com", "years": 1}], "mailboxes": {"ticked.com": [{"username": "a", "firstName": "A", "lastName": "B"}]}})[0] == 200
    pending = slow.control("POST", "tick")
    assert pending["ran"] == 0 and pending["pending"] >= 1  # nothing is due for 30 s
    assert slow.state()["mailboxes"][0]["status"] == "IN_PROGRESS"
    make_user()  # the shared server is unaffected
    assert sim.control("POST", "tick")["pending"] == 0


# -- faults --------------------------------------------------------------------------------------

def test_fault_status_with_retry_after(sim):
    sim.control("POST", "faults", {"rules": [{"method": "GET", "path": "/wallet", "status": 503, "retry_after": 2, "times": 1}]})
    status, reply, headers = sim.api("GET", "/wallet")
    assert status == 503 and headers["Retry-After"] == "2"
    assert reply == {"status": 503, "message": "Simulated fault", "data": None}
    assert sim.api("GET", "/wallet")[0] == 200
    log = sim.requests()
    assert (log[0]["status"], log[0]["fault"]) == (503, "status")
    assert "fault" not in log[1]


def test_fault_status_is_not_applied(sim):
    sim.control("POST", "faults", {"rules": [{"method": "POST", "path": "/users", "status": 500, "message": "boom"}]})
    status, reply, _headers = sim.api("POST", "/users", json=USER)
    assert (status, reply["message"]) == (500, "boom")
    assert sim.state()["users"] == []


def test_fault_delay_then_normal(sim):
    sim.control("POST", "faults", {"rules": [{"path": "/wallet", "delay": 0.4, "times": 1}]})
    started = time.monotonic()
    status, _body, _headers = sim.api("GET", "/wallet")
    assert status == 200 and time.monotonic() - started >= 0.4
    started = time.monotonic()
    sim.api("GET", "/wallet")
    assert time.monotonic() - started < 0.4
    assert sim.requests()[0]["fault"] == "delay"


def test_fault_drop_does_not_apply(sim):
    sim.control("POST", "faults", {"rules": [{"method": "POST", "path": "/users", "drop": True, "times": 1}]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        sim.api("POST", "/users", json=USER)
    assert sim.state()["users"] == []
    entry = sim.requests()[0]
    assert (entry["status"], entry["fault"], entry["path"]) == (None, "drop", "/users")
    assert sim.api("POST", "/users", json=USER)[0] == 200


def test_fault_apply_then_drop(sim):
    sim.control("POST", "faults", {"rules": [{"method": "POST", "path": "/users", "apply_then_drop": True, "times": 1}]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        sim.api("POST", "/users", json=USER)
    assert [user["email"] for user in sim.state()["users"]] == [USER["email"]]
    entry = sim.requests()[0]
    assert (entry["status"], entry["fault"]) == (200, "apply_then_drop")


def test_fault_malformed_is_applied(sim):
    sim.control("POST", "faults", {"rules": [{"method": "POST", "path": "/users", "malformed": True, "times": 1}]})
    status, reply, headers = sim.api("POST", "/users", json=USER)
    assert status == 200 and isinstance(reply, str) and headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(reply)
    assert len(sim.state()["users"]) == 1


def test_fault_malformed_with_status_is_not_applied(sim):
    sim.control("POST", "faults", {"rules": [{"method": "POST", "path": "/users", "malformed": True, "status": 502}]})
    status, reply, _headers = sim.api("POST", "/users", json=USER)
    assert status == 502 and isinstance(reply, str)
    assert sim.state()["users"] == []


def test_fault_times_and_persistent_rules(sim):
    sim.control("POST", "faults", {"rules": [{"method": "GET", "path": "/geo/*", "status": 500, "times": 2},
                                             {"method": "GET", "path": "/wallet", "status": 429, "retry_after": 1}]})
    statuses = [sim.api("GET", "/geo/countries")[0] for _attempt in range(3)]
    assert statuses == [500, 500, 200]
    assert sim.control("GET", "faults")["rules"] == [{"method": "GET", "path": "/wallet", "status": 429, "retry_after": 1}]
    assert [sim.api("GET", "/wallet")[0] for _attempt in range(3)] == [429, 429, 429]  # no "times": until cleared
    sim.control("DELETE", "faults")
    assert sim.api("GET", "/wallet")[0] == 200


def test_fault_rule_matching_is_exact_on_method(sim):
    sim.control("POST", "faults", {"rules": [{"method": "post", "path": "/users", "status": 500}]})
    assert sim.api("GET", "/users/list")[0] == 200
    assert sim.api("POST", "/users", json=USER)[0] == 500


@pytest.mark.parametrize("rules", [
    [{"path": "/users"}],
    [{"path": "/users", "status": 99}],
    [{"path": "/users", "drop": True, "times": 0}],
    [{"path": "/users", "explode": True}],
    "all of them",
])
def test_fault_rules_are_validated(sim, rules):
    status, body, _headers = sim.request("POST", "/_sim/faults", json.dumps({"rules": rules}).encode())
    assert status == 400 and body["error"]


def test_faults_come_after_auth(sim):
    sim.control("POST", "faults", {"rules": [{"path": "/wallet", "status": 500, "times": 1}]})
    assert sim.api("GET", "/wallet", key="wrong")[0] == 401
    assert sim.api("GET", "/wallet")[0] == 500


# -- webhooks ------------------------------------------------------------------------------------

class Receiver:
    """A tiny webhook endpoint answering the scripted statuses (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.calls: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            """Records each POST."""

            def do_POST(self) -> None:  # noqa: N802  pylint: disable=invalid-name
                """Record and answer."""
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append({"raw": raw, "headers": dict(self.headers), "at": time.monotonic(), "path": self.path})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/cmr?src=sim"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver; set ``receiver.statuses`` to script failures."""
    server = Receiver()
    yield server
    server.close()


def verify(call: dict[str, Any], key: str) -> dict[str, Any]:
    """Check the signature independently, the way a partner's receiver would, and return the body."""
    headers = {name.lower(): value for name, value in call["headers"].items()}
    timestamp = headers["cmr-x-timestamp"]
    expected = hmac.new(key.encode(), f"{timestamp}.".encode() + call["raw"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["cmr-x-signature"], expected)
    assert abs(int(timestamp) - time.time()) < 300  # the documented 5-minute window
    assert headers["content-type"] == "application/json"
    return json.loads(call["raw"])


def test_webhook_is_signed_and_recorded(sim_factory, receiver):
    server = sim_factory(webhook_url=receiver.url, api_key="hook-key")
    emitted = server.control("POST", "emit", {"event": "domain.order.success", "data": {"domainName": "a.com", "actionId": "ACT_1"}})
    assert emitted["result"] == "pending" and len(emitted["eventId"]) == 28
    server.wait_for(lambda: receiver.calls)
    call = receiver.calls[0]
    assert call["path"] == "/hooks/cmr?src=sim"
    body = verify(call, "hook-key")
    assert body == {"event": "domain.order.success", "eventId": emitted["eventId"], "data": {"domainName": "a.com", "actionId": "ACT_1"}}
    record = server.wait_for(lambda: [hook for hook in server.control("GET", "webhooks") if hook["result"] == "delivered"])[0]
    assert record["attempts"][0]["status"] == 200 and record["attempts"][0]["number"] == 1
    with pytest.raises(AssertionError):
        verify(call, "another-key")


def test_webhook_without_url_is_recorded_only(sim):
    sim.control("POST", "emit", {"event": "mailbox.created", "data": {"mailboxId": "M"}})
    hooks = sim.control("GET", "webhooks")
    assert [(hook["event"], hook["result"], hook["attempts"]) for hook in hooks] == [("mailbox.created", "not_configured", [])]


def test_webhook_retry_schedule(sim_factory, receiver):
    receiver.statuses = [500, 503, 500]
    server = sim_factory(webhook_url=receiver.url, async_delay=0.01)  # retries after 0.3 s and 3 s
    event_id = server.control("POST", "emit", {"event": "subscription.cancelled", "data": {}})["eventId"]
    server.wait_for(lambda: len(receiver.calls) == 3, timeout=10)
    first, second, third = (call["at"] for call in receiver.calls)
    assert 0.25 <= second - first < 1.5
    assert 2.8 <= third - second < 4.5
    assert {verify(call, "test-key")["eventId"] for call in receiver.calls} == {event_id}
    record = server.wait_for(lambda: [hook for hook in server.control("GET", "webhooks") if hook["result"] == "failed"])[0]
    assert [attempt["status"] for attempt in record["attempts"]] == [500, 503, 500]
    time.sleep(0.5)
    assert len(receiver.calls) == 3  # no fourth attempt


def test_webhook_retry_then_success(sim_factory, receiver):
    receiver.statuses = [500]
    server = sim_factory(webhook_url=receiver.url, async_delay=0.01)
    server.control("POST", "emit", {"event": "x", "data": {}})
    record = server.wait_for(lambda: [hook for hook in server.control("GET", "webhooks") if hook["result"] == "delivered"], timeout=5)[0]
    assert [attempt["status"] for attempt in record["attempts"]] == [500, 200]


def test_webhook_unreachable_receiver_is_retried(sim_factory):
    server = sim_factory(webhook_url="http://127.0.0.1:9/nowhere", async_delay=0.01)
    server.control("POST", "emit", {"event": "x", "data": {}})
    record = server.wait_for(lambda: [hook for hook in server.control("GET", "webhooks") if hook["result"] == "failed"], timeout=10)[0]
    assert len(record["attempts"]) == 3
    assert all(attempt["status"] is None and "Connection" in attempt["error"] for attempt in record["attempts"])


# -- persistence ---------------------------------------------------------------------------------

def test_state_survives_restart(sim_factory, tmp_path):
    path = tmp_path / "state.json"
    first = sim_factory(state_file=str(path))
    user_id = first.api("POST", "/users", json=USER)[1]["data"]["id"]
    first.control("POST", "wallet", {"balance": 321.5})
    assert json.loads(path.read_text())["data"]["users"][user_id]["email"] == USER["email"]
    assert first.stop() == 0

    second = sim_factory(state_file=str(path), wallet=5)  # a saved wallet wins over --wallet
    assert second.requests() == []  # logs are not persisted
    assert second.api("GET", "/users", query={"userId": user_id})[1]["data"]["email"] == USER["email"]
    assert second.api("GET", "/wallet")[1]["data"]["balance"] == 321.5
    second.reset()
    assert json.loads(path.read_text())["data"]["users"] == {}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp files left behind
