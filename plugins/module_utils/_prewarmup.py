# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The pre-warmed domain inventory: packages of a domain with mailboxes that are already warming up."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import PaidRequest, Warn, send_once


def price(value: t.Any) -> t.Optional[float]:
    """CMR sends prices as numbers or decimal strings; anything else is unknown (None)."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def normalise_package(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    package = _api.from_api(_api.PREWARMUP_PACKAGE_FIELDS, obj)
    package["purchase_price"] = price(package["purchase_price"])
    package["renewal_price"] = price(package["renewal_price"])
    mailboxes = obj.get(_api.PREWARMUP_MAILBOXES)
    package["mailboxes"] = [_api.from_api(_api.PREWARMUP_MAILBOX_FIELDS, item) for item in mailboxes or [] if isinstance(item, dict)]
    return package


def list_inventory(client: CmrClient, service_provider: t.Optional[str] = None, contains: t.Optional[str] = None) -> list[dict[str, t.Any]]:
    """Every package for sale (all pages), narrowed by CMR's provider and name filters."""
    query = {}
    if service_provider:
        query[_api.SERVICE_PROVIDER] = service_provider
    if contains:
        query[_api.PREWARMUP_CONTAINS] = contains
    items = client.get_all(_api.PREWARMUP_INVENTORY, query, _api.PREWARMUP_INVENTORY_KEY)
    return [normalise_package(item) for item in items if isinstance(item, dict)]


def by_name(packages: t.Iterable[t.Mapping[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    return {canonical_name(str(package.get("domain") or "")): dict(package) for package in packages}


# --- buying packages -------------------------------------------------------------------------------

DELIVERED = "delivered"  # the user owns the domain and every mailbox on it is ACTIVE
FAILED = "failed"  # CMR offers the package again and the user does not own it: the purchase of it failed
PENDING = "pending"


def order_body(names: t.Sequence[str], service_provider: str, settings: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """POST /pre-warmup/order body. ``settings``: forward_to, auto_renew, google {oauth_route, client_id, app_name},
    microsoft_oauth_route (snake_case, None = leave out)."""
    item: dict[str, t.Any] = {}
    if settings.get("forward_to"):
        item[_api.FORWARD_TO] = settings["forward_to"]
    body: dict[str, t.Any] = {
        _api.PREWARMUP_ORDER_ITEMS: [dict(item, **{_api.DOMAIN: name}) for name in names],
        _api.SERVICE_PROVIDER: service_provider,
        _api.AUTO_RENEW: bool(settings.get("auto_renew", True)),
    }
    google = {key: value for key, value in (settings.get("google") or {}).items() if value is not None}
    if google and service_provider == "GOOGLE":
        body[_api.ORDER_GOOGLE] = _api.to_api(_api.GOOGLE_OAUTH_FIELDS, google)
    if settings.get("microsoft_oauth_route") and service_provider == "MICROSOFT":
        body[_api.ORDER_MICROSOFT_OAUTH_ROUTE] = settings["microsoft_oauth_route"]
    return body


def delivery(name: str, owned: t.Mapping[str, t.Mapping[str, t.Any]], mailboxes: t.Iterable[t.Mapping[str, t.Any]],
             for_sale: t.Container[str]) -> str:
    """Where the purchase of one package stands, from the user's domains and mailboxes and the inventory."""
    domain = owned.get(name)
    if domain is None:
        return FAILED if name in for_sale else PENDING
    on_it = [mb for mb in mailboxes if str(mb.get("email") or "").lower().endswith("@" + name)]
    if domain.get("status") == _api.DOMAIN_STATUS_ACTIVE and on_it and all(mb.get("status") == _api.MAILBOX_STATUS_ACTIVE for mb in on_it):
        return DELIVERED
    return PENDING


def purchase(client: CmrClient, user_id: str, names: t.Sequence[str], service_provider: str, settings: t.Mapping[str, t.Any],
             shows: t.Callable[[], bool], warn: Warn) -> t.Optional[str]:
    """Buy the packages in one request, sent once; a lost answer is settled by ``shows`` (a re-read). The action ID, if any."""
    request = PaidRequest(
        "the purchase of pre-warmed %s" % ", ".join(names), _api.PREWARMUP_ORDER,
        query={_api.USER_ID: user_id}, body=order_body(names, service_provider, settings), probe=shows,
        check_first="the wallet, the user's domains and the pre-warmed inventory "
                    "(coldmailreseller.cmr.cmr_wallet_info, cmr_domain_info, cmr_prewarmup_info)",
        unseen="the packages are still for sale and the user does not own them",
    )
    return send_once(client, request, warn).action_id
