#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_prewarmed_domain
short_description: Buy pre-warmed domain packages for a Cold Mail Reseller user
version_added: 0.1.0
description:
  - Buys pre-warmed domain packages from CMR's inventory (M(coldmailreseller.cmr.cmr_prewarmup_info)) for a user - a domain
    with mailboxes that are already warming up, so sending can start on day one. The purchase is paid from the partner
    wallet and runs only with O(confirm=true).
  - The module works on the end state. A domain the user already owns is never bought again, so a second run buys
    nothing. Every other domain must be in the inventory; otherwise nothing is bought.
  - The price of every package is compared with O(max_cost) and with the wallet before anything is sent; all packages go
    in one request. A lost answer is never followed by a second purchase - the module reads the user's domains and the
    inventory again instead.
  - CMR delivers each package on its own. With O(wait=true) the module waits until each domain is the user's with all of its
    mailboxes C(ACTIVE), or CMR offers the package again (its purchase failed and CMR refunds it), and reports the
    outcome domain by domain; a partial outcome fails the task with RV(domains) and C(changed=true).
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
      - Check mode sends no purchase. It reports the price of each package (RV(estimated_cost)), RV(wallet_balance) and
        RV(sufficient_funds), refuses what O(max_cost) or a missing O(confirm=true) would refuse, and warns when the wallet
        cannot pay.
  diff_mode:
    support: full
    details:
      - The diff shows the asked domains the user owns before and after the purchase.
options:
  user_id:
    description:
      - The CMR user ID that gets the packages.
    type: str
    required: true
  domains:
    description:
      - The domain names of the packages, as M(coldmailreseller.cmr.cmr_prewarmup_info) lists them.
    type: list
    elements: str
    required: true
  service_provider:
    description:
      - The provider of the packages. By default the provider CMR lists for them; all packages of one task must share it.
    type: str
    choices: [GOOGLE, MICROSOFT]
  google:
    description:
      - OAuth settings for the mailboxes of Google packages.
    type: dict
    suboptions:
      oauth_route:
        description: The OAuth route of the Google app.
        type: str
      client_id:
        description: The Google OAuth client ID.
        type: str
      app_name:
        description: The name of the Google app.
        type: str
  microsoft_oauth_route:
    description:
      - The OAuth route for the mailboxes of Microsoft packages.
    type: str
  forward_to:
    description:
      - A URL every bought domain forwards to.
    type: str
  auto_renew:
    description:
      - Whether the subscriptions of the bought packages renew automatically.
    type: bool
    default: true
  confirm:
    description:
      - Must be V(true) for a purchase. Without it the module fails, in check mode too, and quotes the price.
    type: bool
    default: false
  max_cost:
    description:
      - The most this task may spend, in USD. A purchase whose price is higher is refused before anything is sent, in check mode too.
    type: float
  wait:
    description:
      - Wait until every bought package is delivered or has failed.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true).
    type: int
    default: 600
notes:
  - CMR does not document the unit of the package prices; they are read as USD, like the wallet.
seealso:
  - module: coldmailreseller.cmr.cmr_prewarmup_info
  - module: coldmailreseller.cmr.cmr_wallet_info
"""

EXAMPLES = r"""
- name: Preview the purchase of two packages (check mode)
  coldmailreseller.cmr.cmr_prewarmed_domain:
    user_id: "{{ customer.user.user_id }}"
    domains: [prewarm-acmecorp.com, prewarm-brightlabs.com]
    confirm: true
    max_cost: 100
  check_mode: true
  register: preview

- name: Buy them
  coldmailreseller.cmr.cmr_prewarmed_domain:
    user_id: "{{ customer.user.user_id }}"
    domains: [prewarm-acmecorp.com, prewarm-brightlabs.com]
    google:
      oauth_route: https://app.sending-tool.example/oauth/google
    confirm: true
    max_cost: 100
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
domains:
  description:
    - One entry per asked domain, in the task's order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The domain name.
      type: str
    outcome:
      description:
        - V(owned) (the user had it; nothing bought), V(purchase) (check mode - a real run buys it), V(delivered),
          V(failed) (CMR offers the package again; it refunds a failed package), or V(pending) (bought, not delivered yet,
          O(wait=false)).
      type: str
    price:
      description: The purchase price of the package; null for a domain the user already owned.
      type: float
estimated_cost:
  description: The price of the packages the task buys (or would buy), in USD; 0 when nothing is bought.
  returned: always
  type: float
wallet_balance:
  description: The partner wallet balance the task read before buying; null when there was nothing to buy.
  returned: always
  type: float
sufficient_funds:
  description: Whether the wallet covers RV(estimated_cost).
  returned: always
  type: bool
action_id:
  description: The action ID CMR returned for the purchase; null when nothing was bought or the answer was lost.
  returned: always
  type: str
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import canonical_name, list_domains
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import PURCHASE, RESULT_KEY, Change, plan_report
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import list_mailboxes
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._prewarmup import (
    DELIVERED,
    FAILED,
    PENDING,
    by_name,
    delivery,
    list_inventory,
    purchase,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import Funds, read_funds
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wait import wait_for

RESOURCE_TYPE = "prewarmed_domain"


class Purchase:
    """What the task buys: the asked domains the user does not own, each at its package price."""

    def __init__(self, module: CmrModule) -> None:
        self.module = module
        self.client = module.client
        self.params = module.params
        self.wanted = list(dict.fromkeys(canonical_name(name) for name in self.params["domains"]))
        self.owned = self.owned_domains()
        self.missing = [name for name in self.wanted if name not in self.owned]
        self.prices: dict[str, float] = {}
        self.provider: t.Optional[str] = None
        self.funds: t.Optional[Funds] = None

    def owned_domains(self) -> dict[str, dict[str, t.Any]]:
        return {canonical_name(str(d.get("name") or "")): d for d in list_domains(self.client, self.params["user_id"], check_user=True)}

    def price(self) -> None:
        """Every missing domain must be for sale, share one provider and have a price; then max_cost, the wallet, confirm."""
        for_sale = by_name(list_inventory(self.client))
        for name in self.missing:
            package = for_sale.get(name)
            if package is None:
                raise CmrModuleError("nothing was bought: %s is not in the pre-warmed inventory (sold, or not a pre-warmed package; "
                                     "see coldmailreseller.cmr.cmr_prewarmup_info)" % name)
            if package.get("purchase_price") is None:
                raise CmrModuleError("nothing was bought: CMR gives no price for the package %s" % name)
            self.prices[name] = package["purchase_price"]
        self.provider = self.pick_provider([for_sale[name].get("service_provider") for name in self.missing])
        cost = round(sum(self.prices.values()), 2)
        over = self.params["max_cost"] is not None and cost > self.params["max_cost"]
        # Within max_cost, the wallet rule every purchase shares applies (an unreadable wallet is not a stop).
        self.funds = read_funds(self.client, cost, "purchase of pre-warmed domains", "bought", None if over else self.params["max_cost"])
        if over:
            raise CmrModuleError("nothing was bought: the packages cost %.2f USD, more than max_cost %.2f USD" % (cost, self.params["max_cost"]),
                                 estimated_cost=cost, **self.funds.as_result())
        if not self.params["confirm"]:
            raise CmrModuleError("buying %s costs %.2f USD from the partner wallet. Set confirm: true to buy" % (", ".join(self.missing), cost),
                                 estimated_cost=cost, **self.funds.as_result())
        self.funds.warn_if_short(self.module)

    def pick_provider(self, listed: list[t.Optional[str]]) -> str:
        providers = {provider for provider in listed if provider}
        wanted = self.params["service_provider"]
        if len(providers) > 1:
            raise CmrModuleError("nothing was bought: the packages are of several providers (%s); buy each provider's in its own task"
                                 % ", ".join(sorted(providers)))
        if wanted and providers and wanted not in providers:
            raise CmrModuleError("nothing was bought: the packages are %s packages, not %s" % (providers.pop(), wanted))
        return wanted or (providers.pop() if providers else _api.DEFAULT_SERVICE_PROVIDER)

    def buy(self) -> t.Optional[str]:
        """One request for every package, sent once; a lost answer is settled by reading again."""
        if self.funds is None or self.provider is None:  # price() comes first; never buy unpriced
            raise CmrModuleError("internal error: the purchase was not priced; nothing was bought")
        self.funds.require(estimated_cost=self.funds.cost)
        p = self.params
        settings = {"forward_to": p["forward_to"], "auto_renew": p["auto_renew"], "google": p["google"], "microsoft_oauth_route": p["microsoft_oauth_route"]}
        return purchase(self.client, p["user_id"], self.missing, self.provider, settings, self.shows_purchase, self.module.warn)

    def shows_purchase(self) -> bool:
        """A bought package leaves the inventory at once and becomes the user's domain later: either shows the purchase."""
        owned, for_sale = self.owned_domains(), by_name(list_inventory(self.client))
        return all(name in owned or name not in for_sale for name in self.missing)

    def outcomes(self) -> dict[str, str]:
        owned, for_sale = self.owned_domains(), by_name(list_inventory(self.client))
        mailboxes = list_mailboxes(self.client, self.params["user_id"])
        return {name: delivery(name, owned, mailboxes, for_sale) for name in self.missing}

    def wait(self) -> dict[str, str]:
        return wait_for(self.outcomes, lambda states: PENDING not in states.values(), self.params["wait_timeout"],
                        "the delivery of pre-warmed %s" % ", ".join(self.missing), initial=0.5)


def run(module: CmrModule) -> dict[str, t.Any]:
    purchase = Purchase(module)
    outcome = {name: "owned" for name in purchase.wanted if name in purchase.owned}
    action_id = None
    if purchase.missing:
        purchase.price()
        outcome.update({name: "purchase" for name in purchase.missing})
        if not module.check_mode:
            action_id = purchase.buy()
            outcome.update(purchase.wait() if module.params["wait"] else {name: PENDING for name in purchase.missing})
    result = report(module, purchase, outcome, action_id)
    failed = [name for name, state in outcome.items() if state == FAILED]
    if failed:
        delivered = [name for name, state in outcome.items() if state == DELIVERED]
        raise CmrModuleError("the purchase of pre-warmed domains partly failed: %s failed (CMR offers the package again and refunds it)%s"
                             % (", ".join(failed), "; delivered: %s" % ", ".join(delivered) if delivered else ""),
                             **{key: value for key, value in result.items() if key != "changed"}, changed=True)
    return result


def report(module: CmrModule, purchase: Purchase, outcome: dict[str, str], action_id: t.Optional[str]) -> dict[str, t.Any]:
    funds = purchase.funds
    changes = [Change(PURCHASE, RESOURCE_TYPE, name, cost=purchase.prices[name]) for name in purchase.missing]
    owned_before = sorted(name for name in purchase.wanted if name in purchase.owned)
    return {
        "changed": bool(purchase.missing),
        "domains": [{"name": name, "outcome": outcome[name], "price": purchase.prices.get(name)} for name in purchase.wanted],
        "estimated_cost": funds.cost if funds else 0.0,
        "wallet_balance": funds.wallet_balance if funds else None,
        "sufficient_funds": funds.sufficient if funds else True,
        "action_id": action_id,
        "diff": {"before": {"domains": owned_before}, "after": {"domains": sorted(set(owned_before) | set(purchase.missing))}},
        RESULT_KEY: plan_report(RESOURCE_TYPE, ", ".join(purchase.wanted), changes, module.check_mode, funds.wallet_balance if funds else None),
    }


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            domains=dict(type="list", elements="str", required=True),
            service_provider=dict(type="str", choices=list(_api.SERVICE_PROVIDERS)),
            google=dict(type="dict", options=dict(oauth_route=dict(type="str"), client_id=dict(type="str"), app_name=dict(type="str"))),
            microsoft_oauth_route=dict(type="str"),
            forward_to=dict(type="str"),
            auto_renew=dict(type="bool", default=True),
            confirm=dict(type="bool", default=False),
            max_cost=dict(type="float"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
