"""Readings of the CMR docs: one strict answer per endpoint, and a variant per alternative.

The docs contradict themselves in places (docs/developer/API.md#contradictions) and leave the shape of several list
answers open. Without a variant the simulator serves exactly one reading per endpoint (no
silent aliases); each variant switches it to one documented alternative, so a test can prove
that the collection copes with whichever reading the real service turns out to use.

A variant can hide routes (404 or 405 as for any missing route), show routes the default
reading hides, refuse a request form (``refuse``), or reshape a successful answer
(``reshape``). ``webhook-event-type`` is applied by ``State.emit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

Route = tuple[str, str]


@dataclass(frozen=True)
class Variant:
    """One alternative reading of the docs."""

    summary: str
    hides: frozenset[Route] = frozenset()
    shows: frozenset[Route] = frozenset()
    refuse: Callable[[str, str, Any], str | None] | None = None  # (method, path, body) -> 400 message or None
    reshape: dict[Route, Callable[[Any], Any]] = field(default_factory=dict)  # route -> new `data`


# Routes the default reading does not serve: the other side of a contradiction.
DEFAULT_HIDDEN: frozenset[Route] = frozenset({
    ("POST", "/domains/toggle-auto-renew"),  # the newer docs say PATCH
    ("POST", "/subscriptions/recreate"),  # the Apidog page says /component/subscriptions/recreate
})


def _refuse_partial_user(method: str, path: str, body: Any) -> str | None:
    from cmrsim.handlers.users import REQUIRED  # pylint: disable=import-outside-toplevel
    if (method, path) != ("PUT", "/users") or not isinstance(body, dict):
        return None
    missing = [name for name in REQUIRED if name not in body]
    return f"Validation error: the full billing object is required ({', '.join(missing)} missing)" if missing else None


def _refuse_bulk_workspace(method: str, path: str, body: Any) -> str | None:
    if (method, path) == ("POST", "/domains/has-workspace") and isinstance(body, dict) and "domains" in body:
        return "Validation error: domainName is required"
    return None


def _export_key(accepted: str, refused: str) -> Callable[[str, str, Any], str | None]:
    def refuse(method: str, path: str, body: Any) -> str | None:
        if (method, path) == ("POST", "/exports/platform-exports") and isinstance(body, dict) and refused in body:
            return f"Validation error: {refused} is not allowed; give {accepted}"
        return None
    return refuse


def _wrap(key: str) -> Callable[[Any], Any]:
    return lambda data: {key: data} if isinstance(data, list) else data


def _unwrap(key: str) -> Callable[[Any], Any]:
    return lambda data: data.get(key) if isinstance(data, dict) and isinstance(data.get(key), list) else data


def _rewrap(old: str | None, new: str) -> Callable[[Any], Any]:
    def reshape(data: Any) -> Any:
        items = data if old is None else data.get(old) if isinstance(data, dict) else None
        if not isinstance(items, list):
            return data
        rest = {k: v for k, v in data.items() if k != old} if isinstance(data, dict) else {}
        return {**rest, new: items}
    return reshape


def _no_data(_data: Any) -> Any:
    return None


VARIANTS: dict[str, Variant] = {
    "auto-renew-post": Variant(
        "domain auto-renew is POST /domains/toggle-auto-renew (older docs copy), PATCH is not served",
        hides=frozenset({("PATCH", "/domains/toggle-auto-renew")}), shows=frozenset({("POST", "/domains/toggle-auto-renew")})),
    "recreate-short-path": Variant(
        "subscription recreation is POST /subscriptions/recreate (help guide), not /component/subscriptions/recreate",
        hides=frozenset({("POST", "/component/subscriptions/recreate")}), shows=frozenset({("POST", "/subscriptions/recreate")})),
    "users-put-full": Variant(
        "PUT /users needs the full billing object; a partial update is a validation error (help guide)",
        refuse=_refuse_partial_user),
    "renew-no-action-id": Variant(
        "POST /subscriptions/renew-subscriptions answers data null without actionId (older docs copy)",
        reshape={("POST", "/subscriptions/renew-subscriptions"): _no_data}),
    "webhook-event-type": Variant(
        "webhook bodies name the event under eventType instead of event (help guide warmup examples)"),
    "export-mailbox-ids": Variant(
        "platform export takes mailboxIds (help guide); componentMailboxIds is refused",
        refuse=_export_key("mailboxIds", "componentMailboxIds")),
    "has-workspace-single-only": Variant(
        "POST /domains/has-workspace takes one domainName per request; the bulk domains form is refused",
        refuse=_refuse_bulk_workspace),
    "wallet-absent": Variant(
        "GET /wallet does not exist (its path is inferred from a page title only)",
        hides=frozenset({("GET", "/wallet")})),
    "lists-wrapped": Variant(
        "list answers hold their items under a named key: data.domains, data.mailboxes (instead of data being the list)",
        reshape={("GET", "/domains/by-user"): _wrap("domains"), ("GET", "/mailboxes/single"): _wrap("mailboxes")}),
    "lists-bare": Variant(
        "GET /users/list answers data as the list itself (instead of data.users)",
        reshape={("GET", "/users/list"): _unwrap("users")}),
    "lists-items": Variant(
        "every list answer holds its items under data.items (users, domains, mailboxes, subscriptions)",
        reshape={("GET", "/users/list"): _rewrap("users", "items"), ("GET", "/domains/by-user"): _rewrap(None, "items"),
                 ("GET", "/mailboxes/single"): _rewrap(None, "items"), ("GET", "/subscriptions"): _rewrap("subscriptions", "items")}),
}
# Which variants may be combined: two that answer the same route differently cannot.
CONFLICTS = ({"lists-wrapped", "lists-items"}, {"lists-bare", "lists-items"})


def check(names: list[str]) -> list[str]:
    """The names, validated: every one known, no two that contradict each other. ValueError otherwise."""
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(sorted(VARIANTS))}")
    chosen = set(names)
    for pair in CONFLICTS:
        if pair <= chosen:
            raise ValueError(f"variants {' and '.join(sorted(pair))} answer the same lists differently")
    return sorted(chosen)


def describe() -> str:
    """One line per variant, for --list-variants."""
    width = max(len(name) for name in VARIANTS)
    return "\n".join(f"{name:<{width}}  {variant.summary}" for name, variant in VARIANTS.items())


def hidden(active: frozenset[str] | set[str]) -> set[Route]:
    """Routes that do not exist in the chosen reading."""
    routes = set(DEFAULT_HIDDEN)
    for name in active:
        routes -= VARIANTS[name].shows
    for name in active:
        routes |= VARIANTS[name].hides
    return routes


_DEFAULT_REFUSALS = {"export-mailbox-ids": _export_key("componentMailboxIds", "mailboxIds")}  # unless that variant is on


def refusal(active: frozenset[str] | set[str], method: str, path: str, body: Any) -> str | None:
    """A 400 message when the chosen reading does not accept this form of request."""
    for name, refuse in _DEFAULT_REFUSALS.items():
        message = None if name in active else refuse(method, path, body)
        if message:
            return message
    for name in sorted(active):
        refuse = VARIANTS[name].refuse
        message = refuse(method, path, body) if refuse else None
        if message:
            return message
    return None


def reshape(active: frozenset[str] | set[str], method: str, path: str, body: Any) -> Any:
    """The answer body of a successful call as the chosen reading shapes it."""
    if not isinstance(body, dict) or body.get("status", 500) >= 400:
        return body
    for name in sorted(active):
        change = VARIANTS[name].reshape.get((method, path))
        if change is not None:
            body = dict(body, data=change(body.get("data")))
            if change is _no_data:
                body.pop("actionId", None)
    return body


def event_key(active: frozenset[str] | set[str]) -> str:
    """The key that names the event in a webhook body."""
    return "eventType" if "webhook-event-type" in active else "event"
