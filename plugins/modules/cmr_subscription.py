#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_subscription
short_description: Manage the mailbox subscription of a Cold Mail Reseller domain, renew or cancel it
version_added: 0.1.0
description:
  - Sets the auto-renewal of a domain's mailbox subscription, renews it by hand, or cancels it.
  - The subscription is found by O(subscription_id) or by O(domain) (the natural key; O(user_id) narrows the search).
    A domain whose subscription was cancelled and later restarted has several; the running one is used, else the latest.
  - O(auto_renew) is read first and sent only when it differs, so a second run changes nothing.
  - O(renew=true) renews only a C(PAST_DUE) subscription or one inside its renewal window; otherwise the task reports
    no change and says why (RV(msg)).
  - O(state=cancelled) is permanent. CMR deletes the workspace and all of the domain's mailboxes; the subscription stays
    listed as C(CANCELLED). Check mode and the diff list the mailboxes that would be deleted.
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
      - Check mode sends no write. A renewal reports its estimated price; a cancellation lists the mailboxes it would delete.
  diff_mode:
    support: full
    details:
      - The diff lists only the fields that change; a cancellation also shows the mailboxes that disappear.
options:
  subscription_id:
    description:
      - The CMR subscription ID.
    type: str
  domain:
    description:
      - The domain whose subscription is meant.
    type: str
  user_id:
    description:
      - The CMR user ID of the owner. Optional; when set, a subscription of another user is not found.
    type: str
  state:
    description:
      - V(present) keeps the subscription and applies O(auto_renew) and O(renew).
      - V(cancelled) cancels it. This is permanent and deletes the workspace and its mailboxes at once, without refund;
        to merely stop the next renewal set O(auto_renew=false) instead. An already cancelled subscription reports no change.
    type: str
    choices: [present, cancelled]
    default: present
  auto_renew:
    description:
      - Whether the subscription renews automatically at the end of its period. Turning it off lets the current period
        run to its end.
    type: bool
  renew:
    description:
      - Renew the subscription now, paid from the partner wallet, when it is C(PAST_DUE) or inside its renewal window
        (the last days before its period ends). Otherwise nothing is done and RV(msg) says why.
      - The answer to a renewal is never re-sent when it is lost; the module reads the subscription again instead.
    type: bool
    default: false
  wait:
    description:
      - Wait until a renewal has started the next period, or until a cancelled subscription's mailboxes are gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When the time runs out the task fails and says the operation is still running
        and must not be resubmitted.
    type: int
    default: 300
notes:
  - CMR does not document how long before the end of a period a manual renewal is accepted; the collection assumes 7 days.
  - CMR does not document the body of its auto-renewal call; the collection sends the subscription ID and the explicit value.
seealso:
  - module: coldmailreseller.cmr.cmr_subscription_info
  - module: coldmailreseller.cmr.cmr_mailbox
  - module: coldmailreseller.cmr.cmr_domain
"""

EXAMPLES = r"""
- name: Stop the next renewal of a domain's mailboxes
  coldmailreseller.cmr.cmr_subscription:
    domain: acme-outreach.com
    auto_renew: false

- name: Renew a subscription that is past due (or about to end)
  coldmailreseller.cmr.cmr_subscription:
    domain: acme-outreach.com
    renew: true
  register: renewal

- name: Preview what a cancellation deletes
  coldmailreseller.cmr.cmr_subscription:
    domain: acme-outreach.com
    state: cancelled
  check_mode: true
  register: preview

- name: Cancel the subscription (deletes the workspace and its mailboxes)
  coldmailreseller.cmr.cmr_subscription:
    domain: acme-outreach.com
    state: cancelled
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
subscription:
  description: The subscription after the task (in check mode, as it would be). Empty when O(state=cancelled) finds no subscription.
  returned: always
  type: dict
  contains:
    subscription_id:
      description: Subscription ID.
      type: str
      sample: 1BNTZJG2Q041JWGS3NY9E1BZ9APA
    status:
      description: C(ACTIVE), C(RENEWING), C(PAST_DUE), C(CANCELLED) or C(EXPIRED).
      type: str
      sample: ACTIVE
    domain:
      description: Domain name.
      type: str
    user_id:
      description: Owner's user ID.
      type: str
    auto_renew:
      description: Whether the subscription renews automatically.
      type: bool
    total_mailbox_quantity:
      description: Number of mailboxes billed.
      type: int
    price_per_mailbox:
      description: Monthly price of one mailbox in USD.
      type: float
    billing_cycle:
      description: C(MONTHLY).
      type: str
    period_start:
      description: Start of the current period (ISO 8601).
      type: str
    period_end:
      description: End of the current period (ISO 8601).
      type: str
    service_provider:
      description: C(GOOGLE) or C(MICROSOFT).
      type: str
renewal:
  description: Whether a renewal applies now, why, and its estimated price (mailboxes times price per mailbox).
  returned: when O(renew=true)
  type: dict
  contains:
    renewable:
      description: Whether the subscription can be renewed now.
      type: bool
    reason:
      description: Why (not).
      type: str
    estimated_cost:
      description: Estimated price of the renewal in USD.
      type: float
    wallet_balance:
      description: The partner wallet balance in USD, when the subscription can be renewed now.
      type: float
    sufficient_funds:
      description:
        - Whether the wallet covers the estimate, when the subscription can be renewed now. A renewal is refused before anything is sent
          when it does not; check mode warns.
        - True when CMR gives no price to check.
      type: bool
deleted_mailboxes:
  description: Addresses of the mailboxes the cancellation deletes.
  returned: when O(state=cancelled) and the subscription was not cancelled yet
  type: list
  elements: str
msg:
  description: Why a renewal was not made.
  returned: when O(renew=true) and the subscription cannot be renewed now
  type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import DELETE, NONE, RENEW, UPDATE, Change, Plan, Resource, changed_fields
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import list_mailboxes, on_domain
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import (
    current_subscription,
    list_subscriptions,
    renewal_cost,
    renewal_eligibility,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import Funds, read_funds
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for

RENEWED = "renewed"  # pseudo-field of the plan: the period moves on


class Subscription(Resource):
    name = "subscription"
    key_field = "domain"
    found: t.Optional[dict[str, t.Any]] = None  # what find() saw, also when there is nothing to do
    funds: t.Optional[Funds] = None  # the wallet against the renewal's price, when a renewal is planned

    @property
    def wanted_state(self) -> str:
        # "cancelled" is the engine's "absent": the subscription stays listed, its workspace goes.
        return "absent" if self.params["state"] == "cancelled" else "present"

    def find(self) -> t.Optional[dict[str, t.Any]]:
        p = self.params
        found = list_subscriptions(self.client, user_id=p["user_id"], domain=p["domain"], subscription_id=p["subscription_id"])
        domains = sorted({str(sub.get("domain")) for sub in found})
        if len(domains) > 1:  # never act on one of several: the selection must name one domain's subscription
            raise CmrModuleError("%s selects the subscriptions of %d domains (%s); name one with subscription_id or domain"
                                 % (p["subscription_id"] or p["domain"], len(domains), ", ".join(domains[:5])))
        subscription = self.found = current_subscription(found)
        if subscription is None and self.wanted_state == "present":
            raise CmrModuleError("no subscription found for %s" % (p["subscription_id"] or p["domain"]))
        if subscription is not None and subscription["status"] == _api.SUBSCRIPTION_CANCELLED and self.wanted_state == "absent":
            return None  # already cancelled: nothing left to do
        return subscription

    def desired(self) -> dict[str, t.Any]:
        return {"auto_renew": self.params["auto_renew"]}

    def compare(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        return changed_fields(current, desired)

    # --- plan ----------------------------------------------------------------------------------
    def plan(self) -> Plan:
        plan = super().plan()
        if plan.action == DELETE:
            return self.plan_cancellation(plan)
        if plan.action == NONE and plan.before is None:
            return plan  # nothing to cancel
        if self.params["renew"]:
            return self.plan_renewal(plan)
        return plan

    def plan_cancellation(self, plan: Plan) -> Plan:
        current = plan.before or {}
        doomed = sorted(mb["email"] for mb in self.domain_mailboxes(current))
        plan.extra["deleted_mailboxes"] = doomed
        if doomed:
            self.module.warn("cancelling the subscription of %s deletes its workspace and %d mailbox(es): %s"
                             % (current.get("domain"), len(doomed), ", ".join(doomed)))
        return Plan(UPDATE, before=dict(current, mailboxes=doomed), after=dict(current, status=_api.SUBSCRIPTION_CANCELLED, mailboxes=[]),
                    changes={"status": _api.SUBSCRIPTION_CANCELLED, "mailboxes": []}, extra=plan.extra)

    def plan_renewal(self, plan: Plan) -> Plan:
        current = plan.before or {}
        eligibility = renewal_eligibility(current)
        renewal = {"renewable": eligibility.eligible, "reason": eligibility.reason, "estimated_cost": renewal_cost(current)}
        plan.extra["renewal"] = renewal
        if not eligibility.eligible:
            plan.extra["msg"] = eligibility.reason
            return plan
        self.funds = read_funds(self.client, renewal["estimated_cost"], "renewal", "renewed")
        renewal.update(self.funds.as_result())
        self.funds.warn_if_short(self.module)
        changes = dict(plan.changes, **{RENEWED: True})
        return Plan(UPDATE, before=dict(current, **{RENEWED: False}), after={**current, **changes}, changes=changes, extra=plan.extra)

    def domain_mailboxes(self, subscription: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
        owner = subscription.get("user_id") or self.params["user_id"]
        if not owner:
            raise CmrModuleError("CMR did not report who owns the subscription of %s; set user_id so its mailboxes can be listed" % subscription.get("domain"))
        mailboxes = on_domain(list_mailboxes(self.client, owner), subscription["domain"])
        return [mb for mb in mailboxes if mb.get("subscription_id") in (None, subscription["subscription_id"])]

    # --- apply ---------------------------------------------------------------------------------
    def apply(self, plan: Plan) -> t.Optional[dict[str, t.Any]]:
        if plan.changes.get(RENEWED) and self.funds is not None:
            self.funds.require(renewal=plan.extra["renewal"])  # before anything is sent, auto_renew included
        current = {key: value for key, value in (plan.before or {}).items() if key not in (RENEWED, "mailboxes")}
        if plan.changes.get("status") == _api.SUBSCRIPTION_CANCELLED:
            return self.cancel(current)
        if "auto_renew" in plan.changes:
            self.client.call(_api.SUBSCRIPTION_AUTO_RENEW, body={_api.SUBSCRIPTION_ID: current["subscription_id"], _api.AUTO_RENEW: plan.changes["auto_renew"]})
            current["auto_renew"] = plan.changes["auto_renew"]
        if plan.changes.get(RENEWED):
            return self.renew(current)
        return current

    def cancel(self, current: dict[str, t.Any]) -> dict[str, t.Any]:
        try:
            self.client.call(_api.SUBSCRIPTION_CANCEL, body={_api.SUBSCRIPTION_ID: current["subscription_id"]})
        except CmrApiError as exc:
            if exc.status != 409 or self.refetch(current)["status"] != _api.SUBSCRIPTION_CANCELLED:
                raise  # 409 on an already cancelled subscription (a parallel run) is the end state
        if self.params["wait"]:
            wait_for(lambda: self.domain_mailboxes(current), lambda mailboxes: not mailboxes, self.params["wait_timeout"],
                     "the workspace of %s to be deleted" % current["domain"], initial=0.5)
        return self.refetch(current)

    def renew(self, current: dict[str, t.Any]) -> dict[str, t.Any]:
        """Send the renewal once; a lost answer is settled by reading the subscription (DESIGN §2)."""
        try:
            self.client.call(_api.SUBSCRIPTION_RENEW, body={_api.SUBSCRIPTION_IDS: [current["subscription_id"]]})
        except CmrApiError as exc:
            if not exc.maybe_applied:
                raise
            if not moved_on(self.refetch(current), current):
                raise CmrModuleError(
                    "state unknown: the renewal of %s reached CMR but no answer came back (%s), and CMR does not show it yet. "
                    "The request was NOT sent again: check the subscription and the wallet before retrying" % (current["domain"], exc.message),
                    changed=True, maybe_applied=True,
                ) from exc
            self.module.warn("CMR's answer to the renewal was lost; the subscription shows it, so it was sent once and not again")
        if not self.params["wait"]:
            return dict(current, status=_api.SUBSCRIPTION_RENEWING)
        return wait_for(lambda: self.refetch(current), lambda sub: renewed(sub, current), self.params["wait_timeout"],
                        "the renewal of %s" % current["domain"], initial=0.5)

    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        result = super().result(plan, obj if obj is not None else self.found)
        result[self.name] = {key: value for key, value in result[self.name].items() if key not in (RENEWED, "mailboxes")}
        return result

    def plan_changes(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> list[Change]:
        key = self.natural_key(plan, obj) or ""
        if plan.changes.get("status") == _api.SUBSCRIPTION_CANCELLED:  # the workspace and its mailboxes go with it
            return [Change(DELETE, self.name, key)] + [Change(DELETE, "mailbox", email) for email in plan.extra.get("deleted_mailboxes", [])]
        others = tuple(name for name in plan.changes if name != RENEWED)
        if plan.changes.get(RENEWED):
            return [Change(RENEW, self.name, key, cost=(plan.extra.get("renewal") or {}).get("estimated_cost") or 0.0, fields=others)]
        return [Change(UPDATE, self.name, key, fields=others)]

    def wallet_balance(self) -> t.Optional[float]:
        return self.funds.wallet_balance if self.funds is not None else None

    def refetch(self, current: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        found = list_subscriptions(self.client, subscription_id=current["subscription_id"])
        if not found:
            raise CmrModuleError("subscription %s is no longer listed by CMR" % current["subscription_id"])
        return found[0]


def moved_on(now: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any]) -> bool:
    """Whether a renewal shows: RENEWING, or a later period than before."""
    return now.get("status") == _api.SUBSCRIPTION_RENEWING or now.get("period_end") != before.get("period_end")


def renewed(now: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any]) -> bool:
    """The renewal finished: the subscription left RENEWING and runs a new period."""
    return now.get("status") != _api.SUBSCRIPTION_RENEWING and now.get("period_end") != before.get("period_end")


ARGUMENT_SPEC = dict(
    subscription_id=dict(type="str"),
    domain=dict(type="str"),
    user_id=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "cancelled"]),
    auto_renew=dict(type="bool"),
    renew=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)


def main() -> None:
    Subscription.main(ARGUMENT_SPEC, required_one_of=[("subscription_id", "domain")])


if __name__ == "__main__":
    main()
