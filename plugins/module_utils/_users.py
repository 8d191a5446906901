# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Reading users and the partner wallet, shared by the modules that need them."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError


def normalise_user(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    user = _api.from_api(_api.USER_FIELDS, obj)
    user.update(_api.from_api(_api.USER_READ_ONLY_FIELDS, obj))
    return {key: value for key, value in user.items() if value is not None}


def get_user(client: CmrClient, user_id: str) -> t.Optional[dict[str, t.Any]]:
    """The user with this ID, or None when CMR does not know it."""
    try:
        response = client.call(_api.USER, query={_api.USER_ID: user_id})
    except CmrApiError as exc:
        if exc.status == 404:
            return None
        raise
    if not isinstance(response.data, dict):
        raise CmrModuleError("Unexpected response from CMR: user %s is not an object" % user_id)
    return normalise_user(response.data)


def find_users(client: CmrClient, search: t.Optional[str] = None, email: t.Optional[str] = None) -> list[dict[str, t.Any]]:
    """All users (every page), narrowed by CMR's search text and an exact e-mail match."""
    text = search or email
    items = client.get_all(_api.USERS_LIST, {_api.USER_SEARCH: text} if text else {}, _api.USERS_LIST_KEY)
    users = [normalise_user(item) for item in items if isinstance(item, dict)]
    if email:
        users = [user for user in users if str(user.get("email") or "").lower() == email.lower()]
    return users


def require_user(client: CmrClient, user_id: str) -> dict[str, t.Any]:
    """The user, or a clear failure: CMR answers an empty list for an unknown userId on some
    endpoints (REFERENCE §13.13), so modules check the user before trusting "nothing found"."""
    user = get_user(client, user_id)
    if user is None:
        raise CmrModuleError("user_id %s does not exist in this CMR account" % user_id)
    return user


def read_wallet(client: CmrClient) -> dict[str, t.Any]:
    """The partner wallet as {balance, currency}."""
    data = client.call(_api.WALLET).data
    wallet = _api.from_api(_api.WALLET_FIELDS, data) if isinstance(data, dict) else {}
    balance = wallet.get("balance")
    if isinstance(balance, bool) or not isinstance(balance, (int, float)):
        raise CmrModuleError("Unexpected response from CMR: the wallet has no numeric balance")
    return {"balance": float(balance), "currency": wallet.get("currency") or "USD"}
