"""Server plumbing: auth, routing, envelope, errors, rate limit, concurrency, process life."""

from __future__ import annotations

import ast
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import voluptuous as vol

# Importing cmrsim.handlers registers every route in core.ROUTES.
from cmrsim import catalog, core, handlers  # noqa: F401  pylint: disable=unused-import
from cmrsim.state import State, shift_date_string
from conftest import SIM_DIR, USER


# -- auth ----------------------------------------------------------------------------------------

def test_missing_key_is_401(sim):
    status, reply, _headers = sim.api("GET", "/wallet", key=None)
    assert status == 401
    assert reply["status"] == 401 and reply["data"] is None
    assert reply["message"].startswith("Invalid API Key")


def test_wrong_key_is_401(sim):
    status, reply, _headers = sim.api("GET", "/wallet", key="nope")
    assert (status, reply) == (401, {"status": 401, "message": "Invalid API Key", "data": None})


def test_sandbox_header_is_refused_in_production(sim):
    status, _body, _headers = sim.api("GET", "/wallet", key=None, headers={"cmr-x-sandbox-api-key": "test-key"})
    assert status == 401


def test_sandbox_mode_expects_sandbox_header(sim_factory):
    server = sim_factory(sandbox=True, api_key="sbx")
    assert server.api("GET", "/wallet")[0] == 200  # the fixture sends cmr-x-sandbox-api-key
    status, _body, _headers = server.api("GET", "/wallet", key=None, headers={"cmr-x-api-key": "sbx"})
    assert status == 401


# -- routing and envelope ------------------------------------------------------------------------

def test_envelope_shape(sim):
    status, reply, headers = sim.api("GET", "/wallet")
    assert status == 200
    assert set(reply) == {"status", "message", "data"}
    assert reply["status"] == 200 and isinstance(reply["message"], str)
    assert headers["Content-Type"] == "application/json"


def test_unknown_path_is_404_envelope(sim):
    status, reply, _headers = sim.api("GET", "/no/such/thing")
    assert status == 404
    assert reply["status"] == 404 and reply["data"] is None and "/no/such/thing" in reply["message"]


def test_outside_prefix_is_404(sim):
    status, reply, _headers = sim.request("GET", "/users")
    assert status == 404 and reply["status"] == 404


def test_wrong_method_is_405_envelope(sim):
    status, reply, headers = sim.api("PATCH", "/users", json={})
    assert status == 405
    assert reply == {"status": 405, "message": "Method PATCH not allowed on /users", "data": None}
    assert headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST, PUT"


@pytest.mark.parametrize("raw", [b"{not json", b'{"email": ', b"\xff\xfe"])
def test_malformed_json_is_400(sim, raw):
    status, reply, _headers = sim.api("POST", "/users", raw=raw)
    assert (status, reply) == (400, {"status": 400, "message": "Malformed JSON body", "data": None})
    assert sim.requests()[-1]["status"] == 400


def test_non_object_body_is_400(sim):
    status, reply, _headers = sim.api("POST", "/users", json=[USER])
    assert status == 400 and reply["message"] == "body: expected a dictionary"


def test_handler_crash_is_500_envelope_and_server_survives(sim):
    # A seeded user without the fields the search reads makes the list handler raise.
    sim.control("POST", "seed", {"kind": "users", "object": {"userId": "BROKEN"}})
    status, reply, _headers = sim.api("GET", "/users/list", query={"search": "x"})
    assert (status, reply) == (500, {"status": 500, "message": "Internal server error", "data": None})
    assert "Traceback" in sim.server_log()
    assert sim.api("GET", "/wallet")[0] == 200


def test_keep_alive_connection_serves_several_requests(sim):
    conn = http.client.HTTPConnection(sim.host, sim.port, timeout=5)
    try:
        for _attempt in range(3):
            conn.request("GET", "/api/v1/integration/wallet", headers={"cmr-x-api-key": "test-key"})
            response = conn.getresponse()
            assert response.status == 200 and json.loads(response.read())["data"]["currency"] == "USD"
    finally:
        conn.close()


def test_request_log(sim, make_user):
    user_id = make_user()
    sim.api("GET", "/users", query={"userId": user_id})
    sim.api("GET", "/wallet", key="bad")
    log = sim.requests()
    assert [(entry["method"], entry["path"], entry["status"]) for entry in log] == [
        ("POST", "/users", 200), ("GET", "/users", 200), ("GET", "/wallet", 401)]
    assert log[1]["query"] == {"userId": user_id}
    assert log[0]["body"]["email"].endswith("@example.com")
    assert all(isinstance(entry["time"], float) for entry in log)
    sim.control("DELETE", "requests")
    assert sim.requests() == []


# -- rate limit ----------------------------------------------------------------------------------

def test_rate_limit_429_with_retry_after(sim_factory):
    server = sim_factory(rate_limit=5)
    statuses = []
    retry_after = None
    for _attempt in range(12):
        status, reply, headers = server.api("GET", "/wallet")
        statuses.append(status)
        if status == 429:
            retry_after = headers["Retry-After"]
            assert reply["status"] == 429 and reply["data"] is None
    assert statuses[:5] == [200] * 5
    assert 429 in statuses
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1
    for _attempt in range(20):  # the control API is never limited
        server.control("GET", "state")
    time.sleep(int(retry_after))
    assert server.api("GET", "/wallet")[0] == 200
    assert [entry["status"] for entry in server.requests()].count(429) == statuses.count(429)


def test_rate_limit_sliding_window_allows_steady_pace(sim_factory):
    server = sim_factory(rate_limit=5)
    for _attempt in range(8):
        assert server.api("GET", "/wallet")[0] == 200
        time.sleep(0.22)


def test_rate_limit_set_through_the_control_api(sim):
    assert sim.control("GET", "rate-limit") == {"rps": 0}
    try:
        assert sim.control("POST", "rate-limit", {"rps": 2}) == {"rps": 2}
        statuses = [sim.api("GET", "/wallet")[0] for _attempt in range(4)]
        assert statuses[:2] == [200, 200] and 429 in statuses
        sim.reset()
        assert sim.control("GET", "rate-limit") == {"rps": 2}  # a reset keeps the limit, with a fresh window
        assert sim.api("GET", "/wallet")[0] == 200
    finally:
        sim.control("POST", "rate-limit", {"rps": 0})
    assert all(sim.api("GET", "/wallet")[0] == 200 for _attempt in range(10))
    assert sim.request("POST", "/_sim/rate-limit", b'{"rps": "fast"}')[0] == 400


def test_rate_limit_zero_is_off(sim):
    assert all(sim.api("GET", "/wallet")[0] == 200 for _attempt in range(30))


# -- concurrency ---------------------------------------------------------------------------------

def test_twenty_concurrent_clients(sim):
    errors: list[str] = []

    def client(index: int) -> None:
        for round_ in range(5):
            status, reply, _headers = sim.api("POST", "/users", json={**USER, "email": f"c{index}-{round_}@example.com"})
            if status != 200:
                errors.append(f"{status} {reply}")
            if sim.api("GET", "/wallet")[0] != 200:
                errors.append("wallet")

    threads = [threading.Thread(target=client, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    users = sim.state()["users"]
    assert len(users) == 100 and len({user["userId"] for user in users}) == 100
    assert len(sim.requests()) == 200
    assert sim.api("GET", "/users/list", query={"limit": 100})[1]["data"]["pagination"]["totalSearchedCount"] == 100


# -- process life ------------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_zero(sim_factory, sig):
    server = sim_factory()
    assert server.api("GET", "/wallet")[0] == 200
    assert server.stop(sig) == 0


def test_listening_line_is_the_only_stdout(sim_factory):
    server = sim_factory()
    assert server.api("GET", "/wallet")[0] == 200
    server.proc.send_signal(signal.SIGTERM)
    rest = server.proc.stdout.read()  # everything after the listening line, up to the exit
    assert server.proc.wait(10) == 0
    assert rest == ""


def test_documented_command_line_from_the_repository_root(tmp_path):
    """Issue #2: ``python3 tests/simulator --port P --api-key K`` prints exactly ``listening on http://127.0.0.1:P``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = os.path.dirname(os.path.dirname(SIM_DIR))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    with subprocess.Popen([sys.executable, "tests/simulator", "--port", str(port), "--api-key", "K"], cwd=root, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            assert proc.stdout.readline() == f"listening on http://127.0.0.1:{port}\n"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/integration/wallet", headers={"cmr-x-api-key": "K"})
            assert conn.getresponse().status == 200
            conn.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert out == ""


def test_simulator_needs_only_the_standard_library_and_voluptuous():
    """Issue #2: it starts from a fresh clone with only the declared dependencies (requirements.txt)."""
    allowed = set(sys.stdlib_module_names) | {"cmrsim", "voluptuous"}
    found = {}
    for folder, dummy, files in os.walk(SIM_DIR):
        if os.sep + "tests" in folder[len(SIM_DIR):] or "__pycache__" in folder:
            continue
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    tree = ast.parse(handle.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        found.update({alias.name.split(".")[0]: path for alias in node.names})
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        found[node.module.split(".")[0]] = path
    assert "voluptuous" in found and "cmrsim" in found  # the walk did see the code
    assert {name: path for name, path in found.items() if name not in allowed} == {}
    with open(os.path.join(os.path.dirname(os.path.dirname(SIM_DIR)), "requirements.txt"), encoding="utf-8") as handle:
        assert re.search(r"^voluptuous\b", handle.read(), re.MULTILINE)


# -- the README documents what the server does -------------------------------------------------------

def readme_section(title: str) -> str:
    with open(os.path.join(SIM_DIR, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_readme_endpoint_table_lists_every_route():
    """Issue #2: "a table of every endpoint saying which parts are inferred" — the same set the server routes."""
    listed = set()
    for line in readme_section("Endpoints").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"[A-Z]+(, [A-Z]+)*", cells[0]):
            continue
        for path in re.findall(r"`([^`]+)`", cells[1]):
            listed |= {(method, path.split("?")[0]) for method in cells[0].split(", ")}
    assert listed == set(core.ROUTES)


def test_readme_price_table_is_the_catalog():
    rows = re.findall(r"`\.([a-z]+)` \| ([0-9.]+) \| ([0-9.]+)", readme_section("Deterministic data"))
    assert {tld: (float(reg), float(ren)) for tld, reg, ren in rows} == catalog.TLD_PRICES
    assert "Mailboxes 3.00 per mailbox per month" in readme_section("Deterministic data")
    assert catalog.MAILBOX_PRICE == 3.00


def test_cli_requires_port_and_key():
    result = subprocess.run([sys.executable, SIM_DIR], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert "--port" in result.stderr and "--api-key" in result.stderr


def test_bad_state_file_exits_2(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text('{"something": "else"}')
    result = subprocess.run([sys.executable, SIM_DIR, "--port", "0", "--api-key", "k", "--state-file", str(bad)],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "not a cmrsim state file" in result.stderr


# -- in-process units ----------------------------------------------------------------------------

def test_reply_action_id_minting():
    body = core.Reply(data={"orderId": "O1"}, action_id=True).body()
    assert body["actionId"].startswith("ACT_") and body["data"] == {"orderId": "O1", "actionId": body["actionId"]}
    body = core.Reply(action_id="ACT_x", message="Queued").body()
    assert body == {"status": 200, "message": "Queued", "data": None, "actionId": "ACT_x"}
    assert core.Reply(raw={}).body() == {}


def test_invalid_message_names_nested_path():
    schema = vol.Schema({vol.Required("records"): [{vol.Required("host"): str}]})
    with pytest.raises(vol.Invalid) as err:
        schema({"records": [{}]})
    assert core.invalid_message(err.value) == "records[0].host: required key not provided"


def test_ids_and_dates():
    state = State("k")
    ident = state.new_id()
    assert len(ident) == 28 and set(ident) <= set(core.__dict__.get("CROCKFORD", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"))
    assert state.action_id().startswith("ACT_")
    assert shift_date_string("2030-01-10", 10) == "2029-12-31"
    assert shift_date_string("2030-01-10T05:00:00Z", 1.5) == "2030-01-08T17:00:00Z"
    assert shift_date_string("2030-01-10T05:00:00+02:00", 1) == "2030-01-09T05:00:00+02:00"
    assert shift_date_string("not a date", 3) == "not a date"
    assert shift_date_string("2030-13-45", 3) == "2030-13-45"


def test_debit_refuses_when_short():
    state = State("k", wallet=10)
    with pytest.raises(core.ApiError) as err:
        state.debit(10.01)
    assert (err.value.status, err.value.message, state.wallet) == (402, "Insufficient wallet balance", 10)
    assert state.debit(9.99) == 0.01


def test_later_runs_after_the_delay_under_the_lock():
    state = State("k", async_delay=0.05)
    state.start()
    try:
        seen: list[tuple[str, bool]] = []
        state.later(lambda: seen.append(("late", state.lock._is_owned())), steps=2)  # pylint: disable=protected-access
        state.later(lambda: seen.append(("early", state.lock._is_owned())), steps=1)  # pylint: disable=protected-access
        assert not seen and state.pending_tasks() == 2
        deadline = time.monotonic() + 3
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen == [("early", True), ("late", True)]
    finally:
        state.stop()


def test_run_due_survives_a_failing_task(capsys):
    state = State("k", async_delay=0)
    ran: list[int] = []
    state.later(lambda: 1 / 0)
    state.later(lambda: ran.append(1))
    assert state.run_due() == 2 and ran == [1]
    assert "ZeroDivisionError" in capsys.readouterr().err


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_any_other_method_is_405_envelope(sim, method):
    """Not the standard library's HTML 501 page: the JSON envelope, 405 and what the path serves."""
    status, reply, headers = sim.api(method, "/wallet")
    assert status == 405
    assert reply == {"status": 405, "message": f"Method {method} not allowed on /wallet", "data": None}
    assert headers["Allow"] == "GET, HEAD, OPTIONS"
    assert headers["Content-Type"] == "application/json"


def test_other_method_on_unknown_path_is_404_envelope(sim):
    status, reply, _headers = sim.api("TRACE", "/no/such/thing")
    assert status == 404 and reply["status"] == 404


def test_head_answers_like_get_without_body(sim):
    get_status, get_body, get_headers = sim.api("GET", "/wallet")
    status, body, headers = sim.api("HEAD", "/wallet")
    assert (status, body) == (get_status, None)
    assert headers["Content-Length"] == get_headers["Content-Length"]
    assert headers["Content-Type"] == "application/json"
    assert get_body["data"]["balance"] == 1000
    assert [entry["method"] for entry in sim.requests()] == ["GET", "HEAD"]


def test_head_where_get_is_not_served_is_405(sim):
    status, body, headers = sim.api("HEAD", "/send-errors")
    assert (status, body) == (405, None)
    assert headers["Allow"] == "OPTIONS, POST"


def test_head_needs_the_key_like_get(sim):
    status, _body, _headers = sim.api("HEAD", "/wallet", key=None)
    assert status == 401


def test_options_lists_the_methods_without_a_key(sim):
    status, reply, headers = sim.api("OPTIONS", "/users", key=None)
    assert status == 200
    assert headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST, PUT"
    assert reply["data"] == {"allow": ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]}
    assert sim.api("OPTIONS", "/no/such/thing")[0] == 404


@pytest.mark.parametrize(("raw", "status"), [
    (b"GET /api/v1/integration/wallet HTTP/9.x\r\n\r\n", 400),
    (b"GET /api/v1/integration/wallet HTTP/2.0\r\n\r\n", 505),
    (b"GET /a b c HTTP/1.1\r\n\r\n", 400),
    (b"POST /api/v1/integration/users HTTP/1.1\r\nContent-Length: ten\r\n\r\n", 400),
    (b"POST /api/v1/integration/users HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
])
def test_requests_refused_before_routing_get_the_envelope(sim, raw, status):
    """What http.server refuses itself (bad request line, version, length) is answered in JSON, not HTML."""
    with socket.create_connection((sim.host, sim.port), timeout=5) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _sep, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode(), head
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["status"] == status
