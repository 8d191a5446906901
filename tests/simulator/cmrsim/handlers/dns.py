"""DNS records of a domain the user owns (docs/developer/API.md#dns).

``GET /dns`` lists ``records`` and ``disabledRecords``; ``POST /dns`` adds any number of
records in one call, validating all of them before storing any; ``PUT``/``DELETE`` act on
one ``recordId``.  TXT records on ``_dmarc`` hosts get CMR's default DMARC tags appended
unless a tag is listed in ``excludedDMARCtags`` (which any other record must not carry).
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from cmrsim import catalog
from cmrsim.core import ApiError, Ctx, Reply, route
from cmrsim.lifecycle import domain_name, nonempty_list, owned_domain

MAX_RECORDS_PER_CALL = 1000


def record_value(value: Any) -> str:
    """Validator: a string (an empty value is meaningless for every record type)."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string")
    if not value.strip():
        raise vol.Invalid("must not be empty")
    return value


def host_value(value: Any) -> str:
    """Validator: a host label such as ``@``, ``mail`` or ``_dmarc`` (no spaces)."""
    if not isinstance(value, str):
        raise vol.Invalid("expected a string")
    if not value.strip() or any(ch.isspace() for ch in value.strip()):
        raise vol.Invalid("expected a host name such as @, mail or _dmarc")
    return value


def priority_value(value: Any) -> Any:
    """MX priority as a number or a numeric string (the documented example uses "")."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        raise vol.Invalid("expected an integer or a numeric string")
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return value
    raise vol.Invalid("expected an integer or a numeric string")


RECORD_FIELDS = {
    vol.Required("host"): host_value,
    vol.Required("value"): record_value,
    vol.Required("recordType"): vol.All(str, vol.Upper, vol.In(catalog.DNS_RECORD_TYPES)),
    vol.Optional("priority"): priority_value,
    vol.Optional("excludedDMARCtags"): [vol.In(catalog.DMARC_TAG_NAMES)],
}
ADD = vol.Schema({
    vol.Optional("userId"): str,
    vol.Required("domain"): domain_name,
    vol.Required("records"): vol.All(nonempty_list(RECORD_FIELDS), vol.Length(max=MAX_RECORDS_PER_CALL)),
})
UPDATE = vol.Schema({vol.Optional("userId"): str, vol.Required("recordId"): str, vol.Required("domain"): domain_name, **RECORD_FIELDS})


def relative_host(host: str, domain: str) -> str:
    """Store hosts relative to the domain: ``example.com.`` → ``@``, ``mail.example.com`` → ``mail``."""
    host = host.strip().lower().rstrip(".")
    if host in ("@", "", domain):
        return "@"
    if host.endswith("." + domain):
        return host[: -len(domain) - 1]
    return host


def is_dmarc(record: dict[str, Any]) -> bool:
    """TXT records on ``_dmarc`` hosts get CMR's default tags."""
    return record["recordType"] == "TXT" and record["host"].startswith("_dmarc")


def with_dmarc_tags(value: str, domain: str, excluded: list[str]) -> str:
    """Append CMR's default DMARC tags that the value lacks and the client did not exclude."""
    present = {part.split("=", 1)[0].strip().lower() for part in value.split(";") if "=" in part}
    address = catalog.DMARC_REPORT_ADDRESS % domain
    extra = [f"{tag}={template.format(address=address)}" for tag, template in catalog.DMARC_DEFAULT_TAGS
             if tag not in present and tag not in excluded]
    if not extra:
        return value
    return value.rstrip().rstrip(";").rstrip() + "; " + "; ".join(extra)


def prepare(raw: dict[str, Any], domain: dict[str, Any], where: str) -> dict[str, Any]:
    """Normalise one validated record and apply the DMARC rule (400 on misuse)."""
    record = {
        "host": relative_host(raw["host"], domain["domainName"]),
        "value": raw["value"],
        "recordType": raw["recordType"],
        "priority": raw.get("priority", ""),
    }
    if record["recordType"] == "MX" and record["priority"] in (None, ""):
        raise ApiError(400, f"{where}priority: required for MX records")
    excluded = raw.get("excludedDMARCtags")
    if excluded is not None and not is_dmarc(record):
        raise ApiError(400, f"{where}excludedDMARCtags: only allowed on TXT records whose host is _dmarc")
    if is_dmarc(record):
        record["value"] = with_dmarc_tags(record["value"], domain["domainName"], excluded or [])
        if excluded is not None:
            record["excludedDMARCtags"] = list(excluded)
    return record


def single_valued(record: dict[str, Any]) -> bool:
    """CNAME and DMARC TXT hold one value per host (docs/developer/DESIGN.md#dns-identity)."""
    return record["recordType"] == "CNAME" or is_dmarc(record)


def clash(record: dict[str, Any], others: list[dict[str, Any]]) -> str | None:
    """Why ``record`` cannot sit beside ``others`` (duplicate, second CNAME/DMARC), else None."""
    for other in others:
        if other["host"] != record["host"] or other["recordType"] != record["recordType"]:
            continue
        if other["value"] == record["value"]:
            return f"{record['recordType']} record {record['host']} {record['value']!r} already exists"
        if single_valued(record):
            return f"{record['host']} already has a {record['recordType']} record; update it by recordId instead"
    return None


def record_view(record: dict[str, Any]) -> dict[str, Any]:
    """The DnsRecord schema (``excludedDMARCtags`` only when it was sent)."""
    view = {key: record[key] for key in ("recordId", "host", "value", "recordType", "priority")}
    if "excludedDMARCtags" in record:
        view["excludedDMARCtags"] = record["excludedDMARCtags"]
    return view


def domain_records(ctx: Ctx, domain_id: str) -> list[dict[str, Any]]:
    """Records of one domain, in creation order."""
    return [rec for rec in ctx.state.data["records"].values() if rec.get("domainId") == domain_id]


def request_domain(ctx: Ctx, name: str) -> dict[str, Any]:
    """The request user's domain ``name`` (404 unknown, 403 another user's)."""
    user = ctx.state.require_user(ctx.user_id(source="either"))
    return owned_domain(ctx.state, user["userId"], name)


@route("GET", "/dns")
def get_records(ctx: Ctx) -> Reply:
    """Active records and (always empty here) disabled records of a domain."""
    if not ctx.query.get("domain"):
        raise ApiError(400, "domain must be provided")
    domain = request_domain(ctx, ctx.query["domain"])
    records = [record_view(rec) for rec in domain_records(ctx, domain["domainId"])]
    return Reply(data={"records": records, "disabledRecords": []}, message="DNS records fetched successfully")


@route("POST", "/dns")
def add_records(ctx: Ctx) -> Reply:
    """Add every record or none: all are checked (fields, DMARC rule, clashes) before storing."""
    body = ctx.validate(ADD)
    domain = request_domain(ctx, body["domain"])
    existing = domain_records(ctx, domain["domainId"])
    prepared: list[dict[str, Any]] = []
    for index, raw in enumerate(body["records"]):
        record = prepare(raw, domain, f"records[{index}].")
        reason = clash(record, existing + prepared)
        if reason:
            raise ApiError(409, f"records[{index}]: {reason}")
        prepared.append(record)
    created = []
    for record in prepared:
        record.update(recordId=ctx.state.new_id(), domainId=domain["domainId"], domain=domain["domainName"], userId=domain["userId"])
        ctx.state.data["records"][record["recordId"]] = record
        created.append(record_view(record))
    noun = "record" if len(created) == 1 else "records"
    return Reply(data=created, message=f"{len(created)} DNS {noun} added successfully")


def owned_record(ctx: Ctx, record_id: str) -> dict[str, Any]:
    """A record of the request user (404 unknown, 403 another user's)."""
    user = ctx.state.require_user(ctx.user_id(source="either"))
    return ctx.state.check_owner(ctx.state.data["records"].get(record_id), user["userId"], "DNS record", record_id)


@route("PUT", "/dns")
def update_record(ctx: Ctx) -> Reply:
    """Replace every writable field of one record (send the complete record)."""
    body = ctx.validate(UPDATE)
    domain = request_domain(ctx, body["domain"])
    record = owned_record(ctx, body["recordId"])
    if record["domainId"] != domain["domainId"]:
        raise ApiError(404, f"DNS record {body['recordId']} not found on {domain['domainName']}")
    replacement = prepare(body, domain, "")
    others = [rec for rec in domain_records(ctx, domain["domainId"]) if rec["recordId"] != record["recordId"]]
    reason = clash(replacement, others)
    if reason:
        raise ApiError(409, reason)
    record.pop("excludedDMARCtags", None)
    record.update(replacement)
    return Reply(data=record_view(record), message="DNS record updated successfully")


@route("DELETE", "/dns")
def delete_record(ctx: Ctx) -> Reply:
    """Delete one record by ``recordId``."""
    record_id = ctx.query.get("recordId")
    if not record_id and isinstance(ctx.body, dict):
        record_id = ctx.body.get("recordId")  # lenient: some clients send DELETE bodies
    if not record_id:
        raise ApiError(400, "recordId must be provided")
    record = owned_record(ctx, record_id)
    del ctx.state.data["records"][record["recordId"]]
    return Reply(data=None, message="DNS record deleted successfully")
