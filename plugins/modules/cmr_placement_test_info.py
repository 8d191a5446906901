#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cmr_placement_test_info
short_description: Read the inbox-placement test reports of a Cold Mail Reseller user
version_added: 0.1.0
description:
  - Returns the user's inbox-placement test reports (every page), newest first - one per test order, with the report of
    each tested mailbox (seed inboxes by provider, SpamAssassin, blacklists, AI insight when ordered).
  - A report is C(PENDING) until CMR has run the test, then C(COMPLETED).
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
extends_documentation_fragment:
  - coldmailreseller.cmr._common
  - coldmailreseller.cmr._common.ATTRIBUTES
  - coldmailreseller.cmr._common.INFO_MODULE
options:
  user_id:
    description:
      - The CMR user ID whose reports are read.
    type: str
    required: true
  order_id:
    description:
      - Return only the report of this test order.
    type: str
  mailbox_id:
    description:
      - Return only the reports that tested this mailbox.
    type: str
seealso:
  - module: coldmailreseller.cmr.cmr_placement_test
"""

EXAMPLES = r"""
- name: Read the customer's placement reports
  coldmailreseller.cmr.cmr_placement_test_info:
    user_id: "{{ customer.user.user_id }}"
  register: placement

- name: Show the status of the newest test
  ansible.builtin.debug:
    msg: "{{ placement.reports[0].status }}"
"""

RETURN = r"""
reports:
  description:
    - The matching reports, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    order_id:
      description: The test order.
      type: str
    status:
      description: V(PENDING) or V(COMPLETED).
      type: str
    spamassassin:
      description: Whether a SpamAssassin check was ordered.
      type: bool
    blacklist:
      description: Whether a blacklist check was ordered.
      type: bool
    mailbox_count:
      description: The number of tested mailboxes.
      type: int
    created_at:
      description: When the test was ordered, where CMR reports it.
      type: str
    ai_insight_requested:
      description: Present when AI insight was ordered.
      type: bool
    ai_insight:
      description: CMR's AI insight, once ready.
      type: dict
    mailboxes:
      description: One entry per tested mailbox (C(placement_order_id), C(mailbox_id), C(from_email), C(status), C(report)).
      type: list
      elements: dict
"""

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._placement import list_reports


def read_reports(module: CmrModule) -> dict[str, t.Any]:
    p = module.params
    return {"changed": False, "reports": list_reports(module.client, p["user_id"], p["order_id"], p["mailbox_id"])}


def main() -> None:
    module = CmrModule(
        dict(
            user_id=dict(type="str", required=True),
            order_id=dict(type="str"),
            mailbox_id=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: read_reports(module))


if __name__ == "__main__":
    main()
