"""Failures that CMR reports after it accepted a request, like the sandbox's per-operation scenarios.

``POST /_sim/scenario {"scenario": NAME}`` arms one scenario for the next matching operation
(they queue; ``GET /_sim/scenario`` lists them). What happens, and when:

* ``domain-order-failed``: the next confirmed domain order is accepted and charged; at its
  first async step the registration fails: its domains, subscriptions and mailboxes are
  removed, the order is ``FAILED`` with ``failureReason``, the charge is refunded, and
  ``domain.order.failed`` is emitted per domain.
* ``mailbox-order-failed``: the next confirmed order that creates mailboxes: its domains (if
  any) are registered, but its mailboxes fail: mailboxes and new subscriptions removed, the
  mailbox part refunded, order ``FAILED``, ``mailbox.order.failed`` emitted.
* ``workspace-conflict``: as ``mailbox-order-failed``, with the reason that an existing
  workspace was found for the domain after the order was accepted.
* ``renewal-failed``: the next subscription renewal is accepted and charged, then fails: the
  charge is refunded, the subscription is ``PAST_DUE``, ``subscription.renewal.failed`` and
  ``subscription.past_due`` are emitted.
"""

from __future__ import annotations

from typing import Any

from cmrsim import catalog
from cmrsim.core import ApiError

SCENARIOS = {
    "domain-order-failed": "order",
    "mailbox-order-failed": "order",
    "workspace-conflict": "order",
    "renewal-failed": "renewal",
}


def arm(state: Any, name: Any) -> list[str]:
    if name not in SCENARIOS:
        raise ApiError(400, f"scenario: expected one of {', '.join(sorted(SCENARIOS))}")
    state.scenarios.append(name)
    return list(state.scenarios)


def take(state: Any, kind: str, wants: tuple[str, ...] = ()) -> str | None:
    """The first armed scenario of this kind (and, when given, one of ``wants``), removed from the queue."""
    for name in state.scenarios:
        if SCENARIOS[name] == kind and (not wants or name in wants):
            state.scenarios.remove(name)
            return name
    return None


def fail_order(state: Any, order: dict[str, Any], scenario: str) -> None:
    """Run ``scenario`` on an accepted order at its first async step (state lock held)."""
    if scenario == "domain-order-failed":
        names = [state.data["domains"][d]["domainName"] for d in order.get("_domainIds", []) if d in state.data["domains"]]
        reason = "the registry refused the registration of %s" % ", ".join(names)
        _drop_mailboxes(state, order)
        for domain_id in order.get("_domainIds", []):
            state.data["domains"].pop(domain_id, None)
        refund = order["totalPrice"]
        for name in names:
            state.emit("domain.order.failed", {"userId": order["userId"], "orderId": order["orderId"], "domainName": name, "reason": reason})
    else:
        domains = sorted({mb["domain"] for mb in _mailboxes(state, order)})
        if scenario == "workspace-conflict":
            reason = "an existing %s workspace was found for %s after the order was accepted" % (
                order.get("serviceProvider") or "GOOGLE", ", ".join(domains))
        else:
            reason = "the workspace provider could not create the mailboxes of %s" % ", ".join(domains)
        refund = catalog.money(len(_mailboxes(state, order)) * catalog.MAILBOX_PRICE)
        _drop_mailboxes(state, order)
        state.emit("mailbox.order.failed", {"userId": order["userId"], "orderId": order["orderId"], "domainNames": domains, "reason": reason})
    state.credit(refund)
    order.update(status="FAILED", failureReason=reason, refunded=refund)


def _mailboxes(state: Any, order: dict[str, Any]) -> list[dict[str, Any]]:
    return [mb for mb in state.data["mailboxes"].values() if mb.get("orderId") == order["orderId"]]


def _drop_mailboxes(state: Any, order: dict[str, Any]) -> None:
    """Remove the order's mailboxes, and the subscriptions it created (left without mailboxes)."""
    for mailbox in _mailboxes(state, order):
        state.data["mailboxes"].pop(mailbox["mailboxId"], None)
    created = set(order.get("_subscriptionIds", [])) if order.get("orderType") == "DOMAINS" or order.get("newSubscriptionId") else set()
    for subscription_id in created:
        sub = state.data["subscriptions"].pop(subscription_id, None)
        domain = state.data["domains"].get((sub or {}).get("domainId") or "")
        if domain is not None and domain.get("subscriptionId") == subscription_id:
            domain["subscriptionId"] = None
    if order.get("subscriptionId"):  # mailboxes added to an existing subscription: give the seats back
        sub = state.data["subscriptions"].get(order["subscriptionId"])
        if sub is not None:
            sub["totalMailboxQuantity"] = len([mb for mb in state.data["mailboxes"].values() if mb.get("subscriptionId") == sub["subscriptionId"]])
