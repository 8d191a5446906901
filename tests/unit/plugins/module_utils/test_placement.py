# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Placement reports: normalisation, and which earlier report answers a task (same mailboxes, checks, age)."""

from __future__ import annotations

import datetime

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._placement import answering_report, normalise_report, order_body

NOW = datetime.datetime(2026, 1, 2, 12, 0, tzinfo=datetime.timezone.utc)
OPTIONS = {"spamassassin": True, "blacklist": True, "ai_insight": False}


def report(order_id: str, emails: list[str], created: str = "2026-01-02T10:00:00Z", **extra: object) -> dict:
    raw = {"orderId": order_id, "status": "COMPLETED", "spamassassin": True, "blacklist": True, "mailboxCount": len(emails),
           "createdAt": created, "mailboxes": [{"placementOrderId": "P" + e, "mailboxId": "M" + e, "fromEmail": e, "status": "COMPLETED",
                                                "report": {}} for e in emails], **extra}
    return normalise_report(raw)


def test_reports_are_normalised_without_unset_ai_fields() -> None:
    normal = report("O1", ["jane@acme.com"])
    assert normal["order_id"] == "O1" and normal["mailboxes"][0]["from_email"] == "jane@acme.com"
    assert "ai_insight" not in normal and "ai_insight_requested" not in normal


def test_the_newest_report_of_the_same_mailboxes_and_checks_answers() -> None:
    reports = [report("NEW", ["JANE@acme.com", "john@acme.com"]), report("OLD", ["john@acme.com", "jane@acme.com"], "2026-01-02T09:00:00Z")]
    assert answering_report(reports, ["john@acme.com", "jane@acme.com"], OPTIONS, 24, NOW)["order_id"] == "NEW"  # type: ignore[index]


def test_other_mailboxes_other_checks_or_an_old_report_do_not_answer() -> None:
    assert answering_report([report("O", ["jane@acme.com"])], ["jane@acme.com", "john@acme.com"], OPTIONS, 24, NOW) is None
    assert answering_report([report("O", ["jane@acme.com"], spamassassin=False)], ["jane@acme.com"], OPTIONS, 24, NOW) is None
    assert answering_report([report("O", ["jane@acme.com"])], ["jane@acme.com"], {**OPTIONS, "ai_insight": True}, 24, NOW) is None
    assert answering_report([report("O", ["jane@acme.com"], "2025-12-31T10:00:00Z")], ["jane@acme.com"], OPTIONS, 24, NOW) is None
    assert answering_report([report("O", ["jane@acme.com"], created="")], ["jane@acme.com"], OPTIONS, 24, NOW) is None


def test_the_order_body_names_every_check_explicitly() -> None:
    assert order_body(["M1"], OPTIONS) == {"mailboxIds": ["M1"], "spamassassin": True, "blacklist": True, "aiInsight": False}
