# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_prewarmed_domain: what is bought, what is refused before anything is sent, a lost answer bought once."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_prewarmed_domain as mod


def package(name: str, provider: str = "GOOGLE", price: t.Any = 30) -> dict[str, t.Any]:
    return {"domain": name, "serviceProvider": provider, "purchasePrice": price, "renewalPrice": 15, "preWarmedUpMailboxes": []}


class FakeCmr:
    """A tiny CMR: the user's domains, the inventory, the wallet; an order moves packages to the user."""

    def __init__(self, owned: list[str], stock: list[dict[str, t.Any]], wallet: float = 1000.0, lose_answer: bool = False) -> None:
        self.owned = list(owned)
        self.stock = {item["domain"]: item for item in stock}
        self.wallet = wallet
        self.lose_answer = lose_answer
        self.orders: list[t.Any] = []

    def get_all(self, endpoint: t.Any, query: t.Any, items_key: t.Any) -> list[dict[str, t.Any]]:
        if endpoint.path == "/domains/by-user":
            return [{"domainName": name, "status": "ACTIVE"} for name in self.owned]
        if endpoint.path == "/pre-warmup":
            return list(self.stock.values())
        if endpoint.path == "/mailboxes/single":
            return [{"email": "a@" + name, "status": "ACTIVE"} for name in self.owned]
        raise AssertionError(endpoint.path)

    def call(self, endpoint: t.Any, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        if endpoint.path == "/wallet":
            return CmrResponse(200, "ok", {"balance": self.wallet}, None)
        if endpoint.path == "/users":
            return CmrResponse(200, "ok", {"userId": "U1"}, None)
        assert endpoint.path == "/pre-warmup/order"
        self.orders.append(body)
        for item in body["order"]:
            self.stock.pop(item["domain"])
            self.owned.append(item["domain"])
        if self.lose_answer:
            raise CmrApiError(None, "connection lost", "POST", endpoint.path, maybe_applied=True)
        return CmrResponse(201, "queued", {"orderId": "O1"}, "ACT_1")


class FakeModule:
    def __init__(self, client: FakeCmr, check_mode: bool = False, **params: t.Any) -> None:
        self.client = client
        self.check_mode = check_mode
        self.warnings: list[str] = []
        self.params = {"user_id": "U1", "domains": ["a.com"], "service_provider": None, "google": None, "microsoft_oauth_route": None,
                       "forward_to": None, "auto_renew": True, "confirm": True, "max_cost": None, "wait": True, "wait_timeout": 5, **params}

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def test_owned_domains_are_never_bought_again() -> None:
    cmr = FakeCmr(["a.com"], [package("b.com")])
    result = mod.run(FakeModule(cmr, domains=["A.com", "b.com"]))  # type: ignore[arg-type]
    assert [entry["outcome"] for entry in result["domains"]] == ["owned", "delivered"]
    assert [item["domain"] for item in cmr.orders[0]["order"]] == ["b.com"]
    assert result["cmr_plan"]["cost"] == 30.0 and result["cmr_plan"]["action"] == "purchase"
    again = mod.run(FakeModule(cmr, domains=["a.com", "b.com"]))  # type: ignore[arg-type]
    assert not again["changed"] and len(cmr.orders) == 1


def test_check_mode_prices_and_sends_nothing() -> None:
    cmr = FakeCmr([], [package("a.com", price="30.50")], wallet=20)
    module = FakeModule(cmr, check_mode=True)
    result = mod.run(module)  # type: ignore[arg-type]
    assert result["changed"] and result["estimated_cost"] == 30.5 and not result["sufficient_funds"]
    assert cmr.orders == [] and "cannot pay" in module.warnings[0]


@pytest.mark.parametrize("params, message", [
    ({"confirm": False}, "^buying a.com costs 30.00 USD from the partner wallet. Set confirm: true to buy$"),
    ({"max_cost": 10}, "^nothing was bought: the packages cost 30.00 USD, more than max_cost 10.00 USD$"),
    ({"domains": ["gone.com"]}, "^nothing was bought: gone.com is not in the pre-warmed inventory"),
    ({"domains": ["a.com", "m.com"]}, "several providers"),
    ({"service_provider": "MICROSOFT"}, "^nothing was bought: the packages are GOOGLE packages, not MICROSOFT$"),
])
def test_refusals_come_before_any_purchase(params: dict[str, t.Any], message: str) -> None:
    cmr = FakeCmr([], [package("a.com"), package("m.com", "MICROSOFT")])
    with pytest.raises(CmrModuleError, match=message):
        mod.run(FakeModule(cmr, **params))  # type: ignore[arg-type]
    assert cmr.orders == []


def test_a_short_wallet_refuses_the_real_run() -> None:
    cmr = FakeCmr([], [package("a.com")], wallet=10)
    with pytest.raises(CmrModuleError, match="^nothing was bought: the purchase of pre-warmed domains costs 30.00 USD"):
        mod.run(FakeModule(cmr))  # type: ignore[arg-type]
    assert cmr.orders == []


def test_a_package_without_price_is_not_bought() -> None:
    cmr = FakeCmr([], [package("a.com", price=None)])
    with pytest.raises(CmrModuleError, match="no price"):
        mod.run(FakeModule(cmr))  # type: ignore[arg-type]


def test_a_lost_answer_is_settled_by_reading_never_by_a_second_purchase() -> None:
    cmr = FakeCmr([], [package("a.com")], lose_answer=True)
    module = FakeModule(cmr)
    result = mod.run(module)  # type: ignore[arg-type]
    assert len(cmr.orders) == 1 and result["action_id"] is None
    assert result["domains"][0]["outcome"] == "delivered"
    assert len(module.warnings) == 1 and "was lost" in module.warnings[0]


def test_a_failed_package_is_reported_domain_by_domain() -> None:
    class PartlyFailing(FakeCmr):
        def call(self, endpoint: t.Any, query: t.Any = None, body: t.Any = None) -> CmrResponse:
            response = super().call(endpoint, query, body)
            if endpoint.path == "/pre-warmup/order":  # b.com is refunded and offered again
                self.owned.remove("b.com")
                self.stock["b.com"] = package("b.com")
            return response

    cmr = PartlyFailing([], [package("a.com"), package("b.com")])
    with pytest.raises(CmrModuleError, match=r"^the purchase of pre-warmed domains partly failed: b.com failed .*; delivered: a.com$") as caught:
        mod.run(FakeModule(cmr, domains=["a.com", "b.com"]))  # type: ignore[arg-type]
    assert caught.value.details["changed"] is True
    assert [entry["outcome"] for entry in caught.value.details["domains"]] == ["delivered", "failed"]
