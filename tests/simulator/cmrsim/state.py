"""The simulator's state: resources, wallet, ids, clock, scheduler, webhooks and persistence.

Everything the API exposes lives in ``State.data`` (JSON-serialisable, camelCase objects
keyed by id), so ``/_sim/state``, persistence and ``advance_days`` can treat it generically.
Logs (requests, error reports, webhook deliveries) are kept beside it and never persisted.
"""

from __future__ import annotations

import datetime as dt
import heapq
import hmac
import http.client
import itertools
import json
import os
import re
import secrets
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from hashlib import sha256
from typing import Any, Callable

from cmrsim.core import HOOKS, ApiError, dumps, new_action_id

# Every resource collection (id -> object).  Handlers may add more keys with setdefault.
RESOURCES = (
    "users", "domains", "records", "orders", "subscriptions", "mailboxes", "credentials",
    "exports", "placements", "prewarmup_inventory", "prewarmup_orders", "sandbox",
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
STATE_FILE_VERSION = 1

# Webhook retry schedule of docs/developer/API.md#webhooks in seconds, multiplied by --async-delay
# (the simulator's "one second" of provider time), so 0.2 gives 0 s, 6 s, 60 s.
WEBHOOK_RETRY_SECONDS = (0.0, 30.0, 300.0)
WEBHOOK_TIMEOUT = 5.0

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def empty_data(wallet: float) -> dict[str, Any]:
    """A fresh data tree: the wallet plus an empty dict per resource collection."""
    data: dict[str, Any] = {"wallet": round(float(wallet), 2)}
    data.update({name: {} for name in RESOURCES})
    return data


def shift_date_string(value: str, days: float) -> str:
    """``value`` moved ``days`` into the past when it is an ISO date/datetime, else as is."""
    try:
        if _DATE_RE.fullmatch(value):
            return (dt.date.fromisoformat(value) - dt.timedelta(days=days)).isoformat()
        if _DATETIME_RE.match(value):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            shifted = (parsed - dt.timedelta(days=days)).isoformat()
            if value.endswith("Z") and shifted.endswith("+00:00"):
                shifted = shifted[:-6] + "Z"
            return shifted
    except ValueError:
        pass
    return value


def shift_dates(node: Any, days: float) -> None:
    """Shift every ISO date string inside ``node`` (dicts and lists) in place.

    In place, so that objects a handler or a scheduled task holds stay the stored ones.
    """
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, str):
            node[key] = shift_date_string(value, days)
        else:
            shift_dates(value, days)


def log_error(what: str) -> None:
    """Print the current exception to stderr (the server's log) without dying."""
    print(f"cmrsim: {what}\n{traceback.format_exc()}", file=sys.stderr, flush=True)


class State:  # pylint: disable=too-many-instance-attributes
    """Resources, logs and background machinery of one simulator process."""

    def __init__(self, api_key: str, *, async_delay: float = 0.2, wallet: float = 1000.0,
                 state_file: str | None = None, webhook_url: str | None = None, sandbox: bool = False) -> None:
        self.api_key = api_key
        self.async_delay = max(0.0, async_delay)
        self.initial_wallet = wallet
        self.state_file = state_file
        self.webhook_url = webhook_url
        self.sandbox = sandbox
        self.lock = threading.RLock()
        self.data: dict[str, Any] = empty_data(wallet)
        self.requests: list[dict[str, Any]] = []
        self.error_reports: list[Any] = []
        self.webhooks: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self._tasks: list[tuple[float, int, Callable[[], Any]]] = []
        self._deliveries: list[tuple[float, int, dict[str, Any]]] = []
        self._seq = itertools.count()
        self._wake = threading.Event()  # new scheduled task
        self._wake_webhooks = threading.Event()  # new webhook delivery
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- ids and clock ----------------------------------------------------------------------

    @staticmethod
    def new_id() -> str:
        """A 28-character upper-case Crockford base32 id like CMR's."""
        return "".join(secrets.choice(CROCKFORD) for _position in range(28))

    @staticmethod
    def action_id() -> str:
        """A fresh ``ACT_<uuid4>`` (pass it to ``Reply(action_id=…)`` and to webhook data)."""
        return new_action_id()

    @staticmethod
    def now() -> dt.datetime:
        """The current time (aware, UTC)."""
        return dt.datetime.now(dt.timezone.utc)

    def iso(self, when: dt.datetime | None = None) -> str:
        """ISO 8601 UTC with a ``Z`` suffix and second precision (``now()`` by default)."""
        when = when or self.now()
        return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def parse_iso(value: str) -> dt.datetime:
        """Parse a stored ISO string (date-only values become midnight UTC)."""
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)

    def advance_days(self, days: float) -> None:
        """Move every stored date ``days`` into the past, then run the ``clock`` hooks.

        Expiry dates, renewal windows and grace periods therefore arrive while the wall
        clock stays real.  The walk is generic (any ISO-looking string in any resource) and
        in place: ``state.data`` and every stored object keep their identity.
        """
        with self.lock:
            for key, value in self.data.items():
                if key != "wallet":
                    shift_dates(value, days)
            self._run_hooks("clock")
            self.save()

    # -- wallet and business-rule helpers ---------------------------------------------------

    @property
    def wallet(self) -> float:
        """The partner wallet balance (USD)."""
        return self.data["wallet"]

    def set_wallet(self, balance: float) -> None:
        """Set the balance (control API)."""
        self.data["wallet"] = round(float(balance), 2)

    def can_afford(self, amount: float) -> bool:
        """True when the wallet covers ``amount`` (cent precision)."""
        return round(self.data["wallet"] - amount, 2) >= 0

    def debit(self, amount: float) -> float:
        """Charge ``amount`` to the wallet and return the new balance.

        Raises ``ApiError(402, "Insufficient wallet balance")`` — with nothing changed — when
        the wallet is short, so call it *before* recording anything the charge pays for.
        """
        amount = round(float(amount), 2)
        if not self.can_afford(amount):
            raise ApiError(402, "Insufficient wallet balance")
        self.data["wallet"] = round(self.data["wallet"] - amount, 2)
        return self.data["wallet"]

    def credit(self, amount: float) -> float:
        """Add ``amount`` back to the wallet (e.g. a failed async order) and return the balance."""
        self.data["wallet"] = round(self.data["wallet"] + float(amount), 2)
        return self.data["wallet"]

    def require_user(self, user_id: str | None) -> dict[str, Any]:
        """The user ``user_id`` (400 when empty, 404 "The requested user does not exist")."""
        if not user_id:
            raise ApiError(400, "userId must be provided")
        user = self.data["users"].get(user_id)
        if user is None:
            raise ApiError(404, "The requested user does not exist")
        return user

    def check_owner(self, obj: dict[str, Any] | None, user_id: str | None, kind: str, name: str | None = None) -> dict[str, Any]:
        """The one ownership rule of every endpoint: ``obj`` when it is ``user_id``'s.

        404 "<Kind> <name> not found" when ``obj`` is None; 403 when it is another user's; no owner
        check when ``user_id`` is None (endpoints where the userId is optional).
        """
        what = f"{kind} {name}" if name else kind
        if obj is None:
            raise ApiError(404, f"{what[:1].upper()}{what[1:]} not found")
        if user_id is not None and obj.get("userId") != user_id:
            raise ApiError(403, f"This {kind} does not belong to the given user")
        return obj

    def owned_by(self, kind: str, user_id: str) -> list[dict[str, Any]]:
        """Objects of collection ``kind`` whose ``userId`` is ``user_id`` (insertion order)."""
        return [obj for obj in self.data.get(kind, {}).values() if isinstance(obj, dict) and obj.get("userId") == user_id]

    # -- scheduler --------------------------------------------------------------------------

    def later(self, fn: Callable[[], Any], steps: float = 1.0) -> None:
        """Run ``fn()`` with the lock held after ``steps × --async-delay`` seconds.

        Work that is due also runs at the start of every API request, so a client polling
        right after the delay sees the transition.  Pending work is not persisted.
        """
        with self.lock:
            heapq.heappush(self._tasks, (time.monotonic() + steps * self.async_delay, next(self._seq), fn))
        self._wake.set()

    def run_due(self) -> int:
        """Run every scheduled function whose time has come; returns how many ran."""
        ran = 0
        with self.lock:
            while self._tasks and self._tasks[0][0] <= time.monotonic():
                fn = heapq.heappop(self._tasks)[2]
                ran += 1
                try:
                    fn()
                except Exception:  # pylint: disable=broad-exception-caught
                    log_error("scheduled task failed")
            if ran:
                self.save()
        return ran

    def pending_tasks(self) -> int:
        """How many scheduled functions have not run yet."""
        with self.lock:
            return len(self._tasks)

    def _ticker(self) -> None:
        while not self._stop.is_set():
            with self.lock:
                due = self._tasks[0][0] if self._tasks else None
            timeout = 0.5 if due is None else max(0.0, min(0.5, due - time.monotonic()))
            self._wake.wait(timeout)
            self._wake.clear()
            self.run_due()

    # -- webhooks ---------------------------------------------------------------------------

    def emit(self, event: str, data: Any) -> dict[str, Any]:
        """Queue a webhook ``{"event", "eventId", "data"}`` and return its delivery record.

        Every event is recorded in ``/_sim/webhooks``, even without ``--webhook-url``
        (result ``not_configured``), so tests can assert on events either way.
        """
        data = json.loads(dumps(data))  # a snapshot: later changes to stored objects must not leak in
        body = {"event": event, "eventId": self.new_id(), "data": data}
        record = {
            "eventId": body["eventId"], "event": event, "data": data, "url": self.webhook_url,
            "createdAt": self.iso(), "attempts": [], "result": "pending" if self.webhook_url else "not_configured",
        }
        with self.lock:
            self.webhooks.append(record)
            if self.webhook_url:
                heapq.heappush(self._deliveries, (time.monotonic(), next(self._seq), record))
        self._wake_webhooks.set()
        return record

    def sign(self, timestamp: str, raw: bytes) -> str:
        """Hex HMAC-SHA256 of ``"<timestamp>.<raw body>"`` keyed with the API key (the simulator's choice, docs/developer/API.md#webhooks)."""
        return hmac.new(self.api_key.encode(), timestamp.encode() + b"." + raw, sha256).hexdigest()

    def _deliver(self, record: dict[str, Any]) -> None:
        """One delivery attempt; schedules the next one on failure."""
        raw = dumps({"event": record["event"], "eventId": record["eventId"], "data": record["data"]})
        timestamp = str(int(time.time()))
        attempt: dict[str, Any] = {"number": len(record["attempts"]) + 1, "time": self.iso(), "timestamp": timestamp,
                                   "status": None, "error": None}
        try:
            attempt["status"] = self._post(raw, timestamp)
        except (OSError, http.client.HTTPException, ValueError) as err:
            attempt["error"] = f"{type(err).__name__}: {err}"
        with self.lock:
            if not any(live is record for live in self.webhooks):
                return  # a reset happened during the attempt: forget the delivery
            record["attempts"].append(attempt)
            status = attempt["status"]
            if status is not None and 200 <= status < 300:
                record["result"] = "delivered"
            elif attempt["number"] < len(WEBHOOK_RETRY_SECONDS):
                due = time.monotonic() + WEBHOOK_RETRY_SECONDS[attempt["number"]] * self.async_delay
                heapq.heappush(self._deliveries, (due, next(self._seq), record))
            else:
                record["result"] = "failed"

    def _post(self, raw: bytes, timestamp: str) -> int:
        url = urllib.parse.urlsplit(self.webhook_url or "")
        conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=WEBHOOK_TIMEOUT)
        try:
            headers = {"Content-Type": "application/json", "cmr-x-timestamp": timestamp,
                       "cmr-x-signature": self.sign(timestamp, raw), "User-Agent": "cmrsim-webhooks"}
            conn.request("POST", (url.path or "/") + (f"?{url.query}" if url.query else ""), body=raw, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def _webhook_worker(self) -> None:
        while not self._stop.is_set():
            with self.lock:
                head = self._deliveries[0] if self._deliveries else None
                if head is not None and head[0] <= time.monotonic():
                    heapq.heappop(self._deliveries)
            if head is None:
                self._wake_webhooks.wait(0.2)
                self._wake_webhooks.clear()
            elif head[0] > time.monotonic():
                time.sleep(min(0.05, head[0] - time.monotonic()))
            else:
                self._deliver(head[2])

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Load the state file (or seed fresh state) and start the background threads."""
        if not self.load():
            self.reset()
        for target in (self._ticker, self._webhook_worker):
            thread = threading.Thread(target=target, name=f"cmrsim-{target.__name__.strip('_')}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop background threads and write the state file one last time."""
        self._stop.set()
        self._wake.set()
        self._wake_webhooks.set()
        for thread in self._threads:
            thread.join(timeout=2)
        with self.lock:
            self.save()

    def reset(self, wallet: float | None = None) -> None:
        """Empty every resource, log, fault rule and pending task; run the ``reset`` hooks."""
        with self.lock:
            self.data = empty_data(self.initial_wallet if wallet is None else wallet)
            self.requests.clear()
            self.error_reports.clear()
            self.webhooks.clear()
            self.faults.clear()
            self._tasks.clear()
            self._deliveries.clear()
            self._run_hooks("reset")
            self.save()

    def _run_hooks(self, name: str) -> None:
        for fn in HOOKS.get(name, []):
            try:
                fn(self)
            except Exception:  # pylint: disable=broad-exception-caught
                log_error(f"{name} hook {fn.__name__} failed")

    def resources(self) -> dict[str, Any]:
        """``/_sim/state``: the wallet plus every collection as a list of objects."""
        with self.lock:
            out: dict[str, Any] = {"wallet": self.data["wallet"]}
            for key, value in self.data.items():
                if key != "wallet":
                    out[key] = list(value.values()) if isinstance(value, dict) else value
            return json.loads(dumps(out))

    # -- persistence ------------------------------------------------------------------------

    def save(self) -> None:
        """Write ``data`` to ``--state-file`` atomically (temp file + rename); no-op without one."""
        if not self.state_file:
            return
        with self.lock:
            payload = dumps({"version": STATE_FILE_VERSION, "savedAt": self.iso(), "data": self.data})
        folder = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(prefix=".cmrsim-", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, self.state_file)
        except OSError:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load(self) -> bool:
        """Reload ``--state-file`` when it exists; returns whether state was loaded."""
        if not self.state_file or not os.path.exists(self.state_file):
            return False
        with open(self.state_file, "rb") as handle:
            saved = json.load(handle)
        if not isinstance(saved, dict) or saved.get("version") != STATE_FILE_VERSION or not isinstance(saved.get("data"), dict):
            raise ValueError(f"{self.state_file}: not a cmrsim state file (version {STATE_FILE_VERSION})")
        with self.lock:
            self.data = empty_data(self.initial_wallet)
            self.data.update(saved["data"])
        return True
