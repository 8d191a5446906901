# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of the CMR client against a real HTTP server on 127.0.0.1.

The server is a small raw-socket HTTP/1.1 server (keep-alive, threads) driven by a script of
actions per path, so it can misbehave the way networks do: reset, drop the connection after
reading the body, hang past the client's timeout, answer non-JSON.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import typing as t
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import (
    UNEXPECTED,
    CmrApiError,
    CmrClient,
    CmrConfigError,
    CmrResponse,
    _transport_kind,
    call_unless_missing,
)

KEY = "KEY-0123456789-SECRET"
PREFIX = "/api/v1/integration"
GET_USER = _api.Endpoint("GET", "/users")
CREATE_USER = _api.Endpoint("POST", "/users")
UPDATE_USER = _api.Endpoint("PUT", "/users")
ORDER = _api.Endpoint("POST", "/orders/json", spends_money=True)
LIST = _api.Endpoint("GET", "/subscriptions")
REPORT_PATH = PREFIX + _api.SEND_ERRORS.path


# --- the fake CMR server ------------------------------------------------------------------

@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    peer: tuple

    def json(self) -> t.Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: t.Any = field(default_factory=lambda: {"status": 200, "message": "ok", "data": {}})
    headers: dict = field(default_factory=dict)

    def encode(self, close: bool) -> bytes:
        payload = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        head = [f"HTTP/1.1 {self.status} X", "Content-Type: application/json", f"Content-Length: {len(payload)}"]
        head += [f"{name}: {value}" for name, value in self.headers.items()]
        if close:
            head.append("Connection: close")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


RESET, DROP = "reset", "drop"


@dataclass
class Hang:
    seconds: float


def ok(data: t.Any = None, **extra: t.Any) -> Reply:
    return Reply(200, {"status": 200, "message": "ok", "data": data, **extra})


def err(status: int, message: str = "boom", data: t.Any = None, **headers: str) -> Reply:
    return Reply(status, {"status": status, "message": message, "data": data}, headers)


class FakeCmr:
    """Scripted HTTP/1.1 server: `on(path, *actions)` queues what the next requests get."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}{PREFIX}"
        self.requests: list[Request] = []
        self.script: dict[str, list] = {}
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def on(self, path: str, *actions: t.Any) -> None:
        self.script.setdefault(PREFIX + path, []).extend(actions)

    def seen(self, path: str) -> list[Request]:
        return [req for req in self.requests if req.path == PREFIX + path]

    def reports(self) -> list[dict]:
        return [req.json() for req in self.requests if req.path == REPORT_PATH]

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, peer = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn, peer), daemon=True).start()

    def _serve(self, conn: socket.socket, peer: tuple) -> None:
        with conn:
            reader = conn.makefile("rb")
            while (req := self._read(reader, peer)) is not None:
                self.requests.append(req)
                if not self._act(conn, req, self._next(req)):
                    return

    @staticmethod
    def _read(reader: t.BinaryIO, peer: tuple) -> Request | None:
        line = reader.readline()
        if not line.strip():
            return None
        method, target, _version = line.decode().split(" ", 2)
        headers = {}
        while (header := reader.readline().decode().strip()):
            name, value = header.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        body = reader.read(int(headers.get("content-length", 0)))
        url = urlsplit(target)
        return Request(method, url.path, dict(parse_qsl(url.query)), headers, body, peer)

    def _next(self, req: Request) -> t.Any:
        queue = self.script.get(req.path)
        if queue:
            action = queue.pop(0)
            return action(req) if callable(action) else action
        return Reply(200, {}) if req.path == REPORT_PATH else ok({"echo": req.path})

    @staticmethod
    def _act(conn: socket.socket, req: Request, action: t.Any) -> bool:
        """Carry out one action; False closes the connection."""
        if action == RESET:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if action == DROP:
            return False
        if isinstance(action, Hang):
            time.sleep(action.seconds)
            return False
        close = req.headers.get("connection", "").lower() == "close"
        conn.sendall(action.encode(close))
        return not close


@pytest.fixture
def cmr() -> t.Iterator[FakeCmr]:
    server = FakeCmr()
    yield server
    server.close()


class Sleeps(list):
    """Stands in for time.sleep: records the delays, waits for none of them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(url: str, **options: t.Any) -> CmrClient:
    settings = {"retries": 3, "retry_timeout": 60.0, "rate_limit": 0.0, "timeout": 5.0, "backoff_initial": 0.01, "backoff_max": 0.05}
    settings.update(options)
    client = CmrClient(url, KEY, **settings)
    client._sleep = Sleeps()
    return client


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


# --- envelope, auth, options -----------------------------------------------------------

def test_call_unwraps_envelope_and_sends_key_and_json(cmr: FakeCmr) -> None:
    cmr.on("/users", ok({"id": "U1"}, actionId="ACT_1"))
    response = make(cmr.url).call(CREATE_USER, {"userId": "U1", "flag": True}, {"email": "a@example.com"})
    assert response == CmrResponse(200, "ok", {"id": "U1"}, "ACT_1")
    req = cmr.seen("/users")[0]
    assert req.headers["cmr-x-api-key"] == KEY
    assert "cmr-x-sandbox-api-key" not in req.headers
    assert req.headers["content-type"] == "application/json"
    assert req.query == {"userId": "U1", "flag": "true"}
    assert req.json() == {"email": "a@example.com"}


def test_action_id_inside_data(cmr: FakeCmr) -> None:
    cmr.on("/users", ok({"actionId": "ACT_2"}))
    assert make(cmr.url).call(GET_USER).action_id == "ACT_2"


def test_async_envelope_without_data(cmr: FakeCmr) -> None:
    cmr.on("/users", Reply(200, {"status": 200, "message": "queued", "actionId": "ACT_3"}))
    assert make(cmr.url).call(CREATE_USER) == CmrResponse(200, "queued", None, "ACT_3")


def test_sandbox_sends_sandbox_header(cmr: FakeCmr) -> None:
    make(cmr.url, sandbox=True).call(GET_USER)
    headers = cmr.seen("/users")[0].headers
    assert headers["cmr-x-sandbox-api-key"] == KEY
    assert "cmr-x-api-key" not in headers


@pytest.mark.parametrize("url", [_api.DEFAULT_API_URL, _api.DEFAULT_API_URL + "/"])
def test_sandbox_with_production_url_is_an_error(url: str) -> None:
    with pytest.raises(CmrConfigError, match="sandbox") as caught:
        CmrClient(url, KEY, sandbox=True)
    assert isinstance(caught.value, CmrApiError)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("url, key", [
    ("customers.example", KEY), ("http://127.0.0.1:1", ""), ("http://127.0.0.1:1", "  "),
    ("http://[::1", KEY), ("http://127.0.0.1:port/api", KEY), ("http://", KEY), ("https:///api", KEY),
])
def test_unusable_options(url: str, key: str) -> None:
    with pytest.raises(CmrConfigError, match="^api_(url|key) "):
        CmrClient(url, key)


@pytest.mark.parametrize("options, option", [
    ({"timeout": 0}, "timeout"),
    ({"timeout": -1.5}, "timeout"),
    ({"retries": -1}, "api_retries"),
    ({"retry_timeout": -1}, "api_retry_timeout"),
    ({"timeout": float("inf")}, "timeout"),
    ({"timeout": float("nan")}, "timeout"),
    ({"timeout": 1e300}, "timeout"),
    ({"retries": 10 ** 12}, "api_retries"),
    ({"retry_timeout": float("nan")}, "api_retry_timeout"),
    ({"retry_timeout": 1e12}, "api_retry_timeout"),
])
def test_unusable_limits_name_the_option(options: dict, option: str) -> None:
    with pytest.raises(CmrConfigError, match="^%s must be" % option):
        CmrClient("http://127.0.0.1:1", KEY, **options)


def test_4xx_raises_with_cmr_message_and_data_and_does_not_report(cmr: FakeCmr) -> None:
    cmr.on("/users", err(400, "User still owns things", {"domainCount": 2, "mailboxCount": 3}))
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url).call(_api.Endpoint("DELETE", "/users"), {"userId": "U1"})
    error = caught.value
    assert (error.status, error.message, error.method, error.path) == (400, "User still owns things", "DELETE", "/users")
    assert error.data == {"domainCount": 2, "mailboxCount": 3}
    assert not error.maybe_applied
    assert len(cmr.seen("/users")) == 1 and cmr.reports() == []
    assert "HTTP 400" in str(error) and "User still owns things" in str(error)


def test_4xx_with_non_json_body_does_not_report(cmr: FakeCmr) -> None:
    cmr.on("/users", Reply(404, b"<html>not found</html>"))
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url).call(GET_USER)
    assert caught.value.status == 404 and cmr.reports() == []


@pytest.mark.parametrize("body", [b"<html>oops</html>", b"[1, 2]", b'{"data": {}}', b'{"status": "200", "message": "x"}',
                                  b'{"status": 200, "message": 5}', b'{"status": 200, "message": "x", "actionId": 7}'])
def test_broken_response_is_unexpected_and_reported(cmr: FakeCmr, body: bytes) -> None:
    cmr.on("/users", Reply(200, body))
    with pytest.raises(CmrApiError, match=UNEXPECTED) as caught:
        make(cmr.url).call(GET_USER)
    assert caught.value.status == 200 and not caught.value.maybe_applied
    assert len(cmr.reports()) == 1


def test_broken_response_to_a_write_may_have_been_applied(cmr: FakeCmr) -> None:
    cmr.on("/users", Reply(200, b"not json"))
    with pytest.raises(CmrApiError, match="may have been applied") as caught:
        make(cmr.url).call(CREATE_USER, body={"email": "a@example.com"})
    assert caught.value.maybe_applied
    assert len(cmr.seen("/users")) == 1


def test_cut_off_answer_is_quoted_without_its_secrets(cmr: FakeCmr) -> None:
    """A truncated answer is not JSON, so redact() cannot see it: the quoted snippet is masked as text."""
    cmr.on("/users", Reply(200, b'{"status":200,"data":{"email":"a@example.com","password":"pw-SECRET-1","appPassword":"ap-SEC'))
    with pytest.raises(CmrApiError, match="body is not JSON") as caught:
        make(cmr.url).call(GET_USER)
    assert "pw-SECRET-1" not in str(caught.value) and "ap-SEC" not in str(caught.value)
    assert "a@example.com" in str(caught.value)
    assert all("pw-SECRET-1" not in json.dumps(report) for report in cmr.reports())


def test_redirect_is_not_followed(cmr: FakeCmr) -> None:
    cmr.on("/users", Reply(302, b"", {"Location": "https://elsewhere.example/"}))
    with pytest.raises(CmrApiError, match="redirected"):
        make(cmr.url).call(CREATE_USER, body={})
    assert len(cmr.requests) == 1


# --- retries --------------------------------------------------------------------------

def test_429_honours_retry_after_even_on_a_write(cmr: FakeCmr) -> None:
    cmr.on("/users", err(429, "slow down", **{"Retry-After": "3"}), ok({"id": "U1"}))
    client = make(cmr.url)
    assert client.call(CREATE_USER, body={"email": "a@example.com"}).data == {"id": "U1"}
    assert client._sleep == [3.0]
    assert len(cmr.seen("/users")) == 2


def test_429_without_retry_after_uses_backoff(cmr: FakeCmr) -> None:
    cmr.on("/users", err(429), ok())
    client = make(cmr.url, backoff_initial=0.2, backoff_max=1.0)
    client.call(GET_USER)
    assert len(client._sleep) == 1 and 0.1 <= client._sleep[0] <= 0.2


def test_503_then_success_on_get(cmr: FakeCmr) -> None:
    cmr.on("/users", err(503), err(502, "bad gateway"), ok({"userId": "U1"}))
    assert make(cmr.url).call(GET_USER).data == {"userId": "U1"}
    assert len(cmr.seen("/users")) == 3 and cmr.reports() == []


def test_503_on_put_is_retried(cmr: FakeCmr) -> None:
    cmr.on("/users", err(503), ok())
    make(cmr.url).call(UPDATE_USER, body={"city": "Paris"})
    assert len(cmr.seen("/users")) == 2


def test_connection_reset_on_a_read_is_retried(cmr: FakeCmr) -> None:
    cmr.on("/users", RESET, DROP, ok({"userId": "U1"}))
    assert make(cmr.url).call(GET_USER).data == {"userId": "U1"}
    assert len(cmr.seen("/users")) == 3 and cmr.reports() == []


def test_read_timeout_on_a_read_is_retried(cmr: FakeCmr) -> None:
    cmr.on("/users", Hang(1.0), ok())
    started = time.monotonic()
    make(cmr.url, timeout=0.2).call(GET_USER)
    assert time.monotonic() - started < 0.9
    assert len(cmr.seen("/users")) == 2


def test_refused_write_is_retried_then_fails_after_the_budget() -> None:
    client = make(f"http://127.0.0.1:{free_port()}{PREFIX}", retries=2)
    with pytest.raises(CmrApiError, match="could not connect") as caught:
        client.call(CREATE_USER, body={"password": "pw"})
    assert caught.value.status is None and not caught.value.maybe_applied
    assert len(client._sleep) == 2


def test_refused_write_succeeds_once_the_server_is_up() -> None:
    port = free_port()
    servers: list[FakeCmr] = []
    client = make(f"http://127.0.0.1:{port}{PREFIX}")
    client._sleep = lambda seconds: servers.append(FakeCmr(port))  # the server comes up during the backoff
    try:
        assert client.call(ORDER, body={"domains": ["a.com"]}).data == {"echo": PREFIX + "/orders/json"}
        assert len(servers) == 1 and len(servers[0].seen("/orders/json")) == 1
    finally:
        for server in servers:
            server.close()


def test_dropped_connection_after_post_body_is_not_resent(cmr: FakeCmr) -> None:
    cmr.on("/users", DROP)
    with pytest.raises(CmrApiError, match="may have been applied") as caught:
        make(cmr.url).call(CREATE_USER, body={"email": "a@example.com"})
    assert caught.value.maybe_applied and caught.value.status is None
    assert len(cmr.seen("/users")) == 1
    assert cmr.seen("/users")[0].json() == {"email": "a@example.com"}
    assert len(cmr.reports()) == 1


def test_reset_after_post_body_is_not_resent(cmr: FakeCmr) -> None:
    cmr.on("/users", RESET)
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url).call(CREATE_USER, body={"email": "a@example.com"})
    assert caught.value.maybe_applied and len(cmr.seen("/users")) == 1


def test_read_timeout_on_a_write_is_not_resent(cmr: FakeCmr) -> None:
    cmr.on("/orders/json", Hang(1.0))
    with pytest.raises(CmrApiError, match="may have been applied") as caught:
        make(cmr.url, timeout=0.2).call(ORDER, body={"domains": ["a.com"]})
    assert caught.value.maybe_applied and len(cmr.seen("/orders/json")) == 1


@pytest.mark.parametrize("endpoint", [ORDER, CREATE_USER])
def test_5xx_on_a_write_is_not_resent(cmr: FakeCmr, endpoint: _api.Endpoint) -> None:
    cmr.on(endpoint.path, err(500, "Internal server error"))
    with pytest.raises(CmrApiError, match="may have been applied") as caught:
        make(cmr.url).call(endpoint, body={"x": 1})
    assert (caught.value.status, caught.value.maybe_applied) == (500, True)
    assert len(cmr.seen(endpoint.path)) == 1 and len(cmr.reports()) == 1


def test_retry_budget_counts_attempts(cmr: FakeCmr) -> None:
    cmr.on("/users", *[err(503)] * 10)
    client = make(cmr.url, retries=2)
    with pytest.raises(CmrApiError) as caught:
        client.call(GET_USER)
    assert caught.value.status == 503 and not caught.value.maybe_applied
    assert len(cmr.seen("/users")) == 3 and len(client._sleep) == 2
    assert len(cmr.reports()) == 1  # one report per call, not one per attempt


def test_retry_budget_counts_seconds_waited(cmr: FakeCmr) -> None:
    cmr.on("/users", *[err(429, **{"Retry-After": "1"})] * 10)
    client = make(cmr.url, retries=10, retry_timeout=2.5)
    with pytest.raises(CmrApiError) as caught:
        client.call(GET_USER)
    assert caught.value.status == 429 and client._sleep == [1.0, 1.0]
    assert len(cmr.seen("/users")) == 3 and cmr.reports() == []  # 429 is not an unexpected failure


def test_retry_time_budget_spans_every_call_of_the_run(cmr: FakeCmr) -> None:
    """api_retry_timeout: "total seconds a module may spend waiting between retries, across all its requests"."""
    cmr.on("/users", err(429, **{"Retry-After": "1"}), ok(), err(429, **{"Retry-After": "1"}), ok(),
           err(429, **{"Retry-After": "1"}), ok())
    client = make(cmr.url, retries=10, retry_timeout=2.5)
    client.call(GET_USER)
    client.call(GET_USER)
    with pytest.raises(CmrApiError) as caught:  # 2 s of the 2.5 s spent: the next wait of 1 s does not fit
        client.call(GET_USER)
    assert caught.value.status == 429
    assert client._sleep == [1.0, 1.0]
    assert len(cmr.seen("/users")) == 5


def test_retries_count_per_request(cmr: FakeCmr) -> None:
    """api_retries: "how many times a request ... is retried" — every call gets the full number."""
    cmr.on("/users", err(503), err(503), ok(), err(503), err(503), ok())
    client = make(cmr.url, retries=2)
    client.call(GET_USER)
    client.call(GET_USER)
    assert len(cmr.seen("/users")) == 6 and len(client._sleep) == 4


def test_backoff_grows_and_is_capped(cmr: FakeCmr) -> None:
    cmr.on("/users", *[err(503)] * 6)
    client = make(cmr.url, retries=5, backoff_initial=1.0, backoff_max=4.0, report_errors=False)
    with pytest.raises(CmrApiError):
        client.call(GET_USER)
    caps = [1.0, 2.0, 4.0, 4.0, 4.0]
    assert all(cap / 2 <= delay <= cap for delay, cap in zip(client._sleep, caps, strict=True))


def test_retries_zero_sends_once(cmr: FakeCmr) -> None:
    cmr.on("/users", err(503))
    with pytest.raises(CmrApiError):
        make(cmr.url, retries=0).call(GET_USER)
    assert len(cmr.seen("/users")) == 1


def test_timeout_applies_to_every_call(cmr: FakeCmr) -> None:
    cmr.on("/users", Hang(2.0), Hang(2.0))
    started = time.monotonic()
    with pytest.raises(CmrApiError, match="no answer within timeout=0.2s"):
        make(cmr.url, timeout=0.2, retries=1, report_errors=False).call(GET_USER)
    assert time.monotonic() - started < 1.5


# --- spends money: fresh connection ------------------------------------------------------

def test_spends_money_goes_on_a_fresh_connection(cmr: FakeCmr) -> None:
    client = make(cmr.url)
    client.call(GET_USER)
    client.call(GET_USER)
    client.call(ORDER, body={})
    client.call(GET_USER)
    first, second = cmr.seen("/users")[:2]
    order = cmr.seen("/orders/json")[0]
    assert first.peer == second.peer  # ordinary calls keep the connection alive
    assert order.peer != second.peer
    assert order.headers["connection"].lower() == "close"
    assert first.headers.get("connection", "").lower() != "close"


# --- pagination ---------------------------------------------------------------------------

def page_of(count: int, start: int) -> list[dict]:
    return [{"id": start + index} for index in range(count)]


def test_get_all_reads_data_pagination_to_the_last_page(cmr: FakeCmr) -> None:
    def page(req: Request) -> Reply:
        number = int(req.query["page"])
        return ok({"subscriptions": page_of(100, number * 100), "pagination": {"currentPage": number, "totalPages": 3}})

    cmr.on("/subscriptions", page, page, page)
    items = make(cmr.url).get_all(LIST, {"userId": "U1"}, "subscriptions")
    assert len(items) == 300
    assert [req.query for req in cmr.seen("/subscriptions")] == [{"userId": "U1", "page": str(n), "limit": "100"} for n in (1, 2, 3)]


def test_get_all_reads_top_level_pagination(cmr: FakeCmr) -> None:
    def page(req: Request) -> Reply:
        number = int(req.query["page"])
        return ok({"inventory": page_of(100 if number < 2 else 7, number * 100), "currentPage": number, "totalPages": 2})

    cmr.on("/pre-warmup", page, page)
    items = make(cmr.url).get_all(_api.Endpoint("GET", "/pre-warmup"), None, "inventory")
    assert len(items) == 107 and len(cmr.seen("/pre-warmup")) == 2


def test_get_all_stops_on_a_short_page_without_metadata(cmr: FakeCmr) -> None:
    cmr.on("/users/list", ok({"users": page_of(100, 0)}), ok({"users": page_of(37, 100)}))
    assert len(make(cmr.url).get_all(_api.Endpoint("GET", "/users/list"), None, "users")) == 137
    assert len(cmr.seen("/users/list")) == 2


def test_get_all_stops_when_the_server_ignores_page(cmr: FakeCmr) -> None:
    everything = ok(page_of(150, 0))  # a bare list, longer than the limit, whatever page is asked for
    cmr.on("/mailboxes/single", everything, everything)
    items = make(cmr.url).get_all(_api.Endpoint("GET", "/mailboxes/single"), {"userId": "U1"}, None)
    assert items == page_of(150, 0)
    assert len(cmr.seen("/mailboxes/single")) == 2


def test_get_all_follows_metadata_when_the_server_caps_the_limit(cmr: FakeCmr) -> None:
    def page(req: Request) -> Reply:
        number = int(req.query["page"])
        return ok({"subscriptions": page_of(50, number * 50), "pagination": {"currentPage": number, "totalPages": 2}})

    cmr.on("/subscriptions", page, page)
    assert len(make(cmr.url).get_all(LIST, None, "subscriptions")) == 100


def test_get_all_with_missing_items_is_unexpected(cmr: FakeCmr) -> None:
    cmr.on("/subscriptions", ok({"other": []}))
    with pytest.raises(CmrApiError, match="data.subscriptions is not a list"):
        make(cmr.url).get_all(LIST, None, "subscriptions")
    assert len(cmr.reports()) == 1


def test_get_all_data_is_the_list(cmr: FakeCmr) -> None:
    cmr.on("/users/list", ok(page_of(3, 0)))
    assert make(cmr.url).get_all(_api.Endpoint("GET", "/users/list"), None, None) == page_of(3, 0)


# --- pacing -------------------------------------------------------------------------------

def test_pacing_rate_and_first_requests_are_immediate(cmr: FakeCmr) -> None:
    # 2 requests per second: the first two go at once, the third waits for the first one's second.
    client = make(cmr.url, rate_limit=2.0)
    started = time.monotonic()
    client.call(GET_USER)
    client.call(GET_USER)
    assert time.monotonic() - started < 0.5
    client.call(GET_USER)
    assert time.monotonic() - started >= 1.0


def test_bad_rate_limit_is_one_line_naming_the_option(cmr: FakeCmr) -> None:
    for rate in (-1.0, float("nan"), 1e9):
        with pytest.raises(CmrConfigError, match=r"^api_rate_limit must be a number of requests per second"):
            make(cmr.url, rate_limit=rate)
    assert cmr.requests == []


def test_shared_budget_file_is_private_and_named_by_a_hash(cmr: FakeCmr, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    client = make(cmr.url, rate_limit=5.0, rate_shared=True)
    client.call(GET_USER)
    folder = tmp_path / "coldmailreseller.cmr"
    files = list(folder.iterdir())
    assert client.pacing_unshared is None and len(files) == 1
    assert folder.stat().st_mode & 0o777 == 0o700 and files[0].stat().st_mode & 0o777 == 0o600
    assert KEY not in files[0].name and KEY not in files[0].read_text()
    assert json.loads(files[0].read_text())["slots"][0][2] is not None  # the answer arrived: the slot's second runs


def test_retry_after_seen_by_one_client_pauses_every_client_of_the_key(
        cmr: FakeCmr, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cmr.on("/users", err(429, "slow down", **{"Retry-After": "1"}), ok())
    first = make(cmr.url, rate_limit=5.0, rate_shared=True, retries=0)
    other = make(cmr.url, rate_limit=5.0, rate_shared=True)
    with pytest.raises(CmrApiError, match="HTTP 429"):
        first.call(CREATE_USER, body={})  # 429 with Retry-After: 1, and no retries left
    started = time.monotonic()
    other.call(GET_USER)  # another client of the same key (another process) waits the pause out before sending
    assert time.monotonic() - started >= 0.9
    assert [request.method for request in cmr.seen("/users")] == ["POST", "GET"]


def test_unshared_budget_when_the_cache_folder_cannot_be_used(cmr: FakeCmr, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder should be
    client = make(cmr.url, rate_limit=5.0, rate_shared=True)
    assert client.pacing_unshared and "Error" in client.pacing_unshared
    client.call(GET_USER)
    assert len(cmr.seen("/users")) == 1


def test_default_pacing_stays_below_five_requests_per_second(cmr: FakeCmr) -> None:
    """docs/developer/DESIGN.md#retries: the client paces itself below CMR's 5 requests/second per key (no option needed)."""
    times: list[float] = []

    def stamp(req: Request) -> Reply:
        times.append(time.monotonic())
        return ok()

    cmr.on("/users", *[stamp] * 6)
    client = CmrClient(cmr.url, KEY)
    for dummy in range(6):
        client.call(GET_USER)
    assert len(times) == 6
    assert times[5] - times[0] >= 1.0  # never six requests within one second


# --- error reports ------------------------------------------------------------------------

def test_error_report_body(cmr: FakeCmr) -> None:
    cmr.on("/users", err(500, "Internal server error"))
    body = {"email": "a@example.com", "password": "hunter2-pw", "mailboxes": [{"appPassword": "app-pw-1"}],
            "credentials": {"clientSecret": "cs-1"}}
    with pytest.raises(CmrApiError):
        make(cmr.url).call(CREATE_USER, {"userId": "U1"}, body)
    reports = cmr.reports()
    assert len(reports) == 1
    report = reports[0]
    assert sorted(report) == ["method", "path", "payload", "query", "response"]
    assert all(isinstance(value, str) for value in report.values())
    assert report["method"] == "POST" and report["path"] == PREFIX + "/users"
    assert json.loads(report["query"]) == {"userId": "U1"}
    assert json.loads(report["response"]) == {"status": 500, "message": "Internal server error", "data": None}
    payload = json.loads(report["payload"])
    assert payload["email"] == "a@example.com"
    assert payload["password"] == payload["mailboxes"][0]["appPassword"] == payload["credentials"] == "********"
    raw = [req for req in cmr.requests if req.path == REPORT_PATH][0]
    for secret in ("hunter2-pw", "app-pw-1", "cs-1", KEY):
        assert secret.encode() not in raw.body
    assert raw.headers["cmr-x-api-key"] == KEY  # the report authenticates like any call, by header only


def test_error_report_empty_fields_are_empty_json_objects(cmr: FakeCmr) -> None:
    cmr.on("/users", *[err(503)] * 2)
    with pytest.raises(CmrApiError):
        make(cmr.url, retries=1).call(GET_USER)
    report = cmr.reports()[0]
    assert report["query"] == "{}" and report["payload"] == "{}"
    assert json.loads(report["response"])["status"] == 503


def test_error_report_of_a_non_json_body(cmr: FakeCmr) -> None:
    cmr.on("/users", Reply(200, b"<html>gateway</html>"))
    with pytest.raises(CmrApiError):
        make(cmr.url).call(GET_USER)
    assert json.loads(cmr.reports()[0]["response"]) == {"status": 200, "body": "<html>gateway</html>"}


def test_a_broken_body_is_redacted_before_it_is_quoted(cmr: FakeCmr) -> None:
    body = b'{"status": 200, "data": {"appPassword": "app-pw-9", "password": "pw-9"' + b"x" * 400
    cmr.on("/users", Reply(200, body))
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url).call(GET_USER)
    report = cmr.reports()[0]["response"]
    for text in (str(caught.value), report):
        assert "app-pw-9" not in text and "pw-9" not in text
        assert "********" in text


def test_a_huge_cmr_message_is_cut(cmr: FakeCmr) -> None:
    cmr.on("/users", err(400, "Domain %s is not valid" % ("a" * 10000)))
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url).call(GET_USER)
    assert len(caught.value.message) < 600
    assert caught.value.message.endswith("more characters)")


def test_lost_response_report_says_no_response(cmr: FakeCmr) -> None:
    cmr.on("/orders/json", DROP)
    with pytest.raises(CmrApiError):
        make(cmr.url).call(ORDER, {"userId": "U1"}, {"domains": ["a.com"]})
    report = cmr.reports()[0]
    assert "no response" in json.loads(report["response"])["error"]
    assert json.loads(report["payload"]) == {"domains": ["a.com"]}


def test_key_echoed_by_the_server_is_scrubbed(cmr: FakeCmr) -> None:
    cmr.on("/users", err(500, f"bad key {KEY}"))
    with pytest.raises(CmrApiError) as caught:
        make(cmr.url, retries=0).call(GET_USER)
    assert KEY not in str(caught.value) and KEY not in caught.value.message
    assert KEY.encode() not in [req for req in cmr.requests if req.path == REPORT_PATH][0].body


@pytest.mark.parametrize("failure", [err(500), DROP, Reply(200, b"not json")])
def test_failing_report_does_not_recurse_or_mask_the_error(cmr: FakeCmr, failure: t.Any) -> None:
    cmr.on("/users", err(500, "original"))
    cmr.on(_api.SEND_ERRORS.path, failure, failure)
    with pytest.raises(CmrApiError, match="original"):
        make(cmr.url, retries=0).call(GET_USER)
    assert len(cmr.seen(_api.SEND_ERRORS.path)) == 1


def test_raising_callback_does_not_mask_the_error(cmr: FakeCmr) -> None:
    def callback(*args: t.Any) -> None:
        raise RuntimeError("report failed")

    cmr.on("/users", err(500, "original"))
    with pytest.raises(CmrApiError, match="original"):
        make(cmr.url, retries=0, error_callback=callback).call(GET_USER)


def test_callback_calling_back_into_the_client_does_not_recurse(cmr: FakeCmr) -> None:
    calls: list[tuple] = []

    def callback(*args: t.Any) -> None:
        calls.append(args)
        client.call(GET_USER)  # fails again: must not trigger a second report

    cmr.on("/users", *[err(500)] * 3)
    client = make(cmr.url, retries=0, error_callback=callback)
    with pytest.raises(CmrApiError):
        client.call(GET_USER)
    assert len(calls) == 1
    assert calls[0][:2] == ("GET", PREFIX + "/users")


def test_custom_callback_gets_redacted_values(cmr: FakeCmr) -> None:
    calls: list[tuple] = []
    cmr.on("/users", err(500))
    with pytest.raises(CmrApiError):
        make(cmr.url, error_callback=lambda *args: calls.append(args)).call(CREATE_USER, None, {"password": "pw"})
    assert calls == [("POST", PREFIX + "/users", None, {"password": "********"}, {"status": 500, "message": "boom", "data": None})]


def test_report_errors_false_sends_nothing(cmr: FakeCmr) -> None:
    cmr.on("/users", err(500), Reply(200, b"nope"))
    client = make(cmr.url, retries=0, report_errors=False)
    with pytest.raises(CmrApiError):
        client.call(GET_USER)  # 5xx
    with pytest.raises(CmrApiError, match=UNEXPECTED):
        client.call(GET_USER)  # unparseable body
    assert cmr.reports() == []


def test_no_report_for_transport_failures_of_reads() -> None:
    calls: list[tuple] = []
    client = make(f"http://127.0.0.1:{free_port()}{PREFIX}", retries=1, error_callback=lambda *args: calls.append(args))
    with pytest.raises(CmrApiError):
        client.call(GET_USER)
    assert calls == []


# --- telling "never sent" from "maybe sent" --------------------------------------------------

def wrapped(reason: Exception) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/x", reason))


def test_transport_kinds() -> None:
    refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    assert _transport_kind(wrapped(refused)) == "not sent"
    assert _transport_kind(requests.exceptions.ConnectTimeout("connect timed out")) == "not sent"
    reset = ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))
    assert _transport_kind(wrapped(reset)) == "maybe sent"
    assert _transport_kind(requests.exceptions.ReadTimeout("read timed out")) == "maybe sent"
    assert _transport_kind(requests.exceptions.InvalidURL("bad")) == "fatal"


def test_caller_context_does_not_make_a_sent_request_look_unsent() -> None:
    # An exception raised while the caller handles a refused connection carries it as __context__.
    try:
        raise wrapped(NewConnectionError(None, "refused"))
    except requests.exceptions.ConnectionError:
        try:
            raise wrapped(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))
        except requests.exceptions.ConnectionError as exc:
            assert _transport_kind(exc) == "maybe sent"


def test_only_accepted_writes_count_as_changes(cmr: FakeCmr) -> None:
    """A module that fails after CMR accepted a write must still report changed (see _module.CmrModule.run)."""
    cmr.on("/users", ok({"userId": "U1"}), ok({"id": "U2"}), err(400, "bad"))
    cmr.on("/domains/available", ok({"domain": "acme.com", "available": True}))
    client = make(cmr.url)
    client.call(GET_USER)
    client.call(_api.DOMAIN_AVAILABLE, body={"domain": "acme.com"})
    assert client.writes_applied == 0  # a GET and a read-only POST change nothing
    client.call(CREATE_USER)
    with pytest.raises(CmrApiError):
        client.call(UPDATE_USER)
    assert client.writes_applied == 1


def test_read_only_posts_are_reads_and_safe_to_repeat() -> None:
    assert _api.DOMAIN_HAS_WORKSPACE.reads and _api.DOMAIN_HAS_WORKSPACE.safe_to_repeat
    assert not _api.DNS_CREATE.reads and not _api.DNS_CREATE.safe_to_repeat
    assert not _api.DNS_UPDATE.reads and _api.DNS_UPDATE.safe_to_repeat
    assert not _api.ORDER_CREATE.safe_to_repeat


def test_a_missing_object_is_none_and_every_other_failure_is_raised(cmr: FakeCmr) -> None:
    """Reads by ID and removals share one rule: 404 means "not there (any more)"."""
    cmr.on("/users", err(404, "User not found"), ok({"userId": "U1"}), err(409, "User still has 1 domain(s)"))
    client = make(cmr.url)
    assert call_unless_missing(client, _api.USER_DELETE, query={"userId": "U9"}) is None
    assert call_unless_missing(client, GET_USER, query={"userId": "U1"}).data == {"userId": "U1"}  # type: ignore[union-attr]
    with pytest.raises(CmrApiError) as exc:
        call_unless_missing(client, _api.USER_DELETE, query={"userId": "U1"})
    assert exc.value.status == 409


@pytest.mark.parametrize(("options", "message"), [
    ({"timeout": float("nan")}, "timeout must be a number of seconds greater than 0 and at most 3600, got nan"),
    ({"timeout": float("inf")}, "timeout must be a number of seconds greater than 0 and at most 3600, got inf"),
    ({"timeout": 1e308}, "timeout must be a number of seconds greater than 0 and at most 3600, got 1e+308"),
    ({"retry_timeout": float("nan")}, "api_retry_timeout must be from 0 to 86400 seconds, got nan"),
])
def test_numbers_the_socket_layer_cannot_take_are_refused(options: dict, message: str) -> None:
    """Found by fuzzing: a huge timeout overflowed in socket.settimeout() with a traceback."""
    with pytest.raises(CmrConfigError) as caught:
        make("http://127.0.0.1:9/api/v1/integration", **options)
    assert str(caught.value) == message


@pytest.mark.parametrize("url", ["http://[::1", "http://[bad/api"])
def test_unparseable_api_url_is_a_config_error(url: str) -> None:
    with pytest.raises(CmrConfigError, match="^api_url is not a valid URL"):
        make(url)
