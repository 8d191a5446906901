# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The partner wallet every purchase is paid from, and the funds check all paid paths share."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient
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
    wallet_balance: t.Optional[float]  # None: nothing to buy, the wallet was not read
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


def read_funds(client: CmrClient, cost: t.Optional[float], what: str, done: str) -> Funds:
    """The wallet, read once, against the price of a purchase (see ``Funds``)."""
    return Funds(cost, read_wallet(client)["balance"], what, done)
