# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests of the shared rate budget: the window logic on a virtual clock, the file, and real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _pacing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._pacing import (
    FileStore,
    MemoryStore,
    Pacer,
    PacingError,
    budget,
    budget_file,
    make_pacer,
)

URL = "http://127.0.0.1:9/api/v1/integration"
KEY = "KEY-0123456789-SECRET"


class Clock:
    """A virtual clock: sleeping moves it on."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def virtual(rate: float, store: t.Any = None) -> tuple[Pacer, Clock]:
    clock = Clock()
    return Pacer(rate, store or MemoryStore(), clock=clock, sleep=clock.sleep), clock


# --- the window ----------------------------------------------------------------------------

@pytest.mark.parametrize("rate, expected", [(5, (5, 1.0)), (5.0, (5, 1.0)), (2.5, (2, 0.8)), (0.5, (1, 2.0)), (0, (0, 0.0))])
def test_budget(rate: float, expected: tuple[int, float]) -> None:
    assert budget(rate) == expected


@pytest.mark.parametrize("rate", [-1, float("nan"), float("inf"), 1001, True, "5"])
def test_budget_refuses_unusable_rates(rate: t.Any) -> None:
    with pytest.raises(PacingError, match="^api_rate_limit must be"):
        budget(rate)


def test_burst_of_the_budget_then_one_window_after_the_first_answer() -> None:
    pacer, clock = virtual(5)
    starts = []
    for dummy in range(11):
        slot = pacer.acquire()
        starts.append(clock.now)
        clock.now += 0.05  # the answer takes 50 ms
        pacer.release(slot)
    assert starts[:5] == pytest.approx([1_000_000.0 + 0.05 * i for i in range(5)])  # no wait within the budget
    assert all(starts[i + 5] - starts[i] >= 1.05 - 1e-9 for i in range(6))  # the 6th waits for the 1st answer + 1 s


def test_a_request_still_waiting_for_its_answer_holds_its_slot() -> None:
    pacer, clock = virtual(1)
    first = pacer.acquire()
    clock.now += 5.0  # a slow answer: five seconds and counting
    waited = []
    original = clock.sleep

    def answer_arrives(seconds: float) -> None:
        waited.append(seconds)
        original(seconds)
        if len(waited) == 3:
            pacer.release(first)

    pacer._sleep = answer_arrives  # pylint: disable=protected-access
    pacer.acquire()
    assert waited[:3] == [_pacing.POLL] * 3  # polled while the answer was out
    assert sum(waited[3:]) == pytest.approx(1.0)  # then one window after the answer


def test_pause_stops_every_request_until_it_is_over() -> None:
    pacer, clock = virtual(5)
    pacer.pause(2.5)
    start = clock.now
    pacer.release(pacer.acquire())
    assert clock.now - start == pytest.approx(2.5)
    pacer.pause(0)  # nothing to pause for
    pacer.pause(float("nan"))
    before = clock.now
    pacer.acquire()
    assert clock.now == before


def test_no_pacing_at_rate_zero() -> None:
    pacer, clock = virtual(0)
    for dummy in range(100):
        pacer.release(pacer.acquire())
    pacer.pause(30)
    pacer.acquire()
    assert clock.slept == []


def test_a_pause_from_another_boot_or_clock_is_ignored(tmp_path: t.Any) -> None:
    path = str(tmp_path / "budget.json")
    pacer, clock = virtual(5, FileStore(path))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"format": 1, "paused_until": clock.now + 10 * _pacing.MAX_PAUSE, "slots": []}, handle)
    pacer.acquire()
    assert clock.slept == []


def test_a_slot_of_a_dead_process_ends_when_it_is_found() -> None:
    pacer, clock = virtual(1)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True, text=True)
    pacer.store._state["slots"].append(["lost", clock.now, None, int(dead.stdout)])  # pylint: disable=protected-access
    start = clock.now
    pacer.acquire()
    assert clock.now - start == pytest.approx(1.0)  # one window after it was found dead, not forever


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": 1, "slots": "x"}', b'{"format": 99, "slots": []}', b"[]",
                                     b'{"format": 1, "paused_until": "soon", "slots": [["a", 1, null, 1], ["bad"], 7]}'])
def test_an_unreadable_budget_file_counts_as_empty(tmp_path: t.Any, content: bytes) -> None:
    path = tmp_path / "budget.json"
    path.write_bytes(content)
    pacer, clock = virtual(5, FileStore(str(path)))
    pacer.release(pacer.acquire())
    assert clock.slept == []
    stored = json.loads(path.read_text())
    assert stored["format"] == 1 and len(stored["slots"]) == 1


# --- the file ------------------------------------------------------------------------------

def test_budget_file_name_is_a_hash_of_url_and_key(tmp_path: t.Any) -> None:
    name = os.path.basename(budget_file(URL, KEY, str(tmp_path)))
    assert KEY not in name and name.startswith("pacing-") and len(name) == len("pacing-.json") + 64
    assert budget_file(URL + "/", KEY, str(tmp_path)) == budget_file(URL, KEY, str(tmp_path))
    assert budget_file(URL, KEY + "x", str(tmp_path)) != budget_file(URL, KEY, str(tmp_path))
    assert budget_file(URL.replace("9", "8"), KEY, str(tmp_path)) != budget_file(URL, KEY, str(tmp_path))


def test_make_pacer_shares_through_a_private_file(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pacer, problem = make_pacer(URL, KEY, 5.0, True)
    assert problem is None and pacer.shared
    folder = tmp_path / "coldmailreseller.cmr"
    assert folder.stat().st_mode & 0o777 == 0o700
    (budget,) = folder.iterdir()
    assert budget.stat().st_mode & 0o777 == 0o600
    pacer.release(pacer.acquire())
    assert KEY not in budget.read_text()
    folder.chmod(0o777)  # a folder others could write to is made private again
    make_pacer(URL, KEY, 5.0, True)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_make_pacer_not_shared(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for rate, shared in ((5.0, False), (0.0, True)):
        pacer, problem = make_pacer(URL, KEY, rate, shared)
        assert problem is None and not pacer.shared
    assert not (tmp_path / "coldmailreseller.cmr").exists()


def test_make_pacer_falls_back_to_this_process_with_the_reason(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pacer, problem = make_pacer(URL, KEY, 5.0, True)
    assert not pacer.shared and problem and problem.startswith(("FileExistsError", "NotADirectoryError"))
    assert KEY not in problem


# --- real processes --------------------------------------------------------------------------

# Loads _pacing.py from its file (it needs nothing but the standard library), takes `count`
# slots with answers of 10 ms, and prints the moment each request was "sent".
WORKER = textwrap.dedent("""
    import importlib.util, os, sys, time
    spec = importlib.util.spec_from_file_location("pacing", sys.argv[1])
    pacing = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pacing)
    pacer = pacing.Pacer(float(sys.argv[3]), pacing.FileStore(sys.argv[2]))
    mode = sys.argv[5]
    for _ in range(int(sys.argv[4])):
        slot = pacer.acquire()
        print(repr(time.time()), flush=True)
        if mode == "die-holding-slot":
            os._exit(0)
        if mode == "die-holding-lock":
            with pacer.store.transaction():
                print("locked", flush=True)
                time.sleep(60)
        time.sleep(0.01)
        pacer.release(slot)
""")


def worker(tmp_path: t.Any, rate: float, count: int, mode: str = "normal") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, _pacing.__file__, str(tmp_path / "budget.json"), str(rate), str(count), mode],
                            stdout=subprocess.PIPE, text=True)


def test_processes_together_stay_within_the_rate(tmp_path: t.Any) -> None:
    """8 processes × 6 requests at 10 requests/s: never more than 10 in any second, and no slower than needed."""
    processes = [worker(tmp_path, 10.0, 6) for dummy in range(8)]
    sent = sorted(float(line) for process in processes for line in process.communicate(timeout=60)[0].split())
    assert [process.returncode for process in processes] == [0] * 8 and len(sent) == 48
    windows = [sent[i + 10] - sent[i] for i in range(len(sent) - 10)]
    assert min(windows) >= 1.0, windows  # request i+10 went a full second after request i
    assert sent[-1] - sent[0] < 4.0 + 2.0  # the floor is 4 s (48 at 10/s, the first 10 at once); a busy machine adds little


def test_a_process_killed_holding_the_lock_blocks_nobody(tmp_path: t.Any) -> None:
    holder = worker(tmp_path, 5.0, 1, "die-holding-lock")
    assert holder.stdout.readline() and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    pacer = Pacer(5.0, FileStore(str(tmp_path / "budget.json")))
    started = time.monotonic()
    pacer.release(pacer.acquire())
    assert time.monotonic() - started < 0.5  # its slot ended at its death, and the lock died with it
    assert not [name for name in os.listdir(tmp_path) if name != "budget.json"]  # no lock file left behind


def test_slots_of_a_process_that_died_mid_request_free_up(tmp_path: t.Any) -> None:
    dying = worker(tmp_path, 1.0, 1, "die-holding-slot")
    dying.communicate(timeout=30)
    pacer = Pacer(1.0, FileStore(str(tmp_path / "budget.json")))
    started = time.monotonic()
    pacer.release(pacer.acquire())
    assert time.monotonic() - started < 2.0  # one window after its death was noticed


def test_budgets_idle_for_a_day_are_removed(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "coldmailreseller.cmr"
    folder.mkdir(mode=0o700)
    idle, recent, other = folder / ("pacing-%s.json" % ("a" * 64)), folder / ("pacing-%s.json" % ("b" * 64)), folder / "notes"
    for path in (idle, recent, other):
        path.write_text("{}")
    old = time.time() - 2 * 86400
    os.utime(idle, (old, old))
    os.utime(other, (old, old))
    make_pacer(URL, KEY, 5.0, True)
    assert sorted(path.name for path in folder.iterdir()) == sorted([recent.name, other.name, os.path.basename(budget_file(URL, KEY, str(folder)))])
