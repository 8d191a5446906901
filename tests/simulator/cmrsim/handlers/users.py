"""Users (docs/developer/API.md#users): list, get, create, update, delete with the deletion gate.

Simulator choices (*inferred* parts of the API):
* ``GET /users/list``: ``page``, ``limit`` (default 20, max 100), ``search`` (case-insensitive
  substring of email, first/last name, full name or company); ``data = {users, pagination}``.
* A second user with the same e-mail (case-insensitive) → 409.
* ``PUT`` accepts a partial or a full object (both readings of docs/developer/API.md#user-update-body); ``userId``
  and ``createdAt`` may be echoed back and are ignored.
* ``DELETE`` while the user owns domains or mailboxes → 409 with
  ``data = {domainCount, mailboxCount}``; a deleted user's remaining objects (orders,
  subscriptions, credentials, …) disappear with it.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import geo
from cmrsim.core import ApiError, Ctx, Reply, email_address, optional_plain_text, paginate, plain_text, route

REQUIRED = ("email", "company", "firstName", "lastName", "country", "state", "city", "addressLineOne",
            "postalCode", "languagePreference", "phoneCc", "phone")
OPTIONAL = ("addressLineTwo", "addressLineThree")
FIELDS = REQUIRED[:6] + ("city", "addressLineOne", "addressLineTwo", "addressLineThree") + REQUIRED[8:]


def country_code(value: Any) -> str:
    """An ISO alpha-2 code listed by ``/geo/countries`` (exact, upper case)."""
    if not isinstance(value, str) or not geo.is_country(value):
        raise vol.Invalid(f"unknown country code {value!r} (use a code from /geo/countries)")
    return value


def _validator(name: str) -> Any:
    if name == "email":
        return email_address
    if name == "country":
        return country_code
    return optional_plain_text if name in OPTIONAL else plain_text


CREATE_SCHEMA = vol.Schema({
    **{vol.Required(name): _validator(name) for name in REQUIRED},
    **{vol.Optional(name): _validator(name) for name in OPTIONAL},
})
UPDATE_SCHEMA = vol.Schema({
    **{vol.Optional(name): _validator(name) for name in REQUIRED + OPTIONAL},
    vol.Optional("userId"): str,
    vol.Optional("createdAt"): vol.Any(None, str),
})


def _check_state(country: str, state: str) -> None:
    if not geo.is_state_of(country, state):
        raise ApiError(400, f"state: {state!r} is not a state of {country} (use a name or code from /geo/states)")


def _check_unique_email(ctx: Ctx, email: str, user_id: str | None = None) -> None:
    wanted = email.casefold()
    for other in ctx.state.data["users"].values():
        if other["email"].casefold() == wanted and other["userId"] != user_id:
            raise ApiError(409, "A user with this email already exists")


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    """The user as the API returns it (a copy, so callers cannot mutate state)."""
    return dict(user)


def _matches(user: dict[str, Any], needle: str) -> bool:
    haystack = (user["email"], user["firstName"], user["lastName"], f"{user['firstName']} {user['lastName']}", user["company"])
    return any(needle in value.casefold() for value in haystack)


@route("GET", "/users/list")
def list_users(ctx: Ctx) -> Reply:
    """Paginated users of the partner, oldest first, optionally filtered by ``search``."""
    users = list(ctx.state.data["users"].values())
    needle = ctx.query.get("search", "").strip().casefold()
    if needle:
        users = [user for user in users if _matches(user, needle)]
    page, pagination = paginate(users, ctx.query)
    return Reply(data={"users": [public_user(user) for user in page], "pagination": pagination}, message="Users fetched successfully")


@route("GET", "/users")
def get_user(ctx: Ctx) -> Reply:
    """One user's profile."""
    return Reply(data=public_user(ctx.user()), message="User fetched successfully")


@route("POST", "/users")
def create_user(ctx: Ctx) -> Reply:
    """Create a user; ``data.id`` is the new userId."""
    body = ctx.validate(CREATE_SCHEMA)
    _check_state(body["country"], body["state"])
    _check_unique_email(ctx, body["email"])
    user_id = ctx.state.new_id()
    user = {"userId": user_id, **{name: body.get(name) for name in FIELDS}, "createdAt": ctx.state.iso()}
    ctx.state.data["users"][user_id] = user
    return Reply(data={"id": user_id}, message="User created")


@route("PUT", "/users")
def update_user(ctx: Ctx) -> Reply:
    """Update the given fields (partial or full object) and return the whole user."""
    user = ctx.user()
    body = ctx.validate(UPDATE_SCHEMA)
    if body.get("userId") not in (None, user["userId"]):
        raise ApiError(400, "userId: does not match the userId query parameter")
    changes = {name: body[name] for name in REQUIRED + OPTIONAL if name in body}
    merged = {**user, **changes}
    if "country" in changes or "state" in changes:
        _check_state(merged["country"], merged["state"])
    if "email" in changes:
        _check_unique_email(ctx, merged["email"], user["userId"])
    user.update(changes)
    return Reply(data=public_user(user), message="User updated successfully")


@route("DELETE", "/users")
def delete_user(ctx: Ctx) -> Reply:
    """Delete a user that owns no domain and no mailbox, with everything else it owns."""
    user = ctx.user()
    user_id = user["userId"]
    counts = {"domainCount": len(ctx.state.owned_by("domains", user_id)), "mailboxCount": len(ctx.state.owned_by("mailboxes", user_id))}
    if counts["domainCount"] or counts["mailboxCount"]:
        raise ApiError(409, f"User still has {counts['domainCount']} domain(s) and {counts['mailboxCount']} mailbox(es); "
                            "remove them before deleting the user", data=counts)
    for name, collection in ctx.state.data.items():
        if name != "users" and isinstance(collection, dict):
            for obj_id in [key for key, obj in collection.items() if isinstance(obj, dict) and obj.get("userId") == user_id]:
                del collection[obj_id]
    del ctx.state.data["users"][user_id]
    return Reply(message="User deleted successfully")
