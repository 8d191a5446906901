"""Handler plumbing shared by every API area: errors, replies, the route registry and ``Ctx``.

A handler is a plain function registered with ``@route(method, path)``.  It receives a
``Ctx`` and returns a ``Reply`` (or raises ``ApiError``).  The server holds ``state.lock``
around every handler call, so handlers may read and mutate ``ctx.state.data`` freely.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import json
import math
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import voluptuous as vol

Handler = Callable[["Ctx"], "Reply"]

# (METHOD, path) -> handler; path is the CMR path without /api/v1/integration and query.
ROUTES: dict[tuple[str, str], Handler] = {}

# Named lifecycle hooks other modules may subscribe to (see ``hook``).
HOOKS: dict[str, list[Callable[[Any], None]]] = {"reset": [], "clock": []}


class ApiError(Exception):
    """An API failure answered with the error envelope ``{status, message, data}``."""

    def __init__(self, status: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.data = data


@dataclass
class Reply:
    """A successful answer.

    ``action_id``: ``False`` (none), ``True`` (mint ``ACT_<uuid4>``) or a ready-made id
    string (mint it first with ``state.action_id()`` when a webhook must carry the same id).
    The id goes to the top level of the envelope and into ``data`` when ``data`` is a dict.
    ``raw``: when not ``None`` it is sent as the whole JSON body, without an envelope
    (``/send-errors`` answers ``{}``).
    """

    data: Any = None
    message: str = "Success"
    status: int = 200
    action_id: bool | str = False
    raw: Any = None

    def resolved_action_id(self) -> str | None:
        """The action id to send, minting one on first use when ``action_id is True``."""
        if self.action_id is True:
            self.action_id = new_action_id()
        return self.action_id or None

    def body(self) -> Any:
        """The JSON-serialisable response body."""
        if self.raw is not None:
            return self.raw
        envelope: dict[str, Any] = {"status": self.status, "message": self.message, "data": self.data}
        action_id = self.resolved_action_id()
        if action_id:
            if isinstance(self.data, dict):
                envelope["data"] = {**self.data, "actionId": action_id}
            envelope["actionId"] = action_id
        return envelope


def new_action_id() -> str:
    """``ACT_<uuid4>``, the documented format of asynchronous action ids."""
    return f"ACT_{uuid.uuid4()}"


def error_body(status: int, message: str, data: Any = None) -> dict[str, Any]:
    """The error envelope (``data`` is ``null`` unless the error carries details)."""
    return {"status": status, "message": message, "data": data}


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` for ``METHOD path``; stack decorators to serve several methods."""
    key = (method.upper(), path)

    def register(fn: Handler) -> Handler:
        if key in ROUTES and ROUTES[key] is not fn:
            raise RuntimeError(f"route {key[0]} {key[1]} registered twice")
        ROUTES[key] = fn
        return fn

    return register


def hook(name: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Subscribe ``fn(state)`` to a lifecycle event, called with the lock held.

    ``reset``: after the state was emptied (start without a state file, ``POST /_sim/reset``);
    use it to seed fixed data such as inventories.  ``clock``: after ``POST /_sim/clock``
    moved every stored date into the past; use it to apply date-driven transitions.
    """

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        HOOKS.setdefault(name, []).append(fn)
        return fn

    return register


def known_methods(path: str) -> list[str]:
    """Methods registered for ``path`` (used to answer 405 instead of 404)."""
    return sorted(method for method, registered in ROUTES if registered == path)


def error_path(path: Iterable[Any]) -> str:
    """Render a voluptuous error path as ``records[0].host``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def invalid_message(err: vol.Invalid) -> str:
    """One line naming the field: ``records[0].host: required key not provided``."""
    if isinstance(err, vol.MultipleInvalid):
        err = err.errors[0]
    where = error_path(err.path) or "body"
    return f"{where}: {err.error_message or err.msg}"


# ---------------------------------------------------------------------------------------------
# Reusable validators (voluptuous callables raising ``vol.Invalid``).

NAME_PUNCTUATION = set(" .,'#&()/-")


def text(value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string")
    if not value.strip():
        raise vol.Invalid("must not be empty")
    return value


def plain_text(value: Any) -> str:
    """CMR's character rule for user fields (docs/developer/API.md#users).

    Unicode letters, digits, spaces and ``. , ' # & ( ) / -``; HTML entities such as
    ``&#39;`` are decoded before the check.  The value is returned as sent (not decoded) so
    that what a client wrote reads back identically.
    """
    text(value)
    bad = sorted({ch for ch in html.unescape(value) if not (ch.isalpha() or ch.isdigit() or ch in NAME_PUNCTUATION)})
    if bad:
        raise vol.Invalid(f"contains characters that are not allowed: {''.join(bad)!r}")
    return value


def optional_plain_text(value: Any) -> str | None:
    """Like ``plain_text`` but ``None`` and ``""`` are accepted (optional fields)."""
    if value is None or value == "":
        return value
    return plain_text(value)


def email_address(value: Any) -> str:
    """A plausible e-mail address (``local@domain.tld``, no spaces)."""
    text(value)
    local, _at, domain = value.partition("@")
    if not local or "." not in domain or any(ch.isspace() for ch in value) or domain.startswith(".") or domain.endswith("."):
        raise vol.Invalid("expected an e-mail address")
    return value


def boolean(value: Any) -> bool:
    """A JSON boolean (no "yes"/1 coercion: a client sending strings has a bug)."""
    if not isinstance(value, bool):
        raise vol.Invalid("expected a boolean")
    return value


def int_param(query: dict[str, str], name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    """An integer query parameter with bounds; 400 naming the parameter when invalid."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name}: expected an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ApiError(400, f"{name}: must be between {minimum}{upper}" if upper else f"{name}: must be at least {minimum}")
    return value


def paginate(items: list[Any], query: dict[str, str], default_limit: int = 20, max_limit: int = 100) -> tuple[list[Any], dict[str, Any]]:
    """Slice ``items`` by ``page``/``limit`` and build the documented pagination block.

    Returns ``(page_items, {totalSearchedCount, currentPage, nextPage, totalPages})``;
    ``nextPage`` is ``None`` on the last page.  An empty list has ``totalPages`` 0.
    """
    page = int_param(query, "page", 1)
    limit = int_param(query, "limit", default_limit, maximum=max_limit)
    total = len(items)
    pages = math.ceil(total / limit)
    chunk = items[(page - 1) * limit:page * limit]
    return chunk, {
        "totalSearchedCount": total,
        "currentPage": page,
        "nextPage": page + 1 if page < pages else None,
        "totalPages": pages,
    }


# ---------------------------------------------------------------------------------------------


class Ctx:
    """Everything a handler needs about one request."""

    def __init__(self, state: Any, method: str, path: str, query: dict[str, str], body: Any,
                 headers: Any, raw_body: bytes = b"") -> None:
        self.state = state
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers
        self.raw_body = raw_body

    # -- scope ------------------------------------------------------------------------------

    def user_id(self, required: bool = True, source: str = "query") -> str | None:
        """The ``userId`` of the request.

        ``source``: ``query`` (``?userId=``), ``body`` (``{"userId": …}``) or ``either``
        (query first).  Missing and required → 400 "userId must be provided".
        """
        value: Any = None
        if source in ("query", "either"):
            value = self.query.get("userId")
        if not value and source in ("body", "either") and isinstance(self.body, dict):
            value = self.body.get("userId")
        if value is not None and not isinstance(value, str):
            raise ApiError(400, "userId: expected a string")
        if not value:
            if required:
                raise ApiError(400, "userId must be provided")
            return None
        return value

    def user(self, source: str = "query") -> dict[str, Any]:
        """The user named by ``userId`` (400 when missing, 404 when unknown)."""
        user_id = self.user_id(required=True, source=source)
        user = self.state.data["users"].get(user_id)
        if user is None:
            raise ApiError(404, "The requested user does not exist")
        return user

    # -- body -------------------------------------------------------------------------------

    def validate(self, schema: Any) -> Any:
        """Validate the JSON body with voluptuous; 400 naming the field on any error.

        ``schema`` may be a ``voluptuous.Schema`` or anything ``Schema()`` accepts (a dict
        schema rejects unknown keys, voluptuous' default).  A missing body counts as ``{}``
        so that the error names the first required key.  Returns the validated value.
        """
        if not isinstance(schema, vol.Schema):
            schema = vol.Schema(schema)
        body = {} if self.body is None else self.body
        try:
            return schema(body)
        except vol.Invalid as err:
            raise ApiError(400, invalid_message(err)) from None

    def form(self) -> dict[str, Any]:
        """Fields of a ``multipart/form-data`` body: text parts as ``str``, files as ``bytes``.

        JSON-looking text fields are left as text; a handler decides what to decode.
        """
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            raise ApiError(400, "Expected a multipart/form-data body")
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.raw_body)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            fields[name] = payload if part.get_filename() else payload.decode("utf-8", "replace")
        return fields


def dumps(value: Any) -> bytes:
    """JSON bytes for a response or a webhook body (``default=str`` keeps odd values alive)."""
    return json.dumps(value, default=str, separators=(",", ":")).encode()
