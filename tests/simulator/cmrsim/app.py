"""HTTP front end: routing, auth, rate limit, fault injection, request log and control API.

Every CMR call goes through ``Handler._cmr``: auth → rate limit → fault rule → route →
JSON body → handler (with ``state.lock`` held) → log → answer.  The control API under
``/_sim/`` skips auth, the rate limit, faults and the log.
"""

from __future__ import annotations

import collections
import hmac
import json
import math
import os
import ssl
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import voluptuous as vol

# Importing the package registers every route.
from cmrsim import handlers  # noqa: F401  pylint: disable=unused-import
from cmrsim.core import ROUTES, ApiError, Ctx, Reply, dumps, error_body, invalid_message, known_methods
from cmrsim.state import State, log_error

PREFIX = "/api/v1/integration"
CONTROL_PREFIX = "/_sim/"
MAX_LOGGED_TEXT = 4000


class RateLimiter:
    """Sliding one-second window per API key; ``rps`` 0 disables it."""

    def __init__(self, rps: float) -> None:
        self.rps = rps
        self._hits: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> int | None:
        """``None`` when the request may pass (and count it), else the Retry-After seconds."""
        if self.rps <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
            if len(hits) >= self.rps:
                return max(1, math.ceil(hits[0] + 1.0 - now))
            hits.append(now)
        return None

    def clear(self) -> None:
        """Forget every window (on reset, so tests start with a full budget)."""
        with self._lock:
            self._hits.clear()


_NUMBER = vol.All(vol.Any(int, float), vol.Range(min=0))
FAULT_RULE = vol.Schema({
    vol.Optional("method"): vol.All(str, vol.Upper),
    vol.Optional("path"): str,
    vol.Optional("status"): vol.All(int, vol.Range(min=100, max=599)),
    vol.Optional("message"): str,
    vol.Optional("retry_after"): _NUMBER,
    vol.Optional("delay"): _NUMBER,
    vol.Optional("drop"): bool,
    vol.Optional("malformed"): bool,
    vol.Optional("apply_then_drop"): bool,
    vol.Optional("times"): vol.Any(None, vol.All(int, vol.Range(min=1))),
})
FAULT_EFFECTS = ("status", "delay", "drop", "malformed", "apply_then_drop")


def validate_rules(rules: Any) -> list[dict[str, Any]]:
    """Validate ``{"rules": [...]}`` rules; each needs at least one effect."""
    if not isinstance(rules, list):
        raise ApiError(400, "rules: expected a list")
    out = []
    for index, rule in enumerate(rules):
        try:
            rule = FAULT_RULE(rule)
        except vol.Invalid as err:
            raise ApiError(400, f"rules[{index}].{invalid_message(err)}") from None
        if not any(rule.get(effect) for effect in FAULT_EFFECTS):
            raise ApiError(400, f"rules[{index}]: needs one of {', '.join(FAULT_EFFECTS)}")
        out.append(rule)
    return out


def take_fault(state: State, method: str, path: str) -> dict[str, Any] | None:
    """The first rule matching ``method``/``path`` (glob patterns allowed), consuming one use."""
    with state.lock:
        for rule in state.faults:
            if rule.get("method", method) != method or not fnmatchcase(path, rule.get("path", path)):
                continue
            if rule.get("times") is not None:
                rule["times"] -= 1
                if rule["times"] <= 0:
                    state.faults.remove(rule)
            return dict(rule)
    return None


def truncated(body: Any) -> bytes:
    """The first half of ``body``'s JSON: what a cut-off response looks like (never valid JSON)."""
    payload = dumps(body)
    return payload[:max(1, len(payload) // 2)]


@dataclass
class Outcome:
    """What to answer: status, JSON-able body (or raw bytes), headers, or drop the connection."""

    status: int | None
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    fault: str | None = None


class SimServer(ThreadingHTTPServer):
    """The threading HTTP server carrying the state and rate limiter."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 resets connections when many clients connect at once

    def __init__(self, address: tuple[str, int], state: State, rate_limit: float) -> None:
        self.state = state
        self.limiter = RateLimiter(rate_limit)
        self.verbose = bool(os.environ.get("CMRSIM_VERBOSE"))
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or refused the TLS certificate is not a server error: no traceback."""
        if isinstance(sys.exc_info()[1], OSError):  # ssl.SSLError, ConnectionResetError, BrokenPipeError ...
            if self.verbose:
                print(f"cmrsim: connection from {client_address[0]} ended: {sys.exc_info()[1]}", file=sys.stderr)
            return
        super().handle_error(request, client_address)


def allowed_methods(path: str) -> list[str]:
    """What the ``Allow`` header lists for ``path``: its routes, HEAD where GET is served, OPTIONS."""
    methods = known_methods(path)
    if not methods:
        return []
    return sorted(set(methods) | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set()))


def query_dict(query_string: str) -> dict[str, str]:
    """Query parameters as ``{name: last value}`` (blank values kept)."""
    return {key: values[-1] for key, values in urllib.parse.parse_qs(query_string, keep_blank_values=True).items()}


class Handler(BaseHTTPRequestHandler):
    """One HTTP/1.1 connection (keep-alive supported)."""

    protocol_version = "HTTP/1.1"
    server: SimServer
    server_version = "cmrsim/1.0"

    def __getattr__(self, name: str) -> Any:
        """``do_<METHOD>`` for every method, so that the server, not the standard library's
        HTML 501 page, answers TRACE, CONNECT or made-up methods (a JSON 405 with ``Allow``)."""
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests the standard library refuses before routing (bad request line, too long
        URI or headers) get the JSON error envelope too, never its HTML page."""
        text = message or self.responses.get(code, ("Error",))[0]
        self.log_error("code %d, message %s", code, text)
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unreadable request line: answer with a status line all the same
            self.request_version = "HTTP/1.0"
        self._send(Outcome(code, error_body(code, text), headers={"Connection": "close"}))

    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        """Quiet unless CMRSIM_VERBOSE is set (tests start many servers)."""
        if self.server.verbose:
            super().log_message(format, *args)

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def method(self) -> str:
        """The method a request is routed by: HEAD is answered as GET, without the body."""
        return "GET" if self.command == "HEAD" else self.command

    def _dispatch(self) -> None:
        try:
            url = urllib.parse.urlsplit(self.path)
            try:
                raw = self._read_body()
            except ValueError:
                self.send_error(400, "Malformed Content-Length or chunked body")
                return
            if url.path.startswith(CONTROL_PREFIX):
                outcome = self._control(url.path, raw)
            elif url.path == PREFIX or url.path.startswith(PREFIX + "/"):
                outcome = self._cmr(url.path[len(PREFIX):] or "/", url.query, raw)
            else:
                outcome = Outcome(404, error_body(404, f"Not found: {url.path}"))
            self._send(outcome)
        except Exception:  # pylint: disable=broad-exception-caught
            log_error(f"unhandled error on {self.command} {self.path}")
            self._send(Outcome(500, error_body(500, "Internal server error")))

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, outcome: Outcome) -> None:
        if outcome.drop:
            self.close_connection = True
            return
        payload = outcome.raw if outcome.raw is not None else dumps(outcome.body)
        try:
            self.send_response(outcome.status or 500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in outcome.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":  # HEAD: the headers of the GET answer, no body
                self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # the client went away; nothing to answer

    # -- CMR API ----------------------------------------------------------------------------

    def _cmr(self, path: str, query_string: str, raw: bytes) -> Outcome:
        state = self.server.state
        query = query_dict(query_string)
        entry: dict[str, Any] = {"method": self.command, "path": path, "query": query, "body": self._logged_body(raw),
                                 "status": None, "time": round(time.time(), 3)}
        outcome = self._cmr_outcome(path, query, raw)
        entry["status"] = None if outcome.drop and outcome.fault == "drop" else outcome.status
        if outcome.fault:
            entry["fault"] = outcome.fault
        with state.lock:
            state.requests.append(entry)
        return outcome

    def _logged_body(self, raw: bytes) -> Any:
        if not raw:
            return None
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            return f"<{content_type.split(';')[0]}: {len(raw)} bytes>"
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")[:MAX_LOGGED_TEXT]

    def _cmr_outcome(self, path: str, query: dict[str, str], raw: bytes) -> Outcome:
        state = self.server.state
        if self.command == "OPTIONS":
            return self._options(path)  # no key needed: it only tells which methods a path serves
        header = "cmr-x-sandbox-api-key" if state.sandbox else "cmr-x-api-key"
        key = self.headers.get(header)
        if not key:
            return Outcome(401, error_body(401, f"Invalid API Key: the {header} header is missing"))
        if not hmac.compare_digest(key.encode(), state.api_key.encode()):
            return Outcome(401, error_body(401, "Invalid API Key"))
        retry_after = self.server.limiter.check(key)
        if retry_after is not None:
            return Outcome(429, error_body(429, "Too many requests: rate limit exceeded"), headers={"Retry-After": str(retry_after)})
        rule = take_fault(state, self.method, path)
        if rule and rule.get("delay"):
            time.sleep(rule["delay"])  # outside the lock: other clients go on meanwhile
        if rule and rule.get("drop"):
            return Outcome(None, drop=True, fault="drop")
        if rule and rule.get("status"):
            return self._fault_status(rule)
        outcome = self._route(path, query, raw)
        return self._fault_after(rule, outcome) if rule else outcome

    @staticmethod
    def _fault_status(rule: dict[str, Any]) -> Outcome:
        status = rule["status"]
        headers = {"Retry-After": str(math.ceil(rule["retry_after"]))} if "retry_after" in rule else {}
        body = error_body(status, rule.get("message", "Simulated fault"))
        if rule.get("malformed"):
            return Outcome(status, raw=truncated(body), headers=headers, fault="malformed")
        return Outcome(status, body, headers=headers, fault="status")

    @staticmethod
    def _fault_after(rule: dict[str, Any], outcome: Outcome) -> Outcome:
        """Effects that act after the operation ran: lose the answer, or garble it."""
        if rule.get("apply_then_drop"):
            return Outcome(outcome.status, drop=True, fault="apply_then_drop")
        if rule.get("malformed"):
            return Outcome(outcome.status, raw=truncated(outcome.body), headers=outcome.headers, fault="malformed")
        if rule.get("delay"):
            outcome.fault = "delay"
        return outcome

    @staticmethod
    def _options(path: str) -> Outcome:
        methods = allowed_methods(path)
        if not methods:
            return Outcome(404, error_body(404, f"Route not found: OPTIONS {path}"))
        allow = ", ".join(methods)
        return Outcome(200, Reply(data={"allow": methods}, message=f"Allowed methods: {allow}").body(), headers={"Allow": allow})

    def _route(self, path: str, query: dict[str, str], raw: bytes) -> Outcome:
        handler = ROUTES.get((self.method, path))
        if handler is None:
            methods = allowed_methods(path)
            if methods:
                return Outcome(405, error_body(405, f"Method {self.command} not allowed on {path}"), headers={"Allow": ", ".join(methods)})
            return Outcome(404, error_body(404, f"Route not found: {self.command} {path}"))
        body: Any = None
        content_type = self.headers.get("Content-Type", "")
        # Anything but multipart is read as JSON, whatever the Content-Type (curl -d sends form-urlencoded).
        if raw.strip() and not content_type.startswith("multipart/"):
            try:
                body = json.loads(raw)
            except ValueError:
                return Outcome(400, error_body(400, "Malformed JSON body"))
        return self._run(handler, Ctx(self.server.state, self.method, path, query, body, self.headers, raw))

    def _run(self, handler: Callable[[Ctx], Reply], ctx: Ctx) -> Outcome:
        state = self.server.state
        with state.lock:
            state.run_due()
            try:
                reply = handler(ctx)
                if not isinstance(reply, Reply):
                    raise TypeError(f"handler {handler.__name__} returned {type(reply).__name__}, not Reply")
                outcome = Outcome(reply.status, reply.body())
            except ApiError as err:
                outcome = Outcome(err.status, error_body(err.status, err.message, err.data))
            except Exception:  # pylint: disable=broad-exception-caught
                log_error(f"handler {handler.__name__} failed on {ctx.method} {ctx.path}")
                outcome = Outcome(500, error_body(500, "Internal server error"))
            if ctx.method != "GET":
                state.save()
        return outcome

    # -- control API ------------------------------------------------------------------------

    def _control(self, path: str, raw: bytes) -> Outcome:
        action = CONTROL.get((self.command, path))
        if action is None:
            return Outcome(404, {"error": f"unknown control endpoint {self.command} {path}"})
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return Outcome(400, {"error": "malformed JSON body"})
        if not isinstance(body, dict):
            return Outcome(400, {"error": "expected a JSON object"})
        try:
            with self.server.state.lock:
                self.server.state.run_due()  # so /_sim/state shows transitions that are due
                return Outcome(200, action(self.server, body))
        except ApiError as err:
            return Outcome(err.status, {"error": err.message})


# ---------------------------------------------------------------------------------------------
# Control API actions: (server, body) -> JSON result.  Run with the state lock held.

def _snapshot(value: Any) -> Any:
    return json.loads(dumps(value))


def _number(body: dict[str, Any], name: str) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(400, f"{name}: expected a number")
    return value


def control_reset(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/reset {"wallet": N?}: empty state, logs, faults, pending work, rate windows."""
    wallet = _number(body, "wallet") if "wallet" in body else None
    server.state.reset(wallet)
    server.limiter.clear()
    return {"ok": True, "wallet": server.state.wallet}


def control_state(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/state: wallet + every collection as a list (no logs)."""
    return server.state.resources()


def control_requests(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/requests: the CMR request log."""
    return _snapshot(server.state.requests)


def control_clear_requests(server: SimServer, _body: dict[str, Any]) -> Any:
    """DELETE /_sim/requests."""
    server.state.requests.clear()
    return {"ok": True}


def control_error_reports(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/error-reports: bodies received on /send-errors."""
    return _snapshot(server.state.error_reports)


def control_webhooks(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/webhooks: every emitted event with its delivery attempts."""
    return _snapshot(server.state.webhooks)


def control_wallet(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/wallet {"balance": N}."""
    server.state.set_wallet(_number(body, "balance"))
    server.state.save()
    return {"balance": server.state.wallet}


def control_clock(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/clock {"advance_days": N}: every stored date moves N days into the past."""
    days = _number(body, "advance_days")
    server.state.advance_days(days)
    return {"advanced_days": days}


def control_get_faults(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/faults: active rules with their remaining ``times``."""
    return {"rules": _snapshot(server.state.faults)}


def control_set_faults(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/faults {"rules": [...]}: replaces the active rules."""
    server.state.faults[:] = validate_rules(body.get("rules"))
    return {"rules": _snapshot(server.state.faults)}


def control_clear_faults(server: SimServer, _body: dict[str, Any]) -> Any:
    """DELETE /_sim/faults."""
    server.state.faults.clear()
    return {"ok": True}


def control_get_rate_limit(server: SimServer, _body: dict[str, Any]) -> Any:
    """GET /_sim/rate-limit: the requests per second per key (0: off)."""
    return {"rps": server.limiter.rps}


def control_set_rate_limit(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/rate-limit {"rps": N}: change the limit (0 turns it off) and start every window afresh.

    Lets one test run at the API's real limit on a server the other tests use without one.
    """
    rps = _number(body, "rps")
    server.limiter.clear()
    server.limiter.rps = rps
    return {"rps": rps}


SEED_ID_FIELDS = {
    "users": "userId", "domains": "domainId", "records": "recordId", "orders": "orderId",
    "subscriptions": "subscriptionId", "mailboxes": "mailboxId", "credentials": "credentialId",
    "exports": "exportId", "placements": "placementId", "prewarmup_orders": "orderId",
}


def control_seed(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/seed {"kind", "object", "id"?}: insert a raw object (tests only).

    The id is ``id`` when given, else the object's ``<kind>Id`` field (``domainId`` …), else
    a new id written into that field.  No validation: the object is stored as sent.
    """
    kind, obj = body.get("kind"), body.get("object")
    if not isinstance(kind, str) or not kind or not isinstance(obj, dict):
        raise ApiError(400, "expected {\"kind\": str, \"object\": {...}}")
    state = server.state
    id_field = SEED_ID_FIELDS.get(kind, "id")
    obj_id = body.get("id") or obj.get(id_field) or state.new_id()
    obj.setdefault(id_field, obj_id)
    state.data.setdefault(kind, {})[obj_id] = obj
    state.save()
    return {"id": obj_id, "object": obj}


def control_emit(server: SimServer, body: dict[str, Any]) -> Any:
    """POST /_sim/emit {"event", "data"}: queue a webhook as the API would (tests only)."""
    if not isinstance(body.get("event"), str):
        raise ApiError(400, "event: expected a string")
    return _snapshot(server.state.emit(body["event"], body.get("data", {})))


def control_tick(server: SimServer, _body: dict[str, Any]) -> Any:
    """POST /_sim/tick: run due async work now; reports what is still pending."""
    ran = server.state.run_due()
    return {"ran": ran, "pending": server.state.pending_tasks()}


CONTROL: dict[tuple[str, str], Callable[[SimServer, dict[str, Any]], Any]] = {
    ("POST", "/_sim/reset"): control_reset,
    ("GET", "/_sim/state"): control_state,
    ("GET", "/_sim/requests"): control_requests,
    ("DELETE", "/_sim/requests"): control_clear_requests,
    ("GET", "/_sim/error-reports"): control_error_reports,
    ("GET", "/_sim/webhooks"): control_webhooks,
    ("POST", "/_sim/wallet"): control_wallet,
    ("POST", "/_sim/clock"): control_clock,
    ("GET", "/_sim/faults"): control_get_faults,
    ("POST", "/_sim/faults"): control_set_faults,
    ("DELETE", "/_sim/faults"): control_clear_faults,
    ("GET", "/_sim/rate-limit"): control_get_rate_limit,
    ("POST", "/_sim/rate-limit"): control_set_rate_limit,
    ("POST", "/_sim/seed"): control_seed,
    ("POST", "/_sim/emit"): control_emit,
    ("POST", "/_sim/tick"): control_tick,
}


def serve(host: str, port: int, state: State, rate_limit: float, tls: tuple[str, str] | None = None) -> SimServer:
    """Bind the server (port 0 picks a free one); the caller runs ``serve_forever``.

    ``tls``: ``(certificate chain, private key)`` PEM files to serve HTTPS. The handshake runs in
    the request's thread (not in ``accept``), so a client that refuses the certificate or never
    speaks TLS cannot stall the server.
    """
    server = SimServer((host, port), state, rate_limit)
    scheme = "http"
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(*tls)
        except OSError:
            server.server_close()
            raise
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    print(f"listening on {scheme}://{host}:{server.server_address[1]}", flush=True)
    sys.stdout.flush()
    return server
