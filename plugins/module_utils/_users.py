# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Reading users and the partner wallet, and the one funds check of every purchase."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import balance_for_purchase


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


@dataclass(frozen=True)
class Funds:
    """A price and the partner wallet that pays it: the funds check every money-spending path shares.

    A path that spends money reads the wallet once while planning (``read_funds()``), returns
    ``as_result()`` (``wallet_balance``, ``sufficient_funds``), calls ``warn_if_short()`` (a
    warning in check mode) and, in a real run, ``require()`` before it sends anything.
    ``what`` names the purchase ("order", "renewal of acme.com") and ``done`` what did not
    happen when it is refused ("ordered", "renewed").
    """

    cost: t.Optional[float]  # None: CMR gave no price, so the wallet cannot be judged
    wallet_balance: t.Optional[float]  # None: nothing to buy, or the wallet could not be read (see _wallet.py)
    what: str
    done: str

    @property
    def sufficient(self) -> bool:
        return self.cost is None or self.wallet_balance is None or self.wallet_balance >= self.cost

    def as_result(self) -> dict[str, t.Any]:
        return {"wallet_balance": self.wallet_balance, "sufficient_funds": self.sufficient}

    def warn_if_short(self, module: t.Any) -> None:
        """In check mode, say that a real run will refuse what the wallet cannot pay."""
        if module.check_mode and not self.sufficient:
            module.warn("the wallet (%.2f USD) cannot pay this %s (%.2f USD); a real run will refuse it"
                        % (self.wallet_balance or 0.0, self.what, self.cost or 0.0))

    def require(self, **details: t.Any) -> None:
        """Refuse, in one line and before anything is sent, what the wallet cannot pay."""
        if not self.sufficient:
            raise CmrModuleError(
                "nothing was %s: the %s costs %.2f USD but the partner wallet holds %.2f USD; top up the wallet and run the task again"
                % (self.done, self.what, self.cost or 0.0, self.wallet_balance or 0.0),
                **details,
            )


def read_funds(client: CmrClient, cost: t.Optional[float], what: str, done: str, max_cost: t.Optional[float] = None) -> Funds:
    """The wallet, read once, against the price of a purchase (see ``Funds``); ``max_cost`` bounds the price
    and lets the purchase go ahead when the wallet cannot be read (``_wallet.balance_for_purchase``)."""
    if max_cost is not None and cost is not None and cost > max_cost:
        raise CmrModuleError("nothing was %s: the %s costs %.2f USD, more than max_cost %.2f USD" % (done, what, cost, max_cost))
    return Funds(cost, balance_for_purchase(client, wallet_balance, max_cost, done), what, done)


def wallet_balance(client: CmrClient) -> float:
    return read_wallet(client)["balance"]
