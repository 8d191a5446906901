#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_domain
short_description: Manage the settings of a domain a Cold Mail Reseller user owns, renew or remove it
version_added: 0.1.0
description:
  - Sets auto-renew, URL forwarding, catch-all e-mail forwarding and the Google OAuth client of a domain
    that a CMR user owns; renews the domain inside its renewal window; removes it.
  - The domain is found by O(user_id) and O(name) (the natural key; letter case and a trailing dot do not matter).
    Each setting is sent only when it differs from what CMR reports, so a second run changes nothing.
  - Domains are registered only by ordering them (M(coldmailreseller.cmr.cmr_order)); with O(state=present)
    the domain must already belong to the user.
  - Some settings are not reported back by the documented CMR API (forwarding targets, the Google client).
    When CMR's answer lacks such a setting its current value is unknown, so the module sends it, reports a change
    and warns once per run.
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
      - Check mode sends no write. With O(renew=true) it reports the renewal price (RV(renewal.price)), the wallet balance
        and whether it covers the price without paying, and warns when it does not.
  diff_mode:
    support: full
    details:
      - The diff lists only the settings that change; a renewal shows the expiry date moving by one year.
options:
  user_id:
    description:
      - The CMR user ID of the domain's owner.
    type: str
    required: true
  name:
    description:
      - The domain name, for example V(acme-mail.com).
    type: str
    required: true
  state:
    description:
      - V(present) applies the settings the task sets; the domain must exist.
      - V(absent) removes the domain from the user. CMR refuses while the domain still has mailboxes;
        the module then fails before sending anything and says how many. Cancel the subscription
        (M(coldmailreseller.cmr.cmr_subscription)) or remove the mailboxes first.
    type: str
    choices: [present, absent]
    default: present
  auto_renew:
    description:
      - Whether CMR renews the registration automatically when it becomes eligible (also during the grace period).
      - Sent as an explicit value, never as a blind toggle, and only when it differs.
    type: bool
  forward_to:
    description:
      - URL the domain forwards web visitors to, for example V(https://acme.example).
      - CMR applies it asynchronously. The API has no documented way to remove forwarding.
    type: str
  mask_forwarding:
    description:
      - Keep the domain in the browser's address bar while showing O(forward_to) (masked forwarding).
      - Sent together with O(forward_to), which it requires.
    type: bool
  email_forward_to:
    description:
      - Address that receives e-mail sent to any address of the domain (catch-all forwarding).
      - CMR accepts it only when every mailbox of the domain is C(ACTIVE); the module checks that first
        and otherwise fails naming the mailboxes that are not ready yet.
    type: str
  google_client_id:
    description:
      - Google OAuth client ID to attach to the domain, so its mailboxes can be exported through your own Google app.
      - CMR validates the client before accepting it. Requires O(google_app_name).
    type: str
  google_app_name:
    description:
      - Name of the Google OAuth app of O(google_client_id). Requires O(google_client_id).
    type: str
  renew:
    description:
      - Renew the registration for one year, paid from the partner wallet. When the wallet cannot pay the renewal price
        the task fails before anything is sent.
      - Acts only inside the renewal window (an C(ACTIVE) domain within 45 days of expiry, or a domain in C(GRACE_PERIOD));
        otherwise nothing is sent, the task reports no change, and RV(renewal.reason) says why and when the window opens.
        A renewed domain is outside the window again, so the option can stay in a playbook that runs often.
    type: bool
    default: false
  wait:
    description:
      - Wait until CMR has finished the asynchronous operations the task started and reports their result
        (the domain gone from the listing, a renewal completed, new settings visible where CMR reports them).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true). On timeout the module fails and says that the operation is still running.
    type: int
    default: 300
notes:
  - Paths and fields of the forwarding, e-mail forwarding and removal calls are inferred (CMR documents their titles only);
    see C(plugins/module_utils/_api.py).
seealso:
  - module: coldmailreseller.cmr.cmr_domain_info
  - module: coldmailreseller.cmr.cmr_order
  - module: coldmailreseller.cmr.cmr_dns_records
"""

EXAMPLES = r"""
- name: Turn auto-renew on and forward the website
  coldmailreseller.cmr.cmr_domain:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
    auto_renew: true
    forward_to: https://acme.example
    mask_forwarding: false

- name: Catch-all forwarding once the mailboxes are active
  coldmailreseller.cmr.cmr_domain:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
    email_forward_to: inbox@acme.example

- name: Use our own Google OAuth app for exports
  coldmailreseller.cmr.cmr_domain:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
    google_client_id: 1234567890-abc.apps.googleusercontent.com
    google_app_name: Acme Outreach

- name: Renew when the renewal window is open (safe to run daily)
  coldmailreseller.cmr.cmr_domain:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
    renew: true
  register: renewal

- name: Say what happened
  ansible.builtin.debug:
    msg: "{{ renewal.renewal.reason }}"

- name: Remove the domain (its mailboxes must be gone first)
  coldmailreseller.cmr.cmr_domain:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    name: acme-mail.com
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
domain:
  description:
    - The domain after the task (in check mode, as it would be). Empty after a removal.
    - Settings CMR did not report are missing from the dictionary unless the task set them.
  returned: always
  type: dict
  contains:
    domain_id:
      description: CMR domain ID.
      type: str
      sample: 5J7HM04FRXMT7VK86128K6D25ASP
    name:
      description: Domain name.
      type: str
      sample: acme-mail.com
    status:
      description: Registration status.
      type: str
      sample: ACTIVE
    expiry_date:
      description: Registration expiry (ISO 8601).
      type: str
      sample: "2026-11-30T00:00:00.000Z"
    auto_renew:
      description: Whether the registration renews automatically.
      type: bool
    forward_to:
      description: URL forwarding target; null when not configured.
      type: str
    mask_forwarding:
      description: Whether URL forwarding is masked.
      type: bool
    email_forward_to:
      description: Catch-all e-mail forwarding address; null when not configured.
      type: str
    google_client_id:
      description: Google OAuth client ID attached to the domain.
      type: str
    google_app_name:
      description: Name of the Google OAuth app.
      type: str
    service_provider:
      description: Workspace provider of the domain's mailboxes.
      type: str
      sample: GOOGLE
    subscription_id:
      description: Mailbox subscription on the domain, if any.
      type: str
renewal:
  description: Renewal eligibility and price, when O(renew=true).
  returned: when O(renew=true)
  type: dict
  contains:
    renewable:
      description: Whether the domain was inside its renewal window.
      type: bool
    reason:
      description: Why the domain can or cannot be renewed now, with the date the window opens.
      type: str
      sample: acme-mail.com expires on 2026-11-30; its renewal window opens on 2026-10-16 (45 days before expiry)
    window_opens:
      description: Date (YYYY-MM-DD) the renewal window opens, when it lies in the future.
      type: str
      sample: "2026-10-16"
    price:
      description: Price of a one-year renewal, charged to the partner wallet (not charged in check mode).
      type: float
      sample: 14.5
    wallet_balance:
      description: The partner wallet balance in USD, when the domain can be renewed now.
      type: float
      sample: 250.0
    sufficient_funds:
      description:
        - Whether the wallet covers RV(renewal.price), when the domain can be renewed now. A renewal is refused before anything
          is sent when it does not; check mode warns.
        - True when CMR gives no price to check.
      type: bool
msg:
  description: What the task did or why it did nothing, for renewals.
  returned: when O(renew=true)
  type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api, _domains
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import list_domains, pick_domain, renewal_done, renewal_prices, renewal_window
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import DELETE, NONE, RENEW, Action, Change, Plan, Resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import list_mailboxes, on_domain
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._time import one_year_later
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import Funds, read_funds
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for

SETTINGS = ("auto_renew", "forward_to", "mask_forwarding", "email_forward_to", "google_client_id", "google_app_name")


class Domain(Resource):
    name = "domain"
    funds: t.Optional[Funds] = None  # the wallet against the renewal's price, when a renewal is planned

    def find(self) -> t.Optional[dict[str, t.Any]]:
        domain = pick_domain(list_domains(self.client, self.params["user_id"], check_user=True), self.params["name"])
        if domain is None and self.wanted_state == "present":
            raise CmrModuleError(
                "domain %s is not registered to user %s; register domains by ordering them with coldmailreseller.cmr.cmr_order"
                % (canonical_name(self.params["name"]), self.params["user_id"])
            )
        return domain

    def desired(self) -> dict[str, t.Any]:
        return {key: self.params[key] for key in SETTINGS}

    def plan(self) -> Plan:
        plan = super().plan()
        if plan.action == DELETE:
            self.refuse_removal_with_mailboxes(plan.before or {})
            return plan
        if plan.action == NONE and plan.before is None:
            return plan  # absent and already gone
        if "email_forward_to" in plan.changes:
            self.require_active_mailboxes(plan.before or {})
        self.warn_unreported(plan.before or {}, plan.changes)
        if self.params["renew"]:
            self.plan_renewal(plan)
        return plan

    # --- planning helpers --------------------------------------------------------------------
    def plan_renewal(self, plan: Plan) -> None:
        """Add the paid renewal to the plan when the domain is in its renewal window."""
        current = plan.before or {}
        window = renewal_window(current)
        renewal: dict[str, t.Any] = {"renewable": window.eligible, "reason": window.reason, "window_opens": window.opens_on, "price": None}
        plan.extra.update(renewal=renewal, msg=window.reason)
        if not window.eligible:
            return
        price = renewal_prices(self.client, self.params["user_id"], [current["name"]]).get(canonical_name(current["name"]), {})
        renewal["price"] = price.get("renewal_price")
        self.funds = read_funds(self.client, renewal["price"], "renewal of %s" % current["name"], "renewed")
        renewal.update(self.funds.as_result())
        self.funds.warn_if_short(self.module)
        plan.extra["msg"] = "%s; renewing for one year at %s" % (window.reason, renewal["price"])
        plan.expected["expiry_date"] = (current.get("expiry_date"), one_year_later(current.get("expiry_date")))
        plan.after = dict(plan.after or current, expiry_date=plan.expected["expiry_date"][1])
        plan.actions.append(Action(Change(RENEW, self.name, current["name"], cost=renewal["price"] or 0.0), self.renew))

    def mailboxes(self, domain: dict[str, t.Any]) -> list[dict[str, t.Any]]:
        return on_domain(list_mailboxes(self.client, self.params["user_id"]), domain["name"])

    def refuse_removal_with_mailboxes(self, domain: dict[str, t.Any]) -> None:
        count = len(self.mailboxes(domain))
        if count:
            raise CmrModuleError(
                "cannot remove %s: it still has %d mailbox(es); cancel its subscription (coldmailreseller.cmr.cmr_subscription) "
                "or remove the mailboxes first" % (domain["name"], count),
                mailbox_count=count,
            )

    def require_active_mailboxes(self, domain: dict[str, t.Any]) -> None:
        waiting = [mb for mb in self.mailboxes(domain) if mb.get("status") != _api.MAILBOX_STATUS_ACTIVE]
        if waiting:
            listed = ", ".join("%s (%s)" % (mb.get("email"), mb.get("status")) for mb in waiting)
            raise CmrModuleError(
                "email_forward_to cannot be set on %s yet: CMR accepts e-mail forwarding only when every mailbox of the domain "
                "is ACTIVE; not ACTIVE yet: %s" % (domain["name"], listed)
            )

    def warn_unreported(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> None:
        # A setting CMR did not report is missing from `current`, so the engine's comparison
        # already counts it as different (sent, reported as changed); this says why.
        unknown = sorted(key for key in changes if key in _api.DOMAIN_UNREPORTED and key not in current)
        if unknown:
            self.module.warn(
                "CMR does not report %s of a domain, so the current value is unknown; the module sends it and reports a change on every run"
                % ", ".join(unknown)
            )

    def wallet_balance(self) -> t.Optional[float]:
        return self.funds.wallet_balance if self.funds is not None else None

    # --- applying ----------------------------------------------------------------------------
    def apply(self, plan: Plan) -> t.Optional[dict[str, t.Any]]:
        if self.funds is not None and any(action.change.action == RENEW for action in plan.actions):
            self.funds.require(renewal=plan.extra["renewal"])  # before anything is sent, the other settings included
        return super().apply(plan)

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        wanted = _domains.update_settings(self.client, self.params["user_id"], current, changes)
        if not self.params["wait"]:
            return wanted
        settled_domain = self.wait_until(lambda domain: domain is not None and settled(domain, changes), "the changes to %s" % current["name"])
        return {**wanted, **settled_domain}  # keeps the values set for settings CMR does not report

    def renew(self, current: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        current = current or {}
        _domains.renew(self.client, self.params["user_id"], current, self.module.warn)
        if not self.params["wait"]:
            return dict(current, status=_api.DOMAIN_STATUS_RENEWING)
        return {**current, **self.wait_until(lambda domain: renewal_done(domain, current), "the renewal of %s" % current["name"])}

    def delete(self, current: dict[str, t.Any]) -> None:
        if _domains.remove(self.client, self.params["user_id"], current["name"]) and self.params["wait"]:
            self.wait_until(lambda domain: domain is None, "the removal of %s" % current["name"])

    def wait_until(self, done: t.Callable[[t.Optional[dict[str, t.Any]]], bool], what: str) -> dict[str, t.Any]:
        def fetch() -> t.Optional[dict[str, t.Any]]:
            return pick_domain(list_domains(self.client, self.params["user_id"]), self.params["name"])

        return wait_for(fetch, done, self.params["wait_timeout"], what, initial=0.5) or {}


def settled(domain: dict[str, t.Any], changes: dict[str, t.Any]) -> bool:
    """Whether CMR now reports every change it reports at all (unreported settings cannot be awaited)."""
    return all(domain[key] == value for key, value in changes.items() if key in domain)


ARGUMENT_SPEC = dict(
    user_id=dict(type="str", required=True),
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    auto_renew=dict(type="bool"),
    forward_to=dict(type="str"),
    mask_forwarding=dict(type="bool"),
    email_forward_to=dict(type="str"),
    google_client_id=dict(type="str"),
    google_app_name=dict(type="str"),
    renew=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)


def main() -> None:
    run_resource(
        Domain,
        ARGUMENT_SPEC,
        required_by={"mask_forwarding": "forward_to"},
        required_together=[("google_client_id", "google_app_name")],
    )


if __name__ == "__main__":
    main()
