# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: plan
type: aggregate
short_description: One Terraform-style plan of a whole run's CMR changes, with its cost, as text and JSON
version_added: 0.2.0
description:
  - Gathers the RV(coldmailreseller.cmr.cmr_user#module:cmr_plan) result that every resource module of the collection returns,
    across every task, loop item and host of the run, and prints one summary at the end of the run.
  - In check mode (C(--check)) the summary is titled as a plan - what a real run would do; in a real run it shows what was applied.
  - The summary lists each resource to create, purchase, update, renew or delete (by type and natural key), the counts per action,
    the resources by type, the total cost in USD and, when a task read the partner wallet, whether the wallet covers it.
  - Failed tasks are listed (so a partial apply is visible), and so are skipped tasks of the collection's resource modules.
  - The same resource planned by several tasks (for example a C(check_mode) preview task followed by the real task, in a
    C(--check) run) or hosts is one line. In a real run, the results of tasks forced into check mode (previews) are not counted.
  - With O(plan_file) the plan is also written as JSON (C(format_version) 1), for CI gates and drift reports. Its structure is
    described in the collection's C(docs/plan-file.schema.json) (JSON Schema) and in the I(Plans, CI gates and drift) guide.
  - Works beside any stdout callback. Enable it with C(callbacks_enabled = coldmailreseller.cmr.plan) in C(ansible.cfg)
    or E(ANSIBLE_CALLBACKS_ENABLED=coldmailreseller.cmr.plan).
  - Secrets never reach the summary or the file - the modules keep them out of RV(coldmailreseller.cmr.cmr_user#module:cmr_plan),
    and the callback removes secret fields and masks C(password=...) style values in failure messages again.
  - Tasks with C(no_log) hide their result, and so their plan, from every callback.
requirements:
  - enable in configuration
options:
  plan_file:
    description:
      - Path of the JSON plan file to write at the end of the run (replaced if it exists). Not written when unset.
    type: path
    env:
      - name: CMR_PLAN_FILE
    ini:
      - section: callback_cmr_plan
        key: plan_file
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = coldmailreseller.cmr.plan
#
# [callback_cmr_plan]
# plan_file = plan.json

# Or for one run, then gate on the file (no deletions, at most 200 USD):
#   ANSIBLE_CALLBACKS_ENABLED=coldmailreseller.cmr.plan CMR_PLAN_FILE=plan.json \
#     ansible-playbook onboard_customer.yml --check
#   jq -e '.counts.delete == 0 and .cost.total <= 200 and (.failed | length) == 0' plan.json

# The summary printed at the end of a check-mode run:
#   CMR PLAN - what a real run would do (check mode: nothing was changed) ****
#     $ purchase domain     acme-mail.com  12.00 USD
#     $ purchase mailbox    jane@acme-mail.com  3.00 USD
#     + create   dns_record acme-mail.com TXT @ v=spf1 include:_spf.google.com ~all
#     ~ update   user       jane@acme.example (phone)
#
#   Plan: 1 to create, 2 to purchase, 1 to update, 0 to renew, 0 to delete.
#   Resources: dns_record 1, domain 1, mailbox 1, user 1.
#   Cost: 15.00 USD. Wallet 500.00 USD covers it (485.00 USD left).
#   3 task result(s) with nothing to do.
"""

import datetime
import json
import os
import tempfile
import typing as t

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils._plan import RunPlan

RESOURCE_MODULE_PREFIX = "coldmailreseller.cmr.cmr_"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "coldmailreseller.cmr.plan"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = RunPlan(check_mode=bool(context.CLIARGS.get("check", False)))
        self.playbooks: list[str] = []
        self.started = now()

    # --- what the run reports ------------------------------------------------------------------
    def v2_playbook_on_start(self, playbook: t.Any) -> None:
        self.playbooks.append(os.path.basename(getattr(playbook, "_file_name", "") or ""))

    def v2_runner_on_ok(self, result: t.Any) -> None:
        self.plan.add_result(*where(result), result._result)

    def v2_runner_on_failed(self, result: t.Any, ignore_errors: t.Optional[bool] = False) -> None:
        self.plan.add_failed(*where(result), result._result, ignored=ignore_errors)

    def v2_runner_on_unreachable(self, result: t.Any) -> None:
        self.plan.add_failed(*where(result), result._result)

    def v2_runner_on_skipped(self, result: t.Any) -> None:
        if is_resource_task(result._task):  # a skipped CMR change is part of the picture; a skipped debug is not
            self.plan.add_skipped(*where(result))

    def v2_playbook_on_stats(self, stats: t.Any) -> None:
        lines = self.plan.summary_lines()
        self._display.banner(lines[0])
        for line in lines[1:]:
            self._display.display(line)
        path = self.get_option("plan_file")
        if path:
            self.write(path)

    # --- the plan file -------------------------------------------------------------------------
    def write(self, path: str) -> None:
        document = self.plan.as_dict(self.playbooks, self.started, now())
        folder = os.path.dirname(os.path.abspath(path))
        try:
            # Written next to the target and renamed: a CI gate never reads half a file.
            with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".cmr-plan-", suffix=".json", delete=False, encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.write("\n")
            os.replace(handle.name, path)
        except OSError as exc:
            self._display.warning("coldmailreseller.cmr.plan could not write the plan file %s: %s" % (path, exc))
            return
        self._display.display("Plan file: %s" % path)


def where(result: t.Any) -> tuple[str, str]:
    """The host and the task name of a task result."""
    return result._host.get_name(), result._task.get_name()


def is_resource_task(task: t.Any) -> bool:
    action = getattr(task, "resolved_action", None) or getattr(task, "action", "") or ""
    return action.startswith(RESOURCE_MODULE_PREFIX) and not action.endswith("_info")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
