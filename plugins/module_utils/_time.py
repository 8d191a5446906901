# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Timestamps as CMR writes them, and the renewal windows domains and subscriptions share."""

from __future__ import annotations

import datetime
import typing as t
from dataclasses import dataclass


@dataclass(frozen=True)
class RenewalWindow:
    """Whether a domain can be renewed now, and if not, why and from when."""

    eligible: bool
    reason: str
    opens_on: t.Optional[str] = None  # ISO date the window opens, when it lies in the future

    def as_dict(self) -> dict[str, t.Any]:
        return {"renewable": self.eligible, "renewal_reason": self.reason, "renewal_window_opens": self.opens_on}


def parse_time(value: t.Any) -> t.Optional[datetime.datetime]:
    """An API timestamp (ISO 8601, 'Z' allowed) as an aware datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def dated_window(what: t.Any, end: t.Any, days: int, now: datetime.datetime, unknown: str, inside: str, outside: str) -> RenewalWindow:
    """The renewal window that opens ``days`` before ``end`` (domains and subscriptions share the rule).

    The three messages are ``str.format`` templates with ``{what}``, ``{ends}``, ``{opens}`` and
    ``{days}``: for an unknown ``end``, inside the window, and before it opens.
    """
    ends = parse_time(end)
    if ends is None:
        return RenewalWindow(False, unknown.format(what=what))
    opens = ends - datetime.timedelta(days=days)
    fields = {"what": what, "ends": ends.date().isoformat(), "opens": opens.date().isoformat(), "days": days}
    if now >= opens:
        return RenewalWindow(True, inside.format(**fields))
    return RenewalWindow(False, outside.format(**fields), fields["opens"])


def one_year_later(expiry: t.Any) -> t.Optional[str]:
    """The expiry date a one-year renewal leads to (ISO 8601), for plans and diffs."""
    parsed = parse_time(expiry)
    if parsed is None:
        return None
    try:
        later = parsed.replace(year=parsed.year + 1)
    except ValueError:  # 29 February
        later = parsed.replace(year=parsed.year + 1, day=28)
    return later.isoformat().replace("+00:00", "Z")
