# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Failures after acceptance (_later.py) and the probe's pure helpers (_probe.py)."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._later import (
    existing_order_message,
    reason_of,
    renewal_failed,
    renewal_failure,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._probe import shape, table


@pytest.mark.parametrize(("status", "words"), [
    ("COMPLETED", "already processed and complete; nothing to pay"),
    ("QUEUED", "being processed (QUEUED); nothing to pay"),
    ("PROCESSING", "being processed (PROCESSING)"),
    ("CANCELLED", "is CANCELLED; it cannot be paid any more"),
    ("SOMETHING_NEW", "has status SOMETHING_NEW, which this collection does not know"),
])
def test_every_status_of_an_order_given_by_id_says_what_it_means(status: str, words: str) -> None:
    assert words in existing_order_message({"order_id": "O1", "status": status})


def test_a_failed_order_given_by_id_fails_with_the_reason() -> None:
    with pytest.raises(CmrModuleError, match="^order O1 failed: registry said no; nothing was paid"):
        existing_order_message({"order_id": "O1", "status": "FAILED", "failure_reason": "registry said no"})


def test_reason_of_reads_whichever_key_carries_it() -> None:
    assert reason_of({"reason": " late "}) == "late"
    assert reason_of({"failureReason": "a", "reason": "b"}) == "a"
    assert reason_of({"status": "FAILED"}) == reason_of(None) == "CMR gave no reason"


def test_a_renewal_failed_only_when_the_period_did_not_move() -> None:
    before = {"status": "ACTIVE", "period_end": "2026-02-01T00:00:00Z", "domain": "a.com"}
    assert renewal_failed(dict(before, status="PAST_DUE"), before)
    assert not renewal_failed(dict(before, status="RENEWING"), before)
    assert not renewal_failed(dict(before, status="ACTIVE", period_end="2026-03-01T00:00:00Z"), before)
    error = renewal_failure(dict(before, status="PAST_DUE"))
    assert str(error).startswith("the renewal of a.com failed after CMR accepted it: the subscription is PAST_DUE")
    assert error.details["changed"] is True and "\n" not in str(error)


def test_shape_never_shows_values() -> None:
    assert shape({"balance": 12.5, "secret": "hunter2"}) == "data is an object with keys balance, secret"
    assert shape([1, 2]) == "data is a list of 2"
    assert shape(None) == "data is null"
    assert shape("x") == "data is a str"


def test_table_aligns_rows_under_a_header() -> None:
    lines = table([{"result": "holds", "endpoint": "GET /wallet", "assumption": "A", "seen": "S"}])
    assert lines[0].startswith("RESULT      | ENDPOINT    | ASSUMPTION -> SEEN")
    assert lines[1] == "holds       | GET /wallet | A -> S"
