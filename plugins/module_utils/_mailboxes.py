# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Mailboxes: reads, normalisation, warmup transitions and the removal rules.

Shared by cmr_mailbox, cmr_mailbox_info, cmr_order (which only ensures mailboxes exist) and
cmr_subscription (which lists what a cancellation deletes). Mailboxes come back in snake_case
(``_api.MAILBOX_FIELDS``); credentials are only read by ``admin_details``.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import parse_time
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import require_user

try:
    import voluptuous as vol
except ImportError:  # pragma: no cover - CmrModule reports the missing library
    vol = None  # type: ignore[assignment]

# Warmup states a task can ask for (option `warmup`) and the API values they mean.
WARMUP_CHOICES = ("active", "paused", "stopped")
ENROL = "enrol"  # POST /mailboxes/warmup: first enrolment, or re-enrolment after STOPPED (charged)
RESUME = "resume"  # PATCH status ACTIVE
PAUSE = "pause"  # PATCH status PAUSED
STOP = "stop"  # DELETE /mailboxes/warmup (permanent)


# --- reading --------------------------------------------------------------------------------------

def mailbox_email(username: str, domain: str) -> str:
    return "%s@%s" % (username.strip().lower(), canonical_name(domain))


def canonical_email(email: str) -> str:
    local, _sep, domain = email.strip().partition("@")
    return mailbox_email(local, domain) if domain else email.strip().lower()


def split_address(email: str, option: str = "email") -> tuple[str, str]:
    """(username, domain) of a mailbox address, or one line naming the option that holds a bad one."""
    username, sep, domain = canonical_email(email).partition("@")
    if not sep or not username or not domain or "@" in domain or " " in email.strip():
        raise CmrModuleError("%s must give a mailbox address such as jane@acme-outreach.com, got %r" % (option, email))
    return username, domain


def normalise_mailbox(obj: t.Mapping[str, t.Any], credentials: bool = False) -> dict[str, t.Any]:
    """snake_case mailbox. ``warmup_settings`` is present only when CMR reported it."""
    mailbox = _api.from_api(_api.MAILBOX_FIELDS, obj)
    if mailbox.get("username") is None:
        mailbox["username"] = obj.get(_api.MAILBOX_USERNAME_ALIAS)
    if mailbox.get("email") is None and mailbox.get("username") and mailbox.get("domain"):
        mailbox["email"] = mailbox_email(mailbox["username"], mailbox["domain"])
    if _api.MAILBOX_WARMUP_SETTINGS in obj:
        settings = obj[_api.MAILBOX_WARMUP_SETTINGS]
        reported = _api.from_api(_api.WARMUP_SETTINGS_FIELDS, settings) if isinstance(settings, dict) else {}
        mailbox["warmup_settings"] = {key: value for key, value in reported.items() if value is not None} or None
    if credentials:
        mailbox.update(_api.from_api(_api.MAILBOX_CREDENTIAL_FIELDS, obj))
    return mailbox


def raw_mailboxes(client: CmrClient, user_id: str) -> list[dict[str, t.Any]]:
    """Every mailbox of the user (all pages) as CMR sends it; a 404 means the user does not exist."""
    try:
        items = client.get_all(_api.MAILBOXES_BY_USER, {_api.USER_ID: user_id}, None)
    except CmrApiError as exc:
        if exc.status == 404:
            raise CmrModuleError("user_id %s does not exist in this CMR account (%s)" % (user_id, exc.message)) from exc
        raise
    return [item for item in items if isinstance(item, dict)]


def list_mailboxes(client: CmrClient, user_id: str, check_user: bool = False) -> list[dict[str, t.Any]]:
    """Every mailbox of the user (all pages), normalised.

    With ``check_user`` an empty list is followed by a user lookup: CMR may answer an empty
    list for an unknown userId (docs/developer/API.md#unknown-user-ids), which must not look like "no mailboxes".
    """
    mailboxes = [normalise_mailbox(item) for item in raw_mailboxes(client, user_id)]
    if check_user and not mailboxes:
        require_user(client, user_id)
    return mailboxes


def get_mailbox(client: CmrClient, mailbox_id: str) -> t.Optional[dict[str, t.Any]]:
    """The mailbox with this ID, or None when CMR does not know it (any more)."""
    response = call_unless_missing(client, _api.MAILBOX, query={_api.MAILBOX_ID: mailbox_id})
    if response is None:
        return None
    data = response.data
    if not isinstance(data, dict):
        raise CmrModuleError("Unexpected response from CMR: mailbox %s is not an object" % mailbox_id)
    return normalise_mailbox(data)


def admin_details(client: CmrClient, user_id: str, mailbox_id: str) -> dict[str, t.Any]:
    """The mailbox with its credentials (the caller must keep them out of logs)."""
    data = client.call(_api.MAILBOX_ADMIN_DETAILS, query={_api.USER_ID: user_id, _api.MAILBOX_ID: mailbox_id}).data
    if not isinstance(data, dict):
        raise CmrModuleError("Unexpected response from CMR: admin details of mailbox %s are not an object" % mailbox_id)
    return normalise_mailbox(data, credentials=True)


def belongs_to(mailbox: t.Mapping[str, t.Any], user_id: t.Optional[str]) -> bool:
    """Whether a mailbox read by ID is this user's (a mailbox CMR lists without owner is given the benefit of the doubt)."""
    return user_id is None or mailbox.get("user_id") in (None, user_id)


def pick_mailbox(mailboxes: t.Iterable[t.Mapping[str, t.Any]], email: str) -> t.Optional[dict[str, t.Any]]:
    wanted = canonical_email(email)
    for mailbox in mailboxes:
        if canonical_email(str(mailbox.get("email") or "")) == wanted:
            return dict(mailbox)
    return None


def on_domain(mailboxes: t.Iterable[t.Mapping[str, t.Any]], domain: str) -> list[dict[str, t.Any]]:
    wanted = canonical_name(domain)
    return [dict(mb) for mb in mailboxes if canonical_email(str(mb.get("email") or "")).endswith("@" + wanted)]


def last_on_domain(mailboxes: t.Iterable[t.Mapping[str, t.Any]], mailbox: t.Mapping[str, t.Any]) -> bool:
    """Whether ``mailbox`` is the only one on its domain: removing it deletes the workspace (the subscription)."""
    domain = mailbox.get("domain") or str(mailbox.get("email")).split("@", 1)[-1]
    return [mb.get("mailbox_id") for mb in on_domain(mailboxes, domain)] == [mailbox.get("mailbox_id")]


def existing_emails(mailboxes: t.Iterable[t.Mapping[str, t.Any]]) -> set[str]:
    return {canonical_email(str(mb.get("email") or "")) for mb in mailboxes}


def is_active(mailbox: t.Optional[t.Mapping[str, t.Any]]) -> bool:
    return bool(mailbox) and mailbox.get("status") == _api.MAILBOX_STATUS_ACTIVE  # type: ignore[union-attr]


# --- writes ---------------------------------------------------------------------------------------

def update_details(client: CmrClient, user_id: str, mailbox_id: str, changes: t.Mapping[str, t.Any]) -> None:
    """PATCH the changed names/picture; an empty profile_picture removes the picture."""
    item: dict[str, t.Any] = {_api.MAILBOX_ID: mailbox_id}
    for key, value in changes.items():
        if key == "profile_picture" and not value:
            item[_api.REMOVE_PROFILE_PICTURE] = True
        elif key in _api.MAILBOX_UPDATE_FIELDS:
            item[_api.MAILBOX_UPDATE_FIELDS[key]] = value
    client.call(_api.MAILBOX_UPDATE, query={_api.USER_ID: user_id}, body={_api.MAILBOX_DATA: item})


def remove(client: CmrClient, user_id: str, mailbox_id: str) -> bool:
    """Remove the mailbox; False when CMR says it is already gone (404)."""
    return call_unless_missing(client, _api.MAILBOX_REMOVE, query={_api.USER_ID: user_id}, body={_api.MAILBOX_ID: mailbox_id}) is not None


def set_warmup_settings(client: CmrClient, mailbox_id: str, settings: t.Mapping[str, t.Any]) -> None:
    client.call(_api.WARMUP_SETTINGS, query={_api.MAILBOX_ID: mailbox_id}, body=_api.to_api(_api.WARMUP_SETTINGS_FIELDS, settings))


def apply_warmup(client: CmrClient, mailbox_id: str, action: str) -> None:
    """One warmup transition through the explicit endpoints (never the toggle)."""
    query = {_api.MAILBOX_ID: mailbox_id}
    if action == ENROL:
        client.call(_api.WARMUP_ENROL, query=query)
    elif action == RESUME:
        client.call(_api.WARMUP_SET_STATUS, query=query, body={_api.WARMUP_STATUS: _api.WARMUP_ACTIVE})
    elif action == PAUSE:
        client.call(_api.WARMUP_SET_STATUS, query=query, body={_api.WARMUP_STATUS: _api.WARMUP_PAUSED})
    elif action == STOP:
        client.call(_api.WARMUP_REMOVE, query=query)
    else:  # pragma: no cover - programming error
        raise ValueError(action)


# --- pure rules -----------------------------------------------------------------------------------

def warmup_action(current: t.Optional[str], desired: t.Optional[str]) -> t.Optional[str]:
    """The one call that moves warmup from CMR's ``current`` status to the ``desired`` choice.

    None (never enrolled) and STOPPED both mean "not warming up"; enrolling from either is a
    new (charged) enrolment. Pausing a mailbox that is not enrolled is refused rather than
    enrolling it first: that would spend money the task did not clearly ask for.
    """
    if desired is None:
        return None
    enrolled = current in (_api.WARMUP_ACTIVE, _api.WARMUP_PENDING, _api.WARMUP_PAUSED)
    if desired == "active":
        if not enrolled:
            return ENROL
        return RESUME if current == _api.WARMUP_PAUSED else None
    if desired == "paused":
        if not enrolled:
            raise CmrModuleError(
                "warmup cannot be paused: the mailbox is not enrolled in warmup (status %s); set warmup: active first" % (current or "never enrolled")
            )
        return None if current == _api.WARMUP_PAUSED else PAUSE
    if desired == "stopped":
        return STOP if enrolled else None
    raise ValueError(desired)  # pragma: no cover - argument_spec limits the choices


def warmup_after(current: t.Optional[str], action: t.Optional[str]) -> t.Optional[str]:
    """The warmup status CMR reports after ``action`` (PENDING until enrolment completes)."""
    return {ENROL: _api.WARMUP_PENDING, RESUME: _api.WARMUP_ACTIVE, PAUSE: _api.WARMUP_PAUSED, STOP: _api.WARMUP_STOPPED}.get(action or "", current)


def removal_refusal(expiry: t.Any, now: t.Optional[datetime.datetime] = None, status: t.Optional[str] = None) -> t.Optional[str]:
    """Why CMR will refuse to remove a mailbox now (docs/developer/API.md#mailboxes), or None.

    Removal is accepted only earlier than 24 hours before the subscription's expiry. A mailbox
    whose subscription lapsed (status EXPIRED) has no expiry ahead, so the rule does not apply.
    """
    if status == _api.MAILBOX_STATUS_EXPIRED:
        return None
    ends = parse_time(expiry)
    if ends is None:
        return None  # unknown expiry: let CMR decide
    now = now or datetime.datetime.now(datetime.timezone.utc)
    cutoff = ends - datetime.timedelta(hours=_api.MAILBOX_REMOVAL_CUTOFF_HOURS)
    if now < cutoff:
        return None
    return (
        "CMR removes a mailbox only earlier than %d hours before its subscription expires; this subscription expires at %s "
        "(cutoff %s). Cancel the subscription instead (coldmailreseller.cmr.cmr_subscription state=cancelled) or let it lapse"
        % (_api.MAILBOX_REMOVAL_CUTOFF_HOURS, _utc(ends), _utc(cutoff))
    )


def _utc(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --- warmup settings ---------------------------------------------------------------------------
# cmr_mailbox declares their types as suboptions; this schema adds the ranges and gives the one-line
# messages that name the field, also for values ansible-core refuses first (Mailbox.option_checks).

WARMUP_COUNTS = ("warmup_limit", "minimum_warmup_limit", "increase_per_day", "minimum_delay_between_warmup_emails",
                 "maximum_delay_between_warmup_emails")
WARMUP_RATES = ("warmup_reply_rate", "warmup_open_rate", "warmup_spam_protection_rate")
WARMUP_SWITCHES = ("warmup_on_weekdays", "warmup_disable_slow")


def _rate(value: t.Any) -> float:
    try:
        number = vol.Coerce(float)(value) if not isinstance(value, bool) else -1.0
    except vol.Invalid:
        number = -1.0
    if not 0 <= number <= 1:
        raise vol.Invalid("expected a number between 0 and 1")
    return number


def _count(value: t.Any) -> int:
    try:
        number = vol.Coerce(int)(value) if not isinstance(value, bool) else None
    except vol.Invalid:
        number = None
    if number is None:
        raise vol.Invalid("expected a whole number")
    if number < 0:
        raise vol.Invalid("expected a whole number of 0 or more")
    return number


def _settings_schema() -> t.Any:
    kinds: dict[str, t.Any] = {key: _count for key in WARMUP_COUNTS}
    kinds.update({key: _rate for key in WARMUP_RATES})
    kinds.update({key: vol.Boolean() for key in WARMUP_SWITCHES})
    return vol.Schema({vol.Optional(key): kind for key, kind in kinds.items()})


def validate_warmup_settings(settings: t.Optional[t.Mapping[str, t.Any]]) -> t.Optional[dict[str, t.Any]]:
    """The settings with numbers coerced; a clear one-line error names the bad key."""
    if settings is None:
        return None
    given = {key: value for key, value in settings.items() if value is not None}  # unset suboptions come as None
    if not given:
        return None
    try:
        valid = _settings_schema()(given)
    except vol.MultipleInvalid as exc:
        first = exc.errors[0]
        where = ".".join(str(part) for part in first.path)
        raise CmrModuleError("warmup_settings.%s: %s (valid keys: %s)" % (where, first.msg, ", ".join(_api.WARMUP_SETTINGS_FIELDS))) from None
    low, high = valid.get("minimum_delay_between_warmup_emails"), valid.get("maximum_delay_between_warmup_emails")
    if low is not None and high is not None and low > high:
        raise CmrModuleError("warmup_settings: minimum_delay_between_warmup_emails (%d) is larger than maximum_delay_between_warmup_emails (%d)" % (low, high))
    low, high = valid.get("minimum_warmup_limit"), valid.get("warmup_limit")
    if low is not None and high is not None and low > high:
        raise CmrModuleError("warmup_settings: minimum_warmup_limit (%d) is larger than warmup_limit (%d)" % (low, high))
    return valid


def warmup_settings_problem(settings: t.Any) -> t.Optional[str]:
    """The one-line problem validate_warmup_settings would raise, or None."""
    if not isinstance(settings, dict):
        return None
    try:
        validate_warmup_settings(settings)
    except CmrModuleError as exc:
        return str(exc)
    return None


def settings_changes(current: t.Optional[t.Mapping[str, t.Any]], desired: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Desired settings that differ from the reported ones (all of them when none are reported)."""
    current = current or {}
    return {key: value for key, value in desired.items() if current.get(key) != value}
