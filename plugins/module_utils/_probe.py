# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The probe behind cmr_api_readings_info and playbooks/verify_api.yml.

It checks, read-only, the assumptions the collection makes about CMR's paths, methods and
answer shapes where the docs are incomplete or contradict each other. It sends GETs, the
documented read-only POSTs (availability, workspace check, renewal price) and OPTIONS (to
learn which methods a write path serves without writing). It never sends a write, and its
client does not send error reports (those are POSTs).

What is reported of an answer is its shape (types and key names), never its values.
"""

from __future__ import annotations

import typing as t
from dataclasses import asdict, dataclass

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, CmrResponse

HOLDS = "holds"
DIFFERS = "differs"
NOT_CHECKED = "not checked"
PROBE_DOMAIN = "example.com"  # IANA-reserved: never anybody's order, safe to ask availability and workspaces for
OPTIONS = "OPTIONS"


@dataclass(frozen=True)
class Check:
    """One assumption and what the service showed about it."""

    assumption: str
    endpoint: str
    result: str  # HOLDS, DIFFERS or NOT_CHECKED
    seen: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Answer = t.Union[CmrResponse, CmrApiError]


def shape(data: t.Any) -> str:
    """The shape of ``data`` without any value: list length, object keys, type."""
    if data is None:
        return "data is null"
    if isinstance(data, list):
        return "data is a list of %d" % len(data)
    if isinstance(data, dict):
        keys = sorted(str(key) for key in data)
        more = " ..." if len(keys) > 12 else ""
        return "data is an object with keys %s%s" % (", ".join(keys[:12]) or "(none)", more)
    return "data is a %s" % type(data).__name__


def _ask(client: CmrClient, endpoint: _api.Endpoint, query: t.Optional[dict] = None, body: t.Any = None) -> Answer:
    try:
        return client.call(endpoint, query=query, body=body)
    except CmrApiError as exc:
        if exc.status == 401 or exc.status is None:
            raise  # a rejected key or no connection: nothing can be checked, the module says so in one line
        return exc


def _seen(answer: Answer, extra: str = "") -> str:
    if isinstance(answer, CmrApiError):
        return "HTTP %s: %s" % (answer.status if answer.status is not None else "none", answer.message)
    return "HTTP %d, %s%s" % (answer.status, shape(answer.data), extra)


# --- the checks ----------------------------------------------------------------------------------

def check_list(client: CmrClient, endpoint: _api.Endpoint, query: dict, key: t.Optional[str]) -> tuple[Check, list]:
    """A list endpoint answers ``data`` as the list (key None) or ``data[key]``; the items found, for later checks."""
    where = "data.%s" % key if key else "data"
    assumption = "%s answers its items as %s" % (endpoint, where)
    answer = _ask(client, endpoint, dict(query, **{_api.PAGE_PARAM: 1, _api.LIMIT_PARAM: _api.PAGE_LIMIT}))
    if isinstance(answer, CmrApiError):
        return Check(assumption, str(endpoint), DIFFERS, _seen(answer)), []
    data = answer.data
    expected = data if key is None else data.get(key) if isinstance(data, dict) else None
    if isinstance(expected, list):
        return Check(assumption, str(endpoint), HOLDS, _seen(answer)), expected
    items = _api.list_items(data, (key, *endpoint.list_keys))
    readable = "; the collection's tolerant reader reads it" if items is not None else "; the collection cannot read it"
    return Check(assumption, str(endpoint), DIFFERS, _seen(answer, readable)), items or []


def check_wallet(client: CmrClient) -> Check:
    assumption = "GET /wallet (inferred) answers data.balance as a number"
    answer = _ask(client, _api.WALLET)
    balance = answer.data.get("balance") if isinstance(answer, CmrResponse) and isinstance(answer.data, dict) else None
    holds = isinstance(balance, (int, float)) and not isinstance(balance, bool)
    return Check(assumption, str(_api.WALLET), HOLDS if holds else DIFFERS, _seen(answer))


def check_workspace_bulk(client: CmrClient) -> Check:
    assumption = "POST /domains/has-workspace takes the bulk form {domains: [...]} and answers one item per domain"
    answer = _ask(client, _api.DOMAIN_HAS_WORKSPACE_BULK, body={_api.DOMAINS: [{_api.DOMAIN_NAME: PROBE_DOMAIN}]})
    data = answer.data if isinstance(answer, CmrResponse) else None
    holds = isinstance(data, list) and any(isinstance(item, dict) and item.get(_api.DOMAIN_NAME) == PROBE_DOMAIN for item in data)
    note = "" if holds else "; the collection falls back to one documented request per domain"
    return Check(assumption, str(_api.DOMAIN_HAS_WORKSPACE_BULK), HOLDS if holds else DIFFERS, _seen(answer) + note)


def check_workspace_single(client: CmrClient) -> Check:
    assumption = "POST /domains/has-workspace takes {domainName} and answers 200 (no workspace) or 409 (workspace)"
    answer = _ask(client, _api.DOMAIN_HAS_WORKSPACE, body={_api.DOMAIN_NAME: PROBE_DOMAIN})
    holds = isinstance(answer, CmrResponse) or answer.status == 409
    return Check(assumption, str(_api.DOMAIN_HAS_WORKSPACE), HOLDS if holds else DIFFERS, _seen(answer))


def check_availability(client: CmrClient) -> Check:
    assumption = "POST /domains/available (inferred) answers {domain, available, price} for one name"
    answer = _ask(client, _api.DOMAIN_AVAILABLE, body={_api.DOMAIN: PROBE_DOMAIN})
    data = answer.data if isinstance(answer, CmrResponse) else None
    holds = isinstance(data, dict) and isinstance(data.get("available"), bool)
    return Check(assumption, str(_api.DOMAIN_AVAILABLE), HOLDS if holds else DIFFERS, _seen(answer))


def check_suggestions(client: CmrClient) -> Check:
    assumption = "POST /domains/suggest (inferred) answers a list of {domain, available, price}"
    answer = _ask(client, _api.DOMAIN_SUGGEST, body={_api.DOMAIN: PROBE_DOMAIN.split(".", 1)[0]})
    holds = isinstance(answer, CmrResponse) and isinstance(answer.data, list)
    return Check(assumption, str(_api.DOMAIN_SUGGEST), HOLDS if holds else DIFFERS, _seen(answer))


def check_methods(client: CmrClient, endpoint: _api.Endpoint) -> Check:
    """Which method/path of a write the service serves, learned from OPTIONS (nothing is written)."""
    assumption = "%s is served (the collection falls back to %s on 404/405)" % (
        endpoint, " or ".join(str(alt) for alt in endpoint.alternates) or "nothing")
    answer = _ask(client, _api.Endpoint(OPTIONS, endpoint.path, read_only=True))
    allowed = _allowed(answer)
    if allowed is None:
        return Check(assumption, str(endpoint), NOT_CHECKED, "OPTIONS %s did not list the methods (%s)" % (endpoint.path, _seen(answer)))
    return Check(assumption, str(endpoint), HOLDS if endpoint.method in allowed else DIFFERS, "OPTIONS allows %s" % ", ".join(allowed))


def _allowed(answer: Answer) -> t.Optional[list[str]]:
    """The methods an OPTIONS answer lists (data.allow), or None when it does not say (e.g. a bare CORS answer)."""
    allowed = answer.data.get("allow") if isinstance(answer, CmrResponse) and isinstance(answer.data, dict) else None
    return sorted(str(method) for method in allowed) if isinstance(allowed, list) else None


def check_path(client: CmrClient, endpoint: _api.Endpoint) -> list[Check]:
    """Each documented path of a write: does the service serve it (OPTIONS)? Only the first should."""
    checks = []
    for form in (endpoint, *endpoint.alternates):
        answer = _ask(client, _api.Endpoint(OPTIONS, form.path, read_only=True))
        first = form is endpoint
        assumption = "%s %s" % (form, "is served" if first else "is not served (the first form is)")
        allowed = _allowed(answer)
        if isinstance(answer, CmrApiError) and answer.status in (404, 405):
            result, seen = (DIFFERS if first else HOLDS), _seen(answer)
        elif allowed is not None:
            served = form.method in allowed
            result, seen = (HOLDS if served == first else DIFFERS), "OPTIONS allows %s" % ", ".join(allowed)
        else:
            result, seen = NOT_CHECKED, "OPTIONS %s did not list the methods (%s)" % (form.path, _seen(answer))
        checks.append(Check(assumption, str(form), result, seen))
    return checks


def check_renewal_price(client: CmrClient, user_id: str, domain: t.Optional[str]) -> Check:
    assumption = "POST /domains/renewal-price answers a list of {domainName, renewalPrice, ...}"
    if not domain:
        return Check(assumption, str(_api.DOMAIN_RENEWAL_PRICE), NOT_CHECKED, "the user owns no domain to ask about")
    answer = _ask(client, _api.DOMAIN_RENEWAL_PRICE, body={_api.USER_ID: user_id, _api.DOMAINS: [domain]})
    items = _api.list_items(answer.data, ("domains",)) if isinstance(answer, CmrResponse) else None
    holds = isinstance(answer, CmrResponse) and isinstance(answer.data, list) and all(isinstance(i, dict) and "renewalPrice" in i for i in answer.data)
    extra = "; the collection's tolerant reader reads it" if not holds and items else ""
    return Check(assumption, str(_api.DOMAIN_RENEWAL_PRICE), HOLDS if holds else DIFFERS, _seen(answer, extra))


def check_order(client: CmrClient, user_id: t.Optional[str], order_id: t.Optional[str]) -> list[Check]:
    status_assumption = "GET /orders/status answers data.status"
    details_assumption = "GET /orders/details (inferred) answers the order object with orderId and status"
    if not (user_id and order_id):
        why = "give order_id (and user_id) of an existing order to check it"
        return [Check(status_assumption, str(_api.ORDER_STATUS), NOT_CHECKED, why),
                Check(details_assumption, str(_api.ORDER_DETAILS), NOT_CHECKED, why)]
    query = {_api.USER_ID: user_id, _api.ORDER_ID: order_id}
    status = _ask(client, _api.ORDER_STATUS, query)
    details = _ask(client, _api.ORDER_DETAILS, query)

    def has(answer: Answer, *keys: str) -> bool:
        return isinstance(answer, CmrResponse) and isinstance(answer.data, dict) and all(key in answer.data for key in keys)
    return [Check(status_assumption, str(_api.ORDER_STATUS), HOLDS if has(status, _api.ORDER_STATUS_FIELD) else DIFFERS, _seen(status)),
            Check(details_assumption, str(_api.ORDER_DETAILS), HOLDS if has(details, _api.ORDER_ID, "status") else DIFFERS, _seen(details))]


def probe(client: CmrClient, user_id: t.Optional[str] = None, order_id: t.Optional[str] = None) -> list[dict[str, str]]:
    """Every check, in a fixed order. ``user_id``: the customer whose lists are read (default: the first user)."""
    users_check, users = check_list(client, _api.USERS_LIST, {}, _api.USERS_LIST_KEY)
    checks = [check_wallet(client), users_check]
    subscriptions_check, dummy = check_list(client, _api.SUBSCRIPTIONS, {}, _api.SUBSCRIPTIONS_KEY)
    checks.append(subscriptions_check)
    if not user_id:
        first = next((u for u in users if isinstance(u, dict) and u.get(_api.USER_ID)), None)
        user_id = first[_api.USER_ID] if first else None
    if user_id:
        domains_check, domains = check_list(client, _api.DOMAINS_BY_USER, {_api.USER_ID: user_id}, None)
        mailboxes_check, dummy = check_list(client, _api.MAILBOXES_BY_USER, {_api.USER_ID: user_id}, None)
        name = next((d.get("domainName") for d in domains if isinstance(d, dict) and d.get("domainName")), None)
        checks += [domains_check, mailboxes_check, check_renewal_price(client, user_id, name)]
    else:
        why = "the account has no user yet (or give user_id)"
        checks += [Check("%s answers its items as data" % ep, str(ep), NOT_CHECKED, why) for ep in (_api.DOMAINS_BY_USER, _api.MAILBOXES_BY_USER)]
        checks.append(Check("POST /domains/renewal-price answers a list of {domainName, renewalPrice, ...}", str(_api.DOMAIN_RENEWAL_PRICE), NOT_CHECKED, why))
    checks += [check_workspace_bulk(client), check_workspace_single(client), check_availability(client), check_suggestions(client)]
    checks += [check_methods(client, _api.DOMAIN_AUTO_RENEW)]
    checks += check_path(client, _api.SUBSCRIPTION_RECREATE)
    checks += check_order(client, user_id, order_id)
    return [check.as_dict() for check in checks]


def table(checks: t.Sequence[t.Mapping[str, str]]) -> list[str]:
    """The checks as aligned text lines under a header (the playbook prints them)."""
    width = max([len("ENDPOINT")] + [len(check["endpoint"]) for check in checks])
    row = "%-11s | %-" + str(width) + "s | %s"
    return [row % ("RESULT", "ENDPOINT", "ASSUMPTION -> SEEN")] + [
        row % (check["result"], check["endpoint"], "%s -> %s" % (check["assumption"], check["seen"])) for check in checks]
