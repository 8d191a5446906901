#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_dns_record
short_description: Manage one DNS record of a domain registered through Cold Mail Reseller
version_added: 0.1.0
description:
  - Creates, updates or deletes one DNS record of a domain a CMR user owns.
  - "A record is identified by its O(type), O(host) and O(value) (the natural key). C(CNAME) records and C(TXT) records on
    C(_dmarc) hold one value per host, so for them O(type) and O(host) identify the record and a different O(value) updates it."
  - Hosts are relative to the domain; V(@), an empty host and the bare domain all mean the domain itself, a fully qualified
    host loses the domain suffix, and letter case and a trailing dot do not matter. Host-name values (C(CNAME), C(MX), C(NS))
    compare the same way.
  - CMR appends default tags to C(_dmarc) values (C(rua), C(ruf), C(fo), C(rf), C(ri), C(pct), C(sp), C(aspf), C(adkim)) unless
    they are excluded. A stored value that differs from O(value) only by those appended tags is not a change.
  - A converged run sends exactly one request (the record list). Creating sends one more, updating or deleting one per record.
  - To manage many records at once use M(coldmailreseller.cmr.cmr_dns_records), which creates them all in one request.
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
  type:
    description:
      - Record type.
    type: str
    required: true
    choices: [A, AAAA, CAA, CNAME, MX, NS, SRV, TXT]
  host:
    description:
      - Host name relative to the domain (V(@) for the domain itself, V(mail), V(_dmarc), V(selector._domainkey)),
        or the fully qualified name.
    type: str
    required: true
  value:
    description:
      - The record's value. Required with O(state=present).
      - For C(MX) the zone-file form V(10 mx.example.com) is accepted instead of a separate O(priority).
      - With O(state=absent), leaving it out removes every record of O(type) at O(host).
    type: str
  priority:
    description:
      - Priority of an C(MX) record. Required for C(MX) with O(state=present) (unless O(value) carries it); not allowed for other types.
    type: int
  excluded_dmarc_tags:
    description:
      - For a C(TXT) record on C(_dmarc) only, the default DMARC tags CMR must not append.
      - A stored tag listed here that is not part of O(value) counts as a difference, so the record is rewritten without it.
    type: list
    elements: str
    choices: [rua, ruf, fo, rf, ri, pct, sp, aspf, adkim]
  state:
    description:
      - V(present) creates the record, or updates the value (C(CNAME), C(_dmarc)) or the priority (C(MX)) of the matching one.
      - V(absent) deletes the matching record (every record of O(type) at O(host) when O(value) is not given).
    type: str
    choices: [present, absent]
    default: present
  on_existing:
    description:
      - What to do with other values of the same O(type) at the same O(host) (for types that hold several values, such as C(TXT), C(MX), C(A)).
      - V(keep) adds this value beside them. V(replace) deletes them, so this value is the only one.
    type: str
    choices: [keep, replace]
    default: keep
notes:
  - The module sends no user or domain lookup first; CMR's DNS endpoint itself rejects a domain the user does not own.
seealso:
  - module: coldmailreseller.cmr.cmr_dns_records
  - module: coldmailreseller.cmr.cmr_dns_record_info
"""

EXAMPLES = r"""
- name: DMARC policy (CMR's appended report tags do not make the next run change anything)
  coldmailreseller.cmr.cmr_dns_record:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    type: TXT
    host: _dmarc
    value: "v=DMARC1; p=none"
    excluded_dmarc_tags: [ruf]

- name: The only SPF record at the apex
  coldmailreseller.cmr.cmr_dns_record:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    type: TXT
    host: "@"
    value: "v=spf1 include:_spf.google.com ~all"
    on_existing: replace

- name: Point www somewhere else (a CNAME has one value per host, so this is an update)
  coldmailreseller.cmr.cmr_dns_record:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    type: CNAME
    host: www.acme-mail.com
    value: acme.example.

- name: Remove every A record of the host "old"
  coldmailreseller.cmr.cmr_dns_record:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    type: A
    host: old
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
record:
  description:
    - The record after the task (in check mode, as it would be). Empty after a deletion.
    - For C(_dmarc) the value is the one CMR stored, with the tags it appended (when CMR reports it back).
  returned: always
  type: dict
  contains:
    record_id:
      description: CMR record ID; null for a record that check mode predicts.
      type: str
    type:
      description: Record type.
      type: str
      sample: TXT
    host:
      description: Host relative to the domain; V(@) is the domain itself.
      type: str
      sample: _dmarc
    value:
      description: Value.
      type: str
      sample: "v=DMARC1; p=none"
    priority:
      description: Priority (MX records only).
      type: int
      sample: 10
    excluded_dmarc_tags:
      description: DMARC tags CMR was told not to append (C(_dmarc) records only, when set).
      type: list
      elements: str
summary:
  description: How many records were (or in check mode would be) created, updated and deleted.
  returned: always
  type: dict
  sample: {created: 1, updated: 0, deleted: 0}
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._api import DMARC_APPENDED_TAGS
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import (
    ABSENT,
    DOMAIN_ARGUMENT_SPEC,
    RECORD_TYPES,
    Record,
    Wanted,
    build_wanted,
    find_match,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import run_resource
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._recordset import RecordSet


class DnsRecord(RecordSet):
    name = "record"

    def wanted(self) -> list[Wanted]:
        return [build_wanted(self.params, self.domain, self.params["state"], "")]

    def report(self, wanted: list[Wanted], final: list[Record]) -> dict[str, t.Any]:
        item = wanted[0]
        if item.state == ABSENT:
            return {"record": {}}
        record = find_match(final, item.record, ())
        return {"record": record.as_dict() if record else {}}


ARGUMENT_SPEC = dict(
    **DOMAIN_ARGUMENT_SPEC,
    type=dict(type="str", required=True, choices=list(RECORD_TYPES)),
    host=dict(type="str", required=True),
    value=dict(type="str"),
    priority=dict(type="int"),
    excluded_dmarc_tags=dict(type="list", elements="str", choices=list(DMARC_APPENDED_TAGS)),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    on_existing=dict(type="str", default="keep", choices=["keep", "replace"]),
)


def main() -> None:
    run_resource(DnsRecord, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
