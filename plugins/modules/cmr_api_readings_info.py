#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_api_readings_info
short_description: Check which reading of the incomplete CMR docs your CMR service serves
version_added: 0.1.0
description:
  - Parts of the CMR partner API are not in its public documentation, and some documented parts contradict each other
    (two methods for domain auto-renew, two paths for subscription recreation, open list shapes). The collection reads
    every documented alternative and falls back where it can; this module checks each of its assumptions against your
    account and says which hold.
  - Read-only. It sends only C(GET) requests, the documented read-only C(POST) requests (availability, workspace check,
    renewal price, for the reserved name C(example.com) or a domain the user owns) and C(OPTIONS) requests (to learn
    which methods a write path serves without writing). It never sends error reports to CMR.
  - Only the shape of each answer (types and key names) is returned, never its values.
  - The playbook C(coldmailreseller.cmr.verify_api) runs this module, prints the result as a table and writes it as JSON
    to attach to a bug report.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The customer whose domains and mailboxes are read to check those list answers. Default is the first user of the
        account; without any user those checks report C(not checked).
    type: str
  order_id:
    description:
      - An existing order of O(user_id) to check the order status and details answers. Without it those checks report
        C(not checked).
    type: str
notes:
  - O(report_errors) is ignored; the probe never reports to CMR (a report is a C(POST)).
"""

EXAMPLES = r"""
- name: Check the collection's assumptions against the sandbox
  coldmailreseller.cmr.cmr_api_readings_info:
    api_key: "{{ vault_cmr_sandbox_key }}"
    api_url: "{{ cmr_sandbox_url }}"
    sandbox: true
  register: readings

- name: Assumptions that do not hold
  ansible.builtin.debug:
    msg: "{{ readings.checks | selectattr('result', 'equalto', 'differs') | list }}"
"""

RETURN = r"""
checks:
  description: One entry per assumption, in a fixed order.
  returned: always
  type: list
  elements: dict
  contains:
    assumption:
      description: What the collection assumes.
      type: str
      sample: GET /users/list answers its items as data.users
    endpoint:
      description: The method and path checked.
      type: str
      sample: GET /users/list
    result:
      description: C(holds), C(differs) or C(not checked).
      type: str
      sample: holds
    seen:
      description: What the service answered (status and shape, never values).
      type: str
      sample: "HTTP 200, data is an object with keys pagination, users"
table:
  description: The checks as text lines (result, endpoint, assumption, what was seen), with a header line.
  returned: always
  type: list
  elements: str
  sample: ["RESULT      | ENDPOINT                           | ASSUMPTION -> SEEN"]
summary:
  description: How many checks hold, differ or were not checked.
  returned: always
  type: dict
  sample: {"holds": 16, "differs": 0, "not checked": 0}
"""

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._probe import DIFFERS, HOLDS, NOT_CHECKED, probe, table


def main() -> None:
    module = CmrModule(dict(user_id=dict(type="str"), order_id=dict(type="str")), supports_check_mode=True)
    module.params["report_errors"] = False  # an error report is a POST: the probe sends no write

    def run() -> dict:
        checks = probe(module.client, module.params["user_id"], module.params["order_id"])
        summary = {result: sum(1 for check in checks if check["result"] == result) for result in (HOLDS, DIFFERS, NOT_CHECKED)}
        return {"changed": False, "checks": checks, "table": table(checks), "summary": summary}

    module.run(run)


if __name__ == "__main__":
    main()
