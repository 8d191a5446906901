# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Domain normalisation, name matching and the renewal window (docs/developer/API.md#domains)."""

from __future__ import annotations

import datetime

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import (
    normalise_domain,
    pick_domain,
    renewal_window,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import one_year_later

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def domain(status: str = "ACTIVE", expiry: str = "2026-12-31T00:00:00.000Z") -> dict:
    return {"name": "acme.com", "status": status, "expiry_date": expiry}


def test_domains_are_snake_case_with_forwarding_flattened() -> None:
    obj = {
        "domainId": "D1", "domainName": "acme.com", "status": "ACTIVE", "autoRenew": True,
        "domainForwarding": {"forwardTo": "https://acme.example", "maskForwarding": False},
        "emailForwarding": None, "clientId": None,
    }
    assert normalise_domain(obj) == {
        "domain_id": "D1", "name": "acme.com", "status": "ACTIVE", "auto_renew": True,
        "forward_to": "https://acme.example", "mask_forwarding": False,
        "email_forward_to": None, "google_client_id": None,
    }


def test_settings_cmr_does_not_report_are_absent_not_none() -> None:
    normalised = normalise_domain({"domainId": "D1", "domainName": "acme.com"})
    assert "forward_to" not in normalised and "google_client_id" not in normalised


def test_names_match_without_case_or_trailing_dot() -> None:
    domains = [{"name": "other.com"}, {"name": "Acme.com"}]
    assert pick_domain(domains, "ACME.COM.") == {"name": "Acme.com"}
    assert pick_domain(domains, "missing.com") is None


def test_active_domain_far_from_expiry_says_when_the_window_opens() -> None:
    window = renewal_window(domain(), NOW)
    assert not window.eligible
    assert window.opens_on == "2026-11-16"
    assert "opens on 2026-11-16" in window.reason


def test_active_domain_within_45_days_is_renewable() -> None:
    assert renewal_window(domain(expiry="2026-02-14T00:00:00Z"), NOW).eligible
    assert not renewal_window(domain(expiry="2026-02-16T00:00:00Z"), NOW).eligible


def test_grace_period_is_renewable_and_expired_is_not() -> None:
    assert renewal_window(domain(status="GRACE_PERIOD", expiry="2025-12-30T00:00:00Z"), NOW).eligible
    expired = renewal_window(domain(status="EXPIRED"), NOW)
    assert not expired.eligible and "EXPIRED" in expired.reason and expired.opens_on is None


def test_a_renewal_moves_the_expiry_by_one_year() -> None:
    assert one_year_later("2026-11-30T00:00:00.000Z") == "2027-11-30T00:00:00Z"
    assert one_year_later("2028-02-29T00:00:00Z") == "2029-02-28T00:00:00Z"
    assert one_year_later(None) is None
