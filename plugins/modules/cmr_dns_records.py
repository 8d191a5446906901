#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_dns_records
short_description: Manage the DNS record set of a Cold Mail Reseller domain in one task
version_added: 0.1.0
description:
  - Converges many DNS records of one domain at once, in as few requests as the CMR API allows. It reads the
    records once, creates every missing record in a single request, and updates or deletes by record ID
    (one request each, as the API requires). It sends no user or domain lookup first.
    A first run is 1 read + 1 creation request (+ one per update or deletion); a converged run is 1 read.
  - Each item of O(records) uses the option names of M(coldmailreseller.cmr.cmr_dns_record) and follows its identity
    and normalisation rules (host V(@) is the domain itself, C(CNAME) and C(_dmarc) hold one value per host,
    CMR's appended DMARC tags are not a difference).
  - With O(purge=true) the listed records become the whole record set, except records that O(keep) protects.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.PLAN
  - coldmailreseller.cmr._common.DNS_DOMAIN
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff lists the records removed or changed (before) and added or changed (after), nothing else.
options:
  records:
    description:
      - The records. Each item takes the options of M(coldmailreseller.cmr.cmr_dns_record) of the same name and
        follows its identity and normalisation rules.
      - Each item is checked before anything is sent; a mistake fails the task with one line that names the item
        (for example C(records[2])) and the field.
      - Two items that describe the same record are an error.
    type: list
    elements: dict
    required: true
    suboptions:
      type:
        description: Record type.
        type: str
        required: true
        choices: [A, AAAA, CAA, CNAME, MX, NS, SRV, TXT]
      host:
        description:
          - Host name, relative to the domain (V(www)) or absolute (V(www.acme-mail.com)); V(@) is the domain itself.
        type: str
        required: true
      value:
        description:
          - Record value, for example an IPv4 address, a host name or the text of a C(TXT) record.
          - Required unless the item's O(records[].state) is V(absent); without it an absent item deletes every value
            of its type at its host.
        type: str
      priority:
        description:
          - Priority of an C(MX) record (0 to 65535). Required for C(MX) items that are present (unless O(records[].value)
            carries it); not allowed for other types.
        type: int
      excluded_dmarc_tags:
        description:
          - For a C(TXT) record on C(_dmarc) only, the default DMARC tags CMR must not append.
        type: list
        elements: str
        choices: [rua, ruf, fo, rf, ri, pct, sp, aspf, adkim]
      state:
        description:
          - V(present) or V(absent) for this item; when left out, the item takes O(state).
        type: str
        choices: [present, absent]
      on_existing:
        description:
          - What to do with other values of the same type at the same host.
          - V(keep) adds this value beside them. V(replace) deletes them, so this value is the only one.
        type: str
        choices: [keep, replace]
        default: keep
  state:
    description:
      - V(present) creates or updates the listed records; V(absent) deletes them. An item's own C(state) wins.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Delete every record of the domain that no present item matches, except those O(keep) protects.
      - Only with O(state=present).
    type: bool
    default: false
  keep:
    description:
      - Records O(purge) leaves alone, for example records another task or CMR itself manages.
      - Each entry protects the records that match all the keys it gives.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description: Record type to protect, for example V(NS).
        type: str
        choices: [A, AAAA, CAA, CNAME, MX, NS, SRV, TXT]
      host:
        description: Host to protect (normalised like a record's host), for example V(@) or V(google._domainkey).
        type: str
notes:
  - CMR applies a multi-record creation as a whole, so a rejected record leaves the other new records uncreated too.
seealso:
  - module: coldmailreseller.cmr.cmr_dns_record
  - module: coldmailreseller.cmr.cmr_dns_record_info
"""

EXAMPLES = r"""
- name: Mail records of a Google Workspace domain
  coldmailreseller.cmr.cmr_dns_records:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    records:
      - {type: MX, host: "@", value: smtp.google.com, priority: 1}
      - {type: TXT, host: "@", value: "v=spf1 include:_spf.google.com ~all", on_existing: replace}
      - {type: TXT, host: _dmarc, value: "v=DMARC1; p=none"}
      - {type: CNAME, host: www, value: acme.example}

- name: Make the listed records the whole set, but leave name servers alone
  coldmailreseller.cmr.cmr_dns_records:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    purge: true
    keep:
      - type: NS
    records: "{{ acme_dns_records }}"

- name: Remove old records
  coldmailreseller.cmr.cmr_dns_records:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    state: absent
    records:
      - {type: A, host: old}
      - {type: TXT, host: "@", value: "google-site-verification=abc"}
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
records:
  description:
    - Every record of the domain after the task (in check mode, as it would be), with the fields of
      M(coldmailreseller.cmr.cmr_dns_record)'s RV(coldmailreseller.cmr.cmr_dns_record#module:record) return value.
  returned: always
  type: list
  elements: dict
  sample:
    - {record_id: 8Q2M0T5ZK3W9XJ4R7N1B6C0D2F5H, type: MX, host: "@", value: smtp.google.com, priority: 1}
summary:
  description: How many records were (or in check mode would be) created, updated and deleted.
  returned: always
  type: dict
  sample: {created: 4, updated: 0, deleted: 1}
"""

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._api import DMARC_APPENDED_TAGS
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import (
    ABSENT,
    DOMAIN_ARGUMENT_SPEC,
    KEEP,
    PRESENT,
    RECORD_TYPES,
    REPLACE,
    RecordFilter,
    Wanted,
    items_problem,
    validate_items,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._recordset import RecordSet


class DnsRecords(RecordSet):
    option_checks = {"records": items_problem}

    def wanted(self) -> list[Wanted]:
        if self.params["purge"] and self.params["state"] == "absent":
            raise CmrModuleError("purge=true needs state=present: with state=absent it would delete every record of the domain")
        return validate_items(self.params["records"], self.domain, self.params["state"])

    def purge(self) -> bool:
        return self.params["purge"]

    def keep_filters(self) -> list[RecordFilter]:
        filters = []
        for index, rule in enumerate(self.params["keep"]):
            if not rule.get("type") and not rule.get("host"):
                raise CmrModuleError("keep[%d]: give type, host or both; an empty entry would protect every record" % index)
            filters.append(RecordFilter.build(self.domain, rule.get("type"), rule.get("host")))
        return filters


ARGUMENT_SPEC = dict(
    **DOMAIN_ARGUMENT_SPEC,
    # Items are also checked by _dns.validate_items, whose one-line errors name the item and the field
    # (DnsRecords.option_checks makes them win over ansible-core's wording).
    records=dict(type="list", elements="dict", required=True, options=dict(
        type=dict(type="str", required=True, choices=list(RECORD_TYPES)),
        host=dict(type="str", required=True),
        value=dict(type="str"),
        priority=dict(type="int"),
        excluded_dmarc_tags=dict(type="list", elements="str", choices=list(DMARC_APPENDED_TAGS)),
        state=dict(type="str", choices=[PRESENT, ABSENT]),
        on_existing=dict(type="str", choices=[KEEP, REPLACE], default=KEEP),
    )),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    purge=dict(type="bool", default=False),
    keep=dict(
        type="list",
        elements="dict",
        default=[],
        options=dict(type=dict(type="str", choices=list(RECORD_TYPES)), host=dict(type="str")),
    ),
)


def main() -> None:
    run_resource(DnsRecords, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
