"""``POST /send-errors`` (docs/developer/API.md#error-reports): record an integration's error report.

All five fields are required strings, the empty one included.  ``query``, ``payload`` and ``response`` are meant to
carry JSON text, but the API contract types them as plain strings and does not forbid an
empty or non-JSON one, so any string is accepted and stored as sent (a client's own tests
decide whether what it sends is JSON).  Objects or numbers get a 400 naming the field.
Accepted bodies are listed by ``GET /_sim/error-reports``.  The answer is the bare ``{}``
the reference documents, not the envelope.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim.core import Ctx, Reply, route


def string(value: Any) -> str:
    """Any string, the empty one included."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string")
    return value


SEND_ERROR_SCHEMA = vol.Schema({
    vol.Required("method"): string,
    vol.Required("path"): string,
    vol.Required("query"): string,
    vol.Required("payload"): string,
    vol.Required("response"): string,
})


@route("POST", "/send-errors")
def send_errors(ctx: Ctx) -> Reply:
    """Record the report; answer ``{}``."""
    body = ctx.validate(SEND_ERROR_SCHEMA)
    ctx.state.error_reports.append(body)
    return Reply(raw={})
