# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The one path for requests that cost money or cannot be undone.

Every purchase, renewal, order processing, recreation and removal goes through ``send_once``:

* the request is sent once (the client puts paid requests on a fresh connection and never
  re-sends a request that may have reached CMR);
* when its answer is lost, ``settle`` re-reads through a probe the area supplies instead of
  sending it again;
* a visible effect means the request landed: the run goes on, changed, with a warning;
* an invisible effect (or a failed re-read) means nobody can tell: the task stops with one
  "state unknown" line and ``changed=true``, because the request may still land.

Non-money writes use ``settle`` too (through ``Resource.settle_lost_answer``), so every lost
answer in the collection reads and words the same.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import MAYBE_APPLIED, CmrApiError, CmrClient, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

Warn = t.Callable[[str], None]
Probe = t.Callable[[], bool]


@dataclass(frozen=True)
class PaidRequest:
    """One request that costs money or loses data, and how to tell afterwards whether it landed."""

    what: str  # for messages: "the renewal of example.com"
    endpoint: _api.Endpoint
    query: t.Optional[t.Mapping[str, t.Any]] = None
    body: t.Any = None
    # After a lost answer: read CMR again; True when the request's effect shows.
    probe: t.Optional[Probe] = None
    # What the user should look at before retrying, e.g. "the wallet (coldmailreseller.cmr.cmr_wallet_info)".
    check_first: str = "the CMR dashboard"
    # What the failure says when the probe cannot see the effect.
    unseen: str = "CMR does not show it (yet)"


@dataclass(frozen=True)
class Sent:
    """The outcome of a paid request that landed: its answer, or None when the answer was lost."""

    response: t.Optional[CmrResponse]

    @property
    def answer_lost(self) -> bool:
        return self.response is None

    @property
    def data(self) -> t.Any:
        return self.response.data if self.response is not None else None

    @property
    def action_id(self) -> t.Optional[str]:
        return self.response.action_id if self.response is not None else None


def send_once(client: CmrClient, request: PaidRequest, warn: Warn) -> Sent:
    """Send ``request`` once; a lost answer is settled by the probe, never by sending it again."""
    try:
        return Sent(client.call(request.endpoint, query=request.query, body=request.body))
    except CmrApiError as exc:
        if not exc.maybe_applied or request.probe is None:
            raise
        settle(exc, request.what, request.probe, request.check_first, warn, request.unseen)
        return Sent(None)


def settle(exc: CmrApiError, what: str, probe: Probe, check_first: str, warn: Warn, unseen: str = "CMR does not show it (yet)") -> None:
    """Decide after a lost answer: return (with a warning) when the effect shows, else stop."""
    if not exc.maybe_applied:
        raise exc
    try:
        landed = probe()
    except (CmrApiError, CmrModuleError) as reread:
        raise state_unknown(what, exc, check_first, "reading CMR again failed too (%s)" % reread) from exc
    if not landed:
        raise state_unknown(what, exc, check_first, unseen) from exc
    warn("CMR's answer to %s was lost (%s); reading CMR again shows it applied, so it was sent once and not again" % (what, cause_of(exc)))


def state_unknown(what: str, exc: CmrApiError, check_first: str, finding: str) -> CmrModuleError:
    """The one "state unknown" failure: the request may still land, so the task reports changed."""
    return CmrModuleError(
        "state unknown: %s reached CMR without a usable answer (%s), and %s. It may or may not have been applied; the request "
        "was NOT sent again: check %s before retrying" % (what, cause_of(exc), finding, check_first),
        changed=True, maybe_applied=True,
    )


def cause_of(exc: CmrApiError) -> str:
    """What went wrong, without the client's "may have been applied" advice these messages give in full."""
    return exc.message.replace("; " + MAYBE_APPLIED, "")
