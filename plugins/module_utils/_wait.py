# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Polling with backoff for CMR's asynchronous operations (docs/developer/DESIGN.md#waiting)."""

from __future__ import annotations

import time
import typing as t

T = t.TypeVar("T")


class WaitTimeout(Exception):
    """The operation did not finish in time. It is still running: it must not be resubmitted."""

    def __init__(self, what: str, timeout: float, last: t.Any = None) -> None:
        self.what = what
        self.timeout = timeout
        self.last = last
        super().__init__(
            f"timed out after {timeout:g}s waiting for {what}; the operation is still running on CMR "
            "and must not be resubmitted: run the task again later (it picks up the current state) "
            "or raise wait_timeout"
        )


def wait_for(
    fetch: t.Callable[[], T],
    done: t.Callable[[T], bool],
    timeout: float,
    what: str,
    initial: float = 1.0,
    maximum: float = 10.0,
) -> T:
    """Call ``fetch`` until ``done(value)`` is true; return that value.

    Delays double from ``initial`` up to ``maximum``. The last sleep is shortened so that one
    final fetch happens at the deadline rather than after it. ``done`` may raise to report a
    terminal failure state; that exception propagates unchanged.
    """
    deadline = time.monotonic() + timeout
    delay = initial
    while True:
        value = fetch()
        if done(value):
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaitTimeout(what, timeout, value)
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, maximum)
