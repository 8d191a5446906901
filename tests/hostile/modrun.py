"""Running a module of the collection in-process, fast and unable to leave loopback.

``in_process(monkeypatch)`` makes the client fast (no pacing, no backoff sleeps; the retry
budgets are still spent), gives module_utils/_wait.py a virtual clock, refuses to resolve any
host but loopback (so not even a default ``api_url`` could reach the real service), silences
AnsibleModule's syslog entry and clears the CMR_* variables. ``run_module(name, args)`` runs
``main()`` under ``patch_module_args`` and returns ``(exit code, result)``; an exception other
than SystemExit propagates, because that is the traceback a user would see.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import socket
import time
import types
import typing as t

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args
from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _module, _wait
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient

MODULE_PACKAGE = "ansible_collections.coldmailreseller.cmr.plugins.modules."


class FastClient(CmrClient):
    """The real client without pacing or backoff sleeps (the budgets are still spent)."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **{**kwargs, "rate_limit": 0.0})
        self._sleep = lambda seconds: None


class VirtualClock:
    """time for module_utils/_wait.py: sleeps advance a virtual clock and take 2 ms of real time."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.offset += max(0.0, seconds)
        time.sleep(0.002)


_REAL_GETADDRINFO = socket.getaddrinfo


def loopback_only(host: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
    if host not in ("127.0.0.1", "localhost", "::1", b"127.0.0.1"):
        raise socket.gaierror(socket.EAI_NONAME, f"the fuzz test refuses to resolve {host!r}: loopback only")
    return _REAL_GETADDRINFO(host, *args, **kwargs)


def run_module(name: str, args: dict[str, t.Any]) -> tuple[int, dict[str, t.Any]]:
    """(exit code, result) of one in-process run; any exception but SystemExit propagates (a bug)."""
    module = importlib.import_module(MODULE_PACKAGE + name)
    # AnsibleModule collects warnings in process-wide lists: an earlier run's warning must not
    # show up in this run's result (a real module run is a process of its own).
    for collected in ("_global_warnings", "_global_deprecations"):
        getattr(ansible_warnings, collected).clear()
    out = io.StringIO()
    code: t.Any = None
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit as exc:
            code = exc.code or 0
    if code is None:
        raise AssertionError(f"{name} returned without exit_json/fail_json")
    text = out.getvalue()
    try:
        return int(code), json.loads(text)
    except ValueError:
        raise AssertionError(f"{name} printed something that is not one JSON result: {text[:2000]!r}") from None


def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_module, "CmrClient", FastClient)
    clock = VirtualClock()
    monkeypatch.setattr(_wait, "time", types.SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep))
    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    monkeypatch.setattr(basic.AnsibleModule, "_log_invocation", lambda self: None)  # no syslog flood
    for variable in ("CMR_API_URL", "CMR_API_KEY", "CMR_SANDBOX", "CMR_REPORT_ERRORS"):
        monkeypatch.delenv(variable, raising=False)
