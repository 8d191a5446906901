# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The resource classes of plugins/modules/ against the real simulator, in-process.

* ``simulator`` (session): tests/simulator/cmrsim served from a daemon thread on a free
  loopback port; one per pytest-xdist worker, because each worker is a session of its own.
* ``sim`` (each test): that simulator, reset (empty, wallet 1000, no faults, empty request
  log), with helpers that seed it through its own API and read ``/_sim/state`` and
  ``/_sim/requests``.
* ``run_resource(cls, argument_spec, params, check_mode=False)`` builds the resource the way
  its module does (options validated and defaulted by ansible-core's own argument-spec
  validator, a real ``CmrClient`` on the simulator) and runs the engine's cycle once.

The modules' waits (module_utils/_wait.py) poll the simulator for real; only their pauses are
capped at 10 ms, so an asynchronous step of the simulator (``ASYNC_DELAY``) is seen quickly.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import sys
import threading
import time
import types
import typing as t
import urllib.parse

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _wait
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import COMMON_ARGUMENT_SPEC

# tests/unit/plugins/modules/conftest.py -> tests/simulator
SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, os.pardir, "simulator")
if os.path.normpath(SIMULATOR_DIR) not in sys.path:
    sys.path.insert(0, os.path.normpath(SIMULATOR_DIR))

from cmrsim.app import serve  # noqa: E402  pylint: disable=wrong-import-position
from cmrsim.state import State  # noqa: E402  pylint: disable=wrong-import-position

API_KEY = "unit-test-key"
PREFIX = "/api/v1/integration"
ASYNC_DELAY = 0.01  # seconds per asynchronous step of the simulator (an order completes after two)
WALLET = 1000.0

# The POSTs of the API that only read (availability, prices, workspace checks), from the API
# contract, written here rather than taken from module_utils/_api.py: a write wrongly marked
# read-only there must still fail the check-mode tests.
READ_ONLY_POSTS = frozenset(("/domains/renewal-price", "/domains/has-workspace", "/domains/available", "/domains/suggest"))

USER_BODY = {
    "company": "Acme Sending", "firstName": "Ada", "lastName": "Lovelace", "country": "US", "state": "NY",
    "city": "New York", "addressLineOne": "1 Main Street", "postalCode": "10001", "languagePreference": "en",
    "phoneCc": "1", "phone": "5550100",
}


class SimulatorError(AssertionError):
    """The simulator refused a seeding or control request: the test's setup is wrong."""


class Simulator:
    """An in-process simulator and the helpers the tests use to seed and inspect it."""

    def __init__(self) -> None:
        self.state = State(API_KEY, async_delay=ASYNC_DELAY, wallet=WALLET)
        self.state.start()
        with contextlib.redirect_stdout(io.StringIO()):  # serve() prints its "listening on" line
            self.server = serve("127.0.0.1", 0, self.state, rate_limit=0)
        self.port = self.server.server_address[1]
        self.api_url = "http://127.0.0.1:%d%s" % (self.port, PREFIX)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="cmrsim-unit", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.state.stop()

    # --- HTTP --------------------------------------------------------------------------------
    def _send(self, method: str, path: str, body: t.Any = None, headers: t.Optional[dict[str, str]] = None) -> tuple[int, t.Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            payload = None if body is None else json.dumps(body).encode()
            conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        return response.status, json.loads(raw) if raw else None

    def control(self, method: str, path: str, body: t.Any = None) -> t.Any:
        """``/_sim/<path>`` (not logged, never faulted)."""
        status, answer = self._send(method, "/_sim/" + path, body)
        if status >= 400:
            raise SimulatorError("%s /_sim/%s answered %s: %s" % (method, path, status, answer))
        return answer

    def api(self, method: str, path: str, query: t.Optional[dict[str, t.Any]] = None, body: t.Any = None) -> t.Any:
        """A CMR call for seeding; returns the envelope's data. The request log is cleared by ``ready()``."""
        url = PREFIX + path + ("?" + urllib.parse.urlencode(query) if query else "")
        status, answer = self._send(method, url, body, headers={"cmr-x-api-key": API_KEY})
        if status >= 400:
            raise SimulatorError("%s %s answered %s: %s" % (method, path, status, answer))
        return answer.get("data")

    # --- seeding -----------------------------------------------------------------------------
    def reset(self) -> None:
        self.control("POST", "reset", {"wallet": WALLET})

    def user(self, email: str = "ada@acme.example") -> str:
        """A customer created through the API; its userId."""
        return self.api("POST", "/users", body=dict(USER_BODY, email=email))["id"]

    def order(self, user_id: str, domains: t.Sequence[str], mailboxes: t.Optional[dict[str, list[str]]] = None,
              auto_renew: bool = True) -> None:
        """A confirmed, paid order of domains (and mailboxes on them), completed: everything ACTIVE."""
        body = {
            "domains": [{"domain": name, "years": 1} for name in domains],
            "mailboxes": {domain: [{"username": name, "firstName": "Ann", "lastName": "Lee"} for name in names]
                          for domain, names in (mailboxes or {}).items()},
            "confirm": True, "autoRenew": auto_renew,
        }
        self.api("POST", "/orders/json", query={"userId": user_id}, body=body)
        self.settle()

    def dns(self, user_id: str, domain: str, *records: tuple[str, str, str]) -> None:
        """DNS records (type, host, value; MX values as "10 mx.example.com") created through the API."""
        def body(record_type: str, host: str, value: str) -> dict[str, t.Any]:
            if record_type == "MX":
                priority, value = value.split(" ", 1)
                return {"recordType": record_type, "host": host, "value": value, "priority": int(priority)}
            return {"recordType": record_type, "host": host, "value": value}

        self.api("POST", "/dns", query={"userId": user_id}, body={"domain": domain, "records": [body(*record) for record in records]})

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until the simulator has no asynchronous work pending (orders provisioned, ...)."""
        deadline = time.monotonic() + timeout
        while self.control("POST", "tick")["pending"]:
            if time.monotonic() > deadline:
                raise SimulatorError("the simulator still has asynchronous work pending after %ss" % timeout)
            time.sleep(ASYNC_DELAY / 2)

    def advance_days(self, days: int) -> None:
        """Move every stored date ``days`` into the past (renewal windows arrive)."""
        self.control("POST", "clock", {"advance_days": days})
        self.settle()

    def faults(self, *rules: dict[str, t.Any]) -> None:
        self.control("POST", "faults", {"rules": list(rules)})

    def ready(self) -> dict[str, t.Any]:
        """End of seeding: settle, clear the request log; returns the state the test starts from."""
        self.settle()
        self.control("DELETE", "requests")
        return self.snapshot()

    # --- reading -----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, t.Any]:
        return self.control("GET", "state")

    def requests(self) -> list[dict[str, t.Any]]:
        return self.control("GET", "requests")

    def writes(self) -> list[tuple[str, str]]:
        """(method, path) of every logged request that may change something."""
        return [(entry["method"], entry["path"]) for entry in self.requests()
                if entry["method"] not in ("GET", "HEAD") and not (entry["method"] == "POST" and entry["path"] in READ_ONLY_POSTS)]

    def assert_untouched(self, before: dict[str, t.Any]) -> None:
        """Nothing was written since ``ready()`` (only reads in the log) and the state is as it was."""
        assert self.writes() == []
        assert self.snapshot() == before

    def sent(self, method: str, path: str) -> list[dict[str, t.Any]]:
        return [entry for entry in self.requests() if (entry["method"], entry["path"]) == (method, path)]

    def domain(self, name: str) -> t.Optional[dict[str, t.Any]]:
        return next((d for d in self.snapshot()["domains"] if d["domainName"] == name), None)

    def subscription(self, domain: str) -> t.Optional[dict[str, t.Any]]:
        subs = [s for s in self.snapshot()["subscriptions"] if s["domain"] == domain]
        return subs[-1] if subs else None

    def records(self, domain: str) -> list[tuple[str, str, str]]:
        """(type, host, value) of the stored DNS records of ``domain``, sorted."""
        return sorted((r["recordType"], r["host"], r["value"]) for r in self.snapshot()["records"] if r["domain"] == domain)

    def mailbox(self, email: str) -> t.Optional[dict[str, t.Any]]:
        return next((m for m in self.snapshot()["mailboxes"] if m["email"] == email), None)


class FakeModule:
    """What a resource needs from CmrModule (engine.ModuleContext): params, check_mode, warn, client."""

    def __init__(self, params: dict[str, t.Any], check_mode: bool, client: CmrClient) -> None:
        self.params = params
        self.check_mode = check_mode
        self.client = client
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def module_params(argument_spec: dict[str, t.Any], params: dict[str, t.Any], api_url: str) -> dict[str, t.Any]:
    """The options as AnsibleModule would hand them to the module: defaults, suboptions and types applied."""
    spec = {**COMMON_ARGUMENT_SPEC, **argument_spec}
    result = ArgumentSpecValidator(spec).validate({"api_key": API_KEY, "api_url": api_url, **params})
    if result.error_messages:
        raise AssertionError("the test's options are invalid: %s" % "; ".join(result.error_messages))
    return result.validated_parameters


def fast_client(params: dict[str, t.Any]) -> CmrClient:
    """The client CmrModule builds, without the 0.25 s pacing between requests (the simulator has no rate limit here)."""
    return CmrClient(params["api_url"], params["api_key"], sandbox=params["sandbox"], timeout=10.0,
                     retries=params["api_retries"], retry_timeout=params["api_retry_timeout"],
                     report_errors=params["report_errors"], rate_limit=0.0)


class Run(t.NamedTuple):
    """One run of a resource: its result, the warnings it gave and the module it ran with."""

    result: dict[str, t.Any]
    warnings: list[str]
    module: FakeModule


RunResource = t.Callable[..., Run]


@pytest.fixture(scope="session")
def simulator() -> t.Iterator[Simulator]:
    server = Simulator()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sim(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> Simulator:  # pylint: disable=redefined-outer-name
    simulator.reset()
    # Real polling of the simulator, with pauses capped (see the module docstring).
    monkeypatch.setattr(_wait, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=lambda seconds: time.sleep(min(seconds, 0.01))))
    for variable in ("CMR_API_URL", "CMR_API_KEY", "CMR_SANDBOX", "CMR_REPORT_ERRORS"):
        monkeypatch.delenv(variable, raising=False)
    return simulator


def build(resource: type, argument_spec: dict[str, t.Any], params: dict[str, t.Any], api_url: str, check_mode: bool = False) -> t.Any:
    """The resource as its module builds it (without running it)."""
    values = module_params(argument_spec, params, api_url)
    return resource(FakeModule(values, check_mode, fast_client(values)))


@pytest.fixture
def run_resource(sim: Simulator) -> RunResource:  # pylint: disable=redefined-outer-name
    def run(resource: type, argument_spec: dict[str, t.Any], params: dict[str, t.Any], check_mode: bool = False) -> Run:
        instance = build(resource, argument_spec, params, sim.api_url, check_mode)
        result = instance.run()
        return Run(result, instance.module.warnings, instance.module)

    return run


@pytest.fixture
def resource_for(sim: Simulator) -> t.Callable[..., t.Any]:  # pylint: disable=redefined-outer-name
    """The resource built for these options in check mode, to call its hooks (plan(), ...) one by one."""
    def make(resource: type, argument_spec: dict[str, t.Any], params: dict[str, t.Any]) -> t.Any:
        return build(resource, argument_spec, params, sim.api_url, check_mode=True)

    return make


@pytest.fixture
def plan_of(resource_for: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:  # pylint: disable=redefined-outer-name
    """The plan a resource makes for these options (nothing applied)."""
    def plan(resource: type, argument_spec: dict[str, t.Any], params: dict[str, t.Any]) -> t.Any:
        return resource_for(resource, argument_spec, params).plan()

    return plan


# --- whole modules (the _info modules have no resource class: their main() runs as Ansible runs it) ---

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19: the module reads its arguments from basic._ANSIBLE_ARGS
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args: dict[str, t.Any]) -> t.Iterator[None]:
        saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()  # pylint: disable=protected-access
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access


@pytest.fixture
def run_module(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> t.Callable[..., dict[str, t.Any]]:  # pylint: disable=redefined-outer-name
    """Run a module's main() against the simulator; its JSON result (failures included)."""
    monkeypatch.setenv("CMR_API_RATE_LIMIT", "0")  # no pacing needed: the simulator has no rate limit here

    def run(module: t.Any, params: dict[str, t.Any]) -> dict[str, t.Any]:
        out = io.StringIO()
        with patch_module_args({"api_key": API_KEY, "api_url": sim.api_url, **params}), contextlib.redirect_stdout(out):
            with pytest.raises(SystemExit):
                module.main()
        return json.loads(out.getvalue())

    return run
