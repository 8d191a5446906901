# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Order plans and prices, request bodies, and the no-double-charge rule on lost answers."""

from __future__ import annotations

import typing as t

import pytest
import yaml

from ansible_collections.coldmailreseller.cmr.plugins.doc_fragments._common import ModuleDocFragment
from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._orders import (
    PURCHASE_ARGUMENT_SPEC,
    Costing,
    MailboxOrder,
    NewDomain,
    OrderPlan,
    OrderSettings,
    Placed,
    cost,
    domain_order_body,
    judge_lost_order,
    mailbox_order_body,
    mailbox_order_for,
    missing_mailboxes,
    normalise_order,
    parse_domains,
    parse_mailboxes,
    place_plan,
    plan_of_order,
    price_new_domains,
    process_order,
    send_order,
    wait_provisioned,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import WaitTimeout

USER = "U1"


class FakeClient:
    """Answers calls from a script keyed by (method, path); records every call in order."""

    def __init__(self, answers: t.Optional[dict[tuple[str, str], t.Any]] = None, lists: t.Optional[dict[str, list]] = None) -> None:
        self.answers = answers or {}
        self.lists = lists or {}
        self.calls: list[tuple[str, str, t.Any, t.Any]] = []

    def call(self, endpoint: _api.Endpoint, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        self.calls.append((endpoint.method, endpoint.path, query, body))
        answer = self.answers[(endpoint.method, endpoint.path)]
        if callable(answer):
            answer = answer(query, body)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_all(self, endpoint: _api.Endpoint, query: t.Any, items_key: t.Optional[str]) -> list:
        self.calls.append((endpoint.method, endpoint.path, query, None))
        return list(self.lists.get(endpoint.path, []))

    def sent(self, endpoint: _api.Endpoint) -> int:
        return sum(1 for method, path, _q, _b in self.calls if (method, path) == (endpoint.method, endpoint.path))


def ok(data: t.Any, action_id: t.Optional[str] = "ACT_1") -> CmrResponse:
    return CmrResponse(200, "ok", data, action_id)


def lost(endpoint: _api.Endpoint) -> CmrApiError:
    return CmrApiError(None, "no answer", endpoint.method, endpoint.path, maybe_applied=True)


def spec(username: str, warmup: bool = False) -> dict:
    return {"username": username, "first_name": username.title(), "last_name": "Doe", "warmup": warmup}


# --- parsing the task ----------------------------------------------------------------------------

def test_mailboxes_are_validated_and_normalised() -> None:
    parsed = parse_mailboxes({"Acme.COM.": [{"username": "Jane ", "first_name": "Jane", "last_name": "Doe", "warmup": "yes"}]})
    assert parsed == {"acme.com": [{"username": "jane", "first_name": "Jane", "last_name": "Doe", "warmup": True}]}


def test_a_mailbox_without_a_name_is_one_clear_error() -> None:
    with pytest.raises(CmrModuleError, match=r"mailboxes\.acme\.com\[0\]\.first_name: required key not provided"):
        parse_mailboxes({"acme.com": [{"username": "jane", "last_name": "Doe"}]})


@pytest.mark.parametrize("username", ["ja ne", "jane@acme.com", "", "   "])
def test_a_username_that_cannot_be_an_address_is_refused_before_anything_is_ordered(username: str) -> None:
    with pytest.raises(CmrModuleError, match=r"^mailboxes\.acme\.com\[0\]\.username: "):
        parse_mailboxes({"acme.com": [{"username": username, "first_name": "Jane", "last_name": "Doe"}]})


def test_a_username_listed_twice_is_refused() -> None:
    with pytest.raises(CmrModuleError, match="jane twice"):
        parse_mailboxes({"acme.com": [spec("jane"), spec("JANE")]})


def test_domains_default_to_one_year_and_refuse_duplicates() -> None:
    assert parse_domains([{"name": "Acme.com", "years": None, "forward_to": None}]) == [{"name": "acme.com", "years": 1, "forward_to": None}]
    with pytest.raises(CmrModuleError, match="twice"):
        parse_domains([{"name": "acme.com"}, {"name": "ACME.com."}])


@pytest.mark.parametrize("item, message", [
    ({"name": "acme.com", "years": 0}, r"^domains\[0\]\.years must be from 1 to 10, got 0 \(acme.com\)$"),
    ({"name": "acme.com", "years": -2}, r"^domains\[0\]\.years must be from 1 to 10, got -2"),
    ({"name": "acme.com", "years": 11}, r"^domains\[0\]\.years must be from 1 to 10, got 11"),
    ({"name": " . "}, r"^domains\[0\]\.name must be a domain name such as acme-outreach.com, got ' \. '$"),
])
def test_bad_domain_items_are_one_line_naming_the_item(item: dict, message: str) -> None:
    with pytest.raises(CmrModuleError, match=message):
        parse_domains([item])


def test_a_negative_mailbox_price_is_refused_before_the_wallet_is_read() -> None:
    client = FakeClient()
    plan = OrderPlan(mailbox_orders=[MailboxOrder("beta.com", [spec("ops")], subscription_id="S1")], mailbox_price=-3.0)
    with pytest.raises(CmrModuleError, match="^mailbox_price must not be negative"):
        cost(client, plan, max_cost=None)  # type: ignore[arg-type]
    assert client.calls == []


# --- the plan and its price ----------------------------------------------------------------------

def test_only_missing_mailboxes_are_planned() -> None:
    wanted = {"acme.com": [spec("jane"), spec("john")], "beta.com": [spec("ops")]}
    assert missing_mailboxes(wanted, {"jane@acme.com", "ops@beta.com"}) == {"acme.com": [spec("john")]}
    assert missing_mailboxes(wanted, {"jane@acme.com", "john@acme.com", "ops@beta.com"}) == {}


def test_estimate_is_domain_price_times_years_plus_mailboxes_times_the_monthly_price() -> None:
    plan = OrderPlan(
        new_domains=[NewDomain("acme.com", 2, price_per_year=12.0, mailboxes=[spec("jane"), spec("john")]), NewDomain("acme.io", 1, price_per_year=39.0)],
        mailbox_orders=[MailboxOrder("beta.com", [spec("ops")], subscription_id="S1")],
        mailbox_price=3.0,
    )
    assert plan.total_cost == 12.0 * 2 + 39.0 + 3 * 3.0
    assert plan.as_dict() == {
        "domains": [
            {"name": "acme.com", "years": 2, "price_per_year": 12.0, "price": 24.0},
            {"name": "acme.io", "years": 1, "price_per_year": 39.0, "price": 39.0},
        ],
        "mailboxes": [
            {"email": "jane@acme.com", "monthly_price": 3.0},
            {"email": "john@acme.com", "monthly_price": 3.0},
            {"email": "ops@beta.com", "monthly_price": 3.0},
        ],
        "total_cost": 72.0,
    }


def test_prices_add_up_to_cents() -> None:
    plan = OrderPlan(new_domains=[NewDomain("a.com", 3, price_per_year=0.1)], mailbox_price=0.2)
    assert plan.total_cost == 0.3


def test_an_empty_plan_costs_nothing_and_does_not_read_the_wallet() -> None:
    client = FakeClient()
    costing = cost(client, OrderPlan(), max_cost=0.0)  # type: ignore[arg-type]
    assert costing.wallet_balance is None and costing.sufficient_funds and client.calls == []


def test_max_cost_refuses_before_anything_is_sent() -> None:
    client = FakeClient({("GET", "/wallet"): ok({"balance": 100.0})})
    plan = OrderPlan(new_domains=[NewDomain("acme.com", 1, price_per_year=12.0)])
    with pytest.raises(CmrModuleError, match="more than max_cost 10.00") as exc:
        cost(client, plan, max_cost=10.0)  # type: ignore[arg-type]
    assert exc.value.details["estimated_cost"] == 12.0
    assert client.sent(_api.ORDER_CREATE) == 0


def test_funds_are_checked_against_the_estimate() -> None:
    plan = OrderPlan(new_domains=[NewDomain("acme.com", 1, price_per_year=12.0)])
    assert Costing(plan, 12.0).sufficient_funds
    poor = Costing(plan, 11.99)
    assert not poor.sufficient_funds
    with pytest.raises(CmrModuleError, match="nothing was ordered: the order costs 12.00 USD but the partner wallet holds 11.99 USD"):
        poor.require_funds()


def test_the_order_result_carries_the_shared_funds_keys() -> None:
    plan = OrderPlan(new_domains=[NewDomain("acme.com", 1, price_per_year=12.0)])
    result = Costing(plan, 5.0).as_result()
    assert {key: result[key] for key in ("estimated_cost", "wallet_balance", "sufficient_funds")} == {
        "estimated_cost": 12.0, "wallet_balance": 5.0, "sufficient_funds": False}
    assert Costing(plan, 5.0).funds.as_result() == {"wallet_balance": 5.0, "sufficient_funds": False}


def test_the_purchase_options_are_documented_as_specified() -> None:
    documented = yaml.safe_load(ModuleDocFragment.PURCHASE)["options"]
    assert sorted(documented) == sorted(PURCHASE_ARGUMENT_SPEC)
    for name, spec in PURCHASE_ARGUMENT_SPEC.items():
        assert documented[name]["type"] == spec["type"]
        assert documented[name].get("default") == spec.get("default")


def test_mailboxes_join_a_running_subscription_else_start_a_new_one() -> None:
    domain = {"name": "acme.com", "domain_id": "D1"}
    running = mailbox_order_for(domain, {"status": "ACTIVE", "subscription_id": "S1"}, [spec("jane")])
    assert (running.subscription_id, running.domain_id) == ("S1", None)
    ended = mailbox_order_for(domain, {"status": "CANCELLED", "subscription_id": "S0"}, [spec("jane")])
    assert (ended.subscription_id, ended.domain_id) == (None, "D1")
    assert mailbox_order_for(domain, None, [spec("jane")]).domain_id == "D1"


# --- availability ----------------------------------------------------------------------------------

def availability(query: t.Any, body: t.Any) -> CmrResponse:
    name = body["domain"]
    return ok({"domain": name, "available": not name.startswith("taken"), "price": 12.0}, None)


def test_unavailable_and_conflicting_domains_stop_the_order_with_every_reason() -> None:
    workspace = ok([
        {"domainName": "taken.com", "success": True},
        {"domainName": "gws-x.com", "success": False, "error": "Workspace already exists (GOOGLE)"},
        {"domainName": "fine.com", "success": True},
    ], None)
    client = FakeClient({("POST", "/domains/available"): availability, ("POST", "/domains/has-workspace"): workspace})
    with pytest.raises(CmrModuleError) as exc:
        price_new_domains(client, ["taken.com", "gws-x.com", "fine.com"], "GOOGLE")  # type: ignore[arg-type]
    assert str(exc.value).startswith("nothing was ordered: taken.com is not available")
    assert "gws-x.com already has a workspace" in str(exc.value)
    assert "fine.com" not in str(exc.value)


def test_available_domains_are_priced_after_one_bulk_workspace_check() -> None:
    workspace = ok([{"domainName": "a.com", "success": True}, {"domainName": "b.com", "success": True}], None)
    client = FakeClient({("POST", "/domains/available"): availability, ("POST", "/domains/has-workspace"): workspace})
    assert price_new_domains(client, ["a.com", "b.com"], "MICROSOFT") == {"a.com": 12.0, "b.com": 12.0}  # type: ignore[arg-type]
    assert client.sent(_api.DOMAIN_HAS_WORKSPACE) == 1
    checked = [body for method, path, _q, body in client.calls if path == "/domains/has-workspace"][0]
    assert checked == {"domains": [{"domainName": "a.com", "serviceProvider": "MICROSOFT"}, {"domainName": "b.com", "serviceProvider": "MICROSOFT"}]}


# --- request bodies ----------------------------------------------------------------------------------

def test_domain_order_body_speaks_the_api() -> None:
    settings = OrderSettings("GOOGLE", {"oauth_route": "https://o.example", "client_id": None, "app_name": "App"}, None, False)
    body = domain_order_body([NewDomain("acme.com", 2, "https://acme.example", 12.0, [spec("jane", warmup=True)])], settings, confirm=True)
    assert body == {
        "domains": [{"domain": "acme.com", "years": 2, "forwardTo": "https://acme.example"}],
        "mailboxes": {"acme.com": [{"username": "jane", "firstName": "Jane", "lastName": "Doe", "onWarmup": True}]},
        "billingCycle": "MONTHLY",
        "confirm": True,
        "serviceProvider": "GOOGLE",
        "google": {"googleOauthRoute": "https://o.example", "appName": "App"},
        "autoRenew": False,
    }


def test_mailbox_order_sends_subscription_or_domain_never_both() -> None:
    settings = OrderSettings("MICROSOFT", None, "https://ms.example", True)
    running = mailbox_order_body(MailboxOrder("acme.com", [spec("jane")], subscription_id="S1"), settings, confirm=True)
    assert running["subscriptionId"] == "S1" and "domainId" not in running
    assert "serviceProvider" not in running and "autoRenew" not in running  # the running subscription decides those
    fresh = mailbox_order_body(MailboxOrder("acme.com", [spec("jane")], domain_id="D1"), settings, confirm=False)
    assert fresh["domainId"] == "D1" and "subscriptionId" not in fresh
    assert fresh["serviceProvider"] == "MICROSOFT" and fresh["autoRenew"] is True and fresh["microsoftOauthRoute"] == "https://ms.example"
    assert fresh["confirm"] is False


# --- lost answers: never a second order ------------------------------------------------------------

def test_anything_of_the_order_listed_proves_it_was_placed() -> None:
    assert judge_lost_order(["a.com", "b.com"], ["x@a.com"], {"a.com"}, set()) == (True, ["b.com", "x@a.com"])
    assert judge_lost_order([], ["x@a.com"], set(), {"x@a.com"}) == (True, [])
    assert judge_lost_order(["a.com"], ["x@a.com"], {"other.com"}, {"y@other.com"}) == (False, ["a.com", "x@a.com"])


WARNINGS: list[str] = []


@pytest.fixture(autouse=True)
def _no_warnings_left() -> t.Iterator[None]:
    WARNINGS.clear()
    yield
    WARNINGS.clear()


def domain_listing(*names: str) -> dict[str, list]:
    return {"/domains/by-user": [{"domainId": "D" + n, "domainName": n, "status": "PENDING"} for n in names]}


def test_a_lost_answer_with_the_domains_listed_counts_as_placed_and_is_not_resent() -> None:
    client = FakeClient({("POST", "/orders/json"): lost(_api.ORDER_CREATE)}, domain_listing("acme.com"))
    placed = send_order(
        client, _api.ORDER_CREATE, USER, {}, Placed("domains", ["acme.com"], []), confirmed=True, warn=WARNINGS.append,  # type: ignore[arg-type]
    )
    assert placed.answer_lost and placed.order_id is None and placed.unavailable_domains == []
    assert client.sent(_api.ORDER_CREATE) == 1
    assert len(WARNINGS) == 1 and WARNINGS[0].startswith("CMR's answer to the order for acme.com was lost")


def test_a_lost_answer_with_nothing_listed_stops_with_state_unknown() -> None:
    client = FakeClient({("POST", "/orders/json"): lost(_api.ORDER_CREATE)}, domain_listing())
    with pytest.raises(CmrModuleError, match="^state unknown: .* NOT sent again") as exc:
        placed = Placed("domains", ["acme.com"], ["jane@acme.com"])
        send_order(client, _api.ORDER_CREATE, USER, {}, placed, confirmed=True, warn=WARNINGS.append)  # type: ignore[arg-type]
    assert exc.value.details == {"changed": True, "maybe_applied": True}
    assert client.sent(_api.ORDER_CREATE) == 1


def test_a_lost_mailbox_order_is_settled_by_the_mailbox_list() -> None:
    client = FakeClient({("POST", "/orders/create-mailbox-order/json"): lost(_api.MAILBOX_ORDER_CREATE)},
                        {"/mailboxes/single": [{"mailboxId": "M1", "email": "Jane@Acme.com", "status": "IN_PROGRESS"}]})
    placed = send_order(
        client, _api.MAILBOX_ORDER_CREATE, USER, {}, Placed("mailboxes", [], ["jane@acme.com"]), confirmed=True, warn=WARNINGS.append,  # type: ignore[arg-type]
    )
    assert placed.answer_lost
    assert client.sent(_api.DOMAINS_BY_USER) == 0  # no domain was ordered, so domains are not read


def test_a_lost_unconfirmed_order_cannot_be_told_from_the_account() -> None:
    client = FakeClient({("POST", "/orders/json"): lost(_api.ORDER_CREATE)})
    with pytest.raises(CmrModuleError, match="state unknown: .*unconfirmed order"):
        send_order(client, _api.ORDER_CREATE, USER, {}, Placed("domains", ["acme.com"], []), confirmed=False, warn=WARNINGS.append)  # type: ignore[arg-type]
    assert client.calls == [("POST", "/orders/json", {"userId": USER}, {})]


def test_a_refused_order_is_reported_as_it_is() -> None:
    refused = CmrApiError(402, "Insufficient wallet balance", "POST", "/orders/json")
    client = FakeClient({("POST", "/orders/json"): refused})
    with pytest.raises(CmrApiError, match="Insufficient"):
        send_order(client, _api.ORDER_CREATE, USER, {}, Placed("domains", ["acme.com"], []), confirmed=True, warn=WARNINGS.append)  # type: ignore[arg-type]
    assert client.sent(_api.DOMAINS_BY_USER) == 0


def test_an_accepted_order_reports_its_id_and_what_cmr_left_out() -> None:
    client = FakeClient({("POST", "/orders/json"): ok({"orderId": "O1", "unavailableDomains": ["B.com"]}, "ACT_9")})
    placed = send_order(
        client, _api.ORDER_CREATE, USER, {}, Placed("domains", ["a.com", "b.com"], []), confirmed=True, warn=WARNINGS.append,  # type: ignore[arg-type]
    )
    assert (placed.order_id, placed.action_id, placed.unavailable_domains) == ("O1", "ACT_9", ["b.com"])


def test_a_failure_after_an_order_was_placed_names_the_placed_order() -> None:
    client = FakeClient({
        ("POST", "/orders/json"): ok({"orderId": "O1", "unavailableDomains": []}),
        ("POST", "/orders/create-mailbox-order/json"): CmrApiError(422, "Subscription is PAST_DUE", "POST", "/orders/create-mailbox-order/json"),
    })
    plan = OrderPlan(new_domains=[NewDomain("a.com", 1, price_per_year=12.0)], mailbox_orders=[MailboxOrder("b.com", [spec("ops")], subscription_id="S1")])
    with pytest.raises(CmrModuleError, match="already placed order O1 \\(a.com\\)") as exc:
        place_plan(client, USER, plan, OrderSettings(), True, WARNINGS.append)  # type: ignore[arg-type]
    assert exc.value.details["changed"] is True and exc.value.details["status"] == 422


def test_a_lost_process_answer_is_settled_by_reading_the_order() -> None:
    details = iter([{"orderId": "O1", "status": "QUEUED"}])
    client = FakeClient({("POST", "/orders/process"): lost(_api.ORDER_PROCESS), ("GET", "/orders/details"): lambda q, b: ok(next(details))})
    order = {"order_id": "O1"}
    placed = process_order(client, USER, order, OrderPlan(), WARNINGS.append)  # type: ignore[arg-type]
    assert placed.answer_lost and client.sent(_api.ORDER_PROCESS) == 1
    assert len(WARNINGS) == 1 and "process order O1 was lost" in WARNINGS[0]

    still = FakeClient({("POST", "/orders/process"): lost(_api.ORDER_PROCESS), ("GET", "/orders/details"): ok({"orderId": "O1", "status": "UNCONFIRMED"})})
    with pytest.raises(CmrModuleError, match="^state unknown: .*still shows UNCONFIRMED.*NOT sent again"):
        process_order(still, USER, order, OrderPlan(), WARNINGS.append)  # type: ignore[arg-type]
    assert still.sent(_api.ORDER_PROCESS) == 1


# --- waiting until the order is provisioned ---------------------------------------------------------

def provisioning(domain_status: str, mailbox_status: str, order_status: str = "QUEUED") -> FakeClient:
    return FakeClient(
        {("GET", "/orders/status"): ok({"orderId": "O1", "status": order_status}, None)},
        {"/domains/by-user": [{"domainId": "D1", "domainName": "acme.com", "status": domain_status}],
         "/mailboxes/single": [{"mailboxId": "M1", "email": "jane@acme.com", "status": mailbox_status}]},
    )


def test_the_wait_returns_the_ordered_domains_and_mailboxes_once_active() -> None:
    client = provisioning("ACTIVE", "ACTIVE", "COMPLETED")
    domains, mailboxes = wait_provisioned(client, USER, [Placed("domains", ["acme.com"], ["jane@acme.com"], order_id="O1")], 5)  # type: ignore[arg-type]
    assert [d["name"] for d in domains] == ["acme.com"] and [m["email"] for m in mailboxes] == ["jane@acme.com"]


def test_a_wait_that_times_out_says_the_order_is_still_running_and_must_not_be_resubmitted() -> None:
    client = provisioning("PENDING", "IN_PROGRESS")
    with pytest.raises(WaitTimeout) as exc:
        wait_provisioned(client, USER, [Placed("domains", ["acme.com"], ["jane@acme.com"], order_id="O1")], 0)  # type: ignore[arg-type]
    message = str(exc.value)
    assert message.startswith("timed out after 0s waiting for the order of acme.com, jane@acme.com to become ACTIVE")
    assert "still running on CMR and must not be resubmitted" in message and "\n" not in message
    assert client.sent(_api.ORDER_CREATE) == 0 and client.sent(_api.MAILBOX_ORDER_CREATE) == 0


def test_a_failed_order_stops_the_wait_with_its_id() -> None:
    client = provisioning("PENDING", "IN_PROGRESS", "FAILED")
    with pytest.raises(CmrModuleError, match="^CMR reports order O1 as FAILED") as exc:
        wait_provisioned(client, USER, [Placed("domains", ["acme.com"], ["jane@acme.com"], order_id="O1")], 60)  # type: ignore[arg-type]
    assert exc.value.details["changed"] is True


# --- existing orders -----------------------------------------------------------------------------

def test_an_unconfirmed_order_is_priced_from_its_content() -> None:
    order = normalise_order({
        "orderId": "O1", "status": "UNCONFIRMED", "confirmed": False,
        "domains": [{"domain": "Acme.com", "years": 2}],
        "mailboxes": {
            "acme.com": [{"username": "jane", "firstName": "Jane", "lastName": "Doe"}],
            "beta.com": [{"username": "ops", "firstName": "O", "lastName": "P"}],
        },
    })
    plan = plan_of_order(order, {"acme.com": 12.0}, 3.0)
    assert plan.domain_names == ["acme.com"]
    assert plan.emails == ["jane@acme.com", "ops@beta.com"]
    assert plan.total_cost == 24.0 + 6.0
