"""Fixtures of the hostile-input suite (``make hostile``).

The suite runs from the laid-out collection (tests/utils/hostile.sh puts the folder holding
``ansible_collections/`` on ``PYTHONPATH``), so the modules import as
``ansible_collections.coldmailreseller.cmr.plugins...`` exactly as Ansible loads them.

* ``start_sim(*extra_args)`` — a simulator subprocess on a free loopback port (fast: no rate
  limit, short async delay); stopped at the end of the session.
* tests record how many cases they generated with ``record_property("generated_cases", n)``;
  the numbers are printed at the end of the run (they travel in the reports, so pytest-xdist
  workers' counts are included).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import typing as t
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
SIM_DIR = os.path.join(COLLECTION_ROOT, "tests", "simulator")
PREFIX = "/api/v1/integration"
# Long, as CMR keys are: Ansible masks every occurrence of a no_log value, a short key garbles output.
API_KEY = "sim-hostile-key-3f9c2a7e51b84d06a1e2"


class SimProcess:
    """A running simulator; ``root`` is the scheme://host:port, ``api_url`` the CMR base URL."""

    def __init__(self, *extra: str, api_key: str = API_KEY, scheme: str = "http") -> None:
        self.api_key = api_key
        self.stderr = tempfile.TemporaryFile()  # pylint: disable=consider-using-with
        args = [sys.executable, SIM_DIR, "--host", "127.0.0.1", "--port", "0", "--api-key", api_key,
                "--rate-limit", "0", "--async-delay", "0.01", *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)  # pylint: disable=consider-using-with
        ready = select.select([self.proc.stdout], [], [], 20)[0]
        line = self.proc.stdout.readline() if ready and self.proc.stdout else ""
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"simulator did not start: {line!r} {self.log()}")
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.root = f"{scheme}://127.0.0.1:{self.port}"
        self.api_url = self.root + PREFIX

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def control(self, method: str, path: str, body: t.Any = None, context: t.Any = None) -> t.Any:
        """``/_sim/<path>`` (state, requests, error-reports, reset, seed, ...), parsed."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.root}/_sim/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:  # noqa: S310 - loopback only
            return json.loads(answer.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr.close()


@pytest.fixture(scope="session")
def start_sim() -> t.Iterator[t.Callable[..., SimProcess]]:
    started: list[SimProcess] = []

    def start(*extra: str, **options: t.Any) -> SimProcess:
        server = SimProcess(*extra, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def pytest_terminal_summary(terminalreporter: t.Any) -> None:
    """The number of generated cases of this run, per test and in total."""
    counts: dict[str, int] = {}
    succeeded: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                # recorded in the call or, by a fixture, at teardown
                if name == "generated_cases":
                    counts[report.nodeid] = max(value, counts.get(report.nodeid, 0))
                elif name == "exit_json_cases":
                    succeeded[report.nodeid] = max(value, succeeded.get(report.nodeid, 0))
    if not counts:
        return
    terminalreporter.section("generated cases")
    for nodeid, count in sorted(counts.items()):
        extra = f"  ({succeeded[nodeid]} ended in exit_json)" if nodeid in succeeded else ""
        terminalreporter.write_line(f"{count:7d}  {nodeid}{extra}")
    terminalreporter.write_line(f"{sum(counts.values()):7d}  in total")
