# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The partner wallet every purchase is paid from, and the funds check all paid paths share.

``GET /wallet`` is inferred (the docs show the page title only). Reading it before a purchase
is a convenience, not a safeguard: CMR itself refuses an order or renewal the wallet cannot pay.
So when the wallet cannot be read, a purchase bounded by ``max_cost`` goes ahead with a warning,
and one without ``max_cost`` stops with one line that says how to go on
(``balance_for_purchase``, the one rule for every path that spends money).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError


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
    wallet_balance: t.Optional[float]  # None: nothing to buy, or the wallet could not be read (balance_for_purchase)
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
    and lets the purchase go ahead when the wallet cannot be read (``balance_for_purchase``)."""
    if max_cost is not None and cost is not None and cost > max_cost:
        raise CmrModuleError("nothing was %s: the %s costs %.2f USD, more than max_cost %.2f USD" % (done, what, cost, max_cost))
    return Funds(cost, balance_for_purchase(client, max_cost, done), what, done)


# --- the wallet read failing soft (docs/developer/API_READINGS.md) ---------------------------------

# Answers that say nothing about the wallet endpoint (key, permissions, rate) or that CMR is down: not "unavailable".
_NOT_UNAVAILABLE = (401, 403, 429)


def wallet_unavailable(exc: Exception) -> bool:
    """Whether a failed wallet read means the (inferred) endpoint is missing or answers another shape."""
    if isinstance(exc, CmrModuleError):
        return True  # an answer without a numeric balance
    return isinstance(exc, CmrApiError) and exc.status is not None and 400 <= exc.status < 500 and exc.status not in _NOT_UNAVAILABLE


def balance_for_purchase(client: CmrClient, max_cost: t.Optional[float], done: str) -> t.Optional[float]:
    """The wallet balance, or None when the wallet cannot be read and ``max_cost`` bounds the purchase.

    ``done`` says what did not happen when the purchase stops ("ordered", "renewed").
    """
    try:
        return read_wallet(client)["balance"]
    except (CmrApiError, CmrModuleError) as exc:
        if not wallet_unavailable(exc):
            raise
        if isinstance(exc, CmrModuleError):
            client.report_unexpected(str(exc))
        why = _short(exc)
    if max_cost is None:
        raise CmrModuleError(
            "nothing was %s: the partner wallet could not be read (%s), so the collection cannot check that it pays for this; "
            "set max_cost to the most this task may spend to go ahead without the wallet check (CMR refuses what the wallet "
            "cannot pay)" % (done, why)
        )
    client.note(str(_api.WALLET), "the wallet could not be read (%s); going ahead without the wallet check because max_cost "
                                  "(%.2f USD) bounds the cost, and CMR refuses what the wallet cannot pay" % (why, max_cost))
    return None


def _short(exc: Exception) -> str:
    # The wallet endpoint is inferred from a page title (see _api.WALLET): say so, it is the likeliest cause.
    if isinstance(exc, CmrApiError):
        return "%s, inferred from incomplete CMR docs, answered HTTP %s" % (_api.WALLET, exc.status)
    return "%s, inferred from incomplete CMR docs, answered without a numeric balance" % _api.WALLET
