#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_subscription
short_description: Manage the mailbox subscription of a Cold Mail Reseller domain, renew, recreate or cancel it
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
  - O(state=recreated) (only with O(confirm=true)) replaces a subscription that CMR charges above the standard mailbox price
    (from the renewal that crosses 12 months) with a new one at the standard price for another 12 months, without a new
    charge. The new subscription has a new C(subscription_id), returned in RV(subscription). A subscription at the standard
    price is not recreated, so a second run changes nothing; name it by O(domain), because the old ID stops resolving.
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
      - V(recreated) recreates the subscription when it is charged above the standard price (see the description); it
        needs O(confirm=true). CMR's help guide says the mailbox accounts are re-provisioned (contents and history lost)
        while its API reference says they are preserved; mailboxes are unavailable for a few minutes either way.
    type: str
    choices: [present, cancelled, recreated]
    default: present
  confirm:
    description:
      - Must be V(true) for O(state=recreated). Without it the module fails, in check mode too, and says what a recreation does.
    type: bool
    default: false
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
      - Wait until a renewal has started the next period, a cancelled subscription's mailboxes are gone, or a recreated
        subscription's replacement is C(ACTIVE).
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

- name: Restart the standard mailbox price of a subscription older than 12 months (new subscription ID)
  coldmailreseller.cmr.cmr_subscription:
    domain: acme-outreach.com
    state: recreated
    confirm: true
  register: recreated

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

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api, _subscriptions
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import DELETE, NONE, RENEW, UPDATE, Action, Change, Plan, Resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import list_mailboxes, on_domain
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._subscriptions import (
    current_subscription,
    domain_subscription,
    get_subscription,
    list_subscriptions,
    recreate,
    recreation_due,
    renewal_cost,
    renewal_done,
    renewal_eligibility,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import Funds, read_funds
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for


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

    # --- plan ----------------------------------------------------------------------------------
    def plan(self) -> Plan:
        plan = super().plan()
        if plan.action == DELETE:
            return self.plan_cancellation(plan.before or {})
        if plan.action == NONE and plan.before is None:
            return plan  # nothing to cancel
        if self.params["renew"]:
            self.plan_renewal(plan)
        if self.params["state"] == "recreated":
            self.plan_recreation(plan)
        return plan

    def plan_recreation(self, plan: Plan) -> None:
        """Add the recreation when the subscription is charged above the standard price (the only reason to recreate)."""
        current = plan.before or {}
        if not recreation_due(current):
            plan.extra["msg"] = ("the subscription of %s is charged %s USD per mailbox, not more than the standard %.2f USD: "
                                 "nothing to recreate" % (current.get("domain"), current.get("price_per_mailbox"), _api.STANDARD_MAILBOX_PRICE))
            return
        if current.get("status") not in (_api.SUBSCRIPTION_ACTIVE, _api.SUBSCRIPTION_PAST_DUE):
            raise CmrModuleError("the subscription of %s is %s; only an ACTIVE or PAST_DUE subscription can be recreated"
                                 % (current.get("domain"), current.get("status")))
        if not self.params["confirm"]:
            raise CmrModuleError("recreating the subscription of %s replaces it with a new one (new subscription_id, %.2f USD per mailbox "
                                 "for 12 months, no new charge; mailboxes unavailable for a few minutes). Set confirm: true to recreate it"
                                 % (current["domain"], _api.STANDARD_MAILBOX_PRICE))
        plan.expected["subscription_id"] = (current["subscription_id"], "(new)")
        plan.expected["price_per_mailbox"] = (current.get("price_per_mailbox"), _api.STANDARD_MAILBOX_PRICE)
        change = Change(UPDATE, self.name, current["domain"], fields=("price_per_mailbox", "subscription_id"))
        plan.actions.append(Action(change, self.recreate))

    def plan_cancellation(self, current: dict[str, t.Any]) -> Plan:
        """Cancelling deletes the workspace and its mailboxes: the plan names each of them."""
        doomed = sorted(mb["email"] for mb in self.domain_mailboxes(current))
        if doomed:
            self.module.warn("cancelling the subscription of %s deletes its workspace and %d mailbox(es): %s"
                             % (current.get("domain"), len(doomed), ", ".join(doomed)))
        changes = {"status": _api.SUBSCRIPTION_CANCELLED}
        cancel = Action(Change(DELETE, self.name, current["domain"]), self.cancel, also=tuple(Change(DELETE, "mailbox", email) for email in doomed))
        # The subscription stays listed (CANCELLED): the diff shows an update of its status and the mailboxes going.
        return Plan(UPDATE, before=current, after={**current, **changes}, changes=changes, expected={"mailboxes": (doomed, [])},
                    extra={"deleted_mailboxes": doomed}, actions=[cancel])

    def plan_renewal(self, plan: Plan) -> None:
        """Add the paid renewal to the plan when the subscription can be renewed now."""
        current = plan.before or {}
        eligibility = renewal_eligibility(current)
        renewal = {"renewable": eligibility.eligible, "reason": eligibility.reason, "estimated_cost": renewal_cost(current)}
        plan.extra["renewal"] = renewal
        if not eligibility.eligible:
            plan.extra["msg"] = eligibility.reason
            return
        self.funds = read_funds(self.client, renewal["estimated_cost"], "renewal", "renewed")
        renewal.update(self.funds.as_result())
        self.funds.warn_if_short(self.module)
        plan.expected["renewed"] = (False, True)
        plan.actions.append(Action(Change(RENEW, self.name, current["domain"], cost=renewal["estimated_cost"] or 0.0), self.renew))

    def domain_mailboxes(self, subscription: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
        owner = subscription.get("user_id") or self.params["user_id"]
        if not owner:
            raise CmrModuleError("CMR did not report who owns the subscription of %s; set user_id so its mailboxes can be listed" % subscription.get("domain"))
        mailboxes = on_domain(list_mailboxes(self.client, owner), subscription["domain"])
        return [mb for mb in mailboxes if mb.get("subscription_id") in (None, subscription["subscription_id"])]

    # --- apply ---------------------------------------------------------------------------------
    def apply(self, plan: Plan) -> t.Optional[dict[str, t.Any]]:
        if self.funds is not None and any(action.change.action == RENEW for action in plan.actions):
            self.funds.require(renewal=plan.extra["renewal"])  # before anything is sent, auto_renew included
        return super().apply(plan)

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        _subscriptions.set_auto_renew(self.client, current["subscription_id"], changes["auto_renew"])
        return {**current, **changes}

    def cancel(self, current: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        current = current or {}
        _subscriptions.cancel(self.client, current, self.module.warn)
        if self.params["wait"]:
            wait_for(lambda: self.domain_mailboxes(current), lambda mailboxes: not mailboxes, self.params["wait_timeout"],
                     "the workspace of %s to be deleted" % current["domain"], initial=0.5)
        return get_subscription(self.client, current["subscription_id"])

    def recreate(self, current: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        current = current or {}
        new_id = recreate(self.client, current, self.module.warn)
        if not self.params["wait"]:
            return dict(current, subscription_id=new_id, price_per_mailbox=_api.STANDARD_MAILBOX_PRICE)

        def replaced(sub: t.Optional[dict[str, t.Any]]) -> bool:
            return sub is not None and sub.get("subscription_id") != current["subscription_id"] and sub.get("status") == _api.SUBSCRIPTION_ACTIVE

        return wait_for(lambda: domain_subscription(self.client, current["domain"], current.get("user_id") or self.params["user_id"]),
                        replaced, self.params["wait_timeout"], "the recreation of the subscription of %s" % current["domain"], initial=0.5)

    def renew(self, current: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        current = current or {}
        _subscriptions.renew(self.client, current, self.module.warn)
        if not self.params["wait"]:
            return dict(current, status=_api.SUBSCRIPTION_RENEWING)
        return wait_for(lambda: get_subscription(self.client, current["subscription_id"]), lambda sub: renewal_done(sub, current),
                        self.params["wait_timeout"], "the renewal of %s" % current["domain"], initial=0.5)

    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        return super().result(plan, obj if obj is not None else self.found)

    def wallet_balance(self) -> t.Optional[float]:
        return self.funds.wallet_balance if self.funds is not None else None


ARGUMENT_SPEC = dict(
    subscription_id=dict(type="str"),
    domain=dict(type="str"),
    user_id=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "cancelled", "recreated"]),
    confirm=dict(type="bool", default=False),
    auto_renew=dict(type="bool"),
    renew=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)


def main() -> None:
    run_resource(Subscription, ARGUMENT_SPEC, required_one_of=[("subscription_id", "domain")])


if __name__ == "__main__":
    main()
