"""Fixtures that run the simulator as a real subprocess (one per pytest-xdist worker).

* ``sim`` — the shared fast server (``--rate-limit 0 --async-delay 0.05``), reset before
  every test.  ``sim.api(...)`` talks CMR, ``sim.control(...)`` talks to ``/_sim/``.
* ``sim_factory(**options)`` — start extra servers with their own options (rate limit,
  state file, webhook URL, sandbox, …); all are stopped at the end of the test.

Standard library only (``http.client``): the tests exercise the server, not a client library.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from typing import Any, Callable, Iterator, NamedTuple

import pytest

SIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "/api/v1/integration"
API_KEY = "test-key"
DEFAULT_KEY = object()  # "use the server's key"; pass key=None to send no key at all

if SIM_DIR not in sys.path:  # lets tests import cmrsim.* (catalog, geo) for expected values
    sys.path.insert(0, SIM_DIR)


class ApiResult(NamedTuple):
    """``(status, body, headers)``; unpack it or use the attributes."""

    status: int
    body: Any
    headers: http.client.HTTPMessage


class Sim:
    """A running simulator process and helpers to talk to it."""

    def __init__(self, *, api_key: str = API_KEY, rate_limit: float = 0, async_delay: float = 0.05,
                 wallet: float | None = None, state_file: str | None = None, webhook_url: str | None = None,
                 sandbox: bool = False, extra: list[str] | None = None, port: int = 0) -> None:
        self.api_key = api_key
        self.sandbox = sandbox
        self.host = "127.0.0.1"
        self.options = {"api_key": api_key, "rate_limit": rate_limit, "async_delay": async_delay, "wallet": wallet,
                        "state_file": state_file, "webhook_url": webhook_url, "sandbox": sandbox, "extra": extra}
        args = [sys.executable, SIM_DIR, "--host", self.host, "--port", str(port), "--api-key", api_key,
                "--rate-limit", str(rate_limit), "--async-delay", str(async_delay)]
        if wallet is not None:
            args += ["--wallet", str(wallet)]
        if state_file:
            args += ["--state-file", state_file]
        if webhook_url:
            args += ["--webhook-url", webhook_url]
        if sandbox:
            args.append("--sandbox")
        args += extra or []
        self.stderr = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)  # pylint: disable=consider-using-with
        self.port = self._wait_listening()
        self.root = f"http://{self.host}:{self.port}"
        self.base = self.root + PREFIX

    def _wait_listening(self, timeout: float = 15) -> int:
        ready = select.select([self.proc.stdout], [], [], timeout)[0]
        line = self.proc.stdout.readline() if ready and self.proc.stdout else ""
        if not line.startswith("listening on "):
            self.proc.kill()
            self.stderr.seek(0)
            raise RuntimeError(f"simulator did not start: {line!r}\n{self.stderr.read().decode()}")
        return int(line.strip().rsplit(":", 1)[1])

    def server_log(self) -> str:
        """What the server wrote to stderr so far (tracebacks of 500s end up there)."""
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    # -- HTTP -------------------------------------------------------------------------------

    def request(self, method: str, url_path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 10) -> ApiResult:
        """One raw request on a fresh connection; the body is parsed as JSON when possible."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, url_path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        try:
            parsed: Any = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return ApiResult(response.status, parsed, response.headers)

    def api(self, method: str, path: str, query: dict[str, Any] | None = None, json: Any = None,  # pylint: disable=redefined-outer-name
            key: Any = DEFAULT_KEY, headers: dict[str, str] | None = None, raw: bytes | None = None,
            timeout: float = 10) -> ApiResult:
        """Call the CMR API: ``path`` relative to the base URL, e.g. ``/users``.

        ``key=None`` sends no key; ``raw`` sends bytes as the body instead of ``json``.
        Returns ``ApiResult(status, body, headers)`` — body parsed from JSON, or text when unparsable.
        """
        url = PREFIX + path
        if query:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
        all_headers = {"Content-Type": "application/json"}
        if key is DEFAULT_KEY:
            key = self.api_key
        if key is not None:
            all_headers["cmr-x-sandbox-api-key" if self.sandbox else "cmr-x-api-key"] = key
        all_headers.update(headers or {})
        body = raw if raw is not None else (None if json is None else _json_dumps(json))
        return self.request(method, url, body, all_headers, timeout=timeout)

    def control(self, method: str, path: str, json: Any = None) -> Any:  # pylint: disable=redefined-outer-name
        """Call ``/_sim/<path>`` and return the parsed body; raises on a non-2xx answer."""
        url = "/_sim/" + path.lstrip("/").removeprefix("_sim/")
        body_bytes = None if json is None else _json_dumps(json)
        status, body, _headers = self.request(method, url, body_bytes, {"Content-Type": "application/json"})
        if status >= 300:
            raise RuntimeError(f"control {method} {path} -> {status}: {body}")
        return body

    def state(self) -> dict[str, Any]:
        """``GET /_sim/state``."""
        return self.control("GET", "state")

    def requests(self) -> list[dict[str, Any]]:
        """``GET /_sim/requests``."""
        return self.control("GET", "requests")

    def reset(self, wallet: float | None = None) -> None:
        """``POST /_sim/reset``."""
        self.control("POST", "reset", {} if wallet is None else {"wallet": wallet})

    @staticmethod
    def wait_for(predicate: Callable[[], Any], timeout: float = 5, interval: float = 0.02) -> Any:
        """Poll ``predicate`` until it returns something truthy; fail the test on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"condition not met within {timeout} s")
            time.sleep(interval)

    # -- process ----------------------------------------------------------------------------

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        """Send ``sig`` and return the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr.close()
        return self.proc.returncode


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture(scope="session")
def _shared_sim() -> Iterator[Sim]:
    server = Sim()
    yield server
    server.stop()


@pytest.fixture
def sim(_shared_sim: Sim) -> Sim:  # pylint: disable=redefined-outer-name
    """The shared fast simulator, reset (wallet 1000) before the test."""
    if _shared_sim.proc.poll() is not None:
        pytest.fail(f"shared simulator died:\n{_shared_sim.server_log()}")
    _shared_sim.reset()
    return _shared_sim


@pytest.fixture
def sim_factory() -> Iterator[Callable[..., Sim]]:
    """``sim_factory(rate_limit=5, state_file=…, webhook_url=…, sandbox=True, …)`` → ``Sim``."""
    started: list[Sim] = []

    def start(**options: Any) -> Sim:
        server = Sim(**options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


USER = {
    "email": "jane@example.com", "company": "Example Corp", "firstName": "Jane", "lastName": "Doe",
    "country": "US", "state": "New York", "city": "New York", "addressLineOne": "1 Main Street",
    "postalCode": "10001", "languagePreference": "en", "phoneCc": "1", "phone": "2125551234",
}


@pytest.fixture
def make_user(sim: Sim) -> Callable[..., str]:  # pylint: disable=redefined-outer-name
    """``make_user(**overrides)`` creates a user through the API and returns its userId."""
    counter = iter(range(1, 10_000))

    def create(**overrides: Any) -> str:
        body = {**USER, "email": f"user{next(counter)}@example.com", **overrides}
        status, reply, _headers = sim.api("POST", "/users", json=body)
        if status != 200:
            raise AssertionError(f"user creation failed: {status} {reply}")
        return reply["data"]["id"]

    return create
