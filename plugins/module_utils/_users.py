# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Reading users and the partner wallet, and the one funds check of every purchase."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError


def normalise_user(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    user = _api.from_api(_api.USER_FIELDS, obj)
    user.update(_api.from_api(_api.USER_READ_ONLY_FIELDS, obj))
    return {key: value for key, value in user.items() if value is not None}


def get_user(client: CmrClient, user_id: str) -> t.Optional[dict[str, t.Any]]:
    """The user with this ID, or None when CMR does not know it."""
    response = call_unless_missing(client, _api.USER, query={_api.USER_ID: user_id})
    if response is None:
        return None
    if not isinstance(response.data, dict):
        raise CmrModuleError("Unexpected response from CMR: user %s is not an object" % user_id)
    return normalise_user(response.data)


def same_email(one: t.Optional[str], other: t.Optional[str]) -> bool:
    """E-mail addresses are compared without letter case (the natural key of a user)."""
    return (one or "").strip().lower() == (other or "").strip().lower()


def find_users(client: CmrClient, search: t.Optional[str] = None, email: t.Optional[str] = None) -> list[dict[str, t.Any]]:
    """All users (every page), narrowed by CMR's search text and an exact e-mail match."""
    text = search or email
    items = client.get_all(_api.USERS_LIST, {_api.USER_SEARCH: text} if text else {}, _api.USERS_LIST_KEY)
    users = [normalise_user(item) for item in items if isinstance(item, dict)]
    if email:
        users = [user for user in users if same_email(user.get("email"), email)]
    return users


def require_user(client: CmrClient, user_id: str) -> dict[str, t.Any]:
    """The user, or a clear failure: CMR answers an empty list for an unknown userId on some
    endpoints (docs/developer/API.md#unknown-user-ids), so modules check the user before trusting "nothing found"."""
    user = get_user(client, user_id)
    if user is None:
        raise CmrModuleError("user_id %s does not exist in this CMR account" % user_id)
    return user


def create_user(client: CmrClient, fields: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Create a user; returns the fields sent plus the new user_id."""
    data = client.call(_api.USER_CREATE, body=_api.to_api(_api.USER_FIELDS, fields)).data
    user_id = data.get(_api.USER_CREATED_ID) if isinstance(data, dict) else None
    if not user_id:
        raise CmrModuleError("Unexpected response from CMR: the new user's ID is missing; look the user up by email before running the task again",
                             changed=True)
    return dict(fields, user_id=user_id)


def update_user(client: CmrClient, current: t.Mapping[str, t.Any], changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Update a user. CMR's help guide asks for the full billing object on update, so every known field is sent."""
    merged = {key: value for key, value in {**current, **changes}.items() if key in _api.USER_FIELDS and value is not None}
    client.call(_api.USER_UPDATE, query={_api.USER_ID: current["user_id"]}, body=_api.to_api(_api.USER_FIELDS, merged))
    return {**current, **changes}


def delete_user(client: CmrClient, user_id: str) -> None:
    """Delete a user; one that is already gone is the end state, one that still owns things is refused clearly."""
    try:
        call_unless_missing(client, _api.USER_DELETE, query={_api.USER_ID: user_id})
    except CmrApiError as exc:
        data = exc.data if isinstance(exc.data, dict) else {}
        if exc.status and 400 <= exc.status < 500 and (_api.DOMAIN_COUNT in data or _api.MAILBOX_COUNT in data):
            domains, mailboxes = data.get(_api.DOMAIN_COUNT, "?"), data.get(_api.MAILBOX_COUNT, "?")
            raise CmrModuleError(
                "CMR refused to delete user %s: it still has %s domain(s) and %s mailbox(es); cancel its subscriptions, "
                "remove its mailboxes and domains, then delete it" % (user_id, domains, mailboxes),
                domain_count=data.get(_api.DOMAIN_COUNT), mailbox_count=data.get(_api.MAILBOX_COUNT),
            ) from exc
        raise
