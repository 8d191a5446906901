# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""What every CMR module shares: the common options, the client, one-line failures."""

from __future__ import annotations

import math
import typing as t

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    CmrApiError,
    CmrClient,
    cap,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import WaitTimeout

try:
    import voluptuous
except ImportError:  # pragma: no cover - reported at run time by CmrModule
    HAS_VOLUPTUOUS = False
else:
    HAS_VOLUPTUOUS = True

# docs/developer/DESIGN.md#common-options. Defaults live here and in the doc fragment doc_fragments/_common.py.
COMMON_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "api_key": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["CMR_API_KEY"])},
    "api_url": {"type": "str", "default": _api.DEFAULT_API_URL, "fallback": (env_fallback, ["CMR_API_URL"])},
    "sandbox": {"type": "bool", "default": False, "fallback": (env_fallback, ["CMR_SANDBOX"])},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path"},
    "timeout": {"type": "float", "default": 30.0},
    "api_retries": {"type": "int", "default": 5},
    "api_retry_timeout": {"type": "float", "default": 60.0},
    "report_errors": {"type": "bool", "default": True, "fallback": (env_fallback, ["CMR_REPORT_ERRORS"])},
    "api_rate_limit": {"type": "float", "default": 5.0, "fallback": (env_fallback, ["CMR_API_RATE_LIMIT"])},
    "api_rate_shared": {"type": "bool", "default": True, "fallback": (env_fallback, ["CMR_API_RATE_SHARED"])},
}


# Options that name or select CMR objects, in any module. A value that is given must hold
# something: a variable that rendered empty must never widen a selection (a partner-wide list
# read without a filter) or pick an object by accident.
IDENTIFIER_OPTIONS = frozenset((
    "user_id", "email", "mailbox_id", "subscription_id", "order_id", "credential_id",
    "domain", "name", "names", "username", "search", "keyword", "country_code", "contains", "org_id",
))

# A wait longer than a week is a typo, not a plan.
MAX_WAIT_TIMEOUT = 7 * 24 * 3600

# The longest message a module fails with; longer text (CMR echoing a huge input) is cut.
MAX_MESSAGE = 1000


# Checks one option's raw value; returns the problem in one line, or None.
OptionCheck = t.Callable[[t.Any], t.Optional[str]]


class _CmrAnsibleModule(AnsibleModule):
    """AnsibleModule whose failure is one line, never shows a no_log option and is never a traceback.

    Messages quote the task's input (AnsibleModule's own type errors too), which may hold line
    breaks, e.g. a TXT value; they are shown escaped so that the error stays one line.
    ansible-core forgets every no_log value when one dict or list-of-dict option cannot be read
    (a list of strings where dicts belong), and would then print api_key in ``invocation``:
    the no_log options are masked again before any failure.
    """

    def __init__(self, *args: t.Any, option_checks: t.Optional[t.Mapping[str, OptionCheck]] = None, **kwargs: t.Any) -> None:
        # Checks that word a problem better than ansible-core's validation can (the item of a list
        # and its field, a non-finite number's path): while the options are being read, they win.
        self._option_checks = dict(option_checks or {})
        self._reading_options = True
        try:
            super().__init__(*args, **kwargs)
        except (OverflowError, TypeError, ValueError) as exc:
            # ansible-core's validation raises on some input instead of failing: .inf for an int
            # option, a boolean where a dict of suboptions belongs.
            self.fail_json(msg=_unreadable_options(self.argument_spec, getattr(self, "params", None) or {}, exc))
        self._reading_options = False

    def fail_json(self, msg: str, **kwargs: t.Any) -> t.NoReturn:
        if self._reading_options:
            msg = self._clearer_problem(getattr(self, "params", None) or {}) or msg
        for name, option in self.argument_spec.items():
            value = (getattr(self, "params", None) or {}).get(name)
            if option.get("no_log") and isinstance(value, str) and value:
                self.no_log_values.add(value)
        lines = str(msg).splitlines()
        super().fail_json(msg="\\n".join(lines) if len(lines) > 1 else str(msg), **kwargs)

    def _clearer_problem(self, params: t.Mapping[str, t.Any]) -> t.Optional[str]:
        # ansible-core < 2.19 does not raise on .inf (or "inf") for an int option but fails with
        # its own type error ("unable to convert to int"): _named_problem words it the same way.
        problem = first_problem(non_finite_numbers(params)) or _named_problem(self.argument_spec, params)
        for option, check in self._option_checks.items():
            if problem is None and params.get(option) is not None:
                problem = check(params[option])
        return problem


def _unreadable_options(spec: dict[str, t.Any], params: dict[str, t.Any], exc: Exception) -> str:
    """One line naming the option ansible-core could not read, when it can be found."""
    return _named_problem(spec, params) or "the module options cannot be read: %s: %s" % (type(exc).__name__, exc)


def _named_problem(spec: dict[str, t.Any], params: dict[str, t.Any]) -> t.Optional[str]:
    """The option ansible-core's validation mishandles (see _CmrAnsibleModule), if any."""
    for name, option in spec.items():
        value = params.get(name)
        if option.get("type") in ("int", "float") and non_finite(value):
            return "%s must be a finite number, got %s" % (name, value)
        if option.get("options") and value is not None and not isinstance(value, (dict, list, str)):
            return "%s must be a dict, got %s" % (name, type(value).__name__)
    return None


def non_finite(value: t.Any) -> bool:
    """Whether a value reads as .inf or .nan (also as text, which ansible-core itself cannot convert)."""
    try:
        return not isinstance(value, bool) and not math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


UNEXPECTED_PREFIX = "unexpected response from cmr"  # module errors about an answer's shape start so


class CmrModule:
    """An AnsibleModule with the common options and a ready CmrClient.

    ``run(fn)`` calls ``fn()`` and turns every expected failure into one clear
    ``fail_json`` line, so no module ever shows a traceback for an API error.
    """

    def __init__(self, argument_spec: dict[str, t.Any], **kwargs: t.Any) -> None:
        spec = dict(COMMON_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.ansible = _CmrAnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.ansible.params
        self._check_requirements()
        # Every input check runs before the first request, so a bad value never half-applies a task.
        self._check_inputs()
        self.client: t.Optional[CmrClient] = None  # built by run(), inside the one-line error handling
        if not self.params["validate_certs"] and self.params["api_url"].lower().startswith("https:"):
            self.warn("validate_certs is false: the TLS certificate of %s is not verified, so anyone on the network path "
                      "could read the API key; use ca_path for a private CA instead" % self.params["api_url"])

    @property
    def check_mode(self) -> bool:
        return self.ansible.check_mode

    def warn(self, message: str) -> None:
        self.ansible.warn(message)

    def fail(self, message: str, **details: t.Any) -> t.NoReturn:
        self.ansible.fail_json(msg=cap(message, MAX_MESSAGE), **details)
        raise AssertionError("unreachable")  # fail_json exits; this keeps type checkers honest

    def exit(self, **result: t.Any) -> t.NoReturn:
        self.ansible.exit_json(**result)
        raise AssertionError("unreachable")

    def run(self, fn: t.Callable[[], dict[str, t.Any]]) -> t.NoReturn:
        """Run ``fn`` and exit with its result, or fail with one line."""
        try:
            self.client = self._build_client()
            result = fn()
        except CmrModuleError as exc:
            self.fail_after_writes(self._reported(str(exc)), **exc.details)
        except CmrApiError as exc:
            self.fail_after_writes(describe_api_error(exc), **api_error_details(exc))
        except WaitTimeout as exc:
            self.fail_after_writes(str(exc))
        except voluptuous.Invalid as exc:
            self.fail_after_writes(self._reported("Unexpected response from CMR: %s" % exc))
        self.exit(**self._with_readings(result))

    def fail_after_writes(self, message: str, **details: t.Any) -> t.NoReturn:
        """Fail; a run that had CMR accept a write (or may have) before failing reports changed=true."""
        if (self.client is not None and self.client.writes_applied) or details.get("maybe_applied"):
            details["changed"] = True
        self.fail(message, **self._with_readings(details))

    def _reported(self, message: str) -> str:
        """A module-level "unexpected response" is reported to /send-errors like the client's own (with the answer it is about)."""
        if self.client is None or not message.lower().startswith(UNEXPECTED_PREFIX):
            return message
        self.client.report_unexpected(message)
        endpoint = self.client.last_endpoint()
        if endpoint is not None and endpoint.guessed:
            message += " [the answer shape of %s is inferred from incomplete CMR docs]" % endpoint
        return message

    def _with_readings(self, result: dict[str, t.Any]) -> dict[str, t.Any]:
        """What the run learned about CMR's reading of the docs: a warning each, and ``api_readings`` to attach to a report."""
        readings = self.client.readings if self.client is not None else []
        if not readings:
            return result
        for reading in readings:
            self.warn("CMR API reading: %s (please tell the collection's maintainers, see api_readings)" % reading["note"])
        return dict(result, api_readings=list(readings))

    def _check_requirements(self) -> None:
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        if not HAS_VOLUPTUOUS:
            self.ansible.fail_json(msg=missing_required_lib("voluptuous"))

    def _check_inputs(self) -> None:
        problem = (
            first_problem(non_finite_numbers(self.params))
            or first_problem(empty_identifiers(self.params))
            or wait_timeout_problem(self.params)
        )
        if problem:
            self.fail(problem)

    def _build_client(self) -> CmrClient:
        p = self.params
        try:
            client = CmrClient(
                p["api_url"],
                p["api_key"],
                sandbox=p["sandbox"],
                validate_certs=p["validate_certs"],
                ca_path=p["ca_path"],
                timeout=p["timeout"],
                retries=p["api_retries"],
                retry_timeout=p["api_retry_timeout"],
                report_errors=p["report_errors"],
                rate_limit=p["api_rate_limit"],
                rate_shared=p["api_rate_shared"],
            )
        except CmrApiError as exc:  # unusable options (CmrConfigError): nothing was sent
            raise CmrModuleError(str(exc)) from exc
        if client.pacing_unshared:
            self.warn("api_rate_shared: the rate budget cannot be shared with the other processes that use this key "
                      "(%s); this task paces only itself, so parallel tasks may be answered HTTP 429" % client.pacing_unshared)
        return client


# --- input checks every module gets -------------------------------------------------------------

def first_problem(problems: t.Iterable[str]) -> t.Optional[str]:
    return next(iter(problems), None)


def non_finite_numbers(value: t.Any, path: str = "") -> t.Iterator[str]:
    """Every .inf or .nan in the options, nested ones included (no option of this collection takes them)."""
    if isinstance(value, float) and non_finite(value):
        yield "%s must be a finite number, got %s" % (path, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from non_finite_numbers(item, "%s.%s" % (path, key) if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from non_finite_numbers(item, "%s[%d]" % (path, index))


def empty_identifiers(params: t.Mapping[str, t.Any]) -> t.Iterator[str]:
    """Identifier and filter options that are set but empty (see IDENTIFIER_OPTIONS)."""
    for name in sorted(IDENTIFIER_OPTIONS.intersection(params)):
        value = params[name]
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, str) and not item.strip():
                where = "%s[%d]" % (name, index) if isinstance(value, list) else name
                yield ("%s is empty: give a value or leave the option out (an empty value never selects anything; "
                       "check the variable that sets it)" % where)


def wait_timeout_problem(params: t.Mapping[str, t.Any]) -> t.Optional[str]:
    # Checked before any request: a bad value found only while waiting would fail after the write.
    timeout = params.get("wait_timeout")
    if timeout is None or not params.get("wait"):
        return None
    if timeout <= 0:
        return "wait_timeout must be a number of seconds greater than 0, got %s; set wait: false not to wait" % timeout
    if timeout > MAX_WAIT_TIMEOUT:
        return "wait_timeout must be at most %d seconds (7 days), got %s" % (MAX_WAIT_TIMEOUT, timeout)
    return None


def describe_api_error(exc: CmrApiError) -> str:
    """One line that says what failed and what to do about the common cases."""
    if exc.status == 401:
        return "CMR rejected the API key (HTTP 401: %s); check api_key or CMR_API_KEY, and sandbox for a sandbox key" % exc.message
    return str(exc)


def api_error_details(exc: CmrApiError) -> dict[str, t.Any]:
    details: dict[str, t.Any] = {"status": exc.status}
    if exc.maybe_applied:
        details["maybe_applied"] = True
    return details


def run_resource(resource: t.Any, argument_spec: dict[str, t.Any], **kwargs: t.Any) -> None:
    """Entry point of the resource modules: build the module, then run the engine's cycle once.

    The resource is built inside run(): a constructor that validates options (e.g.
    warmup_settings) must fail with one line like every other check, not with a traceback.
    """
    kwargs.setdefault("option_checks", getattr(resource, "option_checks", None))
    module = CmrModule(argument_spec, supports_check_mode=True, **kwargs)
    module.run(lambda: resource(module).run())
