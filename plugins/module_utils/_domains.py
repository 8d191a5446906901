# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Reading a user's domains, renewal prices and the renewal window; shared by the domain,
order, mailbox and subscription modules.

Domains come back in snake_case (``_api.DOMAIN_FIELDS``). Settings CMR does not report back
(``_api.DOMAIN_UNREPORTED``) are *absent* from the dict when the response lacks them, so
``"forward_to" in domain`` tells "unknown" apart from "not configured" (None).
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import PaidRequest, Warn, send_once
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import RenewalWindow, dated_window
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import require_user


def normalise_domain(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    return _api.from_api_paths(_api.DOMAIN_FIELDS, obj)


def list_domains(client: CmrClient, user_id: str, check_user: bool = False) -> list[dict[str, t.Any]]:
    """Every domain of the user (all pages), normalised.

    CMR answers an empty list for an unknown userId (docs/developer/API.md#unknown-user-ids); with
    ``check_user`` an empty list is followed by a user lookup, so a wrong user_id fails
    clearly instead of looking like "no domains".
    """
    items = client.get_all(_api.DOMAINS_BY_USER, {_api.USER_ID: user_id}, None)
    domains = [normalise_domain(item) for item in items if isinstance(item, dict)]
    if check_user and not domains:
        require_user(client, user_id)
    return domains


def pick_domain(domains: t.Iterable[t.Mapping[str, t.Any]], name: str) -> t.Optional[dict[str, t.Any]]:
    wanted = canonical_name(name)
    for domain in domains:
        if canonical_name(str(domain.get("name") or "")) == wanted:
            return dict(domain)
    return None


# --- renewal ----------------------------------------------------------------------------------

def renewal_prices(client: CmrClient, user_id: str, names: t.Sequence[str]) -> dict[str, dict[str, t.Any]]:
    """Renewal price information per canonical domain name (one request for all names).

    ``renewal_price`` becomes a float (CMR sends a decimal string, docs/developer/API.md#domain-renewal).
    """
    if not names:
        return {}
    data = client.call(_api.DOMAIN_RENEWAL_PRICE, body={_api.USER_ID: user_id, _api.DOMAINS: list(names)}).data
    prices: dict[str, dict[str, t.Any]] = {}
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        info = _api.from_api(_api.RENEWAL_PRICE_FIELDS, item)
        info["renewal_price"] = _as_price(info.get("renewal_price"))
        prices[canonical_name(str(info.get("name") or ""))] = info
    return prices


def _as_price(value: t.Any) -> t.Optional[float]:
    if isinstance(value, bool):
        return None
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return None


def renewal_window(domain: t.Mapping[str, t.Any], now: t.Optional[datetime.datetime] = None) -> RenewalWindow:
    """docs/developer/API.md#domain-renewal: ACTIVE within 45 days of expiry, or GRACE_PERIOD, may be renewed."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    status = domain.get("status")
    name = domain.get("name")
    if status == _api.DOMAIN_STATUS_GRACE_PERIOD:
        return RenewalWindow(True, "%s is in its grace period after expiry and can still be renewed" % name)
    if status != _api.DOMAIN_STATUS_ACTIVE:
        return RenewalWindow(False, "%s is %s; only ACTIVE domains near expiry and GRACE_PERIOD domains can be renewed" % (name, status))
    return dated_window(
        name, domain.get("expiry_date"), _api.DOMAIN_RENEWAL_WINDOW_DAYS, now,
        unknown="CMR did not report an expiry date for {what}, so its renewal window is unknown",
        inside="{what} expires on {ends} and is inside its renewal window",
        outside="{what} expires on {ends}; its renewal window opens on {opens} ({days} days before expiry)",
    )


# --- writes -------------------------------------------------------------------------------------

URL_FORWARDING = ("forward_to", "mask_forwarding")
GOOGLE_CLIENT = ("google_client_id", "google_app_name")


def update_settings(client: CmrClient, user_id: str, current: t.Mapping[str, t.Any], changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Send the changed settings of a domain, one request per API area; returns the domain as wanted."""
    name = current["name"]
    wanted = {**current, **changes}
    if "auto_renew" in changes:
        client.call(_api.DOMAIN_AUTO_RENEW, body={_api.USER_ID: user_id, _api.DOMAINS: [name], _api.AUTO_RENEW: changes["auto_renew"]})
    if any(key in changes for key in URL_FORWARDING):
        body = {_api.USER_ID: user_id, _api.DOMAIN: name, _api.FORWARD_TO: wanted.get("forward_to")}
        if wanted.get("mask_forwarding") is not None:
            body[_api.MASK_FORWARDING] = wanted["mask_forwarding"]
        client.call(_api.DOMAIN_FORWARDING, body=body)
    if "email_forward_to" in changes:
        client.call(_api.DOMAIN_EMAIL_FORWARDING, body={_api.USER_ID: user_id, _api.DOMAIN: name, _api.FORWARD_TO: changes["email_forward_to"]})
    if any(key in changes for key in GOOGLE_CLIENT):
        body = {_api.USER_ID: user_id, _api.DOMAINS: [name], _api.CLIENT_ID: wanted.get("google_client_id"), _api.APP_NAME: wanted.get("google_app_name")}
        client.call(_api.DOMAIN_ADD_CLIENT_ID, body=body)
    return wanted


def renewal_shows(now: t.Optional[t.Mapping[str, t.Any]], before: t.Mapping[str, t.Any]) -> bool:
    """Whether CMR shows a renewal it was asked for: RENEWING, or a later expiry than before."""
    return bool(now) and (now.get("status") == _api.DOMAIN_STATUS_RENEWING or now.get("expiry_date") != before.get("expiry_date"))


def renewal_done(now: t.Optional[t.Mapping[str, t.Any]], before: t.Mapping[str, t.Any]) -> bool:
    """A renewal finished: the expiry moved and the domain left RENEWING."""
    return bool(now) and now.get("status") != _api.DOMAIN_STATUS_RENEWING and now.get("expiry_date") != before.get("expiry_date")


def renew(client: CmrClient, user_id: str, current: t.Mapping[str, t.Any], warn: Warn) -> None:
    """Renew one domain for a year: paid, so sent once; a lost answer is settled by reading the domain."""
    name = current["name"]
    request = PaidRequest(
        "the renewal of %s" % name, _api.DOMAIN_RENEW, body={_api.USER_ID: user_id, _api.DOMAINS: [name]},
        probe=lambda: renewal_shows(pick_domain(list_domains(client, user_id), name), current),
        check_first="the domain's expiry date and the wallet (coldmailreseller.cmr.cmr_domain_info, cmr_wallet_info)",
    )
    send_once(client, request, warn)


def remove(client: CmrClient, user_id: str, name: str) -> bool:
    """Remove a domain; False when CMR says it is already gone (a parallel run, a retried task)."""
    return call_unless_missing(client, _api.DOMAIN_REMOVE, query={_api.USER_ID: user_id}, body={_api.DOMAINS: [name]}) is not None


# --- availability (docs/developer/API.md#availability-and-workspaces) --------------------------------------------------------

def availability(client: CmrClient, name: str) -> dict[str, t.Any]:
    """Whether an exact name can be registered, and its one-year price."""
    data = client.call(_api.DOMAIN_AVAILABLE, body={_api.DOMAIN: canonical_name(name)}).data
    if not isinstance(data, dict):
        raise CmrModuleError("Unexpected response from CMR: the availability of %s is not an object" % canonical_name(name))
    return _availability_item(data, name)


def suggestions(client: CmrClient, keyword: str, tlds: t.Optional[t.Sequence[str]] = None) -> list[dict[str, t.Any]]:
    """Available names CMR suggests for a keyword."""
    body: dict[str, t.Any] = {_api.DOMAIN: keyword}
    if tlds:
        body[_api.DOMAIN_SUGGEST_TLDS] = [tld.lstrip(".").lower() for tld in tlds]
    data = client.call(_api.DOMAIN_SUGGEST, body=body).data
    return [_availability_item(item, "") for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _availability_item(data: t.Mapping[str, t.Any], asked: str) -> dict[str, t.Any]:
    item = _api.from_api(_api.AVAILABILITY_FIELDS, data)
    item["name"] = canonical_name(str(item.get("name") or asked))
    item["available"] = bool(item.get("available"))
    item["price"] = _as_price(item.get("price"))
    return item


def workspace_conflicts(client: CmrClient, names: t.Sequence[str], service_provider: t.Optional[str] = None) -> dict[str, t.Optional[str]]:
    """One bulk has-workspace request: canonical name -> None when CMR found no workspace, else
    CMR's message. A failed or timed-out check is not a clean result, so it counts as a conflict."""
    if not names:
        return {}
    items = []
    for name in names:
        item = {_api.DOMAIN_NAME: canonical_name(name)}
        if service_provider:
            item[_api.SERVICE_PROVIDER] = service_provider
        items.append(item)
    data = client.call(_api.DOMAIN_HAS_WORKSPACE, body={_api.DOMAINS: items}).data
    results: dict[str, t.Optional[str]] = {canonical_name(name): "CMR did not report a workspace check for this domain" for name in names}
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict):
            name = canonical_name(str(entry.get(_api.DOMAIN_NAME) or ""))
            no_workspace = entry.get(_api.WORKSPACE_ITEM_SUCCESS) is True
            results[name] = None if no_workspace else str(entry.get(_api.WORKSPACE_ITEM_ERROR) or "workspace check failed")
    return results
