# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pre-warmed inventory: filters in the query, every page, prices as numbers."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._prewarmup import by_name, list_inventory, price


class PagedClient:
    """get_all over pre-cut pages; records the query."""

    def __init__(self, items: list[dict[str, t.Any]]) -> None:
        self.items = items
        self.queries: list[t.Any] = []

    def get_all(self, endpoint: t.Any, query: t.Any, items_key: str) -> list[dict[str, t.Any]]:
        self.queries.append((endpoint.path, dict(query), items_key))
        return self.items


PACKAGE = {"domain": "Prewarm-Acme.com", "serviceProvider": "GOOGLE", "purchasePrice": "30.50", "renewalPrice": 15,
           "preWarmedUpMailboxes": [{"email": "j@prewarm-acme.com", "firstName": "J", "lastName": "W", "createdAt": "2025-01-15T10:00:00Z"}]}


def test_the_inventory_sends_the_filters_and_normalises_packages() -> None:
    client = PagedClient([PACKAGE, "not a package"])  # type: ignore[list-item]
    packages = list_inventory(client, "GOOGLE", "acme")  # type: ignore[arg-type]
    assert client.queries == [("/pre-warmup", {"serviceProvider": "GOOGLE", "contains": "acme"}, "inventory")]
    assert packages == [{"domain": "Prewarm-Acme.com", "service_provider": "GOOGLE", "purchase_price": 30.5, "renewal_price": 15.0,
                         "mailboxes": [{"email": "j@prewarm-acme.com", "first_name": "J", "last_name": "W", "created_at": "2025-01-15T10:00:00Z"}]}]
    assert list(by_name(packages)) == ["prewarm-acme.com"]


def test_no_filter_sends_no_filter() -> None:
    client = PagedClient([])
    assert list_inventory(client) == []  # type: ignore[arg-type]
    assert client.queries[0][1] == {}


def test_a_price_that_is_not_a_number_is_unknown() -> None:
    assert price("14.50") == 14.5 and price(3) == 3.0
    assert price(None) is None and price(True) is None and price("n/a") is None


def test_the_order_body_names_every_domain_and_only_the_provider_settings_that_apply() -> None:
    from ansible_collections.coldmailreseller.cmr.plugins.module_utils._prewarmup import order_body
    settings = {"forward_to": "https://acme.example", "auto_renew": False, "google": {"oauth_route": "https://r", "client_id": None},
                "microsoft_oauth_route": "https://m"}
    assert order_body(["a.com", "b.com"], "GOOGLE", settings) == {
        "order": [{"domain": "a.com", "forwardTo": "https://acme.example"}, {"domain": "b.com", "forwardTo": "https://acme.example"}],
        "serviceProvider": "GOOGLE", "autoRenew": False, "google": {"googleOauthRoute": "https://r"}}
    assert order_body(["c.com"], "MICROSOFT", settings)["microsoftOauthRoute"] == "https://m"
    assert order_body(["c.com"], "MICROSOFT", {}) == {"order": [{"domain": "c.com"}], "serviceProvider": "MICROSOFT", "autoRenew": True}


def test_a_package_is_delivered_when_the_domain_and_all_its_mailboxes_are_active() -> None:
    from ansible_collections.coldmailreseller.cmr.plugins.module_utils._prewarmup import DELIVERED, FAILED, PENDING, delivery
    owned = {"a.com": {"status": "ACTIVE"}}
    active = [{"email": "x@a.com", "status": "ACTIVE"}, {"email": "y@a.com", "status": "ACTIVE"}]
    assert delivery("a.com", owned, active, set()) == DELIVERED
    assert delivery("a.com", owned, active[:1] + [{"email": "z@a.com", "status": "IN_PROGRESS"}], set()) == PENDING
    assert delivery("a.com", owned, [], set()) == PENDING  # mailboxes not listed yet
    assert delivery("b.com", owned, active, set()) == PENDING  # bought, not assigned yet
    assert delivery("b.com", owned, active, {"b.com"}) == FAILED  # offered again: its purchase failed
