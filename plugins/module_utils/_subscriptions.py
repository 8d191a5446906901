# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Mailbox subscriptions: reads, normalisation, which one is current, renewal eligibility."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import RenewalWindow, dated_window
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import PaidRequest, Warn, send_once

# Subscriptions that still run a workspace: mailboxes are added to them by subscriptionId.
LIVE_STATUSES = (_api.SUBSCRIPTION_ACTIVE, _api.SUBSCRIPTION_RENEWING, _api.SUBSCRIPTION_PAST_DUE)


def normalise_subscription(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    return _api.from_api(_api.SUBSCRIPTION_FIELDS, obj)


def list_subscriptions(
    client: CmrClient,
    user_id: t.Optional[str] = None,
    status: t.Optional[str] = None,
    domain: t.Optional[str] = None,
    subscription_id: t.Optional[str] = None,
) -> list[dict[str, t.Any]]:
    """Subscriptions matching the filters, all pages, normalised.

    The filters go to CMR and are applied again here: the listing is partner-wide and
    ``userId`` is an undocumented filter (docs/developer/API.md#subscriptions), so a server that ignores one must
    not make another customer's subscription look like this user's.
    """
    query: dict[str, t.Any] = {}
    if user_id:
        query[_api.USER_ID] = user_id
    if status:
        query[_api.SUBSCRIPTION_QUERY_STATUS] = status
    if domain:
        query[_api.SUBSCRIPTION_QUERY_DOMAIN] = canonical_name(domain)
    if subscription_id:
        query[_api.SUBSCRIPTION_QUERY_ID] = subscription_id
    items = client.get_all(_api.SUBSCRIPTIONS, query, _api.SUBSCRIPTIONS_KEY)
    subscriptions = [normalise_subscription(item) for item in items if isinstance(item, dict)]
    return [sub for sub in subscriptions if _matches(sub, user_id, status, domain, subscription_id)]


def _matches(sub: t.Mapping[str, t.Any], user_id: t.Optional[str], status: t.Optional[str], domain: t.Optional[str], subscription_id: t.Optional[str]) -> bool:
    if user_id and sub.get("user_id") not in (None, user_id):
        return False
    if status and sub.get("status") != status:
        return False
    if domain and canonical_name(str(sub.get("domain") or "")) != canonical_name(domain):
        return False
    return not (subscription_id and sub.get("subscription_id") != subscription_id)


def current_subscription(subscriptions: t.Sequence[t.Mapping[str, t.Any]]) -> t.Optional[dict[str, t.Any]]:
    """The subscription that matters for a domain: the live one, else the most recent ended one.

    A domain can be listed with a CANCELLED subscription and, after new mailboxes were ordered,
    a newer ACTIVE one (docs/developer/API.md#subscriptions).
    """
    live = [sub for sub in subscriptions if sub.get("status") in LIVE_STATUSES]
    if live:
        return dict(live[-1])
    ended = sorted(subscriptions, key=lambda sub: str(sub.get("period_start") or ""))
    return dict(ended[-1]) if ended else None


def by_domain(subscriptions: t.Iterable[t.Mapping[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """The current subscription of every domain named in ``subscriptions``."""
    grouped: dict[str, list[t.Mapping[str, t.Any]]] = {}
    for sub in subscriptions:
        grouped.setdefault(canonical_name(str(sub.get("domain") or "")), []).append(sub)
    return {name: current for name, subs in grouped.items() if (current := current_subscription(subs)) is not None}


def renewal_eligibility(sub: t.Mapping[str, t.Any], now: t.Optional[datetime.datetime] = None) -> RenewalWindow:
    """PAST_DUE, or ACTIVE inside the renewal window before periodEnd, can be renewed by hand."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    status = sub.get("status")
    ident = sub.get("domain") or sub.get("subscription_id")
    if status == _api.SUBSCRIPTION_PAST_DUE:
        return RenewalWindow(True, "the subscription of %s is PAST_DUE" % ident)
    if status == _api.SUBSCRIPTION_RENEWING:
        return RenewalWindow(False, "the subscription of %s is already RENEWING" % ident)
    if status != _api.SUBSCRIPTION_ACTIVE:
        return RenewalWindow(False, "the subscription of %s is %s and cannot be renewed through the API" % (ident, status))
    return dated_window(
        ident, sub.get("period_end"), _api.SUBSCRIPTION_RENEWAL_WINDOW_DAYS, now,
        unknown="CMR did not report when the subscription of {what} ends, so its renewal window is unknown",
        inside="the subscription of {what} ends on {ends} and is inside its renewal window",
        outside="the subscription of {what} runs until {ends}; its renewal window opens on {opens} ({days} days before the period ends)",
    )


def renewal_cost(sub: t.Mapping[str, t.Any]) -> t.Optional[float]:
    """Price of one more period: mailboxes × the subscription's own price per mailbox."""
    quantity, price = sub.get("total_mailbox_quantity"), sub.get("price_per_mailbox")
    if not isinstance(quantity, (int, float)) or not isinstance(price, (int, float)) or isinstance(quantity, bool) or isinstance(price, bool):
        return None
    return round(quantity * price + 1e-9, 2)


# --- writes -------------------------------------------------------------------------------------

def get_subscription(client: CmrClient, subscription_id: str) -> dict[str, t.Any]:
    found = list_subscriptions(client, subscription_id=subscription_id)
    if not found:
        raise CmrModuleError("subscription %s is no longer listed by CMR" % subscription_id)
    return found[0]


def set_auto_renew(client: CmrClient, subscription_id: str, auto_renew: bool) -> None:
    client.call(_api.SUBSCRIPTION_AUTO_RENEW, body={_api.SUBSCRIPTION_ID: subscription_id, _api.AUTO_RENEW: auto_renew})


def renewal_shows(now: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any]) -> bool:
    """Whether CMR shows a renewal it was asked for: RENEWING, or a later period than before."""
    return now.get("status") == _api.SUBSCRIPTION_RENEWING or now.get("period_end") != before.get("period_end")


def renewal_done(now: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any]) -> bool:
    """The renewal finished: the subscription left RENEWING and runs a new period."""
    return now.get("status") != _api.SUBSCRIPTION_RENEWING and now.get("period_end") != before.get("period_end")


def renew(client: CmrClient, current: t.Mapping[str, t.Any], warn: Warn) -> None:
    """Renew one subscription: paid, so sent once; a lost answer is settled by reading it again."""
    request = PaidRequest(
        "the renewal of the subscription of %s" % current["domain"], _api.SUBSCRIPTION_RENEW,
        body={_api.SUBSCRIPTION_IDS: [current["subscription_id"]]},
        probe=lambda: renewal_shows(get_subscription(client, current["subscription_id"]), current),
        check_first="the subscription and the wallet (coldmailreseller.cmr.cmr_subscription_info, cmr_wallet_info)",
    )
    send_once(client, request, warn)


def cancel(client: CmrClient, current: t.Mapping[str, t.Any], warn: Warn) -> None:
    """Cancel a subscription (its workspace and mailboxes are deleted): irreversible, so sent once.

    A 409 on a subscription that is already cancelled (a parallel run) is the end state.
    """
    def cancelled() -> bool:
        return get_subscription(client, current["subscription_id"])["status"] == _api.SUBSCRIPTION_CANCELLED

    request = PaidRequest(
        "the cancellation of the subscription of %s" % current["domain"], _api.SUBSCRIPTION_CANCEL,
        body={_api.SUBSCRIPTION_ID: current["subscription_id"]}, probe=cancelled,
        check_first="the subscription (coldmailreseller.cmr.cmr_subscription_info)",
    )
    try:
        send_once(client, request, warn)
    except CmrApiError as exc:
        if exc.status != 409 or not cancelled():
            raise


def domain_subscription(client: CmrClient, domain: str, user_id: t.Optional[str]) -> t.Optional[dict[str, t.Any]]:
    """The domain's current subscription (the running one, else the latest)."""
    return current_subscription(list_subscriptions(client, user_id=user_id, domain=domain))


def recreation_due(sub: t.Mapping[str, t.Any]) -> bool:
    """Recreation restarts the 12-month standard price; it is due once the subscription is charged more."""
    price = sub.get("price_per_mailbox")
    return isinstance(price, (int, float)) and not isinstance(price, bool) and price > _api.STANDARD_MAILBOX_PRICE


def recreate(client: CmrClient, current: t.Mapping[str, t.Any], warn: Warn) -> t.Optional[str]:
    """Recreate one subscription: irreversible, so sent once. The new subscription ID when CMR's answer gives it.

    A lost answer is settled by reading the domain's subscription: a different ID shows the recreation.
    """
    def replaced() -> bool:
        now = domain_subscription(client, current["domain"], current.get("user_id"))
        return now is not None and now.get("subscription_id") != current["subscription_id"]

    request = PaidRequest(
        "the recreation of the subscription of %s" % current["domain"], _api.SUBSCRIPTION_RECREATE,
        body={_api.SUBSCRIPTION_IDS: [current["subscription_id"]]}, probe=replaced,
        check_first="the subscription of %s (coldmailreseller.cmr.cmr_subscription_info with domain)" % current["domain"],
    )
    data = send_once(client, request, warn).data
    items = data.get(_api.SUBSCRIPTION_RECREATED) if isinstance(data, dict) else None
    for item in items or []:
        if isinstance(item, dict) and item.get(_api.SUBSCRIPTION_RECREATED_FROM) == current["subscription_id"]:
            return item.get(_api.SUBSCRIPTION_ID)
    return None
