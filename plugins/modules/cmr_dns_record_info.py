#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_dns_record_info
short_description: List the DNS records of a Cold Mail Reseller domain
version_added: 0.1.0
description:
  - Returns the DNS records of a domain a CMR user owns, optionally only those of one type and/or host, in one request.
  - Hosts are returned relative to the domain (V(@) is the domain itself), as M(coldmailreseller.cmr.cmr_dns_record) uses them.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.DNS_DOMAIN
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  type:
    description:
      - Return only records of this type.
    type: str
    choices: [A, AAAA, CAA, CNAME, MX, NS, SRV, TXT]
  host:
    description:
      - Return only records of this host (V(@), a relative name or the fully qualified name; case and a trailing dot do not matter).
    type: str
seealso:
  - module: coldmailreseller.cmr.cmr_dns_record
  - module: coldmailreseller.cmr.cmr_dns_records
"""

EXAMPLES = r"""
- name: All records of a domain
  coldmailreseller.cmr.cmr_dns_record_info:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
  register: dns

- name: The DMARC record
  coldmailreseller.cmr.cmr_dns_record_info:
    api_key: "{{ cmr_api_key }}"
    user_id: "{{ customer_id }}"
    domain: acme-mail.com
    type: TXT
    host: _dmarc
  register: dmarc
"""

RETURN = r"""
records:
  description:
    - The active records that match the filters, with the fields of M(coldmailreseller.cmr.cmr_dns_record)'s
      RV(coldmailreseller.cmr.cmr_dns_record#module:record) return value.
  returned: always
  type: list
  elements: dict
  sample:
    - {record_id: 8Q2M0T5ZK3W9XJ4R7N1B6C0D2F5H, type: TXT, host: _dmarc, value: "v=DMARC1; p=none; rua=mailto:dmarc@acme-mail.com"}
disabled_records:
  description: Records CMR lists as disabled, filtered the same way.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import DOMAIN_ARGUMENT_SPEC, RECORD_TYPES, RecordFilter, read_record_lists
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule


def main() -> None:
    module = CmrModule(
        dict(
            **DOMAIN_ARGUMENT_SPEC,
            type=dict(type="str", choices=list(RECORD_TYPES)),
            host=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params

    def describe() -> dict:
        wanted = RecordFilter.build(params["domain"], params["type"], params["host"])
        active, disabled = read_record_lists(module.client, params["user_id"], params["domain"])
        return {
            "changed": False,
            "records": [record.as_dict() for record in active if wanted.matches(record)],
            "disabled_records": [record.as_dict() for record in disabled if wanted.matches(record)],
        }

    module.run(describe)


if __name__ == "__main__":
    main()
