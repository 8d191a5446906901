# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""DNS records: normalisation, identity, DMARC comparison and record-set planning (docs/developer/DESIGN.md#dns-identity),
and the engine both DNS modules run on.

Identity: a record is (type, host, value); CNAME and ``_dmarc`` TXT hold one value per host,
so for them (type, host) is the key and a different value is an update. Hosts are relative
to the domain (``@`` is the apex), lower case, without a trailing dot. A ``_dmarc`` value that
differs from the stored one only by the tags CMR appends (and the task did not exclude) is
the same value.

The first half of the file is pure functions (unit-tested without a server); ``RecordSet``
at the end reads once, plans, and applies with one POST for every creation.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from dataclasses import dataclass, field, replace

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, call_unless_missing
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import canonical_name
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

try:
    import voluptuous as vol
except ImportError:  # pragma: no cover - CmrModule reports the missing library at run time
    vol = None

RECORD_TYPES = ("A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT")
HOSTNAME_VALUED = frozenset(("CNAME", "MX", "NS"))  # values are host names: case and trailing dot do not matter
APEX = "@"
DMARC_HOST_PREFIX = "_dmarc"
PRESENT = "present"
ABSENT = "absent"
KEEP = "keep"
REPLACE = "replace"
MX_WITH_PRIORITY = re.compile(r"^(\d+)\s+(\S+)$")  # "10 mx.example.com"
MAX_PRIORITY = 65535

# Options naming the domain of every DNS module (documented by the _common.DNS_DOMAIN fragment).
DOMAIN_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "user_id": {"type": "str", "required": True},
    "domain": {"type": "str", "required": True},
}


# --- one record -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """A DNS record in normalised form. ``value`` is None only in an ``absent`` item that
    removes every value of (type, host)."""

    type: str
    host: str
    value: t.Optional[str]
    priority: t.Optional[int] = None
    excluded_dmarc_tags: tuple[str, ...] = ()
    record_id: t.Optional[str] = None

    @property
    def is_dmarc(self) -> bool:
        return is_dmarc(self.type, self.host)

    @property
    def single_valued(self) -> bool:
        return is_single_valued(self.type, self.host)

    @property
    def key(self) -> tuple[str, ...]:
        return record_key(self.type, self.host, self.value)

    def describe(self) -> str:
        """Short text for messages: ``MX @ 10 mx.example.com``."""
        parts = [self.type, self.host]
        if self.priority is not None:
            parts.append(str(self.priority))
        if self.value is not None:
            parts.append(self.value)
        return " ".join(parts)

    def as_dict(self, with_id: bool = True) -> dict[str, t.Any]:
        """The snake_case form modules return (fields a record type does not use are left out)."""
        result: dict[str, t.Any] = {}
        if with_id:
            result["record_id"] = self.record_id
        result.update(type=self.type, host=self.host, value=self.value)
        if self.type == "MX":
            result["priority"] = self.priority
        if self.excluded_dmarc_tags:
            result["excluded_dmarc_tags"] = list(self.excluded_dmarc_tags)
        return result


def normalise_host(host: t.Optional[str], domain: str) -> str:
    """``@``, an empty host and the bare domain are the apex; a fully qualified host loses the
    domain suffix; case and a trailing dot do not matter."""
    name = (host or "").strip().rstrip(".").lower()
    zone = canonical_name(domain)
    if name in ("", APEX, zone):
        return APEX
    if name.endswith("." + zone):
        return name[: -len(zone) - 1]
    return name


def comparable_value(record_type: str, value: str) -> str:
    """The form two values of one record type are compared in."""
    text = value.strip()
    if record_type in HOSTNAME_VALUED:
        return text.rstrip(".").lower()
    if record_type in ("A", "AAAA"):
        try:
            return ipaddress.ip_address(text).compressed
        except ValueError:
            return text.lower()
    if record_type == "TXT" and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]  # zone-file quoting is not part of the value
    return text


def parse_priority(value: t.Any) -> t.Optional[int]:
    """MX priority as an int; CMR sends "" for records without one. Raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("expected an integer, got a boolean")
    return int(str(value).strip())


def split_mx_value(value: t.Optional[str], priority: t.Optional[int]) -> tuple[t.Optional[str], t.Optional[int]]:
    """Accept the zone-file form ``10 mx.example.com`` when no separate priority is given."""
    if value is not None and priority is None:
        match = MX_WITH_PRIORITY.match(value.strip())
        if match:
            return match.group(2), int(match.group(1))
    return value, priority


def is_dmarc(record_type: str, host: str) -> bool:
    """CMR's DMARC rule applies to TXT records whose host is ``_dmarc`` or starts with it."""
    return record_type == "TXT" and host.startswith(DMARC_HOST_PREFIX)


def is_single_valued(record_type: str, host: str) -> bool:
    return record_type == "CNAME" or is_dmarc(record_type, host)


def record_key(record_type: str, host: str, value: t.Optional[str]) -> tuple[str, ...]:
    if is_single_valued(record_type, host) or value is None:
        return (record_type, host)
    return (record_type, host, comparable_value(record_type, value))


# --- DMARC ---------------------------------------------------------------------------------------

def dmarc_tags(value: str) -> dict[str, str]:
    """``v=DMARC1; p=none`` -> {"v": "DMARC1", "p": "none"} (tag names lower case)."""
    tags: dict[str, str] = {}
    for part in comparable_value("TXT", value).split(";"):
        name, sep, tag_value = part.partition("=")
        if sep and name.strip():
            tags[name.strip().lower()] = tag_value.strip()
    return tags


def dmarc_equivalent(desired: str, stored: str, excluded: t.Iterable[str] = ()) -> bool:
    """True when ``stored`` is ``desired`` plus only tags CMR appends by itself.

    Every tag the task wrote must be stored with the same value; a stored tag the task did not
    write is acceptable only when CMR appends it and the task did not exclude it.
    """
    wanted = dmarc_tags(desired)
    have = dmarc_tags(stored)
    for name, value in wanted.items():
        if name not in have or have[name].lower() != value.lower():
            return False
    appended = set(_api.DMARC_APPENDED_TAGS) - set(excluded)
    return set(have) - set(wanted) <= appended


def same_value(desired: Record, current: Record) -> bool:
    if desired.value is None or current.value is None:
        return desired.value == current.value
    if desired.is_dmarc:
        return dmarc_equivalent(desired.value, current.value, desired.excluded_dmarc_tags)
    return comparable_value(desired.type, desired.value) == comparable_value(current.type, current.value)


def needs_update(desired: Record, current: Record) -> bool:
    """Whether ``current`` (the record matched by identity) must be rewritten to ``desired``."""
    if not same_value(desired, current):
        return True
    return desired.type == "MX" and desired.priority is not None and desired.priority != current.priority


def changed_record_fields(old: Record, new: Record) -> tuple[str, ...]:
    """The names of what an update rewrites (the plan line lists names, not values)."""
    fields = () if same_value(new, old) else ("value",)
    return fields + (("priority",) if new.priority != old.priority else ())


# --- API translation -----------------------------------------------------------------------------

def record_from_api(obj: t.Mapping[str, t.Any], domain: str) -> Record:
    fields = _api.from_api(_api.DNS_RECORD_FIELDS, obj)
    record_type = str(fields["type"] or "").upper()
    try:
        priority = parse_priority(fields["priority"]) if record_type == "MX" else None
    except ValueError:
        priority = None  # an unreadable stored priority compares unequal to any wanted one
    excluded = fields["excluded_dmarc_tags"] if isinstance(fields["excluded_dmarc_tags"], list) else []
    return Record(
        type=record_type,
        host=normalise_host(fields["host"], domain),
        value=str(fields["value"] if fields["value"] is not None else ""),
        priority=priority,
        excluded_dmarc_tags=tuple(excluded),
        record_id=fields["record_id"],
    )


def record_to_api(record: Record) -> dict[str, t.Any]:
    """A complete record for POST and PUT (PUT replaces every writable field, docs/developer/API.md#dns)."""
    values: dict[str, t.Any] = {"type": record.type, "host": record.host, "value": record.value}
    if record.type == "MX":
        values["priority"] = record.priority
    if record.is_dmarc and record.excluded_dmarc_tags:
        values["excluded_dmarc_tags"] = list(record.excluded_dmarc_tags)
    return _api.to_api(_api.DNS_RECORD_FIELDS, values)


# --- desired records: validation -----------------------------------------------------------------

@dataclass(frozen=True)
class Wanted:
    """One record the task describes, with what to do about it."""

    record: Record
    state: str = PRESENT
    on_existing: str = KEEP
    label: str = ""  # how messages name the item, e.g. "records[3]"; "" for a module's single record


def item_schema() -> t.Any:
    """voluptuous schema of one item of cmr_dns_records' ``records`` (cmr_dns_record's option names)."""
    return vol.Schema({
        vol.Required("type"): vol.All(str, vol.In(RECORD_TYPES, msg="must be one of %s" % ", ".join(RECORD_TYPES))),
        vol.Required("host"): vol.All(str, vol.Length(min=1, msg="must not be empty; use @ for the domain itself")),
        vol.Optional("value", default=None): vol.Any(None, str, msg="expected a string"),
        vol.Optional("priority", default=None): vol.Any(
            None, vol.All(vol.Coerce(int), vol.Range(min=0, max=MAX_PRIORITY)), msg="expected an integer from 0 to %d" % MAX_PRIORITY
        ),
        vol.Optional("excluded_dmarc_tags", default=None): vol.Any(
            None, [vol.In(_api.DMARC_APPENDED_TAGS)], msg="expected a list of %s" % ", ".join(_api.DMARC_APPENDED_TAGS)
        ),
        vol.Optional("state", default=None): vol.Any(None, vol.In((PRESENT, ABSENT)), msg="must be present or absent"),
        vol.Optional("on_existing", default=KEEP): vol.In((KEEP, REPLACE), msg="must be keep or replace"),
    })


def validate_items(items: t.Sequence[t.Any], domain: str, default_state: str, option: str = "records") -> list[Wanted]:
    """Validate the items of ``records`` and turn them into ``Wanted`` records.

    Every problem becomes one line naming the item and the field, e.g.
    ``records[2] (MX @): priority: expected an integer from 0 to 65535``.
    """
    schema = item_schema()
    wanted = [build_wanted(checked_item(schema, item, "%s[%d]" % (option, index)), domain, default_state, "%s[%d]" % (option, index))
              for index, item in enumerate(items)]
    check_no_duplicates(wanted)
    return wanted


def checked_item(schema: t.Any, item: t.Any, label: str) -> dict[str, t.Any]:
    """One item through the schema; fields left unset (None, as ansible-core fills suboptions) count as absent."""
    if not isinstance(item, dict):
        raise CmrModuleError("%s: expected a dictionary with type, host and value, got %r" % (label, item))
    given = {key: value for key, value in item.items() if value is not None}
    try:
        return schema(given)
    except vol.MultipleInvalid as exc:
        raise CmrModuleError(_describe_invalid(label, given, exc.errors[0])) from None


def items_problem(items: t.Any, option: str = "records") -> t.Optional[str]:
    """The first item a schema refuses, in the words of validate_items (None: none, or not a list)."""
    schema = item_schema()
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            checked_item(schema, item, "%s[%d]" % (option, index))
        except CmrModuleError as exc:
            return str(exc)
    return None


def _describe_invalid(label: str, item: t.Mapping[str, t.Any], error: t.Any) -> str:
    where = "%s (%s %s)" % (label, item.get("type", "?"), item.get("host", "?")) if "type" in item and "host" in item else label
    path = ".".join(str(part) for part in error.path) or "item"
    message = error.error_message or str(error)
    if message == "extra keys not allowed":
        message = "unknown field; allowed: type, host, value, priority, excluded_dmarc_tags, state, on_existing"
    return "%s: %s: %s" % (where, path, message)


def build_wanted(options: t.Mapping[str, t.Any], domain: str, default_state: str, label: str) -> Wanted:
    """A ``Wanted`` record from cmr_dns_record-style options, with the rules that span fields."""
    record_type = options["type"]
    host = normalise_host(options["host"], domain)
    state = options.get("state") or default_state
    value = options.get("value")
    value = value.strip() if isinstance(value, str) else None
    priority = options.get("priority")
    if record_type == "MX":
        value, priority = split_mx_value(value, priority)
    excluded = tuple(options.get("excluded_dmarc_tags") or ())
    where = "%s (%s %s)" % (label, record_type, host) if label else "%s %s" % (record_type, host)

    if state == PRESENT and not value:
        raise CmrModuleError("%s: value: required when state is present" % where)
    if priority is not None and record_type != "MX":
        raise CmrModuleError("%s: priority: only MX records have a priority" % where)
    if priority is not None and not 0 <= priority <= MAX_PRIORITY:
        raise CmrModuleError("%s: priority: expected an integer from 0 to %d, got %d" % (where, MAX_PRIORITY, priority))
    if state == PRESENT and record_type == "MX" and priority is None:
        raise CmrModuleError("%s: priority: required for MX records (or write the value as '10 mx.example.com')" % where)
    if excluded and not is_dmarc(record_type, host):
        raise CmrModuleError("%s: excluded_dmarc_tags: only allowed on TXT records whose host is _dmarc (CMR rejects it elsewhere)" % where)
    record = Record(type=record_type, host=host, value=value or None, priority=priority, excluded_dmarc_tags=excluded)
    return Wanted(record=record, state=state, on_existing=options.get("on_existing") or KEEP, label=label)


def check_no_duplicates(wanted: t.Sequence[Wanted]) -> None:
    seen: dict[tuple[str, ...], Wanted] = {}
    for item in wanted:
        key = item.record.key
        other = seen.get(key)
        if other is not None:
            raise CmrModuleError("%s and %s describe the same record (%s); list each record once" % (other.label, item.label, item.record.describe()))
        seen[key] = item


# --- planning a record set ----------------------------------------------------------------------

@dataclass(frozen=True)
class RecordFilter:
    """Selects records by type and/or host (None matches anything): purge's ``keep`` rules and
    the info module's filters."""

    type: t.Optional[str] = None
    host: t.Optional[str] = None

    @classmethod
    def build(cls, domain: str, record_type: t.Optional[str], host: t.Optional[str]) -> "RecordFilter":
        return cls(type=record_type or None, host=normalise_host(host, domain) if host else None)

    def matches(self, record: Record) -> bool:
        return (self.type is None or self.type == record.type) and (self.host is None or self.host == record.host)


@dataclass
class RecordSetPlan:
    """What converging the record set takes. ``updates`` pairs the current record with its
    replacement (which carries the current record_id)."""

    current: list[Record]
    creates: list[Record] = field(default_factory=list)
    updates: list[tuple[Record, Record]] = field(default_factory=list)
    deletes: list[Record] = field(default_factory=list)
    matched: dict[int, Record] = field(default_factory=dict)  # id(wanted record) -> current record it matched

    @property
    def changed(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)

    def remaining(self) -> list[Record]:
        """The current records that stay, updated ones in their new form."""
        gone = {id(record) for record in self.deletes}
        replaced = {id(old): new for old, new in self.updates}
        return [replaced.get(id(record), record) for record in self.current if id(record) not in gone]

    def predicted(self) -> list[Record]:
        """The record set after the plan is applied (creations without record_id)."""
        return self.remaining() + list(self.creates)

    def diff(self) -> dict[str, dict[str, list[dict[str, t.Any]]]]:
        """Only what changes: removed and old versions before, added and new versions after."""
        before = [record.as_dict(with_id=False) for record in self.deletes] + [old.as_dict(with_id=False) for old, _new in self.updates]
        after = [new.as_dict(with_id=False) for _old, new in self.updates] + [record.as_dict(with_id=False) for record in self.creates]
        return {"before": {"records": before}, "after": {"records": after}}

    def summary(self) -> dict[str, int]:
        return {"created": len(self.creates), "updated": len(self.updates), "deleted": len(self.deletes)}


def find_match(current: t.Sequence[Record], wanted: Record, taken: t.Container[int]) -> t.Optional[Record]:
    """The current record ``wanted`` is the same record as, by identity (docs/developer/DESIGN.md#dns-identity)."""
    same_slot = [record for record in current if record.type == wanted.type and record.host == wanted.host and id(record) not in taken]
    for record in same_slot:
        if same_value(wanted, record):
            return record
    if wanted.single_valued and same_slot:
        return same_slot[0]  # one value per host: a different value is an update
    return None


def plan_record_set(
    current: t.Sequence[Record],
    wanted: t.Sequence[Wanted],
    purge: bool = False,
    keep: t.Sequence[RecordFilter] = (),
) -> RecordSetPlan:
    """Creations, updates (by record_id) and deletions that turn ``current`` into what ``wanted`` says.

    ``purge`` deletes every current record no present item matches, except those ``keep``
    protects. An item with ``on_existing=replace`` deletes the other values of its type and host.
    """
    plan = RecordSetPlan(current=list(current))
    claimed: set[int] = set()
    doomed: dict[int, Record] = {}

    present = [item for item in wanted if item.state == PRESENT]
    for item in present:
        match = find_match(plan.current, item.record, claimed)
        if match is None:
            plan.creates.append(item.record)
            continue
        claimed.add(id(match))
        plan.matched[id(item.record)] = match
        if needs_update(item.record, match):
            priority = item.record.priority if item.record.priority is not None else match.priority
            plan.updates.append((match, replace(item.record, priority=priority, record_id=match.record_id)))

    for item in present:
        if item.on_existing == REPLACE:
            for record in plan.current:
                if record.type == item.record.type and record.host == item.record.host and id(record) not in claimed:
                    doomed[id(record)] = record

    for item in wanted:
        if item.state == ABSENT:
            for record in plan.current:
                if id(record) not in claimed and removes(item.record, record):
                    doomed[id(record)] = record

    if purge:
        for record in plan.current:
            if id(record) not in claimed and not any(rule.matches(record) for rule in keep):
                doomed[id(record)] = record

    plan.deletes = [record for record in plan.current if id(record) in doomed]
    return plan


def removes(absent: Record, record: Record) -> bool:
    """Whether an ``absent`` item covers ``record``: same type and host, and the same value
    unless the item gives none or the record type holds one value per host."""
    if absent.type != record.type or absent.host != record.host:
        return False
    return absent.value is None or absent.single_valued or same_value(absent, record)


# --- reading --------------------------------------------------------------------------------------

def read_record_lists(client: CmrClient, user_id: str, domain: str) -> tuple[list[Record], list[Record]]:
    """The active and the disabled records of ``domain``, in one request.

    No user or domain lookup comes first: the DNS endpoint answers 403/404 itself when the
    user does not own the domain, which becomes one clear line here.
    """
    zone = canonical_name(domain)
    try:
        data = client.call(_api.DNS_RECORDS, query={_api.USER_ID: user_id, _api.DOMAIN: zone}).data
    except CmrApiError as exc:
        if exc.status in (403, 404):
            raise CmrModuleError(
                "cannot use the DNS of %s for user %s: %s (HTTP %s); the domain must be registered to that user"
                % (zone, user_id, exc.message, exc.status)
            ) from exc
        raise
    active = data.get(_api.DNS_ACTIVE_KEY) if isinstance(data, dict) else None
    if not isinstance(active, list):
        raise CmrModuleError("Unexpected response from CMR: the DNS records of %s are not a list" % zone)
    disabled = data.get(_api.DNS_DISABLED_KEY) or []
    return (
        [record_from_api(item, zone) for item in active if isinstance(item, dict)],
        [record_from_api(item, zone) for item in disabled if isinstance(item, dict)] if isinstance(disabled, list) else [],
    )


# --- writes -------------------------------------------------------------------------------------

def delete_record(client: CmrClient, user_id: str, record: Record) -> None:
    """Delete one record. A 404 means it is already gone: the client sent the DELETE again after a
    lost answer, or a parallel run removed it; either way the end state is reached."""
    call_unless_missing(client, _api.DNS_DELETE, query={_api.USER_ID: user_id, _api.DNS_RECORD_ID: record.record_id})


def update_record(client: CmrClient, user_id: str, domain: str, record: Record) -> None:
    body = {_api.DNS_RECORD_ID: record.record_id, _api.DOMAIN: domain, **record_to_api(record)}
    client.call(_api.DNS_UPDATE, query={_api.USER_ID: user_id}, body=body)


def create_records(client: CmrClient, user_id: str, domain: str, creates: list[Record]) -> list[Record]:
    """One POST for every creation; the answer's records (with recordIds) when CMR sends them."""
    if not creates:
        return []
    body = {_api.DOMAIN: domain, _api.DNS_RECORDS_BODY: [record_to_api(record) for record in creates]}
    data = client.call(_api.DNS_CREATE, query={_api.USER_ID: user_id}, body=body).data
    if isinstance(data, list) and len(data) == len(creates) and all(isinstance(item, dict) for item in data):
        return [record_from_api(item, domain) for item in data]
    return creates  # the answer's shape is not documented: return what was sent
