# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Failures CMR reports after it accepted a request, said in one line.

CMR accepts an order (and charges it) before the registry and the workspace provider have done
their part; either can still fail, and a renewal can fail after it was accepted. A wait must
then end with what failed and what the account holds now, not with a timeout or a misleading
"still running".
"""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import canonical_name, list_domains
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import list_mailboxes
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

# Order statuses (docs/developer/API.md#status-values gives no full vocabulary; these are the ones the collection knows).
ORDER_DONE = ("COMPLETED",)
ORDER_RUNNING = ("QUEUED", "PROCESSING", "PENDING", "IN_PROGRESS")
ORDER_ENDED = ("CANCELLED", "CANCELED", "REJECTED")
REASON_KEYS = ("failureReason", "reason", "error", "message")
SUBSCRIPTION_EXPIRED = "EXPIRED"  # the period ended unpaid (docs/developer/API.md#status-values)


def reason_of(data: t.Any) -> str:
    """CMR's reason for a failure, from whichever key carries it."""
    if isinstance(data, dict):
        for key in REASON_KEYS:
            if isinstance(data.get(key), str) and data[key].strip():
                return data[key].strip()
    return "CMR gave no reason"


def holdings(client: CmrClient, user_id: str, names: t.Iterable[str]) -> str:
    """What the account holds now for these domains: each domain's status and its mailboxes."""
    wanted = sorted({canonical_name(name) for name in names})
    domains = {canonical_name(str(d.get("name") or "")): d for d in list_domains(client, user_id)}
    mailboxes = list_mailboxes(client, user_id)
    parts = []
    for name in wanted:
        domain = domains.get(name)
        boxes = [m for m in mailboxes if str(m.get("email") or "").lower().endswith("@" + name)]
        state = "not registered" if domain is None else "%s" % domain.get("status")
        parts.append("%s %s with %d mailbox(es)" % (name, state, len(boxes)))
    return "; ".join(parts) or "nothing for this order"


def failed_order(client: CmrClient, user_id: str, order_id: str, data: t.Any, names: t.Iterable[str]) -> CmrModuleError:
    """The one-line failure of an order CMR accepted and then marked FAILED."""
    return CmrModuleError(
        "order %s failed after CMR accepted it: %s. The account now holds: %s. Check the wallet for the refund "
        "(coldmailreseller.cmr.cmr_wallet_info); a rerun orders only what is still missing"
        % (order_id, reason_of(data), holdings(client, user_id, names)),
        changed=True, order_id=order_id,
    )


def existing_order_message(order: t.Mapping[str, t.Any]) -> str:
    """What an order given by ID that is no longer UNCONFIRMED means for the task (nothing to pay); FAILED raises."""
    status = str(order.get("status") or "unknown")
    order_id = order.get("order_id")
    if status == _api.ORDER_STATUS_FAILED:
        raise CmrModuleError("order %s failed: %s; nothing was paid by this task. Order again (without order_id) to retry"
                             % (order_id, order.get("failure_reason") or "CMR gave no reason"), order=dict(order))
    if status in ORDER_DONE:
        return "order %s is already processed and complete; nothing to pay" % order_id
    if status in ORDER_RUNNING:
        return "order %s is already confirmed and being processed (%s); nothing to pay" % (order_id, status)
    if status in ORDER_ENDED:
        return "order %s is %s; it cannot be paid any more. Order again (without order_id) if it is still wanted" % (order_id, status)
    return "order %s has status %s, which this collection does not know; nothing was sent. Please report it" % (order_id, status)


def renewal_failed(now: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any]) -> bool:
    """The renewal was accepted but CMR ended it without a new period (PAST_DUE, EXPIRED or CANCELLED)."""
    return (now.get("status") in (_api.SUBSCRIPTION_PAST_DUE, SUBSCRIPTION_EXPIRED, _api.SUBSCRIPTION_CANCELLED)
            and now.get("period_end") == before.get("period_end"))


def renewal_failure(now: t.Mapping[str, t.Any]) -> CmrModuleError:
    return CmrModuleError(
        "the renewal of %s failed after CMR accepted it: the subscription is %s and its period still ends %s (the "
        "subscription.renewal.failed webhook carries CMR's reason). Check the wallet for the refund before renewing again"
        % (now.get("domain"), now.get("status"), now.get("period_end")),
        changed=True, subscription=dict(now),
    )
