# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _wait
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import WaitTimeout, wait_for


class Clock:
    """Fake time: sleep advances monotonic, nothing really waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(_wait.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(_wait.time, "sleep", fake.sleep)
    return fake


def test_returns_the_first_done_value(clock: Clock) -> None:
    states = iter(["PENDING", "PENDING", "ACTIVE", "never read"])
    assert wait_for(lambda: next(states), lambda state: state == "ACTIVE", 60, "domain a.com") == "ACTIVE"
    assert clock.sleeps == [1.0, 2.0]


def test_no_sleep_when_already_done(clock: Clock) -> None:
    assert wait_for(lambda: 5, lambda value: value == 5, 60, "x") == 5
    assert clock.sleeps == []


def test_backoff_is_capped(clock: Clock) -> None:
    values = iter(range(7))
    wait_for(lambda: next(values), lambda value: value == 6, 600, "x", initial=1.0, maximum=4.0)
    assert clock.sleeps == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_timeout_says_still_running_and_not_to_resubmit(clock: Clock) -> None:
    with pytest.raises(WaitTimeout) as caught:
        wait_for(lambda: "IN_PROGRESS", lambda state: False, 10, "order ORD1 (actionId ACT_1)")
    message = str(caught.value)
    assert "order ORD1 (actionId ACT_1)" in message
    assert "still running" in message and "must not be resubmitted" in message
    assert caught.value.last == "IN_PROGRESS" and caught.value.what.startswith("order")
    assert sum(clock.sleeps) == pytest.approx(10)  # the last sleep is trimmed to the deadline


def test_done_may_raise_for_terminal_failures(clock: Clock) -> None:
    def done(state: str) -> bool:
        if state == "FAILED":
            raise RuntimeError("order failed")
        return state == "COMPLETED"

    with pytest.raises(RuntimeError, match="order failed"):
        wait_for(lambda: "FAILED", done, 60, "order")


def test_real_time_small_values() -> None:
    started = time.monotonic()
    with pytest.raises(WaitTimeout):
        wait_for(lambda: 0, lambda value: False, 0.05, "x", initial=0.01, maximum=0.02)
    assert time.monotonic() - started < 1.0
