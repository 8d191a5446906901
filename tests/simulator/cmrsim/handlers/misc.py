"""``POST /send-errors`` (REFERENCE §10.6): record an integration's error report.

All five fields are required strings; ``query``, ``payload`` and ``response`` must hold JSON
text (DESIGN §2: ``"{}"`` when empty, never ``""``), so a client that sends objects or empty
strings gets a 400 naming the field.  Accepted bodies are listed by ``GET /_sim/error-reports``.
The answer is the bare ``{}`` the reference documents, not the envelope.
"""

from __future__ import annotations

import json
from typing import Any

import voluptuous as vol

from cmrsim.core import Ctx, Reply, route, text


def json_text(value: Any) -> str:
    """A string that parses as JSON."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string holding JSON text")
    try:
        json.loads(value)
    except ValueError:
        raise vol.Invalid("expected JSON text") from None
    return value


SEND_ERROR_SCHEMA = vol.Schema({
    vol.Required("method"): text,
    vol.Required("path"): text,
    vol.Required("query"): json_text,
    vol.Required("payload"): json_text,
    vol.Required("response"): json_text,
})


@route("POST", "/send-errors")
def send_errors(ctx: Ctx) -> Reply:
    """Record the report; answer ``{}``."""
    body = ctx.validate(SEND_ERROR_SCHEMA)
    ctx.state.error_reports.append(body)
    return Reply(raw={})
