# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""One request budget per API key, shared by every process on the controller (standard library only).

CMR allows 5 requests per second per key. Ansible runs each task of each fork as its own
process, so a budget kept in memory would let 20 forks send 20 times the limit. The budget
lives in a small JSON file in the user's cache folder, one file per API URL and key (named by
a SHA-256 of both, never the key itself), changed only under an ``fcntl`` lock. The lock dies
with its process, so a process killed while holding it leaves nothing stale behind.

The budget is a sliding window, the strictest form a rate limit takes: at most ``slots``
requests in any ``window`` seconds (``slots / window`` = the rate). A request holds its slot
from just before it is sent until ``window`` seconds after its answer arrived. The server sees
each request somewhere between those two moments, so however long a process waits between
taking a slot and sending, or the server takes to answer, no window of the server's clock holds
more than ``slots`` requests. A ``Retry-After`` that one process receives is written to the
same file as "paused until", and every process waits for it before its next request.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import typing as t
import uuid

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX controller: pacing stays per process
    fcntl = None  # type: ignore[assignment]

# The API's limit: 5 requests per second per key, across every endpoint (docs/developer/API.md#errors-and-rate-limit).
DEFAULT_RATE = 5.0
MAX_RATE = 1000.0
MAX_PAUSE = 3600.0  # a longer Retry-After is not a plan: it is capped, the client's retry budget decides the rest
STALE_SLOT = 7200.0  # an unanswered slot older than this (two of the longest timeouts) is forgotten
POLL = 0.05  # seconds between looks when only unanswered requests hold the budget
IDLE_BUDGET = 86400.0  # a budget file unused for this long belongs to a URL or key no longer in use
CACHE_DIR_NAME = "coldmailreseller.cmr"
FORMAT = 1


class PacingError(ValueError):
    """An unusable pacing option (named in the message)."""


Slot = t.Optional[str]


class Pacer:
    """At most ``slots`` requests in any ``window`` seconds, counted in ``store``."""

    def __init__(self, rate: float, store: _Store, clock: t.Callable[[], float] = time.time,
                 sleep: t.Callable[[float], None] = time.sleep) -> None:
        self.slots, self.window = budget(rate)
        self.store = store
        self._clock = clock
        self._sleep = sleep
        self._pid = os.getpid()

    @property
    def shared(self) -> bool:
        return isinstance(self.store, FileStore)

    def acquire(self) -> Slot:
        """Wait until a request may be sent; the returned slot must be given to ``release()``."""
        if self.slots == 0:
            return None
        while True:
            with self.store.transaction() as state:
                now = self._clock()
                wait = self._wait(state, now)
                if wait <= 0:
                    slot = uuid.uuid4().hex
                    state["slots"].append([slot, now, None, self._pid])
                    return slot
            self._sleep(wait)

    def release(self, slot: Slot) -> None:
        """The answer to ``slot``'s request arrived (or never will): its window starts now."""
        if slot is None:
            return
        with self.store.transaction() as state:
            now = self._clock()
            for entry in state["slots"]:
                if entry[0] == slot:
                    entry[2] = now
            self._forget_old(state, now)

    def pause(self, seconds: float) -> None:
        """The server asked for a pause (Retry-After): no process sends before it is over."""
        if self.slots == 0 or not seconds > 0:
            return
        with self.store.transaction() as state:
            until = self._clock() + min(seconds, MAX_PAUSE)
            state["paused_until"] = max(float(state.get("paused_until") or 0.0), until)

    def _wait(self, state: dict[str, t.Any], now: float) -> float:
        """Seconds to wait before a slot is free (0 or less: free now); tidies ``state`` on the way."""
        paused = float(state.get("paused_until") or 0.0)
        if paused > now + MAX_PAUSE:
            paused = 0.0  # the clock went back, or the file is from another boot: ignore it
        if paused > now:
            return paused - now
        self._forget_old(state, now)
        held = state["slots"]
        excess = len(held) - self.slots + 1
        if excess <= 0:
            return 0.0
        frees = sorted(min(entry[2], now) + self.window for entry in held if entry[2] is not None)
        if len(frees) >= excess:
            return max(frees[excess - 1] - now, 0.001)
        return POLL  # only requests still waiting for their answer hold the budget

    def _forget_old(self, state: dict[str, t.Any], now: float) -> None:
        kept = []
        for entry in state["slots"]:
            dummy, start, end, pid = entry
            if end is None and not now - STALE_SLOT <= start <= now + self.window:
                continue  # answered or timed out long ago, or stamped by a clock that has since gone back
            if end is None and not _alive(pid):
                end = entry[2] = now  # its process died mid-request: the request reached the server by now at the latest
            if end is None or min(end, now) + self.window > now:
                kept.append(entry)
        state["slots"] = kept


def budget(rate: float) -> tuple[int, float]:
    """(slots, window seconds) for ``rate`` requests per second; (0, 0) turns pacing off.

    Whole requests per second keep a one-second window (5 → 5 per second, like the API);
    a fractional rate keeps the same average over a longer or shorter window (2.5 → 2 per 0.8 s).
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate <= MAX_RATE:
        raise PacingError(f"api_rate_limit must be a number of requests per second from 0 (no pacing) to {MAX_RATE:g}, got {rate}")
    if rate == 0:
        return 0, 0.0
    slots = max(1, int(rate))
    return slots, slots / rate


def _alive(pid: t.Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but is not ours (the file is per user, so this is a reused PID): still busy
        return True
    return True


# --- where the budget is kept ------------------------------------------------------------------

class _Store:
    def transaction(self) -> t.ContextManager[dict[str, t.Any]]:
        raise NotImplementedError


class MemoryStore(_Store):
    """The budget of this process only (``api_rate_shared=false``)."""

    def __init__(self) -> None:
        self._state: dict[str, t.Any] = _empty()

    def transaction(self) -> t.ContextManager[dict[str, t.Any]]:
        return _Held(self._state)


class _Held:
    def __init__(self, state: dict[str, t.Any]) -> None:
        self.state = state

    def __enter__(self) -> dict[str, t.Any]:
        return self.state

    def __exit__(self, *exc: t.Any) -> None:
        return None


class FileStore(_Store):
    """The budget in a JSON file, read and written under an exclusive ``fcntl`` lock of that file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def transaction(self) -> t.ContextManager[dict[str, t.Any]]:
        return _Locked(self.path)


class _Locked:
    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = -1
        self.state: dict[str, t.Any] = {}

    def __enter__(self) -> dict[str, t.Any]:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.state = _parse(_read_all(self.fd))
        except BaseException:
            os.close(self.fd)
            raise
        return self.state

    def __exit__(self, exc_type: t.Any, *exc: t.Any) -> None:
        try:
            if exc_type is None:
                data = json.dumps(self.state, separators=(",", ":")).encode()
                os.lseek(self.fd, 0, os.SEEK_SET)
                os.ftruncate(self.fd, 0)
                os.write(self.fd, data)
        finally:
            os.close(self.fd)  # closing releases the lock


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _empty() -> dict[str, t.Any]:
    return {"format": FORMAT, "paused_until": 0.0, "slots": []}


def _parse(data: bytes) -> dict[str, t.Any]:
    """The stored budget; anything unreadable (a write cut short by a crash) counts as an empty one."""
    try:
        state = json.loads(data) if data else None
    except ValueError:
        state = None
    if not isinstance(state, dict) or state.get("format") != FORMAT or not isinstance(state.get("slots"), list):
        return _empty()
    slots = [entry for entry in state["slots"] if _valid_slot(entry)]
    paused = state.get("paused_until")
    return {"format": FORMAT, "paused_until": paused if _number(paused) else 0.0, "slots": slots}


def _valid_slot(entry: t.Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str) and _number(entry[1])
            and (entry[2] is None or _number(entry[2])) and isinstance(entry[3], int))


def _number(value: t.Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- which budget --------------------------------------------------------------------------------

def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, CACHE_DIR_NAME)


def budget_file(api_url: str, api_key: str, folder: str | None = None) -> str:
    """The file of the budget of this URL and key; its name cannot be turned back into the key."""
    digest = hashlib.sha256(("%s\n%s" % (api_url.rstrip("/"), api_key)).encode("utf-8")).hexdigest()
    return os.path.join(folder or cache_dir(), "pacing-%s.json" % digest)


def make_pacer(api_url: str, api_key: str, rate: float, shared: bool) -> tuple[Pacer, str | None]:
    """The pacer for a client, and why it could not be shared (None when it is, or was not asked to be).

    Raises PacingError for an unusable rate.
    """
    budget(rate)
    if not shared or rate == 0:
        return Pacer(rate, MemoryStore()), None
    try:
        path = budget_file(api_url, api_key)
        _private_folder(os.path.dirname(path))
        with FileStore(path).transaction():
            pass  # proves the file can be created, opened and locked
        _forget_idle_budgets(os.path.dirname(path))
    except (OSError, AttributeError) as exc:  # AttributeError: no fcntl on this system
        return Pacer(rate, MemoryStore()), "%s: %s" % (type(exc).__name__, exc)
    return Pacer(rate, FileStore(path)), None


def _forget_idle_budgets(folder: str) -> None:
    """Remove the budgets of URLs and keys unused for a day (test servers on random ports leave many)."""
    limit = time.time() - IDLE_BUDGET
    for entry in os.scandir(folder):
        try:
            if entry.name.startswith("pacing-") and entry.stat(follow_symlinks=False).st_mtime < limit:
                os.unlink(entry.path)
        except OSError:
            pass  # another process removed it first


def _private_folder(folder: str) -> None:
    """Create ``folder`` (mode 0700); refuse one that another user owns or that others can write to."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    info = os.stat(folder)
    if info.st_uid != os.geteuid():
        raise PermissionError("%s belongs to another user" % folder)
    if info.st_mode & 0o022:
        os.chmod(folder, 0o700)
