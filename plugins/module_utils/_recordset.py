# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The engine both DNS modules run on: a domain's record set as one resource."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import (
    Record,
    RecordFilter,
    RecordSetPlan,
    Wanted,
    changed_record_fields,
    create_records,
    delete_record,
    plan_record_set,
    read_record_lists,
    update_record,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import CREATE, DELETE, NONE, RESULT_KEY, UPDATE, Change, Plan, Resource, plan_report
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name


@dataclass
class RecordSetChange(Plan):
    """An engine ``Plan`` carrying the record-set plan; its diff lists only changed records."""

    records: RecordSetPlan = field(default_factory=lambda: RecordSetPlan(current=[]))
    wanted: list[Wanted] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.records.changed  # the record-set plan lists its steps (deletes, updates, creates) itself

    def diff(self) -> dict[str, t.Any]:
        return self.records.diff()


class RecordSet(Resource):
    """Read the domain's records once, plan, apply: deletions and updates one request each
    (the API takes one recordId per call), every creation in a single POST.

    No user or domain lookup comes first: the DNS endpoints answer 403/404 themselves when the
    user does not own the domain, so a converged run costs exactly one GET.
    """

    name = "records"

    def __init__(self, module: t.Any) -> None:
        super().__init__(module)
        self.user_id: str = self.params["user_id"]
        self.domain: str = canonical_name(self.params["domain"])

    # hooks the two modules implement
    def wanted(self) -> list[Wanted]:
        raise NotImplementedError

    def purge(self) -> bool:
        return False

    def keep_filters(self) -> list[RecordFilter]:
        return []

    # the cycle
    def read(self) -> list[Record]:
        return read_record_lists(self.client, self.user_id, self.domain)[0]

    def plan(self) -> RecordSetChange:
        wanted = self.wanted()  # validated before the first request
        records = plan_record_set(self.read(), wanted, purge=self.purge(), keep=self.keep_filters())
        return RecordSetChange(UPDATE if records.changed else NONE, records=records, wanted=wanted)

    def apply(self, plan: Plan) -> list[Record]:
        records = t.cast(RecordSetChange, plan).records
        # Deletions first: a replaced value must be gone before its successor is created.
        for record in records.deletes:
            delete_record(self.client, self.user_id, record)
        for _old, new in records.updates:
            update_record(self.client, self.user_id, self.domain, new)
        return records.remaining() + create_records(self.client, self.user_id, self.domain, records.creates)

    def run(self) -> dict[str, t.Any]:
        plan = self.plan()
        final = plan.records.predicted()
        if plan.changed and not self.module.check_mode:
            try:
                final = self.apply(plan)
            except CmrApiError as exc:
                final = t.cast(RecordSetChange, self.settle_lost_answer(exc)).records.predicted()
        result = {"changed": plan.changed, "diff": plan.diff(), "summary": plan.records.summary()}
        result.update(self.report(plan.wanted, final))
        result[RESULT_KEY] = plan_report("dns_records", self.domain, self.record_changes(plan.records), self.module.check_mode)
        return result

    def natural_key(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> t.Optional[str]:
        return self.domain  # names the record set in messages, e.g. after a lost answer

    def record_changes(self, records: RecordSetPlan) -> list[Change]:
        """One plan line per DNS record, named ``<domain> <type> <host> <value>``."""
        def line(action: str, record: Record, fields: tuple[str, ...] = ()) -> Change:
            return Change(action, "dns_record", "%s %s" % (self.domain, record.describe()), fields=fields)

        changes = [line(DELETE, record) for record in records.deletes]
        changes += [line(UPDATE, new, changed_record_fields(old, new)) for old, new in records.updates]
        return changes + [line(CREATE, record) for record in records.creates]

    def report(self, wanted: list[Wanted], final: list[Record]) -> dict[str, t.Any]:
        """Module-specific result keys: by default the whole record set after the task."""
        return {"records": [record.as_dict() for record in final]}
