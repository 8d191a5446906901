#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_user
short_description: Manage a customer (user) of a Cold Mail Reseller partner account
version_added: 0.1.0
description:
  - Create, update or delete a customer account ("user") of a CMR partner.
  - A user is found by O(user_id), or else by O(email) (the natural key); a second run with the same options changes nothing.
  - An update reads the user, merges the options the task sets and sends the complete object,
    and only when something differs. Options the task leaves out are not touched.
  - CMR refuses to delete a user that still has domains or mailboxes; the module then fails and says how many remain.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.PLAN
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff lists only the fields that change.
options:
  state:
    description:
      - V(present) creates the user or updates the fields the task sets.
      - V(absent) deletes the user. This is permanent and removes the user's billing records and orders.
    type: str
    choices: [present, absent]
    default: present
  user_id:
    description:
      - The CMR user ID. When set, it identifies the user and O(email) becomes an updatable field.
      - A user cannot be created with a chosen ID; with O(state=present) the user must exist.
    type: str
  email:
    description:
      - The customer's e-mail address. Identifies the user when O(user_id) is not set (compared case-insensitively).
      - Required to create a user.
    type: str
  first_name:
    description: First name. Required to create a user.
    type: str
  last_name:
    description: Last name. Required to create a user.
    type: str
  company:
    description: Company name. Required to create a user.
    type: str
  country:
    description:
      - ISO 3166-1 alpha-2 country code, as listed by M(coldmailreseller.cmr.cmr_geo_info). Required to create a user.
    type: str
  state_province:
    description:
      - State or province (name or code, see M(coldmailreseller.cmr.cmr_geo_info) with O(coldmailreseller.cmr.cmr_geo_info#module:country_code)).
      - Sent as the API's C(state) field. Required to create a user.
    type: str
  city:
    description: City. Required to create a user.
    type: str
  address_line_one:
    description: Street address. Required to create a user.
    type: str
  address_line_two:
    description: Second address line.
    type: str
  address_line_three:
    description: Third address line.
    type: str
  postal_code:
    description: Postal code. Required to create a user.
    type: str
  language_preference:
    description: Language code, for example V(en). When a user is created without it, V(en) is used.
    type: str
  phone_cc:
    description: International dialling code without C(+), for example V(1). Required to create a user.
    type: str
  phone:
    description: Phone number without the dialling code. Required to create a user.
    type: str
notes:
  - "CMR accepts letters, digits, spaces and C(. , ' # & ( ) / -) in every field but the e-mail address;
    the module checks this before sending anything."
seealso:
  - module: coldmailreseller.cmr.cmr_user_info
  - module: coldmailreseller.cmr.cmr_geo_info
"""

EXAMPLES = r"""
- name: Onboard a customer
  coldmailreseller.cmr.cmr_user:
    api_key: "{{ cmr_api_key }}"
    email: ops@acme.example
    first_name: Jane
    last_name: Doe
    company: Acme Inc.
    country: US
    state_province: New York
    city: New York
    address_line_one: 1 Main Street
    postal_code: "10001"
    phone_cc: "1"
    phone: "5555550100"
  register: customer

- name: Change the company name of a known user ID
  coldmailreseller.cmr.cmr_user:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer.user.user_id }}"
    company: Acme Holdings

- name: Delete the customer (fails while it still has domains or mailboxes)
  coldmailreseller.cmr.cmr_user:
    api_key: "{{ cmr_api_key }}"
    email: ops@acme.example
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
user:
  description:
    - The user after the task (in check mode, as it would be). Empty after a deletion.
  returned: always
  type: dict
  contains:
    user_id:
      description: CMR user ID. Absent from the prediction of a creation in check mode.
      type: str
      sample: 4CZNXJNXEEMECTH5Q65AXCB8QE78
    email:
      description: E-mail address.
      type: str
      sample: ops@acme.example
    first_name:
      description: First name.
      type: str
    last_name:
      description: Last name.
      type: str
    company:
      description: Company name.
      type: str
    country:
      description: Country code.
      type: str
      sample: US
    state_province:
      description: State or province.
      type: str
    city:
      description: City.
      type: str
    address_line_one:
      description: Street address.
      type: str
    address_line_two:
      description: Second address line.
      type: str
    address_line_three:
      description: Third address line.
      type: str
    postal_code:
      description: Postal code.
      type: str
    language_preference:
      description: Language code.
      type: str
    phone_cc:
      description: Dialling code.
      type: str
    phone:
      description: Phone number.
      type: str
"""

import re
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api, _users
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, Plan, Resource, changed_fields
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import email_problem
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import find_users, get_user, same_email

# docs/developer/API.md#users: letters and digits of any script, spaces and . , ' # & ( ) / -
ALLOWED_TEXT = re.compile(r"^(?:[^\W_]|[\s.,'#&()/-])*$")
DEFAULT_LANGUAGE = "en"


class User(Resource):
    name = "user"
    key_field = "email"

    def __init__(self, module: t.Any) -> None:
        super().__init__(module)
        check_text({key: self.params[key] for key in _api.USER_FIELDS})  # before the first request

    def find(self) -> t.Optional[dict[str, t.Any]]:
        if self.params["user_id"]:
            user = get_user(self.client, self.params["user_id"])
            if user is None and self.wanted_state == "present":
                raise CmrModuleError("user_id %s does not exist in this CMR account" % self.params["user_id"])
            return user
        matches = find_users(self.client, email=self.params["email"])
        if len(matches) > 1:
            raise CmrModuleError("%d CMR users have the e-mail address %s; identify the user with user_id" % (len(matches), self.params["email"]))
        return matches[0] if matches else None

    def desired(self) -> dict[str, t.Any]:
        return {key: self.params[key] for key in _api.USER_FIELDS}

    def compare(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        changes = changed_fields(current, desired)
        if "email" in changes and same_email(current.get("email"), changes["email"]):
            del changes["email"]
        return changes

    def plan(self) -> Plan:
        plan = super().plan()
        if plan.action == CREATE:
            # Checked while planning, so check mode refuses exactly what a real run refuses
            # and its diff shows the object the real run sends (default language included).
            plan.after = creation_fields(plan.after or {})
        return plan

    def create(self, desired: dict[str, t.Any]) -> dict[str, t.Any]:
        return _users.create_user(self.client, desired)

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        return _users.update_user(self.client, current, changes)

    def delete(self, current: dict[str, t.Any]) -> None:
        _users.delete_user(self.client, current["user_id"])


def creation_fields(wanted: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The fields a creation sends: the task's, the default language, and every required one."""
    fields = {"language_preference": DEFAULT_LANGUAGE, **wanted}
    missing = [key for key in _api.USER_REQUIRED_ON_CREATE if not fields.get(key)]
    if missing:
        raise CmrModuleError("missing options required to create a user: %s" % ", ".join(missing))
    return fields


def check_text(values: t.Mapping[str, t.Any]) -> None:
    problem = values.get("email") is not None and email_problem(values["email"])
    if problem:
        raise CmrModuleError("email %s" % problem)
    for key, value in values.items():
        if key != "email" and value is not None and not ALLOWED_TEXT.match(value):
            raise CmrModuleError("%s contains characters CMR does not accept (allowed: letters, digits, spaces and . , ' # & ( ) / -)" % key)
    country = values.get("country")
    if country is not None and not re.match(r"^[A-Z]{2}$", country):
        raise CmrModuleError("country must be an ISO 3166-1 alpha-2 code such as US, not %r" % country)


ARGUMENT_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    user_id=dict(type="str"),
    email=dict(type="str"),
    **{key: dict(type="str") for key in _api.USER_FIELDS if key != "email"},
)


def main() -> None:
    run_resource(User, ARGUMENT_SPEC, required_one_of=[("user_id", "email")])


if __name__ == "__main__":
    main()
