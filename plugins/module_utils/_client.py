# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The CMR HTTP client: session, auth, envelope, retries, pacing, pagination, error reports.

Retry policy (docs/developer/DESIGN.md#retries, stricter than CMR's advice that 5xx is retry-safe): a request is sent
again only when a repeat cannot duplicate work — the endpoint is safe to repeat, or the server
provably did not receive the request (429, or the connection failed before anything was
sent). A write that may have reached the server is never re-sent; the error says so
(``maybe_applied``) and the module re-reads state to decide.
"""

from __future__ import annotations

import json
import math
import os
import random
import socket
import ssl
import time
import traceback
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api, _pacing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import MASK, redact, redact_text

try:
    import requests
    import urllib3
    from urllib3.exceptions import NewConnectionError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

UNEXPECTED = "unexpected response from CMR"
MAYBE_APPLIED = "the request may have been applied: check the current state before sending it again"
USER_AGENT = "coldmailreseller.cmr (Ansible collection)"
SNIPPET = 300  # characters of a non-JSON body quoted in messages and reports
MAX_CMR_MESSAGE = 500  # characters of CMR's own message quoted in an error (it may echo a huge input)
# Upper bounds of the client's numbers: larger values are typos, and some overflow the socket layer.
MAX_TIMEOUT = 3600.0
MAX_RETRIES = 100
MAX_RETRY_TIMEOUT = 86400.0
CA_OPTIONS = ("set ca_path (or the REQUESTS_CA_BUNDLE environment variable) to the CA certificate that signed it, "
              "or validate_certs=false to skip the check")
MAX_PAGES = 10000  # a server that ignores `page` must not make get_all loop forever

# error_callback(method, full_path, query, payload, response); arguments are already redacted.
ErrorCallback = t.Callable[[str, str, t.Any, t.Any, t.Any], None]


class CmrApiError(Exception):
    """Every failure of a CMR call: HTTP error, transport error or unexpected response."""

    def __init__(self, status: int | None, message: str, method: str, path: str, data: t.Any = None, maybe_applied: bool = False) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.data = data
        self.maybe_applied = maybe_applied
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.method:
            return self.message
        status = "no response" if self.status is None else f"HTTP {self.status}"
        return f"CMR API {self.method} {self.path} failed ({status}): {self.message}"


class CmrConfigError(CmrApiError):
    """The client options are unusable (no request was made)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message, "", "")


class CmrResponse(t.NamedTuple):
    status: int
    message: str
    data: t.Any
    action_id: str | None


@dataclass
class _Failure:
    """Outcome of one attempt that did not produce a usable answer."""

    error: CmrApiError
    retryable: bool
    retry_after: float | None = None
    report: t.Any = None  # what to put in the error report's `response`; None: do not report


class _Backoff:
    """Retry budget: `retries` re-sends and `retry_timeout` seconds of waiting in total."""

    def __init__(self, retries: int, retry_timeout: float, initial: float, maximum: float) -> None:
        self.left = retries
        self.remaining = retry_timeout
        self.initial = initial
        self.maximum = maximum
        self.count = 0

    def next_delay(self, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget is spent."""
        if self.left <= 0:
            return None
        delay = retry_after if retry_after is not None else self._jittered()
        if delay > self.remaining:
            return None
        self.left -= 1
        self.remaining -= delay
        self.count += 1
        return delay

    def _jittered(self) -> float:
        # Jitter spreads retries of parallel tasks that share one key (5 rps per key).
        return min(self.maximum, self.initial * 2 ** self.count) * random.uniform(0.5, 1.0)


class CmrClient:
    """One client per module run; one `requests.Session` per client.

    ``retries`` is the number of re-sends of one request after its first attempt and
    ``retry_timeout`` the total seconds spent waiting between attempts over all the calls of
    this client, i.e. the module run (pacing not included); whichever runs out first ends the
    retries. ``backoff_initial``/``backoff_max`` shape the exponential backoff
    (docs/developer/API.md#errors-and-rate-limit suggests starting near a few seconds, capped near 30 s). With
    ``report_errors`` the ``error_callback`` (default: POST /send-errors) receives
    ``(method, full_path, query, payload, response)`` with secrets already redacted.
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        sandbox: bool = False,
        validate_certs: bool = True,
        ca_path: str | None = None,
        timeout: float = 30.0,
        retries: int = 5,
        retry_timeout: float = 60.0,
        report_errors: bool = True,
        rate_limit: float = _pacing.DEFAULT_RATE,
        rate_shared: bool = False,
        backoff_initial: float = 2.0,
        backoff_max: float = 30.0,
        error_callback: ErrorCallback | None = None,
    ) -> None:
        _check_options(api_url, api_key, sandbox)
        _check_ca_path(ca_path)
        _check_limits(timeout=timeout, api_retries=retries, api_retry_timeout=retry_timeout)
        self._base = api_url.rstrip("/")
        self._base_path = urlsplit(self._base).path
        self._key = api_key
        self._timeout = timeout
        self._retries = retries
        self._retry_time_left = retry_timeout  # seconds of retry waits left for this run (api_retry_timeout)
        self._backoff = (backoff_initial, backoff_max)
        self._callback = (error_callback or self._post_error_report) if report_errors else None
        self._reporting = False
        # One budget per API URL and key; rate_shared: every process on this machine shares it.
        try:
            self._pacer, self.pacing_unshared = _pacing.make_pacer(api_url, api_key, rate_limit, rate_shared)
        except _pacing.PacingError as exc:
            raise CmrConfigError(str(exc)) from None
        self.writes_applied = 0  # writes CMR accepted in this run: a later failure still leaves the account changed
        self._sleep = time.sleep  # replaced in unit tests
        # Passed with every request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a
        # session's `verify`, which would turn verification back on for validate_certs=false.
        self._verify: bool | str = (ca_path or True) if validate_certs else False
        if not validate_certs:
            # The module warns once in its result; urllib3's per-request warning would only repeat it.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self._session = requests.Session()
        self._session.headers.update({
            _api.SANDBOX_API_KEY_HEADER if sandbox else _api.API_KEY_HEADER: api_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })

    # --- public interface ----------------------------------------------------------------

    def call(self, endpoint: _api.Endpoint, query: t.Mapping[str, t.Any] | None = None, body: t.Any = None) -> CmrResponse:
        """Send one API call (with retries where safe) and return the unwrapped envelope."""
        # api_retries counts per request; api_retry_timeout is one budget for the whole run (every call shares it).
        backoff = _Backoff(self._retries, self._retry_time_left, *self._backoff)
        try:
            while True:
                outcome = self._attempt(endpoint, query, body)
                if isinstance(outcome, CmrResponse):
                    if not endpoint.reads:
                        self.writes_applied += 1
                    return outcome
                delay = backoff.next_delay(outcome.retry_after) if outcome.retryable else None
                if delay is None:
                    raise self._final_error(endpoint, query, body, outcome)
                self._sleep(delay)
        finally:
            self._retry_time_left = backoff.remaining

    def get_all(self, endpoint: _api.Endpoint, query: t.Mapping[str, t.Any] | None, items_key: str | None) -> list:
        """Read a list endpoint to the last page; items sit at data[items_key] (data itself if None)."""
        items: list = []
        previous: list = []
        for page in range(1, MAX_PAGES + 1):
            page_query = {**(query or {}), _api.PAGE_PARAM: page, _api.LIMIT_PARAM: _api.PAGE_LIMIT}
            response = self.call(endpoint, page_query)
            batch = self._page_items(endpoint, page_query, response, items_key)
            if batch and batch == previous:
                return items  # the server ignores `page` and answered the same list again: that list is all there is
            previous = batch
            items.extend(batch)
            if _is_last_page(response.data, page, len(batch)):
                return items
        failure = _Failure(self._error(endpoint, 200, f"{UNEXPECTED}: more than {MAX_PAGES} pages"), False, report={})
        raise self._final_error(endpoint, query, None, failure)

    def close(self) -> None:
        self._session.close()

    # --- one attempt ---------------------------------------------------------------------

    def _attempt(self, endpoint: _api.Endpoint, query: t.Mapping[str, t.Any] | None, body: t.Any) -> CmrResponse | _Failure:
        try:
            response = self._send(endpoint, query, body)
        except requests.exceptions.RequestException as exc:
            return self._transport_failure(endpoint, exc)
        except UnicodeError as exc:
            # requests decodes a redirect's Location as UTF-8 even with allow_redirects=False.
            return _Failure(self._error(endpoint, None, f"{UNEXPECTED}: unreadable redirect ({exc}); check api_url"), False)
        except OSError as exc:
            # Not a RequestException: requests raises a bare OSError for an unusable CA bundle (e.g. REQUESTS_CA_BUNDLE).
            return _Failure(self._error(endpoint, None, f"cannot verify TLS certificates: {exc}; {CA_OPTIONS}"), False)
        status = response.status_code
        if status == 429:
            # Rate limited: the server refused the request, so any endpoint may be re-sent.
            message = _envelope_message(response) or "rate limited"
            retry_after = _retry_after(response)
            if retry_after is not None:
                self._pacer.pause(retry_after)  # every process sharing the key waits, not only this one
            return _Failure(self._error(endpoint, status, message), True, retry_after)
        if status >= 500:
            return self._server_failure(endpoint, response)
        return self._result(endpoint, response)

    def _send(self, endpoint: _api.Endpoint, query: t.Mapping[str, t.Any] | None, body: t.Any) -> requests.Response:
        headers = {}
        if endpoint.spends_money:
            # An idle keep-alive socket the server already closed would fail only after the order
            # left, which looks "maybe applied". Dropping idle sockets forces a fresh connection,
            # on which a failure to connect proves nothing was sent.
            self._session.close()
            headers["Connection"] = "close"
        return self._paced(
            endpoint.method, self._base + endpoint.path, params=_query_params(query), json=body,
            headers=headers, timeout=self._timeout, allow_redirects=False,  # a redirected POST would become a GET
            verify=self._verify,
        )

    def _paced(self, method: str, url: str, **kwargs: t.Any) -> requests.Response:
        """One request inside the key's rate budget (module_utils/_pacing.py), held until its answer is read."""
        slot = self._pacer.acquire()
        try:
            return self._session.request(method, url, **kwargs)
        finally:
            self._pacer.release(slot)

    # --- classifying failures ----------------------------------------------------------------

    def _transport_failure(self, endpoint: _api.Endpoint, exc: Exception) -> _Failure:
        kind = _transport_kind(exc)
        what = _describe(exc, self._timeout)
        if kind == "fatal":
            if _is_certificate_error(exc):
                message = f"the TLS certificate of CMR at {self._base} could not be verified ({what}); {CA_OPTIONS}"
                return _Failure(self._error(endpoint, None, message), False)
            return _Failure(self._error(endpoint, None, f"cannot reach CMR at {self._base}: {what}"), False)
        if kind == "not sent":
            return _Failure(self._error(endpoint, None, f"could not connect to CMR at {self._base}: {what}"), True)
        if endpoint.safe_to_repeat:
            return _Failure(self._error(endpoint, None, f"connection to CMR failed: {what}"), True)
        error = self._error(endpoint, None, f"no answer from CMR after the request was sent ({what}); {MAYBE_APPLIED}", maybe_applied=True)
        return _Failure(error, False, report={"error": f"no response: {what}"})

    def _server_failure(self, endpoint: _api.Endpoint, response: requests.Response) -> _Failure:
        status = response.status_code
        message = _envelope_message(response) or f"server error (HTTP {status})"
        report = _report_body(response)
        if endpoint.safe_to_repeat:
            return _Failure(self._error(endpoint, status, message), True, report=report)
        error = self._error(endpoint, status, f"{message}; {MAYBE_APPLIED}", maybe_applied=True)
        return _Failure(error, False, report=report)

    def _result(self, endpoint: _api.Endpoint, response: requests.Response) -> CmrResponse | _Failure:
        status = response.status_code
        if 300 <= status < 400:
            where = response.headers.get("Location", "?")
            return _Failure(self._error(endpoint, status, f"CMR redirected to {where}; check api_url"), False)
        if status == 204 and not response.content:
            return CmrResponse(status, "", None, None)
        envelope = _parse_envelope(response.content)
        if isinstance(envelope, str):
            return self._broken(endpoint, response, envelope)
        message, data, action_id, body_status = envelope
        if status >= 400 or body_status >= 400:
            # 4xx: caused by the request; the message is CMR's and no report is sent.
            return _Failure(self._error(endpoint, max(status, body_status), message, data), False)
        return CmrResponse(status, message, data, action_id)

    def _broken(self, endpoint: _api.Endpoint, response: requests.Response, problem: str) -> _Failure:
        status = response.status_code
        if status >= 400:
            # A proxy's HTML 404/401 page: the request was wrong, not CMR; do not report it.
            return _Failure(self._error(endpoint, status, problem), False)
        # The server answered 2xx, so a write was probably applied even though we cannot read the answer.
        maybe = not endpoint.safe_to_repeat
        message = f"{UNEXPECTED}: {problem}" + (f"; {MAYBE_APPLIED}" if maybe else "")
        return _Failure(self._error(endpoint, status, message, maybe_applied=maybe), False, report=_report_body(response))

    def _page_items(self, endpoint: _api.Endpoint, query: dict, response: CmrResponse, items_key: str | None) -> list:
        data = response.data
        items = data if items_key is None else data.get(items_key) if isinstance(data, dict) else None
        if isinstance(items, list):
            return items
        where = "data" if items_key is None else f"data.{items_key}"
        failure = _Failure(self._error(endpoint, response.status, f"{UNEXPECTED}: {where} is not a list"), False,
                           report={_api.ENVELOPE_STATUS: response.status, _api.ENVELOPE_MESSAGE: response.message, _api.ENVELOPE_DATA: data})
        raise self._final_error(endpoint, query, None, failure)

    def _error(self, endpoint: _api.Endpoint, status: int | None, message: str, data: t.Any = None, maybe_applied: bool = False) -> CmrApiError:
        return CmrApiError(status, cap(self._scrub(message), MAX_CMR_MESSAGE), endpoint.method, endpoint.path, data, maybe_applied)

    def _scrub(self, text: str) -> str:
        # The key only travels as a header; this guards against a server or library echoing it.
        return text.replace(self._key, MASK) if self._key else text

    # --- error reports ---------------------------------------------------------------------

    def _final_error(self, endpoint: _api.Endpoint, query: t.Any, body: t.Any, failure: _Failure) -> CmrApiError:
        """Report an unexpected failure (once: only the final outcome of a call gets here); return the error to raise."""
        if failure.report is not None:
            self._report(endpoint, query, body, failure.report)
        return failure.error

    def _report(self, endpoint: _api.Endpoint, query: t.Any, body: t.Any, response: t.Any) -> None:
        # _reporting stops recursion even if a custom callback calls back into this client.
        if self._callback is None or self._reporting:
            return
        self._reporting = True
        try:
            self._callback(endpoint.method, self._base_path + endpoint.path, redact(query), redact(body), redact(response))
        except Exception:  # a failed report must never hide the error being reported
            pass
        finally:
            self._reporting = False

    def _post_error_report(self, method: str, full_path: str, query: t.Any, payload: t.Any, response: t.Any) -> None:
        """Default error callback: POST /send-errors (docs/developer/API.md#error-reports), one attempt, no retries."""
        report = {
            "method": method,
            "path": full_path,
            "query": self._scrub(_json_text(query)),
            "payload": self._scrub(_json_text(payload)),
            "response": self._scrub(_json_text(response)),
        }
        self._paced(
            _api.SEND_ERRORS.method, self._base + _api.SEND_ERRORS.path, json=report,
            timeout=self._timeout, allow_redirects=False, verify=self._verify,
        )


def call_unless_missing(client: CmrClient, endpoint: _api.Endpoint, query: t.Mapping[str, t.Any] | None = None,
                        body: t.Any = None) -> CmrResponse | None:
    """The response, or None when CMR answers 404: the object is not there (any more).

    Reads by ID use it to tell "no such object" from a failure, and removals to take an
    object that is already gone (a parallel run, a retried task) as the end state.
    Every other error is raised as it is.
    """
    try:
        return client.call(endpoint, query=query, body=body)
    except CmrApiError as exc:
        if exc.status == 404:
            return None
        raise


# --- helpers without state ------------------------------------------------------------------

def _check_options(api_url: str, api_key: str, sandbox: bool) -> None:
    if not HAS_REQUESTS:
        raise CmrConfigError("the Python library 'requests' is required by coldmailreseller.cmr")
    if not api_key or not api_key.strip():
        raise CmrConfigError("api_key is empty: set api_key or CMR_API_KEY")
    try:
        parts = urlsplit(api_url or "")
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise CmrConfigError(f"api_url is not a valid URL ({exc}): {cap(api_url, 200)!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CmrConfigError(f"api_url must be an http(s) URL with a host name, got {cap(api_url, 200)!r}")
    if sandbox and api_url.rstrip("/").lower() == _api.DEFAULT_API_URL.lower():
        raise CmrConfigError(
            "sandbox=true needs the sandbox's own api_url (option api_url or CMR_API_URL): "
            f"the sandbox key does not work against the production URL {_api.DEFAULT_API_URL}"
        )


def _check_ca_path(ca_path: str | None) -> None:
    if ca_path and not os.path.exists(ca_path):
        raise CmrConfigError(f"ca_path {ca_path!r} does not exist: give a CA certificate file (PEM) or a folder of them")


def _check_limits(timeout: float, api_retries: int, api_retry_timeout: float) -> None:
    """Reject numbers requests would turn into a traceback, or that make no sense (named as the options)."""
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise CmrConfigError(f"timeout must be a number of seconds greater than 0 and at most {MAX_TIMEOUT:g}, got {timeout:g}")
    if not 0 <= api_retries <= MAX_RETRIES:
        raise CmrConfigError(f"api_retries must be from 0 to {MAX_RETRIES}, got {api_retries}")
    if not (math.isfinite(api_retry_timeout) and 0 <= api_retry_timeout <= MAX_RETRY_TIMEOUT):
        raise CmrConfigError(f"api_retry_timeout must be from 0 to {MAX_RETRY_TIMEOUT:g} seconds, got {api_retry_timeout:g}")


def cap(text: t.Any, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out (messages quote input that may be huge)."""
    text = str(text)
    if len(text) <= limit:
        return text
    return "%s... (%d more characters)" % (text[:limit], len(text) - limit)


def _query_params(query: t.Mapping[str, t.Any] | None) -> dict | None:
    """requests renders True as 'True'; the API expects JSON-style 'true'/'false'."""
    if not query:
        return None
    return {key: (str(value).lower() if isinstance(value, bool) else value) for key, value in query.items() if value is not None}


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps: explicit causes, urllib3 `reason`, exception args.

    Implicit context (__context__) is ignored on purpose: it can hold an unrelated exception
    the caller was handling, e.g. an earlier refused connection.
    """
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        linked = (current.__cause__, getattr(current, "reason", None), *current.args)
        todo.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def _transport_kind(exc: Exception) -> str:
    """'not sent' (provably nothing reached the server), 'fatal' (retrying cannot help) or 'maybe sent'."""
    chain = _causes(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "not sent"
    if isinstance(exc, ValueError) or any(isinstance(item, (ssl.SSLCertVerificationError, ssl.CertificateError)) for item in chain):
        return "fatal"  # bad URL or certificate: raised before any byte of the request is sent
    if isinstance(exc, requests.exceptions.ConnectionError) and any(
            isinstance(item, (NewConnectionError, ConnectionRefusedError, socket.gaierror)) for item in chain):
        return "not sent"  # refused, DNS failure or connect error: the TCP connection never existed
    return "maybe sent"  # read timeout, reset, dropped connection: the body may have been received


def _is_certificate_error(exc: Exception) -> bool:
    return any(isinstance(item, (ssl.SSLCertVerificationError, ssl.CertificateError)) for item in _causes(exc))


def _describe(exc: Exception, timeout: float) -> str:
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{type(exc).__name__}: no answer within timeout={timeout:g}s"
    root = _causes(exc)[-1]
    return f"{type(root).__name__}: {root}"


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds; None (use backoff) when missing or not a number of seconds."""
    try:
        value = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _parse_envelope(content: bytes) -> tuple[str, t.Any, str | None, int] | str:
    """(message, data, action_id, status) of a `{status, message, data}` envelope, or a problem description."""
    try:
        body = json.loads(content)
    except ValueError:
        return f"body is not JSON: {_snippet(content)!r}"
    if not isinstance(body, dict):
        return f"body is not a JSON object: {_snippet(content)!r}"
    status, message, data = body.get(_api.ENVELOPE_STATUS), body.get(_api.ENVELOPE_MESSAGE, ""), body.get(_api.ENVELOPE_DATA)
    if isinstance(status, bool) or not isinstance(status, int):
        return f"envelope has no integer 'status': {_snippet(content)!r}"
    if not isinstance(message, str):
        return f"envelope 'message' is not a string: {_snippet(content)!r}"
    action_id = body.get(_api.ACTION_ID)
    if action_id is None and isinstance(data, dict):
        action_id = data.get(_api.ACTION_ID)
    if action_id is not None and not isinstance(action_id, str):
        return f"envelope '{_api.ACTION_ID}' is not a string: {_snippet(content)!r}"
    return message, data, action_id, status


def _envelope_message(response: requests.Response) -> str:
    envelope = _parse_envelope(response.content)
    return "" if isinstance(envelope, str) else envelope[0]


def _report_body(response: requests.Response) -> t.Any:
    """The response as a JSON-able object for an error report."""
    try:
        return json.loads(response.content)
    except ValueError:
        return {"status": response.status_code, "body": _snippet(response.content)}


def _snippet(content: bytes) -> str:
    """The start of a body for messages and reports, secrets masked (redacted before it is cut,
    so a secret value on the cut cannot slip through half-masked)."""
    return redact_text(content[:64 * 1024].decode("utf-8", "replace"))[:SNIPPET]


def _json_text(value: t.Any) -> str:
    """JSON text for a /send-errors field: always valid JSON, "{}" when there is nothing."""
    if value is None or value == "" or value == {} or value == []:
        return "{}"
    return json.dumps(value, sort_keys=True, default=str)


def _is_last_page(data: t.Any, page: int, count: int) -> bool:
    """Pagination metadata wins when present (a server may cap `limit` below 100); else a short page ends the list."""
    if count == 0:
        return True
    meta = data.get(_api.PAGINATION, data) if isinstance(data, dict) else None
    total = _as_int(meta.get(_api.TOTAL_PAGES)) if isinstance(meta, dict) else None
    if total is None:
        return count < _api.PAGE_LIMIT
    current = _as_int(meta.get(_api.CURRENT_PAGE)) or page
    return current >= total


def _as_int(value: t.Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
