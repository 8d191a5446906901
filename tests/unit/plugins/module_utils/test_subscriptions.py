# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which subscription is current, the manual renewal window and its price, listing filters."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import (
    by_domain,
    current_subscription,
    list_subscriptions,
    renewal_cost,
    renewal_eligibility,
)

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def sub(status: str = "ACTIVE", end: str = "2026-01-31T00:00:00Z", start: str = "2025-12-31T00:00:00Z", **extra: t.Any) -> dict:
    return {"subscription_id": "S-" + status, "status": status, "domain": "acme.com", "period_start": start, "period_end": end, **extra}


def test_the_running_subscription_wins_over_ended_ones() -> None:
    subs = [sub("CANCELLED", start="2025-01-01T00:00:00Z"), sub("ACTIVE"), sub("EXPIRED", start="2025-06-01T00:00:00Z")]
    assert current_subscription(subs)["status"] == "ACTIVE"  # type: ignore[index]
    ended = [sub("CANCELLED", start="2025-06-01T00:00:00Z"), sub("EXPIRED", start="2025-01-01T00:00:00Z")]
    assert current_subscription(ended)["status"] == "CANCELLED"  # type: ignore[index]
    assert current_subscription([]) is None


def test_subscriptions_are_grouped_by_domain_name() -> None:
    other = dict(sub("ACTIVE"), domain="Beta.com", subscription_id="S2")
    assert set(by_domain([sub("CANCELLED"), sub("ACTIVE"), other])) == {"acme.com", "beta.com"}
    assert by_domain([sub("CANCELLED"), sub("ACTIVE")])["acme.com"]["status"] == "ACTIVE"


def test_past_due_is_always_renewable() -> None:
    assert renewal_eligibility(sub("PAST_DUE", end="2025-12-01T00:00:00Z"), NOW).eligible


def test_active_is_renewable_only_in_the_last_days_of_its_period() -> None:
    far = renewal_eligibility(sub(end="2026-01-31T00:00:00Z"), NOW)
    assert not far.eligible and "opens on 2026-01-24" in far.reason
    assert renewal_eligibility(sub(end="2026-01-08T00:00:00Z"), NOW).eligible


def test_other_states_are_not_renewed_and_say_why() -> None:
    for status in ("RENEWING", "CANCELLED", "EXPIRED"):
        renewal = renewal_eligibility(sub(status), NOW)
        assert not renewal.eligible and status in renewal.reason


def test_renewal_cost_is_mailboxes_times_the_subscription_price() -> None:
    assert renewal_cost(sub(total_mailbox_quantity=3, price_per_mailbox=5)) == 15.0
    assert renewal_cost(sub()) is None


class ListingClient:
    def __init__(self, items: list) -> None:
        self.items = items
        self.queries: list = []

    def get_all(self, endpoint: t.Any, query: t.Any, items_key: t.Any) -> list:
        self.queries.append((endpoint.path, query, items_key))
        return self.items


def test_filters_go_to_cmr_and_are_applied_again() -> None:
    items = [
        {"subscriptionId": "S1", "subscriptionStatus": "ACTIVE", "domain": "acme.com", "userId": "U1"},
        {"subscriptionId": "S2", "subscriptionStatus": "ACTIVE", "domain": "acme.com", "userId": "U2"},
        {"subscriptionId": "S3", "subscriptionStatus": "CANCELLED", "domain": "beta.com", "userId": "U1"},
    ]
    client = ListingClient(items)
    found = list_subscriptions(client, user_id="U1", domain="ACME.com.")  # type: ignore[arg-type]
    assert [s["subscription_id"] for s in found] == ["S1"]
    assert client.queries == [("/subscriptions", {"userId": "U1", "domain": "acme.com"}, "subscriptions")]
    assert [s["subscription_id"] for s in list_subscriptions(client, status="CANCELLED")] == ["S3"]  # type: ignore[arg-type]


# --- recreation (issue 12) ---------------------------------------------------------------------------

def test_recreation_is_due_only_above_the_standard_price() -> None:
    from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import recreation_due
    assert recreation_due(sub(price_per_mailbox=5))
    assert not recreation_due(sub(price_per_mailbox=3)) and not recreation_due(sub()) and not recreation_due(sub(price_per_mailbox=True))


def test_recreation_is_sent_once_and_a_lost_answer_settled_by_the_new_id() -> None:
    from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
    from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import recreate

    class Client:
        def __init__(self, lose: bool) -> None:
            self.lose = lose
            self.sent = 0
            self.current = "OLD"

        def call(self, endpoint: t.Any, query: t.Any = None, body: t.Any = None) -> CmrResponse:
            assert endpoint.path == "/component/subscriptions/recreate" and body == {"subscriptionIds": ["OLD"]}
            self.sent += 1
            self.current = "NEW"
            if self.lose:
                raise CmrApiError(None, "connection lost", "POST", endpoint.path, maybe_applied=True)
            return CmrResponse(200, "ok", {"recreated": [{"previousSubscriptionId": "OLD", "subscriptionId": "NEW"}]}, "ACT_1")

        def get_all(self, endpoint: t.Any, query: t.Any, items_key: t.Any) -> list[dict[str, t.Any]]:
            return [{"subscriptionId": self.current, "subscriptionStatus": "ACTIVE", "domain": "acme.com"}]

    warnings: list[str] = []
    current = {"subscription_id": "OLD", "domain": "acme.com", "user_id": "U1"}
    assert recreate(Client(False), current, warnings.append) == "NEW"  # type: ignore[arg-type]
    lost = Client(True)
    assert recreate(lost, current, warnings.append) is None  # type: ignore[arg-type]
    assert lost.sent == 1 and len(warnings) == 1 and "was lost" in warnings[0]
