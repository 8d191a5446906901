"""Geo reference data (docs/developer/API.md#geo); the data lives in ``cmrsim.geo``."""

from __future__ import annotations

from cmrsim import geo
from cmrsim.core import ApiError, Ctx, Reply, route


@route("GET", "/geo/countries")
def countries(_ctx: Ctx) -> Reply:
    """Map country name → ISO alpha-2 code."""
    return Reply(data=dict(geo.COUNTRIES), message="Countries fetched successfully")


@route("GET", "/geo/states")
def states(ctx: Ctx) -> Reply:
    """Map state name → code for ``countryCode`` (400 when missing or malformed, 404 when unknown)."""
    code = ctx.query.get("countryCode", "").strip()
    if not code:
        raise ApiError(400, "countryCode must be provided")
    if len(code) != 2 or not code.isalpha():
        raise ApiError(400, "countryCode: expected an ISO 3166-1 alpha-2 code")
    found = geo.states_of(code.upper())
    if found is None:
        raise ApiError(404, f"Country {code!r} not found")
    return Reply(data=found, message="States fetched successfully")
