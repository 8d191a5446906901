# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Inbox-placement tests: reading the reports, and which report already answers a task."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import canonical_email
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import PaidRequest, Warn, send_once
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import parse_time


def normalise_report(obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    report = {key: value for key, value in _api.from_api(_api.PLACEMENT_REPORT_FIELDS, obj).items()
              if value is not None or key in ("order_id", "status")}
    entries = obj.get(_api.PLACEMENT_REPORT_MAILBOXES)
    report["mailboxes"] = [_api.from_api(_api.PLACEMENT_MAILBOX_FIELDS, entry) for entry in entries or [] if isinstance(entry, dict)]
    return report


def list_reports(client: CmrClient, user_id: str, order_id: t.Optional[str] = None, mailbox_id: t.Optional[str] = None) -> list[dict[str, t.Any]]:
    """The user's placement reports (every page), newest first, narrowed by CMR's order and mailbox filters."""
    query = {_api.USER_ID: user_id}
    if order_id:
        query[_api.ORDER_ID] = order_id
    if mailbox_id:
        query[_api.MAILBOX_ID] = mailbox_id
    try:
        items = client.get_all(_api.PLACEMENT_REPORTS, query, None)
    except CmrApiError as exc:
        if exc.status == 404:
            raise CmrModuleError("user_id %s does not exist in this CMR account (%s)" % (user_id, exc.message)) from exc
        raise
    return [normalise_report(item) for item in items if isinstance(item, dict)]


def tested_addresses(report: t.Mapping[str, t.Any]) -> set[str]:
    return {canonical_email(str(entry.get("from_email") or "")) for entry in report.get("mailboxes") or []}


def answering_report(reports: t.Iterable[t.Mapping[str, t.Any]], addresses: t.Iterable[str], options: t.Mapping[str, bool],
                     max_age_hours: float, now: t.Optional[datetime.datetime] = None) -> t.Optional[dict[str, t.Any]]:
    """The newest report that tested exactly these addresses with these options, ordered within ``max_age_hours``."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    wanted = {canonical_email(address) for address in addresses}
    for report in reports:
        created = parse_time(report.get("created_at"))
        if created is None or now - created > datetime.timedelta(hours=max_age_hours):
            continue
        same_options = all(bool(report.get(key)) == bool(value) for key, value in options.items() if key != "ai_insight")
        same_ai = bool(report.get("ai_insight_requested")) == bool(options.get("ai_insight"))
        if tested_addresses(report) == wanted and same_options and same_ai:
            return dict(report)
    return None


def order_body(mailbox_ids: t.Sequence[str], options: t.Mapping[str, bool]) -> dict[str, t.Any]:
    return {_api.PLACEMENT_MAILBOX_IDS: list(mailbox_ids), **{_api.PLACEMENT_OPTIONS[key]: bool(value) for key, value in options.items()}}


def order_test(client: CmrClient, user_id: str, mailbox_ids: t.Sequence[str], options: t.Mapping[str, bool], addresses: t.Sequence[str],
               shows: t.Callable[[], bool], warn: Warn) -> t.Optional[str]:
    """Order one placement test, sent once; a lost answer is settled by ``shows`` (a re-read of the reports). The order ID, if CMR gave it."""
    request = PaidRequest(
        "the placement test of %s" % ", ".join(addresses), _api.PLACEMENT_ORDER, query={_api.USER_ID: user_id},
        body=order_body(mailbox_ids, options), probe=shows,
        check_first="the placement reports and the wallet (coldmailreseller.cmr.cmr_placement_test_info, cmr_wallet_info)",
    )
    data = send_once(client, request, warn).data
    order_id = data.get(_api.ORDER_ID) if isinstance(data, dict) else None
    return str(order_id) if order_id else None
