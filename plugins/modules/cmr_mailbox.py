#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_mailbox
short_description: Manage one mailbox of a Cold Mail Reseller user, its names, picture and warm-up
version_added: 0.1.0
description:
  - Updates the names and profile picture of a mailbox, sets its warm-up status and settings, creates a missing
    mailbox on a domain the user owns (a paid mailbox order, only with O(confirm=true)), or removes it.
  - The mailbox is found by O(mailbox_id), or by its address, O(email) or O(domain) with O(username)
    (the natural key, compared without letter case). Each change is sent only when it differs from what CMR reports,
    so a second run changes nothing.
  - Warm-up is set through CMR's explicit endpoints, never through its toggle. Enrolling a mailbox that was never
    enrolled, or whose warm-up was stopped, is a new enrolment that CMR charges for the rest of the billing period.
  - Removal is permanent. CMR removes a mailbox only earlier than 24 hours before its subscription expires (a mailbox whose
    subscription lapsed, status C(EXPIRED), can be removed at any time), and removing the last mailbox of a domain deletes
    the whole workspace (its subscription); the module warns about it, in check mode too.
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
      - Check mode sends no write. Creating a mailbox reports its price (RV(estimated_cost)), RV(wallet_balance) and
        RV(sufficient_funds) without ordering, and warns when the wallet cannot pay it.
  diff_mode:
    support: full
    details:
      - The diff lists only the fields that change (names, picture, C(warmup), C(warmup_settings)).
options:
  user_id:
    description:
      - The CMR user ID of the mailbox's owner.
    type: str
    required: true
  mailbox_id:
    description:
      - The CMR mailbox ID. Identifies an existing mailbox; a mailbox cannot be created with a chosen ID.
    type: str
  email:
    description:
      - The mailbox address, for example V(jane@acme-outreach.com).
    type: str
  domain:
    description:
      - The domain of the mailbox; use with O(username) instead of O(email).
    type: str
  username:
    description:
      - The part of the address before the C(@); use with O(domain). It identifies the mailbox and is not changed by this module.
    type: str
  state:
    description:
      - V(present) updates the mailbox, or creates it when it is missing (needs O(confirm=true)).
      - V(absent) removes the mailbox. This is permanent.
    type: str
    choices: [present, absent]
    default: present
  first_name:
    description:
      - First name of the mailbox user. Required to create a mailbox.
    type: str
  last_name:
    description:
      - Last name of the mailbox user. Required to create a mailbox.
    type: str
  profile_picture:
    description:
      - URL of the profile picture. An empty string removes the picture.
    type: str
  warmup:
    description:
      - V(active) enrols the mailbox in warm-up, or resumes a paused warm-up. Enrolling (a mailbox never enrolled or
        V(stopped)) is charged by CMR and needs an C(ACTIVE) mailbox.
      - V(paused) pauses warm-up; it can be resumed. The mailbox must be enrolled, so a missing mailbox is not
        created with V(paused) (that would be a charged enrolment the task did not ask for).
      - V(stopped) removes warm-up permanently (no refund); setting V(active) later is a new, charged enrolment.
      - When not set, warm-up is left as it is.
    type: str
    choices: [active, paused, stopped]
  warmup_settings:
    description:
      - Warm-up settings to apply; settings left out are left as they are.
      - The documented CMR API does not report warm-up settings back. When CMR's answer lacks them the module sends them on
        every run, reports a change and warns.
      - A mistake fails the task with one line that names the setting, before anything is sent.
    type: dict
    suboptions:
      warmup_limit:
        description: Most warm-up e-mails a day (0 or more).
        type: int
      minimum_warmup_limit:
        description: Fewest warm-up e-mails a day (0 or more, not above O(warmup_settings.warmup_limit)).
        type: int
      increase_per_day:
        description: How many more warm-up e-mails each day, until O(warmup_settings.warmup_limit) (0 or more).
        type: int
      minimum_delay_between_warmup_emails:
        description: Shortest pause between two warm-up e-mails (0 or more, not above the maximum).
        type: int
      maximum_delay_between_warmup_emails:
        description: Longest pause between two warm-up e-mails (0 or more).
        type: int
      warmup_reply_rate:
        description: Share of warm-up e-mails that get a reply, from 0 to 1.
        type: float
      warmup_open_rate:
        description: Share of warm-up e-mails that are opened, from 0 to 1.
        type: float
      warmup_spam_protection_rate:
        description: Share of warm-up e-mails rescued from spam, from 0 to 1.
        type: float
      warmup_on_weekdays:
        description: Send warm-up e-mails on weekdays only.
        type: bool
      warmup_disable_slow:
        description: Turn off the slow ramp-up.
        type: bool
  confirm:
    description:
      - Must be V(true) to create a missing mailbox, which places a paid mailbox order. Without it the module fails and
        quotes the price.
    type: bool
    default: false
  wait:
    description:
      - Wait until a created mailbox is C(ACTIVE), an update is visible, or a removed mailbox is gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When the time runs out the task fails and says the operation is still running
        and must not be resubmitted.
    type: int
    default: 300
notes:
  - A new mailbox joins the domain's running subscription; when the domain's subscription has ended a new one is started.
  - Creating a mailbox reads the partner wallet first; when it cannot pay the estimate the task fails before anything is ordered.
  - Use M(coldmailreseller.cmr.cmr_order) to create many mailboxes at once, and M(coldmailreseller.cmr.cmr_mailbox_info)
    to read credentials.
seealso:
  - module: coldmailreseller.cmr.cmr_mailbox_info
  - module: coldmailreseller.cmr.cmr_order
  - module: coldmailreseller.cmr.cmr_subscription
"""

EXAMPLES = r"""
- name: Rename a mailbox and start its warm-up
  coldmailreseller.cmr.cmr_mailbox:
    user_id: "{{ customer.user.user_id }}"
    email: jane@acme-outreach.com
    first_name: Janet
    warmup: active
    warmup_settings:
      warmup_limit: 40
      increase_per_day: 2
      warmup_reply_rate: 0.3

- name: Pause warm-up
  coldmailreseller.cmr.cmr_mailbox:
    user_id: "{{ customer.user.user_id }}"
    domain: acme-outreach.com
    username: jane
    warmup: paused

- name: Buy one more mailbox on a domain the customer owns (at most 5 USD)
  coldmailreseller.cmr.cmr_mailbox:
    user_id: "{{ customer.user.user_id }}"
    email: sales@acme-outreach.com
    first_name: Sales
    last_name: Team
    confirm: true
    max_cost: 5

- name: Remove a mailbox
  coldmailreseller.cmr.cmr_mailbox:
    user_id: "{{ customer.user.user_id }}"
    email: john@acme-outreach.com
    state: absent
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
mailbox:
  description:
    - The mailbox after the task (in check mode, as it would be), without credentials. Empty after a removal.
  returned: always
  type: dict
  contains:
    mailbox_id:
      description: CMR mailbox ID. Absent from the prediction of a creation.
      type: str
      sample: GP6M2J2DHXM3F2J40S8AP316R2QR
    email:
      description: Address.
      type: str
      sample: jane@acme-outreach.com
    username:
      description: Part of the address before the C(@).
      type: str
    first_name:
      description: First name.
      type: str
    last_name:
      description: Last name.
      type: str
    profile_picture:
      description: Profile picture URL.
      type: str
    status:
      description: C(IN_PROGRESS), C(CREATING_PASSWORD), C(ACTIVE) or C(EXPIRED).
      type: str
    warmup:
      description: Warm-up status as CMR reports it (C(PENDING), C(ACTIVE), C(PAUSED), C(STOPPED)), null when never enrolled.
      type: str
    warmup_settings:
      description: Warm-up settings, when CMR reports them.
      type: dict
    domain:
      description: Domain name.
      type: str
    subscription_id:
      description: The subscription the mailbox belongs to.
      type: str
    service_provider:
      description: C(GOOGLE) or C(MICROSOFT).
      type: str
    expiry_date:
      description: End of the subscription's current period.
      type: str
estimated_cost:
  description: The price of creating the mailbox (first month) in USD; 0 when nothing is bought.
  returned: always
  type: float
  sample: 3.0
wallet_balance:
  description: The partner wallet balance in USD before the mailbox is bought. Null when nothing is bought (the wallet was not read).
  returned: always
  type: float
  sample: 250.0
sufficient_funds:
  description:
    - Whether the wallet covers RV(estimated_cost). Creating a mailbox is refused before anything is ordered when it does not.
    - True when nothing is bought.
  returned: always
  type: bool
deletes_workspace:
  description: True when the mailbox removed is the last of its domain, so CMR deletes the workspace (subscription) with it.
  returned: when O(state=absent) and the mailbox exists
  type: bool
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, PURCHASE, Action, Change, Plan, Resource, changed_fields
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import (
    ENROL,
    WARMUP_CHOICES,
    WARMUP_COUNTS,
    WARMUP_RATES,
    WARMUP_SWITCHES,
    apply_warmup,
    belongs_to,
    get_mailbox,
    last_on_domain,
    list_mailboxes,
    mailbox_email,
    pick_mailbox,
    removal_refusal,
    remove,
    set_warmup_settings,
    settings_changes,
    split_address,
    update_details,
    validate_warmup_settings,
    warmup_action,
    warmup_after,
    warmup_settings_problem,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import check_person_names, domain_name_problem, username_problem
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._orders import (
    PURCHASE_ARGUMENT_SPEC,
    Costing,
    MailboxPurchase,
    OrderPlan,
    buy_mailbox,
    cost,
    plan_mailbox_purchase,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for

DETAILS = ("first_name", "last_name", "profile_picture")


class Mailbox(Resource):
    name = "mailbox"
    key_field = "email"
    option_checks = {"warmup_settings": warmup_settings_problem}

    def __init__(self, module: t.Any) -> None:
        super().__init__(module)
        self.user_id: str = self.params["user_id"]
        self.email = self.address()  # validated before the first request; None with mailbox_id
        check_person_names({key: self.params[key] for key in ("first_name", "last_name")})
        self.settings = validate_warmup_settings(self.params["warmup_settings"])
        self.costing = Costing(OrderPlan(mailbox_price=self.params["mailbox_price"]))
        self.mailboxes: t.Optional[list[dict[str, t.Any]]] = None  # the user's list, when it was read
        self.purchase: t.Optional[MailboxPurchase] = None  # the one-mailbox order that creates the mailbox

    # --- reading -------------------------------------------------------------------------------
    def address(self) -> t.Optional[str]:
        if self.params["email"]:
            return "@".join(split_address(self.params["email"]))
        if self.params["domain"]:
            given = mailbox_email(self.params["username"], self.params["domain"])
            return "@".join(split_address(given, "username and domain"))
        return None

    def user_mailboxes(self) -> list[dict[str, t.Any]]:
        if self.mailboxes is None:
            self.mailboxes = list_mailboxes(self.client, self.user_id, check_user=True)
        return self.mailboxes

    def find(self) -> t.Optional[dict[str, t.Any]]:
        mailbox_id = self.params["mailbox_id"]
        if not mailbox_id:
            return pick_mailbox(self.user_mailboxes(), self.email or "")
        mailbox = get_mailbox(self.client, mailbox_id)
        if mailbox is not None and not belongs_to(mailbox, self.user_id):
            raise CmrModuleError("mailbox %s belongs to another user than %s" % (mailbox_id, self.user_id))
        if mailbox is None and self.wanted_state == "present":
            raise CmrModuleError("mailbox %s does not exist; to create a mailbox, name it by email (or domain and username)" % mailbox_id)
        return mailbox

    def desired(self) -> dict[str, t.Any]:
        return {key: self.params[key] for key in DETAILS}

    def compare(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        changes = changed_fields(current, desired)
        if "profile_picture" in changes and not changes["profile_picture"] and not current.get("profile_picture"):
            del changes["profile_picture"]  # "" asks for no picture, and there is none
        step = warmup_action(current.get("warmup"), self.params["warmup"])
        if step:
            changes["warmup"] = warmup_after(current.get("warmup"), step)
        if self.settings:
            delta = settings_changes(current.get("warmup_settings"), self.settings)
            if delta:
                changes["warmup_settings"] = {**(current.get("warmup_settings") or {}), **delta}
        return changes

    # --- plan ----------------------------------------------------------------------------------
    def plan(self) -> Plan:
        if self.params["warmup"] == "stopped" and self.settings:
            raise CmrModuleError("warmup_settings cannot be applied with warmup: stopped")
        # Every plan reads the list afresh: the plan made again after a lost answer must see what landed.
        self.mailboxes = None
        plan = super().plan()
        if plan.action == DELETE:
            return self.plan_removal(plan)
        if plan.action == CREATE:
            return self.plan_creation()
        current = plan.before or {}
        if self.settings and "warmup_settings" not in current:
            self.module.warn("CMR does not report the warm-up settings of a mailbox, so they are sent and reported as changed on every run")
        if warmup_action(current.get("warmup"), self.params["warmup"]) == ENROL and current.get("status") != _api.MAILBOX_STATUS_ACTIVE:
            raise CmrModuleError("warm-up can only be enrolled once the mailbox is ACTIVE; %s is %s" % (current.get("email"), current.get("status")))
        return plan

    def plan_removal(self, plan: Plan) -> Plan:
        current = plan.before or {}
        refusal = removal_refusal(current.get("expiry_date"), status=current.get("status"))
        if refusal:
            raise CmrModuleError("cannot remove %s: %s" % (current.get("email"), refusal))
        last = last_on_domain(self.user_mailboxes(), current)
        if last:
            self.module.warn("%s is the last mailbox of its domain: removing it deletes the whole workspace (its subscription)" % current.get("email"))
        plan.extra.update(estimated_cost=0.0, deletes_workspace=last)
        return plan

    def plan_creation(self) -> Plan:
        email = self.email or ""
        username, domain_name = email.split("@", 1)
        problem = username_problem(username) or domain_name_problem(domain_name)
        if problem:  # refused by CMR's mailbox order: say so before anything is read or paid
            raise CmrModuleError("mailbox %s cannot be created: its address %s" % (email, problem))
        missing = [key for key in ("first_name", "last_name") if not self.params[key]]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise CmrModuleError("mailbox %s does not exist; %s %s needed to create it" % (email, " and ".join(missing), verb))
        # The same rule as for an existing mailbox (_mailboxes.warmup_action): pausing never enrols,
        # because the enrolment is charged and the task did not ask for warm-up to run.
        warmup_action(None, self.params["warmup"])
        spec = {"username": username, "first_name": self.params["first_name"], "last_name": self.params["last_name"],
                "profile_picture": self.params["profile_picture"] or None, "warmup": self.params["warmup"] == "active"}
        self.purchase = plan_mailbox_purchase(self.client, self.user_id, email, spec, self.params["mailbox_price"])
        order_plan = self.purchase.plan
        self.costing = cost(self.client, order_plan, self.params["max_cost"])
        funds = self.costing.funds
        if not self.params["confirm"]:
            raise CmrModuleError(
                "mailbox %s does not exist; creating it places a mailbox order of %.2f USD (first month at mailbox_price). "
                "Set confirm: true to buy it" % (email, order_plan.total_cost),
                estimated_cost=order_plan.total_cost, **funds.as_result(),
            )
        funds.warn_if_short(self.module)
        wanted_warmup = _api.WARMUP_ACTIVE if self.params["warmup"] == "active" else None
        after = {"email": email, "username": username, "domain": domain_name, **self.desired(), "warmup": wanted_warmup, "warmup_settings": self.settings}
        after = {key: value for key, value in after.items() if value}
        purchase = Action(Change(PURCHASE, self.name, email, cost=order_plan.total_cost), lambda _obj: self.create(after))
        return Plan(CREATE, after=after, extra={"estimated_cost": order_plan.total_cost, **funds.as_result()}, actions=[purchase])

    # --- apply ---------------------------------------------------------------------------------
    def create(self, desired: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.purchase is None:  # create() only ever follows plan_creation()
            raise AssertionError("no mailbox purchase was planned")
        self.costing.require_funds()
        mailbox = buy_mailbox(self.client, self.user_id, self.purchase, self.module.warn, self.params["wait_timeout"] if self.params["wait"] else None)
        if mailbox is None:
            if self.settings:
                self.module.warn("the warm-up settings are applied by a later run, once the mailbox is ACTIVE")
            return desired
        follow_up = {key: value for key, value in self.compare(mailbox, {}).items() if key in ("warmup", "warmup_settings")}
        return self.update(mailbox, follow_up) if follow_up else mailbox

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        mailbox_id = current["mailbox_id"]
        details = {key: changes[key] for key in DETAILS if key in changes}
        if details:
            update_details(self.client, self.user_id, mailbox_id, details)
        if "warmup" in changes:
            apply_warmup(self.client, mailbox_id, warmup_action(current.get("warmup"), self.params["warmup"]) or "")  # current may be fresher than the plan's
        if "warmup_settings" in changes and self.settings:
            set_warmup_settings(self.client, mailbox_id, settings_changes(current.get("warmup_settings"), self.settings))
        wanted = {**current, **changes}
        if details and self.params["wait"]:
            return self.wait_until(lambda mb: mb is not None and all(mb.get(k) == (v or None) for k, v in details.items()),
                                   "the new details of %s" % current.get("email"), mailbox_id)
        return wanted

    def delete(self, current: dict[str, t.Any]) -> None:
        removed = remove(self.client, self.user_id, current["mailbox_id"])
        if removed and self.params["wait"]:  # not removed: already gone
            self.wait_until(lambda mb: mb is None, "the removal of %s" % current.get("email"), current["mailbox_id"])

    def wait_until(self, done: t.Callable[[t.Optional[dict[str, t.Any]]], bool], what: str, mailbox_id: str) -> dict[str, t.Any]:
        return wait_for(lambda: get_mailbox(self.client, mailbox_id), done, self.params["wait_timeout"], what, initial=0.5) or {}

    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        result = super().result(plan, obj)
        nothing_bought = {"estimated_cost": 0.0, **self.costing.funds.as_result()}  # wallet_balance None: not read
        return {**nothing_bought, **result}

    def wallet_balance(self) -> t.Optional[float]:
        return self.costing.funds.wallet_balance


ARGUMENT_SPEC = dict(
    user_id=dict(type="str", required=True),
    mailbox_id=dict(type="str"),
    email=dict(type="str"),
    domain=dict(type="str"),
    username=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    first_name=dict(type="str"),
    last_name=dict(type="str"),
    profile_picture=dict(type="str"),
    warmup=dict(type="str", choices=list(WARMUP_CHOICES)),
    warmup_settings=dict(type="dict", options=dict(
        **{key: dict(type="int") for key in WARMUP_COUNTS},
        **{key: dict(type="float") for key in WARMUP_RATES},
        **{key: dict(type="bool") for key in WARMUP_SWITCHES},
    )),
    confirm=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
    **PURCHASE_ARGUMENT_SPEC,
)


def main() -> None:
    run_resource(
        Mailbox,
        ARGUMENT_SPEC,
        required_one_of=[("mailbox_id", "email", "domain")],
        mutually_exclusive=[("mailbox_id", "email", "domain")],
        required_together=[("domain", "username")],
    )


if __name__ == "__main__":
    main()
