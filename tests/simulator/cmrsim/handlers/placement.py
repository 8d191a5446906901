"""Placement (inbox) tests: order one for some mailboxes, read the reports (docs/developer/API.md#placement-tests).

Charged per tested mailbox plus an optional AI-insight fee (``catalog``); 402 when the
wallet is short.  A test is PENDING when ordered and COMPLETED after the async delay with a
fixed, all-inbox report.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, boolean, paginate, route, text
from cmrsim.lifecycle import nonempty_list

ORDER = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("mailboxIds"): nonempty_list(text),
    vol.Optional("spamassassin"): boolean,
    vol.Optional("blacklist"): boolean,
    vol.Optional("aiInsight"): boolean,
})
SEEDS = {"google": ("seed-1@gmail.com", "seed-2@gmail.com"), "microsoft365": ("seed-1@outlook.com", "seed-2@outlook.com")}


def placement_price(count: int, ai_insight: bool) -> float:
    """Price of a placement test: per mailbox, plus the AI-insight fee when asked."""
    return catalog.money(count * catalog.PLACEMENT_PRICE_PER_MAILBOX + (catalog.PLACEMENT_AI_INSIGHT_PRICE if ai_insight else 0.0))


@route("POST", "/placement")
def order_placement(ctx: Ctx) -> Reply:
    """Order a placement test for ACTIVE mailboxes of the user (402 when short)."""
    body = ctx.validate(ORDER)
    user = ctx.user(source="either")
    ids = list(dict.fromkeys(body["mailboxIds"]))
    mailboxes = [ctx.state.check_owner(ctx.state.data["mailboxes"].get(mid), user["userId"], "mailbox") for mid in ids]
    for mailbox in mailboxes:
        if mailbox.get("status") != "ACTIVE":
            raise ApiError(422, f"Mailbox {mailbox['email']} is {mailbox.get('status')}; placement tests need ACTIVE mailboxes")
    ai_insight = body.get("aiInsight", False)
    price = placement_price(len(mailboxes), ai_insight)
    if not ctx.state.can_afford(price):
        raise ApiError(402, f"Insufficient wallet balance: the placement test costs {catalog.price_string(price)} USD, "
                            f"the wallet holds {catalog.price_string(ctx.state.wallet)} USD")
    ctx.state.debit(price)
    order = {
        "orderId": ctx.state.new_id(), "userId": user["userId"], "status": "PENDING",
        "spamassassin": body.get("spamassassin", False), "blacklist": body.get("blacklist", False),
        "mailboxCount": len(mailboxes), "aiInsightRequested": ai_insight, "aiInsight": None,
        "price": price, "createdAt": ctx.state.iso(),
        "mailboxes": [{"placementOrderId": ctx.state.new_id(), "mailboxId": mb["mailboxId"], "fromEmail": mb["email"], "status": "PENDING",
                       "report": {"inboxTest": {"google": [], "microsoft365": []}, "spamassassin": {}, "blacklist": {}}} for mb in mailboxes],
    }
    ctx.state.data["placements"][order["orderId"]] = order
    ctx.state.later(lambda: complete(ctx, order["orderId"]), 1.0)
    return Reply(data={"orderId": order["orderId"]}, message="Success")


def complete(ctx: Ctx, order_id: str) -> None:
    """Fill in a fixed report: every seed inbox, a clean SpamAssassin score, no blacklist hit."""
    order = ctx.state.data["placements"].get(order_id)
    if order is None:
        return
    for entry in order["mailboxes"]:
        entry["status"] = "COMPLETED"
        entry["report"] = {
            "inboxTest": {provider: [{"seed": seed, "folder": "INBOX"} for seed in seeds] for provider, seeds in SEEDS.items()},
            "spamassassin": {"score": 0.8, "passed": True} if order["spamassassin"] else {},
            "blacklist": {"listed": False, "checkedLists": 20} if order["blacklist"] else {},
        }
    if order["aiInsightRequested"]:
        order["aiInsight"] = {"summary": "All seed messages landed in the inbox; no action needed."}
    order["status"] = "COMPLETED"


@route("GET", "/placement/reports")
def placement_reports(ctx: Ctx) -> Reply:
    """The user's placement orders, newest first, optionally one order or one mailbox."""
    user = ctx.user()
    orders = list(ctx.state.owned_by("placements", user["userId"]))
    orders.reverse()  # insertion order is creation order; newest first
    orders.sort(key=lambda o: o.get("createdAt", ""), reverse=True)
    if ctx.query.get("orderId"):
        orders = [o for o in orders if o["orderId"] == ctx.query["orderId"]]
    if ctx.query.get("mailboxId"):
        orders = [o for o in orders if any(e["mailboxId"] == ctx.query["mailboxId"] for e in o["mailboxes"])]
    page, _pagination = paginate([report_view(o) for o in orders], ctx.query)
    return Reply(data=page, message="Placement reports fetched successfully")


def report_view(order: dict[str, Any]) -> dict[str, Any]:
    """PlacementReport; the AI fields only when AI insight was ordered."""
    view = {key: order[key] for key in ("orderId", "status", "spamassassin", "blacklist", "mailboxCount", "mailboxes", "createdAt")}
    if order["aiInsightRequested"]:
        view.update(aiInsightRequested=True, aiInsight=order["aiInsight"])
    return view
