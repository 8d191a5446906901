#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_placement_test
short_description: Order an inbox-placement test for mailboxes of a Cold Mail Reseller user
version_added: 0.1.0
description:
  - Orders CMR's inbox-placement test (seed inboxes at Google and Microsoft 365, optionally SpamAssassin, blacklists and
    AI insight) for chosen C(ACTIVE) mailboxes, paid from the partner wallet, only with O(confirm=true).
  - The module works on the end state "a test of exactly these mailboxes, with these checks, ordered within O(max_age)
    hours". When CMR lists such a report the module orders nothing and returns it, so a second run changes nothing.
  - CMR does not publish the price of a test. The estimate (RV(estimated_cost)) is O(mailbox_price) per mailbox plus
    O(ai_insight_price) with AI insight; it is compared with O(max_cost) and the wallet before anything is sent.
  - A lost answer is never followed by a second order; the module reads the reports again instead.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.PLAN
attributes:
  check_mode:
    support: full
    details:
      - Check mode orders nothing. It reports the estimate, RV(wallet_balance) and RV(sufficient_funds), refuses what
        O(max_cost) or a missing O(confirm=true) would refuse, and warns when the wallet cannot pay.
  diff_mode:
    support: full
    details:
      - The diff shows the tested addresses of the report that answers the task, before and after.
options:
  user_id:
    description:
      - The CMR user ID that owns the mailboxes.
    type: str
    required: true
  mailboxes:
    description:
      - The mailboxes to test, each an address or a CMR mailbox ID.
    type: list
    elements: str
    required: true
  spamassassin:
    description:
      - Include a SpamAssassin check.
    type: bool
    default: true
  blacklist:
    description:
      - Include a blacklist check.
    type: bool
    default: true
  ai_insight:
    description:
      - Order CMR's AI insight (an extra charge).
    type: bool
    default: false
  max_age:
    description:
      - Hours for which an earlier test of the same mailboxes and checks answers the task.
    type: float
    default: 24
  mailbox_price:
    description:
      - The price of testing one mailbox in USD, for the estimate. CMR does not publish it; set your account's price.
    type: float
    required: true
  ai_insight_price:
    description:
      - The price of AI insight in USD, for the estimate when O(ai_insight=true).
    type: float
    default: 0
  confirm:
    description:
      - Must be V(true) to order a test. Without it the module fails, in check mode too, and quotes the estimate.
    type: bool
    default: false
  max_cost:
    description:
      - The most this task may spend, in USD. A test whose estimate is higher is refused before anything is sent.
    type: float
  wait:
    description:
      - Wait until the report is C(COMPLETED).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true).
    type: int
    default: 900
notes:
  - CMR reports when a test was ordered only in a field its documentation does not show (C(createdAt)); a report without
    it never answers a task, so without it every run orders a test.
seealso:
  - module: coldmailreseller.cmr.cmr_placement_test_info
"""

EXAMPLES = r"""
- name: Test where jane's and john's mail lands (at most once a day)
  coldmailreseller.cmr.cmr_placement_test:
    user_id: "{{ customer.user.user_id }}"
    mailboxes: [jane@acme-outreach.com, john@acme-outreach.com]
    mailbox_price: 0.5
    max_cost: 5
    confirm: true
    wait: true
  register: placement
"""

RETURN = r"""
cmr_plan:
  description:
    - What the task plans (in check mode) or did, in the same form for every resource module of the collection;
      the P(coldmailreseller.cmr.plan#callback) callback adds it up across a whole run. Never holds secrets.
  returned: success
  type: dict
  sample:
    action: purchase
    resource_type: order
    key: user 6650c1f0a1b2c3d4e5f60718
    cost: 15.0
    wallet_balance: 500.0
    check_mode: true
    changes:
      - {action: purchase, resource_type: domain, key: acme-mail.com, cost: 12.0, fields: []}
      - {action: purchase, resource_type: mailbox, key: jane@acme-mail.com, cost: 3.0, fields: []}
  contains:
    action:
      description:
        - The most significant action of RV(cmr_plan.changes), in this order - V(purchase), V(renew), V(delete),
          V(create), V(update); V(none) when the task has nothing to do.
      type: str
      returned: success
      choices: [create, update, delete, purchase, renew, none]
    resource_type:
      description: The kind of object the task manages, for example V(user), V(order), V(mailbox) or V(dns_records).
      type: str
      returned: success
    key:
      description: The natural key of that object (an e-mail address, a domain name), or null when it has none yet.
      type: str
      returned: success
    cost:
      description: The USD the task spends (or would spend) - the sum of the costs of RV(cmr_plan.changes); 0 when no money moves.
      type: float
      returned: success
    wallet_balance:
      description: The partner wallet balance in USD the task read while planning a purchase or renewal; null when it read none.
      type: float
      returned: success
    check_mode:
      description: Whether the task ran in check mode (a plan) or for real (what was done).
      type: bool
      returned: success
    changes:
      description: One entry per resource the task creates, updates, deletes, buys or renews; empty when there is nothing to do.
      type: list
      elements: dict
      returned: success
      contains:
        action:
          description: V(create), V(update), V(delete), V(purchase) (a paid creation) or V(renew) (a paid renewal).
          type: str
          returned: success
        resource_type:
          description: For example V(user), V(domain), V(mailbox), V(subscription), V(order) or V(dns_record).
          type: str
          returned: success
        key:
          description: The resource's natural key; for a DNS record C(<domain> <type> <host> [<priority>] <value>).
          type: str
          returned: success
        cost:
          description: The USD this change spends (the estimate in check mode); 0 when no money moves.
          type: float
          returned: success
        fields:
          description: The names (never the values) of the settings an update changes; empty for other actions.
          type: list
          elements: str
          returned: success
report:
  description:
    - The report that answers the task (in check mode, empty when a test would be ordered), with the fields of
      M(coldmailreseller.cmr.cmr_placement_test_info)'s RV(coldmailreseller.cmr.cmr_placement_test_info#module:reports).
  returned: always
  type: dict
estimated_cost:
  description: The estimate of the test the task orders (or would order), in USD; 0 when nothing is ordered.
  returned: always
  type: float
wallet_balance:
  description: The partner wallet balance the task read before ordering; null when nothing was ordered.
  returned: always
  type: float
sufficient_funds:
  description: Whether the wallet covers RV(estimated_cost).
  returned: always
  type: bool
"""

import datetime
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import PURCHASE, RESULT_KEY, Change, plan_report
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import pick_mailboxes, refuse_inactive, user_mailboxes
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._placement import answering_report, list_reports, order_test
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import read_funds

RESOURCE_TYPE = "placement_test"


def options(module: CmrModule) -> dict[str, bool]:
    return {key: module.params[key] for key in _api.PLACEMENT_OPTIONS}


def find_report(module: CmrModule, addresses: list[str], max_age: float) -> t.Optional[dict[str, t.Any]]:
    return answering_report(list_reports(module.client, module.params["user_id"]), addresses, options(module), max_age)


def order(module: CmrModule, mailboxes: list[dict[str, t.Any]], addresses: list[str], started: datetime.datetime) -> dict[str, t.Any]:
    """Order once; a lost answer is settled by a report of these mailboxes ordered since the task started."""
    p = module.params
    age = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 3600 + 1 / 60
    order_id = order_test(module.client, p["user_id"], [str(mb["mailbox_id"]) for mb in mailboxes], options(module), addresses,
                          lambda: find_report(module, addresses, age) is not None, module.warn)
    if order_id:
        found = list_reports(module.client, p["user_id"], order_id=order_id)
        report = found[0] if found else {"order_id": order_id, "status": None, "mailboxes": []}
    else:
        report = find_report(module, addresses, age) or {}
    if p["wait"] and report.get("order_id"):
        def fetch() -> dict[str, t.Any]:
            found = list_reports(module.client, p["user_id"], order_id=report["order_id"])
            return found[0] if found else report

        report = wait_for(fetch, lambda now: now.get("status") == _api.PLACEMENT_DONE, p["wait_timeout"],
                          "the placement report %s" % report["order_id"], initial=1.0)
    return report


def run(module: CmrModule) -> dict[str, t.Any]:
    p = module.params
    started = datetime.datetime.now(datetime.timezone.utc)
    if p["max_age"] < 0 or p["mailbox_price"] < 0 or p["ai_insight_price"] < 0:
        raise CmrModuleError("max_age, mailbox_price and ai_insight_price must not be negative")
    picked = [mailbox for mailbox, _raw in pick_mailboxes(user_mailboxes(module.client, p["user_id"]), p["mailboxes"], p["user_id"])]
    addresses = [str(mb.get("email")) for mb in picked]
    existing = find_report(module, addresses, p["max_age"])
    diff_after = {"tested": sorted(addresses)}
    if existing is not None:
        return {"changed": False, "report": existing, "estimated_cost": 0.0, "wallet_balance": None, "sufficient_funds": True,
                "diff": {"before": diff_after, "after": diff_after},
                RESULT_KEY: plan_report(RESOURCE_TYPE, existing.get("order_id"), [], module.check_mode)}
    refuse_inactive(picked, "a placement test")
    cost = round(len(picked) * p["mailbox_price"] + (p["ai_insight_price"] if p["ai_insight"] else 0.0), 2)
    over = p["max_cost"] is not None and cost > p["max_cost"]
    # Within max_cost, the wallet rule every purchase shares applies (an unreadable wallet is not a stop).
    funds = read_funds(module.client, cost, "placement test", "ordered", None if over else p["max_cost"])
    if over:
        raise CmrModuleError("nothing was ordered: the placement test costs %.2f USD, more than max_cost %.2f USD" % (cost, p["max_cost"]),
                             estimated_cost=cost, **funds.as_result())
    if not p["confirm"]:
        raise CmrModuleError("a placement test of %s costs about %.2f USD from the partner wallet. Set confirm: true to order it"
                             % (", ".join(addresses), cost), estimated_cost=cost, **funds.as_result())
    funds.warn_if_short(module)
    report: dict[str, t.Any] = {}
    if not module.check_mode:
        funds.require(estimated_cost=cost)
        report = order(module, picked, addresses, started)
    change = Change(PURCHASE, RESOURCE_TYPE, ", ".join(addresses), cost=cost)
    return {"changed": True, "report": report, "estimated_cost": cost, **funds.as_result(),
            "diff": {"before": {"tested": []}, "after": diff_after},
            RESULT_KEY: plan_report(RESOURCE_TYPE, report.get("order_id") or ", ".join(addresses), [change], module.check_mode, funds.wallet_balance)}


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            mailboxes=dict(type="list", elements="str", required=True),
            spamassassin=dict(type="bool", default=True),
            blacklist=dict(type="bool", default=True),
            ai_insight=dict(type="bool", default=False),
            max_age=dict(type="float", default=24.0),
            mailbox_price=dict(type="float", required=True),
            ai_insight_price=dict(type="float", default=0.0),
            confirm=dict(type="bool", default=False),
            max_cost=dict(type="float"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=900),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
