#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_order
short_description: Buy domains and mailboxes from Cold Mail Reseller, with a priced plan and no double charge
version_added: 0.1.0
description:
  - Ensures that a CMR user owns the listed domains and mailboxes, by ordering what is missing.
    Ordering is the only way CMR registers domains, and every confirmed order is paid from the partner wallet.
  - Idempotent on the end state (the natural key is O(user_id) with the domain names and mailbox addresses).
    Domains the user already owns and mailboxes that already exist are never ordered again, so a second run
    of the same task buys nothing and sends no order.
  - Missing mailboxes on a domain the user already owns go through CMR's mailbox order, added to the domain's
    running subscription, or starting a new subscription when the old one ended.
  - Names given here are used when a mailbox is created and are never enforced later;
    rename mailboxes with M(coldmailreseller.cmr.cmr_mailbox).
  - Before anything is spent the module checks that every new domain is available and has no existing Google or
    Microsoft workspace, and fails, having ordered nothing, when one cannot be had.
  - Every run computes a priced RV(plan) and compares it with O(max_cost) and the wallet balance. Check mode returns
    this plan and sends no order.
  - An order request is sent exactly once. When its answer is lost (time-out, dropped connection, server error) the
    module reads the user's domains and mailboxes again instead of re-sending. If CMR lists them the order was placed;
    otherwise the task stops with a "state unknown" error that says to check before retrying.
  - CMR cannot list orders. Without O(order_id), O(confirm=false) creates an unconfirmed order for review each time it
    runs; with O(order_id) the module reads that order and, with O(confirm=true), pays for it once.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.PLAN
  - coldmailreseller.cmr._common.PURCHASE
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the account, checks availability and prices, and returns the plan with RV(estimated_cost),
        RV(wallet_balance) and RV(sufficient_funds). It sends no order.
  diff_mode:
    support: full
    details:
      - The diff lists the domains and mailbox addresses the task asks for, before and after the order.
options:
  user_id:
    description:
      - The CMR user ID of the customer who will own the domains and mailboxes.
    type: str
    required: true
  domains:
    description:
      - Domains the user must own. Domains the user already owns are skipped.
      - Mutually exclusive with O(order_id).
    type: list
    elements: dict
    suboptions:
      name:
        description: The domain name, for example V(acme-mail.com). Letter case and a trailing dot do not matter.
        type: str
        required: true
      years:
        description: Registration period in years.
        type: int
        default: 1
      forward_to:
        description: URL the domain's web address forwards to.
        type: str
  mailboxes:
    description:
      - Mailboxes the user must have, as a dictionary from domain name to a list of mailboxes.
      - Each mailbox is a dictionary with C(username) (the part before the C(@), required), C(first_name) (required),
        C(last_name) (required), C(profile_picture) (URL) and C(warmup) (boolean, default V(false); enrols the mailbox in
        warm-up once it is created).
      - A domain key must be one of O(domains) or a domain the user already owns.
      - Existing mailboxes (same address) are skipped; their names and pictures are not compared.
      - Mutually exclusive with O(order_id).
    type: dict
  service_provider:
    description:
      - Workspace provider of new subscriptions.
      - The workspace check of new domains is made for this provider.
    type: str
    choices: [GOOGLE, MICROSOFT]
    default: GOOGLE
  google:
    description:
      - Google OAuth settings for exporting the new mailboxes.
    type: dict
    suboptions:
      oauth_route:
        description: The Google OAuth route (URL).
        type: str
      client_id:
        description: The Google OAuth client ID.
        type: str
      app_name:
        description: The Google OAuth application name.
        type: str
  microsoft_oauth_route:
    description:
      - The Microsoft OAuth route (URL). CMR needs it for V(MICROSOFT) orders.
    type: str
  auto_renew:
    description:
      - Whether new mailbox subscriptions renew automatically. Does not apply to domain registrations
        (see M(coldmailreseller.cmr.cmr_domain)) nor to subscriptions that already run
        (see M(coldmailreseller.cmr.cmr_subscription)).
      - When not set, CMR's default applies.
    type: bool
  confirm:
    description:
      - V(true) places the order and pays for it from the partner wallet now.
      - V(false) creates an unconfirmed order that is not processed and not charged, for review.
        Without O(order_id) every run creates another one (the module warns); pass the returned
        RV(order.order_id) as O(order_id) with O(confirm=true) to pay for it.
      - With O(order_id), V(true) pays for that order if it is still unconfirmed; V(false) only reads it.
    type: bool
    required: true
  order_id:
    description:
      - An order created earlier with O(confirm=false). The module reads it; with O(confirm=true) it processes (pays for)
        the order once, after checking availability, O(max_cost) and the wallet again. A processed order reports no change.
    type: str
  wait:
    description:
      - Wait until every ordered domain and mailbox is C(ACTIVE) before returning.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). CMR usually provisions an order in 10 to 90 seconds.
      - When the time runs out the task fails with a message saying the order is still running and must not be resubmitted;
        running the task again later picks up the current state and orders nothing twice.
    type: int
    default: 600
notes:
  - The estimate is domain registration price times years plus the number of mailboxes times O(mailbox_price), which is
    what CMR charges. The warm-up price is not published by CMR and is not part of the estimate.
  - CMR's order details endpoint (used with O(order_id)) and its order status vocabulary (C(UNCONFIRMED) and the rest) are
    not in CMR's public documentation; the collection follows its best reading of it.
seealso:
  - module: coldmailreseller.cmr.cmr_order_info
  - module: coldmailreseller.cmr.cmr_domain_availability_info
  - module: coldmailreseller.cmr.cmr_mailbox
  - module: coldmailreseller.cmr.cmr_wallet_info
"""

EXAMPLES = r"""
- name: Preview what the order costs (check mode sends nothing)
  coldmailreseller.cmr.cmr_order:
    user_id: "{{ customer.user.user_id }}"
    domains:
      - name: acme-outreach.com
    mailboxes:
      acme-outreach.com:
        - {username: jane, first_name: Jane, last_name: Doe}
        - {username: john, first_name: John, last_name: Doe, warmup: true}
    confirm: true
  check_mode: true
  register: preview

- name: Show the price
  ansible.builtin.debug:
    msg: "{{ preview.estimated_cost }} USD, wallet {{ preview.wallet_balance }} USD, enough: {{ preview.sufficient_funds }}"

- name: Buy the domain and its mailboxes, spending at most 30 USD, and wait until they work
  coldmailreseller.cmr.cmr_order:
    user_id: "{{ customer.user.user_id }}"
    domains:
      - name: acme-outreach.com
        years: 1
    mailboxes:
      acme-outreach.com:
        - {username: jane, first_name: Jane, last_name: Doe}
        - {username: john, first_name: John, last_name: Doe, warmup: true}
    confirm: true
    max_cost: 30

- name: Add a mailbox to a domain the customer already owns
  coldmailreseller.cmr.cmr_order:
    user_id: "{{ customer.user.user_id }}"
    mailboxes:
      acme-outreach.com:
        - {username: sales, first_name: Sales, last_name: Team}
    confirm: true

- name: Create an order for review (not charged)
  coldmailreseller.cmr.cmr_order:
    user_id: "{{ customer.user.user_id }}"
    domains:
      - name: acme-review.com
    confirm: false
  register: draft

- name: Pay for the reviewed order (once; reruns change nothing)
  coldmailreseller.cmr.cmr_order:
    user_id: "{{ customer.user.user_id }}"
    order_id: "{{ draft.order.order_id }}"
    confirm: true
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
order:
  description:
    - Without O(order_id), the first order request this task sent (the fields of RV(orders)) with C(confirmed).
      With several requests in one run (new domains, and mailboxes added to owned domains) see RV(orders).
    - With O(order_id), the order as CMR reports it (the fields of M(coldmailreseller.cmr.cmr_order_info)'s
      RV(coldmailreseller.cmr.cmr_order_info#module:order)), read again after processing.
    - Empty when there was nothing to order, and in check mode without O(order_id).
  returned: always
  type: dict
  contains:
    order_id:
      description: CMR's order ID. Null when the answer to the order was lost (the order was found placed by reading the account).
      type: str
      sample: 9XQ0RW3Y6H1B2C3D4E5F6G7H8J9K
    confirmed:
      description: Whether the order is confirmed (paid).
      type: bool
    status:
      description: Order status, when the order was read (O(order_id)).
      type: str
      sample: COMPLETED
orders:
  description: Every order request this task sent (one for the new domains, one per owned domain that gets mailboxes).
  returned: always
  type: list
  elements: dict
  contains:
    order_id:
      description: CMR's order ID (null when the answer was lost).
      type: str
    action_id:
      description: CMR's ID of the asynchronous operation.
      type: str
    kind:
      description: V(domains) (new domains with their mailboxes), V(mailboxes) (mailboxes on an owned domain) or V(order) (a processed unconfirmed order).
      type: str
    domains:
      description: Domain names the order registers.
      type: list
      elements: str
    mailboxes:
      description: Mailbox addresses the order creates.
      type: list
      elements: str
    unavailable_domains:
      description: Domains CMR left out of the accepted order.
      type: list
      elements: str
    answer_lost:
      description: True when CMR's answer never arrived and the order was found placed by reading the account.
      type: bool
plan:
  description: What this task buys and what it costs (nothing when everything already exists).
  returned: always
  type: dict
  contains:
    domains:
      description: Domains to register, each with C(name), C(years), C(price_per_year) and C(price) (for all years).
      type: list
      elements: dict
      sample: [{name: acme-outreach.com, years: 1, price_per_year: 12.0, price: 12.0}]
    mailboxes:
      description: Mailboxes to create, each with C(email) and C(monthly_price).
      type: list
      elements: dict
      sample: [{email: jane@acme-outreach.com, monthly_price: 3.0}]
    total_cost:
      description: The estimated charge in USD.
      type: float
      sample: 18.0
estimated_cost:
  description: Same as RV(plan.total_cost).
  returned: always
  type: float
  sample: 18.0
wallet_balance:
  description: The partner wallet balance in USD before the order. Null when there was nothing to buy (the wallet was not read).
  returned: always
  type: float
  sample: 250.0
sufficient_funds:
  description: Whether the wallet covers RV(estimated_cost). A confirmed order is refused before any charge when it does not.
  returned: always
  type: bool
domains:
  description: With O(wait=true), the ordered domains as CMR lists them at the end (see M(coldmailreseller.cmr.cmr_domain_info)).
  returned: when an order was placed and O(wait=true)
  type: list
  elements: dict
mailboxes:
  description: With O(wait=true), the ordered mailboxes as CMR lists them at the end, without credentials.
  returned: when an order was placed and O(wait=true)
  type: list
  elements: dict
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, NONE, PURCHASE, UPDATE, Action, Change, Plan, Resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._orders import (
    PURCHASE_ARGUMENT_SPEC,
    Costing,
    OrderPlan,
    OrderSettings,
    Placed,
    cost,
    get_order,
    place_plan,
    plan_new_order,
    plan_of_order,
    price_new_domains,
    process_order,
    unavailable_failure,
    wait_provisioned,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import strip_secrets
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import run_resource


class Order(Resource):
    name = "order"

    def __init__(self, module: t.Any) -> None:
        super().__init__(module)
        p = self.params
        self.user_id: str = p["user_id"]
        self.settings = OrderSettings(p["service_provider"], p["google"], p["microsoft_oauth_route"], p["auto_renew"])
        self.costing = Costing(OrderPlan(mailbox_price=p["mailbox_price"]))
        self.existing: t.Optional[dict[str, t.Any]] = None  # the order named by order_id
        self.placed: list[Placed] = []
        self.provisioned: dict[str, t.Any] = {}  # the ordered domains and mailboxes once ACTIVE (wait: true)

    # --- plan ----------------------------------------------------------------------------------
    def plan(self) -> Plan:
        if self.params["order_id"]:
            return self.plan_existing_order()
        order_plan, view = plan_new_order(self.client, self.user_id, self.params["domains"], self.params["mailboxes"],
                                          self.settings, self.params["mailbox_price"])
        self.costing = cost(self.client, order_plan, self.params["max_cost"])
        self.warn_about(order_plan)
        if order_plan.empty:
            return Plan(NONE, before=view.before, after={})
        predicted = {"order_id": None, "confirmed": self.params["confirm"]}
        return Plan(UPDATE, before=view.before, after=predicted, changes=view.after, actions=self.order_actions(order_plan))

    def plan_existing_order(self) -> Plan:
        order = self.existing = get_order(self.client, self.user_id, self.params["order_id"])
        if order["status"] != _api.ORDER_STATUS_UNCONFIRMED:
            return Plan(NONE, before=order, after=order)
        provider = order.get("service_provider") or self.settings.service_provider
        prices = price_new_domains(self.client, [d["name"] for d in order["domains"]], provider)
        self.costing = cost(self.client, plan_of_order(order, prices, self.params["mailbox_price"]), self.params["max_cost"])
        if not self.params["confirm"]:
            return Plan(NONE, before=order, after=order)  # review only: the plan shows what processing would cost
        self.warn_about(self.costing.plan)
        return Plan(UPDATE, before=order, after=dict(order, confirmed=True), changes={"confirmed": True},
                    actions=self.order_actions(self.costing.plan))

    def order_actions(self, order_plan: OrderPlan) -> list[Action]:
        """One step that sends the order(s); its plan lines are each domain and mailbox bought, at its price.

        An unconfirmed order buys nothing yet: one line that creates it.
        """
        if not self.params["confirm"]:
            return [Action(Change(CREATE, self.name, ", ".join(order_plan.domain_names + order_plan.emails)), self.place)]
        lines = [Change(PURCHASE, "domain", domain.name, cost=domain.price) for domain in order_plan.new_domains]
        lines += [Change(PURCHASE, "mailbox", email, cost=order_plan.mailbox_price) for email in order_plan.emails]
        if not lines:  # an order CMR lists without domains or mailboxes: processing it is still the one paid step
            lines = [Change(PURCHASE, self.name, self.params["order_id"] or "")]
        return [Action(lines[0], self.place, also=tuple(lines[1:]))]

    def warn_about(self, order_plan: OrderPlan) -> None:
        if order_plan.with_warmup:
            self.module.warn("CMR does not publish the warm-up price; the estimate does not include warm-up charges")
        if self.params["confirm"]:  # an unconfirmed order is not charged
            self.costing.funds.warn_if_short(self.module)

    # --- apply ---------------------------------------------------------------------------------
    def place(self, _obj: t.Optional[dict[str, t.Any]]) -> t.Optional[dict[str, t.Any]]:
        confirm = self.params["confirm"]
        if confirm:
            self.costing.require_funds()
        if self.existing is not None:
            self.placed = [process_order(self.client, self.user_id, self.existing, self.costing.plan, self.module.warn)]
        else:
            self.placed = place_plan(self.client, self.user_id, self.costing.plan, self.settings, confirm, self.module.warn)
        if not confirm:
            self.module.warn("created an unconfirmed order (not charged). CMR cannot list orders, so every run of this task creates "
                             "another one: pass order_id with confirm: true to pay for this one")
            return self.placed[0].as_dict() | {"confirmed": False}
        failure = unavailable_failure(self.placed)
        if failure is not None:
            raise failure
        if self.params["wait"]:
            domains, mailboxes = wait_provisioned(self.client, self.user_id, self.placed, self.params["wait_timeout"])
            self.provisioned = {"domains": domains, "mailboxes": strip_secrets(mailboxes)}
        if self.existing is not None:
            return get_order(self.client, self.user_id, self.existing["order_id"])
        return self.placed[0].as_dict() | {"confirmed": True}

    # --- result --------------------------------------------------------------------------------
    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        result = super().result(plan, obj)
        if self.module.check_mode or not plan.changed:
            result[self.name] = strip_secrets(self.existing or {})
        result.update(self.costing.as_result())
        result.update(self.provisioned)
        result["orders"] = [placed.as_dict() for placed in self.placed]
        return result

    def natural_key(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> t.Optional[str]:
        # CMR cannot list orders, so an order has no name of its own before it exists: the user's.
        return self.params["order_id"] or "user %s" % self.user_id

    def wallet_balance(self) -> t.Optional[float]:
        return self.costing.funds.wallet_balance


ARGUMENT_SPEC = dict(
    user_id=dict(type="str", required=True),
    domains=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        years=dict(type="int", default=1),
        forward_to=dict(type="str"),
    )),
    mailboxes=dict(type="dict"),
    service_provider=dict(type="str", default=_api.DEFAULT_SERVICE_PROVIDER, choices=list(_api.SERVICE_PROVIDERS)),
    google=dict(type="dict", options=dict(
        oauth_route=dict(type="str"),
        client_id=dict(type="str"),
        app_name=dict(type="str"),
    )),
    microsoft_oauth_route=dict(type="str"),
    auto_renew=dict(type="bool"),
    confirm=dict(type="bool", required=True),
    order_id=dict(type="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    **PURCHASE_ARGUMENT_SPEC,
)


def main() -> None:
    run_resource(
        Order,
        ARGUMENT_SPEC,
        mutually_exclusive=[("order_id", "domains"), ("order_id", "mailboxes")],
        required_one_of=[("domains", "mailboxes", "order_id")],
    )


if __name__ == "__main__":
    main()
