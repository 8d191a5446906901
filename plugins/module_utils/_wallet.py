# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The wallet read of a purchase, failing soft: the one rule for every path that spends money.

``GET /wallet`` is inferred (the docs show the page title only). Reading it before a purchase
is a convenience, not a safeguard: CMR itself refuses an order or renewal the wallet cannot pay.
So when the wallet cannot be read, a purchase bounded by ``max_cost`` goes ahead with a warning,
and one without ``max_cost`` stops with one line that says how to go on.
"""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError

# Answers that say nothing about the wallet endpoint (key, permissions, rate) or that CMR is down: not "unavailable".
_NOT_UNAVAILABLE = (401, 403, 429)


def wallet_unavailable(exc: Exception) -> bool:
    """Whether a failed wallet read means the (inferred) endpoint is missing or answers another shape."""
    if isinstance(exc, CmrModuleError):
        return True  # an answer without a numeric balance (already reported by the reader's caller)
    return isinstance(exc, CmrApiError) and exc.status is not None and 400 <= exc.status < 500 and exc.status not in _NOT_UNAVAILABLE


def balance_for_purchase(client: CmrClient, read: t.Callable[[CmrClient], float], max_cost: t.Optional[float], done: str) -> t.Optional[float]:
    """The wallet balance, or None when the wallet cannot be read and ``max_cost`` bounds the purchase.

    ``read`` reads the balance (``_users.read_wallet``); ``done`` says what did not happen
    when the purchase stops ("ordered", "renewed").
    """
    try:
        return read(client)
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
