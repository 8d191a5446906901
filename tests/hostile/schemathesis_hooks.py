"""Schemathesis check loaded by test_simulator_fuzz.py (SCHEMATHESIS_HOOKS=schemathesis_hooks).

``json_envelope``: every answer of the simulator is JSON; CMR answers are the envelope
``{status, message, data}`` whose ``status`` is the HTTP status, except the documented bare
``{}`` of ``POST /send-errors``.
"""

from __future__ import annotations

import json
import typing as t

import schemathesis


@schemathesis.check
def json_envelope(ctx: t.Any, response: t.Any, case: t.Any) -> None:  # pylint: disable=unused-argument
    """The body is JSON and, but for /send-errors' {}, the CMR envelope with the HTTP status."""
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/json"):
        raise AssertionError(f"Content-Type is {content_type!r}, not application/json")
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"body is not JSON: {response.content[:200]!r}") from exc
    if case.path == "/send-errors" and case.method.upper() == "POST" and response.status_code == 200:
        if body != {}:
            raise AssertionError(f"/send-errors answered {body!r}, not {{}}")
        return
    if not isinstance(body, dict) or set(body) - {"actionId"} != {"status", "message", "data"}:
        raise AssertionError(f"not the envelope {{status, message, data}}: {str(body)[:200]}")
    if body["status"] != response.status_code or not isinstance(body["message"], str):
        raise AssertionError(f"envelope status {body['status']!r} or message disagrees with HTTP {response.status_code}")
