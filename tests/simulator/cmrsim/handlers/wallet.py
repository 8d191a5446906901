"""Partner wallet (docs/developer/API.md#wallet; path and shape *inferred*)."""

from __future__ import annotations

from cmrsim.core import Ctx, Reply, route


@route("GET", "/wallet")
def wallet(ctx: Ctx) -> Reply:
    """``{balance, currency: "USD"}``; the balance is changed by charges and ``/_sim/wallet``."""
    return Reply(data={"balance": ctx.state.wallet, "currency": "USD"}, message="Wallet details fetched successfully")
