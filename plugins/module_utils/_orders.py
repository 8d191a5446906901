# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Orders: what to buy, what it costs, placing it once, and what to do when the answer is lost.

CMR registers domains and provisions mailboxes only through orders, and every confirmed order
charges the partner wallet. The rules here (docs/developer/DESIGN.md#order-rules):

* the plan covers only what is missing: domains the user owns and mailboxes that exist are
  never ordered again, so a rerun of the same task buys nothing;
* availability and workspace conflicts are checked before anything is spent;
* the estimate is domain price × years + mailboxes × the monthly mailbox price, the formula
  CMR debits, and it is compared with ``max_cost`` and the wallet before any order is sent;
* an order request is sent once. When its answer is lost the user's domains and mailboxes
  are read again: an accepted order lists them at once, so they tell whether it was placed;
  if they do not, the run stops with "state unknown" instead of ordering a second time.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import availability, list_domains, pick_domain, workspace_conflicts
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import (
    canonical_email,
    existing_emails,
    is_active,
    list_mailboxes,
    mailbox_email,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import PaidRequest, Warn, send_once
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import domain_name_problem, person_name_problem, username_problem
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import LIVE_STATUSES, by_domain, list_subscriptions
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import Funds, read_wallet
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for

try:
    import voluptuous as vol
except ImportError:  # pragma: no cover - CmrModule reports the missing library
    vol = None  # type: ignore[assignment]

MailboxSpec = dict  # snake_case: username, first_name, last_name, profile_picture, warmup

# The purchase options of the modules that place orders (cmr_order, cmr_mailbox), documented
# once in doc_fragments/_common.py (PURCHASE). Options whose meaning differs per module
# (confirm, wait, wait_timeout) stay in the module.
PURCHASE_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "max_cost": {"type": "float"},
    "mailbox_price": {"type": "float", "default": _api.STANDARD_MAILBOX_PRICE},
}


def money(amount: float) -> float:
    """Round to cents (sums of float prices are not exact)."""
    return round(amount + 1e-9, 2)


# --- what the task asks for ---------------------------------------------------------------------

def _checked(problem: t.Callable[[t.Any], t.Optional[str]]) -> t.Callable[[t.Any], t.Any]:
    """A voluptuous validator from a _names check."""
    def check(value: t.Any) -> t.Any:
        message = problem(value)
        if message:
            raise vol.Invalid(message)
        return value
    return check


def _mailbox_spec_schema() -> t.Any:
    # Every name CMR refuses is refused here, before the first paid request of the run: a bad
    # mailbox name must not fail a mailbox order after the domain order of the same task was paid.
    return vol.Schema({
        vol.Required("username"): _checked(username_problem),
        vol.Required("first_name"): _checked(person_name_problem),
        vol.Required("last_name"): _checked(person_name_problem),
        vol.Optional("profile_picture"): vol.Any(None, str),
        vol.Optional("warmup", default=False): vol.Boolean(),
    })


def parse_mailboxes(option: t.Optional[t.Mapping[str, t.Any]]) -> dict[str, list[MailboxSpec]]:
    """The ``mailboxes`` option (domain name -> list of mailbox specs), validated and normalised."""
    if not option:
        return {}
    schema = vol.Schema({str: [_mailbox_spec_schema()]})
    try:
        valid = schema(dict(option))
    except vol.MultipleInvalid as exc:
        first = exc.errors[0]
        where = "".join("[%s]" % part if isinstance(part, int) else ".%s" % part for part in first.path)
        raise CmrModuleError("mailboxes%s: %s" % (where, first.msg)) from None
    result: dict[str, list[MailboxSpec]] = {}
    for domain, specs in valid.items():
        problem = domain_name_problem(domain)
        if problem:
            raise CmrModuleError("mailboxes: the key %s" % problem)
        name = canonical_name(domain)
        seen: set[str] = set()
        for spec in specs:
            spec["username"] = spec["username"].strip().lower()
            if spec["username"] in seen:
                raise CmrModuleError("mailboxes.%s lists the username %s twice" % (name, spec["username"]))
            seen.add(spec["username"])
        result.setdefault(name, []).extend(specs)
    return result


def parse_domains(option: t.Optional[t.Sequence[t.Mapping[str, t.Any]]]) -> list[dict[str, t.Any]]:
    """The ``domains`` option with canonical names; a name listed twice is an error."""
    result: list[dict[str, t.Any]] = []
    seen: set[str] = set()
    low, high = _api.ORDER_YEARS_RANGE
    for index, item in enumerate(option or []):
        problem = domain_name_problem(item["name"])
        if problem:
            raise CmrModuleError("domains[%d].name %s" % (index, problem))
        name = canonical_name(item["name"])
        if name in seen:
            raise CmrModuleError("domains lists %s twice" % name)
        years = 1 if item.get("years") is None else item["years"]
        if not low <= years <= high:
            raise CmrModuleError("domains[%d].years must be from %d to %d, got %d (%s)" % (index, low, high, years, name))
        seen.add(name)
        result.append({"name": name, "years": years, "forward_to": item.get("forward_to")})
    return result


@dataclass(frozen=True)
class OrderSettings:
    """Order-wide options, sent with every order this task places."""

    service_provider: str = _api.DEFAULT_SERVICE_PROVIDER
    google: t.Optional[t.Mapping[str, t.Any]] = None
    microsoft_oauth_route: t.Optional[str] = None
    auto_renew: t.Optional[bool] = None

    def provider_fields(self) -> dict[str, t.Any]:
        body: dict[str, t.Any] = {_api.SERVICE_PROVIDER: self.service_provider}
        google = {k: v for k, v in (self.google or {}).items() if v is not None}
        if google:
            body[_api.ORDER_GOOGLE] = _api.to_api(_api.GOOGLE_OAUTH_FIELDS, google)
        if self.microsoft_oauth_route:
            body[_api.ORDER_MICROSOFT_OAUTH_ROUTE] = self.microsoft_oauth_route
        if self.auto_renew is not None:
            body[_api.AUTO_RENEW] = self.auto_renew
        return body


# --- the plan -----------------------------------------------------------------------------------

@dataclass
class NewDomain:
    """A domain to register, with the mailboxes ordered together with it."""

    name: str
    years: int
    forward_to: t.Optional[str] = None
    price_per_year: float = 0.0
    mailboxes: list[MailboxSpec] = field(default_factory=list)

    @property
    def price(self) -> float:
        return money(self.price_per_year * self.years)


@dataclass
class MailboxOrder:
    """Mailboxes to add to a domain the user owns: one mailbox-order call per domain.

    ``subscription_id`` when the domain's subscription still runs (mailboxes join it);
    otherwise ``domain_id`` and CMR starts a new subscription. Never both (docs/developer/API.md#mailboxes-on-an-owned-domain).
    """

    domain: str
    mailboxes: list[MailboxSpec]
    subscription_id: t.Optional[str] = None
    domain_id: t.Optional[str] = None


@dataclass
class OrderPlan:
    new_domains: list[NewDomain] = field(default_factory=list)
    mailbox_orders: list[MailboxOrder] = field(default_factory=list)
    mailbox_price: float = _api.STANDARD_MAILBOX_PRICE

    @property
    def emails(self) -> list[str]:
        emails = [mailbox_email(spec["username"], domain.name) for domain in self.new_domains for spec in domain.mailboxes]
        emails += [mailbox_email(spec["username"], order.domain) for order in self.mailbox_orders for spec in order.mailboxes]
        return emails

    @property
    def domain_names(self) -> list[str]:
        return [domain.name for domain in self.new_domains]

    @property
    def total_cost(self) -> float:
        return money(sum(domain.price for domain in self.new_domains) + len(self.emails) * self.mailbox_price)

    @property
    def empty(self) -> bool:
        return not self.new_domains and not self.emails

    @property
    def with_warmup(self) -> bool:
        specs = [spec for domain in self.new_domains for spec in domain.mailboxes]
        specs += [spec for order in self.mailbox_orders for spec in order.mailboxes]
        return any(spec.get("warmup") for spec in specs)

    def as_dict(self) -> dict[str, t.Any]:
        """The ``plan`` return value (docs/developer/DESIGN.md#order-rules)."""
        return {
            "domains": [{"name": d.name, "years": d.years, "price_per_year": d.price_per_year, "price": d.price} for d in self.new_domains],
            "mailboxes": [{"email": email, "monthly_price": self.mailbox_price} for email in self.emails],
            "total_cost": self.total_cost,
        }


def missing_mailboxes(wanted: t.Mapping[str, t.Sequence[MailboxSpec]], present: t.Collection[str]) -> dict[str, list[MailboxSpec]]:
    """Per domain, the wanted mailboxes whose address is not in ``present`` (canonical e-mails)."""
    missing: dict[str, list[MailboxSpec]] = {}
    for domain, specs in wanted.items():
        absent = [dict(spec) for spec in specs if mailbox_email(spec["username"], domain) not in present]
        if absent:
            missing[domain] = absent
    return missing


def mailbox_order_for(domain: t.Mapping[str, t.Any], subscription: t.Optional[t.Mapping[str, t.Any]], specs: list[MailboxSpec]) -> MailboxOrder:
    """Where new mailboxes of an owned domain go: its live subscription, else a new one."""
    if subscription is not None and subscription.get("status") in LIVE_STATUSES and subscription.get("subscription_id"):
        return MailboxOrder(domain=domain["name"], mailboxes=specs, subscription_id=subscription["subscription_id"])
    if not domain.get("domain_id"):
        raise CmrModuleError("Unexpected response from CMR: domain %s has no domainId, so mailboxes cannot be ordered for it" % domain["name"])
    return MailboxOrder(domain=domain["name"], mailboxes=specs, domain_id=domain["domain_id"])


# --- availability and price (before anything is spent) ------------------------------------------

def price_new_domains(client: CmrClient, names: t.Sequence[str], service_provider: str) -> dict[str, float]:
    """Registration price per year of each name; fails, having ordered nothing, when a name
    cannot be had (taken, not sold, or tied to an existing workspace, docs/developer/API.md#availability-and-workspaces)."""
    if not names:
        return {}
    problems: list[str] = []
    prices: dict[str, float] = {}
    for name in names:  # CMR documents no bulk availability call
        info = availability(client, name)
        if not info["available"]:
            problems.append("%s is not available for registration" % name)
        elif info["price"] is None:
            problems.append("CMR gave no price for %s" % name)
        else:
            prices[name] = info["price"]
    conflicts = workspace_conflicts(client, names, service_provider)  # one bulk check; a failed check counts as a conflict
    problems += ["%s already has a workspace or could not be checked (%s)" % (name, why) for name, why in conflicts.items() if why]
    if problems:
        raise CmrModuleError("nothing was ordered: " + "; ".join(problems))
    return prices


def _as_dict(data: t.Any) -> dict[str, t.Any]:
    if not isinstance(data, dict):
        raise CmrModuleError("Unexpected response from CMR: expected an object, got %r" % (data,))
    return data


# --- request bodies -----------------------------------------------------------------------------

def _without_none(**values: t.Any) -> dict[str, t.Any]:
    return {key: value for key, value in values.items() if value is not None}


def spec_to_api(spec: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    return _api.to_api(_api.ORDER_MAILBOX_FIELDS, {key: value for key, value in spec.items() if value is not None})


def domain_order_body(domains: t.Sequence[NewDomain], settings: OrderSettings, confirm: bool) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {
        _api.ORDER_DOMAINS: [_api.to_api(_api.ORDER_DOMAIN_FIELDS, _without_none(name=d.name, years=d.years, forward_to=d.forward_to)) for d in domains],
        _api.ORDER_MAILBOXES: {d.name: [spec_to_api(spec) for spec in d.mailboxes] for d in domains},
        _api.ORDER_BILLING_CYCLE: _api.BILLING_CYCLE_MONTHLY,
        _api.ORDER_CONFIRM: confirm,
    }
    body.update(settings.provider_fields())
    return body


def mailbox_order_body(order: MailboxOrder, settings: OrderSettings, confirm: bool) -> dict[str, t.Any]:
    body: dict[str, t.Any] = {
        _api.ORDER_MAILBOXES: {order.domain: [spec_to_api(spec) for spec in order.mailboxes]},
        _api.ORDER_CONFIRM: confirm,
    }
    if order.subscription_id:
        body[_api.ORDER_SUBSCRIPTION_ID] = order.subscription_id
        provider = settings.provider_fields()
        provider.pop(_api.SERVICE_PROVIDER)  # the running subscription decides the provider
        provider.pop(_api.AUTO_RENEW, None)  # autoRenew applies only to a new subscription
        body.update(provider)
    else:
        body[_api.ORDER_DOMAIN_ID] = order.domain_id
        body.update(settings.provider_fields())
    return body


# --- placing an order once ----------------------------------------------------------------------

@dataclass
class Placed:
    """One order request that CMR accepted (or that was found applied after a lost answer)."""

    kind: str  # "domains" or "mailboxes"
    domains: list[str]
    emails: list[str]
    order_id: t.Optional[str] = None
    action_id: t.Optional[str] = None
    unavailable_domains: list[str] = field(default_factory=list)
    answer_lost: bool = False

    def as_dict(self) -> dict[str, t.Any]:
        return {
            "order_id": self.order_id,
            "action_id": self.action_id,
            "kind": self.kind,
            "domains": self.domains,
            "mailboxes": self.emails,
            "unavailable_domains": self.unavailable_domains,
            "answer_lost": self.answer_lost,
        }


def send_order(client: CmrClient, endpoint: _api.Endpoint, user_id: str, body: dict[str, t.Any], placed: Placed, confirmed: bool,
               warn: Warn) -> Placed:
    """Send one order request exactly once; on a lost answer, decide from what CMR lists."""
    what = "the %sorder for %s" % ("" if confirmed else "unconfirmed ", ", ".join(placed.domains + placed.emails))
    if confirmed:
        request = PaidRequest(what, endpoint, {_api.USER_ID: user_id}, body, probe=lambda: seen_order(client, user_id, placed),
                              check_first="the wallet and the user's domains and mailboxes (coldmailreseller.cmr.cmr_wallet_info, "
                                          "cmr_domain_info, cmr_mailbox_info)")
    else:
        # An unconfirmed order registers nothing, so nothing CMR lists can tell; it costs nothing either.
        request = PaidRequest(what, endpoint, {_api.USER_ID: user_id}, body, probe=lambda: False,
                              check_first="the orders in the CMR dashboard", unseen="CMR does not list unconfirmed orders; an "
                              "unconfirmed order costs nothing until it is processed")
    sent = send_once(client, request, warn)
    if sent.answer_lost:
        placed.answer_lost = True
        return placed
    data = sent.data if isinstance(sent.data, dict) else {}
    placed.order_id = data.get(_api.ORDER_ID)
    placed.action_id = sent.action_id
    placed.unavailable_domains = sorted(canonical_name(str(name)) for name in data.get(_api.ORDER_UNAVAILABLE_DOMAINS) or [])
    return placed


def judge_lost_order(expected_domains: t.Collection[str], expected_emails: t.Collection[str],
                     listed_domains: t.Collection[str], listed_emails: t.Collection[str]) -> tuple[bool, list[str]]:
    """(placed, what is missing) after a lost answer.

    An accepted order lists its domains (PENDING) and mailboxes (IN_PROGRESS) at once, and
    the plan only ever orders what was missing before, so anything of the order now listed
    proves it was accepted. A domain left out of an accepted order was unavailable to CMR.
    """
    found_domains = [name for name in expected_domains if name in listed_domains]
    found_emails = [email for email in expected_emails if email in listed_emails]
    missing = [name for name in expected_domains if name not in listed_domains] + [e for e in expected_emails if e not in listed_emails]
    return bool(found_domains or found_emails), missing


def seen_order(client: CmrClient, user_id: str, placed: Placed) -> bool:
    """The probe of a lost order answer: whether CMR lists any of it (and, if so, which domains it left out)."""
    listed_domains = {canonical_name(str(d.get("name") or "")) for d in list_domains(client, user_id)} if placed.domains else set()
    listed_emails = existing_emails(list_mailboxes(client, user_id)) if placed.emails else set()
    was_placed, missing = judge_lost_order(placed.domains, placed.emails, listed_domains, listed_emails)
    placed.unavailable_domains = [name for name in missing if name in placed.domains]
    return was_placed


# --- waiting until everything ordered is ACTIVE ---------------------------------------------------

def wait_provisioned(client: CmrClient, user_id: str, placed: t.Sequence[Placed], timeout: float) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """Poll the user's domains and mailboxes until everything the orders cover is ACTIVE.

    Returns the ordered domains and mailboxes as CMR lists them at the end. An order that CMR
    marks FAILED stops the wait with its id.
    """
    domains_wanted = [name for p in placed for name in p.domains if name not in p.unavailable_domains]
    emails_wanted = [email for p in placed for email in p.emails if email.split("@", 1)[1] not in p.unavailable_domains]
    order_ids = [p.order_id for p in placed if p.order_id]

    def fetch() -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
        for order_id in order_ids:
            check_not_failed(client, user_id, order_id)
        domains = [d for d in list_domains(client, user_id) if canonical_name(str(d.get("name") or "")) in domains_wanted] if domains_wanted else []
        mailboxes = [m for m in list_mailboxes(client, user_id) if canonical_email(str(m.get("email") or "")) in emails_wanted] if emails_wanted else []
        return domains, mailboxes

    def done(value: tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]) -> bool:
        domains, mailboxes = value
        return (len(domains) == len(domains_wanted) and all(d.get("status") == _api.DOMAIN_STATUS_ACTIVE for d in domains)
                and len(mailboxes) == len(emails_wanted) and all(is_active(m) for m in mailboxes))

    what = "the order of %s to become ACTIVE" % ", ".join(domains_wanted + emails_wanted)
    return wait_for(fetch, done, timeout, what)


def check_not_failed(client: CmrClient, user_id: str, order_id: str) -> None:
    data = client.call(_api.ORDER_STATUS, query={_api.USER_ID: user_id, _api.ORDER_ID: order_id}).data
    if isinstance(data, dict) and data.get(_api.ORDER_STATUS_FIELD) == _api.ORDER_STATUS_FAILED:
        raise CmrModuleError("CMR reports order %s as FAILED; see coldmailreseller.cmr.cmr_order_info for its details" % order_id, changed=True)


# --- existing orders (order_id) -------------------------------------------------------------------

def normalise_order(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    order = _api.from_api(_api.ORDER_FIELDS, obj)
    domains = obj.get(_api.ORDER_DOMAINS) or []
    order["domains"] = [_api.from_api(_api.ORDER_DOMAIN_FIELDS, item) for item in domains if isinstance(item, dict)]
    for item in order["domains"]:
        item["name"] = canonical_name(str(item.get("name") or ""))
    mailboxes = obj.get(_api.ORDER_MAILBOXES) or {}
    order["mailboxes"] = {
        canonical_name(str(domain)): [_api.from_api(_api.ORDER_MAILBOX_FIELDS, spec) for spec in specs if isinstance(spec, dict)]
        for domain, specs in (mailboxes.items() if isinstance(mailboxes, dict) else [])
    }
    return order


def get_order(client: CmrClient, user_id: str, order_id: str) -> dict[str, t.Any]:
    try:
        data = client.call(_api.ORDER_DETAILS, query={_api.USER_ID: user_id, _api.ORDER_ID: order_id}).data
    except CmrApiError as exc:
        if exc.status == 404:
            raise CmrModuleError("order %s of user %s does not exist" % (order_id, user_id)) from exc
        raise
    return normalise_order(_as_dict(data))


def plan_of_order(order: t.Mapping[str, t.Any], prices: t.Mapping[str, float], mailbox_price: float) -> OrderPlan:
    """What processing an unconfirmed order buys: its domains and all of its mailboxes.

    Mailboxes keyed by a domain that the order does not register were ordered for a domain
    the user owns (a mailbox order).
    """
    new_domains = [
        NewDomain(name=item["name"], years=int(item.get("years") or 1), forward_to=item.get("forward_to"),
                  price_per_year=prices.get(item["name"], 0.0), mailboxes=list(order["mailboxes"].get(item["name"], [])))
        for item in order["domains"]
    ]
    registered = {d.name for d in new_domains}
    extra = [MailboxOrder(domain=name, mailboxes=list(specs)) for name, specs in order["mailboxes"].items() if name not in registered and specs]
    return OrderPlan(new_domains=new_domains, mailbox_orders=extra, mailbox_price=mailbox_price)


# --- the cmr_order cycle: plan, cost, place -------------------------------------------------------

@dataclass
class Costing:
    """The plan with its price and the wallet it will be paid from."""

    plan: OrderPlan
    wallet_balance: t.Optional[float] = None  # None: nothing to buy, the wallet was not read

    @property
    def funds(self) -> Funds:
        return Funds(self.plan.total_cost, self.wallet_balance, "order", "ordered")

    @property
    def sufficient_funds(self) -> bool:
        return self.funds.sufficient

    def as_result(self) -> dict[str, t.Any]:
        return {"plan": self.plan.as_dict(), "estimated_cost": self.plan.total_cost, **self.funds.as_result()}

    def require_funds(self) -> None:
        """Refuse, before any charge, an order the wallet cannot pay."""
        self.funds.require(**self.as_result())


def cost(client: CmrClient, plan: OrderPlan, max_cost: t.Optional[float]) -> Costing:
    """Price the plan against ``max_cost`` and the wallet (read only when there is something to buy)."""
    if plan.empty:
        return Costing(plan)
    if plan.mailbox_price < 0:
        raise CmrModuleError("mailbox_price must not be negative, got %.2f" % plan.mailbox_price)
    costing = Costing(plan, read_wallet(client)["balance"])
    if max_cost is not None and plan.total_cost > max_cost:
        raise CmrModuleError(
            "nothing was ordered: the order costs %.2f USD, more than max_cost %.2f USD" % (plan.total_cost, max_cost),
            **costing.as_result(),
        )
    return costing


@dataclass
class OrderView:
    """The end state a task asks for, before and after the order, for the diff."""

    before: dict[str, list[str]]
    after: dict[str, list[str]]


def plan_new_order(client: CmrClient, user_id: str, domains_option: t.Any, mailboxes_option: t.Any,
                   settings: OrderSettings, mailbox_price: float) -> tuple[OrderPlan, OrderView]:
    """Everything the task asks for that the user does not have yet, priced.

    Reads: the user's domains (once); the user's mailboxes and subscriptions only when
    mailboxes are wanted on domains the user owns; availability only for new domains.
    """
    wanted_domains = parse_domains(domains_option)
    wanted_mailboxes = parse_mailboxes(mailboxes_option)
    owned = {canonical_name(str(d.get("name") or "")): d for d in list_domains(client, user_id, check_user=True)}
    ordered_names = [d["name"] for d in wanted_domains]
    strangers = sorted(name for name in wanted_mailboxes if name not in owned and name not in ordered_names)
    if strangers:
        raise CmrModuleError("mailboxes lists %s, which user %s does not own and domains does not order" % (", ".join(strangers), user_id))

    on_owned = {name: specs for name, specs in wanted_mailboxes.items() if name in owned}
    present = existing_emails(list_mailboxes(client, user_id)) if on_owned else set()
    missing = missing_mailboxes(on_owned, present)
    subscriptions = by_domain(list_subscriptions(client, user_id=user_id)) if missing else {}
    mailbox_orders = [mailbox_order_for(owned[name], subscriptions.get(name), specs) for name, specs in missing.items()]

    new = [d for d in wanted_domains if d["name"] not in owned]
    prices = price_new_domains(client, [d["name"] for d in new], settings.service_provider)
    plan = OrderPlan(
        new_domains=[NewDomain(d["name"], d["years"], d["forward_to"], prices[d["name"]], wanted_mailboxes.get(d["name"], [])) for d in new],
        mailbox_orders=mailbox_orders,
        mailbox_price=mailbox_price,
    )
    all_emails = sorted(mailbox_email(spec["username"], name) for name, specs in wanted_mailboxes.items() for spec in specs)
    view = OrderView(
        before={"domains": sorted(n for n in ordered_names if n in owned), "mailboxes": sorted(e for e in all_emails if e in present)},
        after={"domains": sorted(ordered_names), "mailboxes": all_emails},
    )
    return plan, view


def place_plan(client: CmrClient, user_id: str, plan: OrderPlan, settings: OrderSettings, confirm: bool, warn: Warn) -> list[Placed]:
    """Send the plan's orders, each exactly once: the domain order, then one mailbox order per owned domain.

    When a later request fails, the error says which orders this run already placed, so the
    user knows a rerun only orders what is still missing.
    """
    placed: list[Placed] = []
    try:
        if plan.new_domains:
            emails = [mailbox_email(spec["username"], d.name) for d in plan.new_domains for spec in d.mailboxes]
            placed.append(send_order(client, _api.ORDER_CREATE, user_id, domain_order_body(plan.new_domains, settings, confirm),
                                     Placed("domains", plan.domain_names, emails), confirm, warn))
        for order in plan.mailbox_orders:
            emails = [mailbox_email(spec["username"], order.domain) for spec in order.mailboxes]
            placed.append(send_order(client, _api.MAILBOX_ORDER_CREATE, user_id, mailbox_order_body(order, settings, confirm),
                                     Placed("mailboxes", [], emails), confirm, warn))
    except (CmrApiError, CmrModuleError) as exc:
        if not placed:
            raise
        details = dict(getattr(exc, "details", {}), changed=True, orders=[p.as_dict() for p in placed])
        if isinstance(exc, CmrApiError):
            details["status"] = exc.status
        raise CmrModuleError(
            "%s; this run had already placed %s, so a rerun orders only what is still missing"
            % (exc, ", ".join("order %s (%s)" % (p.order_id or "with a lost answer", ", ".join(p.domains + p.emails)) for p in placed)),
            **details,
        ) from exc
    return placed


def process_order(client: CmrClient, user_id: str, order: t.Mapping[str, t.Any], plan: OrderPlan, warn: Warn) -> Placed:
    """Process (pay for) an unconfirmed order once; a lost answer is settled by reading the order."""
    order_id = order["order_id"]
    request = PaidRequest(
        "the request to process order %s" % order_id, _api.ORDER_PROCESS, {_api.USER_ID: user_id}, {_api.ORDER_ID: order_id},
        probe=lambda: get_order(client, user_id, order_id)["status"] != _api.ORDER_STATUS_UNCONFIRMED,
        check_first="the order and the wallet (coldmailreseller.cmr.cmr_order_info, cmr_wallet_info)",
        unseen="the order still shows UNCONFIRMED",
    )
    sent = send_once(client, request, warn)
    return Placed("order", plan.domain_names, plan.emails, order_id=order_id, action_id=sent.action_id, answer_lost=sent.answer_lost)


# --- one mailbox on a domain the user owns (cmr_mailbox) ---------------------------------------------

@dataclass
class MailboxPurchase:
    """The one-mailbox order that creates a mailbox: on the user's domain, into its subscription."""

    domain: dict[str, t.Any]
    plan: OrderPlan


def plan_mailbox_purchase(client: CmrClient, user_id: str, email: str, spec: MailboxSpec, mailbox_price: float) -> MailboxPurchase:
    domain_name = email.split("@", 1)[1]
    domain = pick_domain(list_domains(client, user_id), domain_name)
    if domain is None:
        raise CmrModuleError("mailbox %s cannot be created: user %s does not own %s; buy domains with coldmailreseller.cmr.cmr_order"
                             % (email, user_id, domain_name))
    subscription = by_domain(list_subscriptions(client, user_id=user_id, domain=domain_name)).get(canonical_name(domain_name))
    return MailboxPurchase(domain, OrderPlan(mailbox_orders=[mailbox_order_for(domain, subscription, [spec])], mailbox_price=mailbox_price))


def buy_mailbox(client: CmrClient, user_id: str, purchase: MailboxPurchase, warn: Warn, wait_timeout: t.Optional[float]) -> t.Optional[dict[str, t.Any]]:
    """Place the one-mailbox order once; with a wait_timeout, the mailbox once ACTIVE (None without)."""
    settings = OrderSettings(service_provider=purchase.domain.get("service_provider") or _api.DEFAULT_SERVICE_PROVIDER)
    placed = place_plan(client, user_id, purchase.plan, settings, True, warn)
    if wait_timeout is None:
        return None
    return wait_provisioned(client, user_id, placed, wait_timeout)[1][0]


def unavailable_failure(placed: t.Sequence[Placed]) -> t.Optional[CmrModuleError]:
    """An accepted order that left domains out did not reach the task's end state: say so."""
    left_out = sorted(name for p in placed for name in p.unavailable_domains)
    if not left_out:
        return None
    return CmrModuleError(
        "CMR accepted the order but did not register %s (unavailable); the rest of the order goes ahead. A rerun checks "
        "availability again before ordering anything" % ", ".join(left_out),
        changed=True, orders=[p.as_dict() for p in placed],
    )
