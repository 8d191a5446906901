"""Deterministic data of the simulator: prices, availability and workspace conflicts.

Everything here is fixed (no randomness, no clock) so that tests, playbooks and the README
can rely on it: a name that is taken today is taken in every run, and a price never moves.
The README section "Deterministic data" documents the same tables for users of the
simulator.
"""

from __future__ import annotations

import hashlib
import re

# Monthly price of one mailbox on a new subscription (docs/developer/API.md#prices: $3 per mailbox per
# month), and the price from the renewal that crosses 12 months of activity.
MAILBOX_PRICE = 3.00
MAILBOX_PRICE_AFTER_12_MONTHS = 5.00

# The warmup unit price is not published (docs/developer/API.md#gaps); the simulator charges nothing
# for warmup so that the documented order formula (domains + mailboxes) is exact.
WARMUP_PRICE = 0.00

# Placement tests are charged per tested mailbox; AI insight is an extra charge per order.
PLACEMENT_PRICE_PER_MAILBOX = 0.50
PLACEMENT_AI_INSIGHT_PRICE = 2.00

# Days an ACTIVE domain may be renewed before its expiry, and the grace period after it.
DOMAIN_RENEWAL_WINDOW_DAYS = 45
DOMAIN_GRACE_DAYS = 7
# A subscription may be renewed manually in the last days of its period (window not
# documented; simulator choice), and stays PAST_DUE this many days before EXPIRED.
SUBSCRIPTION_RENEWAL_WINDOW_DAYS = 7
SUBSCRIPTION_GRACE_DAYS = 7
# Mailboxes can only be removed earlier than this many hours before the period end.
MAILBOX_REMOVAL_CUTOFF_HOURS = 24

# Registration and renewal price per year, in USD, by top-level domain. A TLD that is not
# listed here cannot be registered (availability reports it as unavailable).
TLD_PRICES: dict[str, tuple[float, float]] = {
    "com": (12.00, 14.50),
    "net": (13.00, 15.50),
    "org": (11.00, 13.50),
    "io": (39.00, 45.00),
    "co": (25.00, 29.00),
    "info": (4.00, 19.00),
    "biz": (9.00, 17.00),
    "us": (8.00, 10.00),
    "xyz": (2.00, 13.00),
    "ai": (80.00, 90.00),
    "dev": (15.00, 17.00),
    "app": (16.00, 18.00),
}

# Names that are always registered by somebody else. (Names used in the documentation's examples, such
# as example.com or acme.com, stay orderable so that documented examples work end to end.)
TAKEN_DOMAINS = frozenset({
    "google.com",
    "microsoft.com",
    "gmail.com",
    "outlook.com",
    "coldmailreseller.com",
    "taken.com",
    "unavailable.com",
    "alreadytaken.net",
    "registered.io",
})
# Any second-level label starting with this prefix is taken too (e.g. taken-shop.com).
TAKEN_PREFIX = "taken-"

# Names that are registrable but already tied to a Google or Microsoft workspace, so a
# workspace check reports a conflict and an order leaves them out (unavailableDomains).
GOOGLE_WORKSPACE_DOMAINS = frozenset({
    "googleworkspace-taken.com",
    "has-google.com",
    "gsuite-conflict.net",
})
MICROSOFT_WORKSPACE_DOMAINS = frozenset({
    "microsoftworkspace-taken.com",
    "has-microsoft.com",
    "m365-conflict.net",
})
GOOGLE_WORKSPACE_PREFIX = "gws-"
MICROSOFT_WORKSPACE_PREFIX = "m365-"

# Passwords that the (simulated) sending platforms reject when a credential is stored.
INVALID_PLATFORM_PASSWORDS = frozenset({"invalid", "invalid-password", "wrong-password"})

# Suffix a Google OAuth client id must carry to pass the add-client-id validation.
GOOGLE_CLIENT_ID_SUFFIX = ".apps.googleusercontent.com"

# Address used in the rua/ruf tags CMR appends to DMARC records (format "%s" = domain).
DMARC_REPORT_ADDRESS = "dmarc-reports@%s"
# Default tags appended to `_dmarc` TXT records, in this order (docs/developer/API.md#dns).
DMARC_DEFAULT_TAGS: tuple[tuple[str, str], ...] = (
    ("rua", "mailto:{address}"),
    ("ruf", "mailto:{address}"),
    ("fo", "0"),
    ("rf", "afrf"),
    ("ri", "604800"),
    ("pct", "100"),
    ("sp", "reject"),
    ("aspf", "r"),
    ("adkim", "r"),
)
DMARC_TAG_NAMES = tuple(tag for tag, _value in DMARC_DEFAULT_TAGS)

DNS_RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA")

# Pre-warmed domain packages for sale (GET /pre-warmup). Prices are per domain package.
PREWARMUP_PURCHASE_PRICE = 30
PREWARMUP_RENEWAL_PRICE = 15
PREWARMUP_DOMAINS: tuple[tuple[str, str], ...] = (
    ("prewarm-acmecorp.com", "GOOGLE"),
    ("prewarm-brightlabs.com", "GOOGLE"),
    ("prewarm-northwind.net", "GOOGLE"),
    ("prewarm-globex.io", "GOOGLE"),
    ("prewarm-initech.co", "GOOGLE"),
    ("prewarm-umbrella.org", "GOOGLE"),
    ("prewarm-contoso.com", "MICROSOFT"),
    ("prewarm-fabrikam.net", "MICROSOFT"),
    ("prewarm-tailspin.io", "MICROSOFT"),
    ("prewarm-wingtip.org", "MICROSOFT"),
)
# Packages whose delivery fails ("no pool available", docs/developer/API.md#pre-warmed-domains), for partial-failure tests.
PREWARMUP_FAILING_DOMAINS = {"prewarm-umbrella.org": "No pre-warmed pool available for this domain"}
PREWARMUP_PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("jwilson", "James", "Wilson"),
    ("emartin", "Emma", "Martin"),
    ("olee", "Oliver", "Lee"),
)
PREWARMUP_CREATED_AT = "2025-01-15T10:00:00.000Z"

# Sandbox pre-warmup domains (docs/developer/API.md#sandbox).
SANDBOX_DOMAINS: tuple[tuple[str, str], ...] = (
    ("sandbox.nexora-tech.com", "GOOGLE"),
    ("mail-sandbox.brightplathlabs.com", "GOOGLE"),
    ("sandbox-mail.corevista.io", "MICROSOFT"),
    ("sandbox.stratospherehq.com", "MICROSOFT"),
)
SANDBOX_SCENARIOS = ("success", "full_failure", "partial_failure")

_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_KEYWORD_RE = re.compile(r"[^a-z0-9-]+")
SUGGESTION_PATTERNS = ("{k}", "get{k}", "try{k}", "{k}hq", "{k}mail", "{k}team", "meet{k}", "{k}app")
SUGGESTION_LIMIT = 10


def normalize_domain(name: str) -> str:
    """Lower-case a domain name and drop a trailing dot."""
    return name.strip().lower().rstrip(".")


def is_valid_domain(name: str) -> bool:
    """True for a syntactically valid domain name (labels, a letter-only TLD)."""
    return bool(_DOMAIN_RE.match(normalize_domain(name)))


def tld(name: str) -> str:
    """The top-level domain of ``name`` without the dot."""
    return normalize_domain(name).rsplit(".", 1)[-1]


def second_level_label(name: str) -> str:
    """The label left of the TLD (``example`` for ``shop.example.com``)."""
    labels = normalize_domain(name).split(".")
    return labels[-2] if len(labels) >= 2 else labels[0]


def registration_price(name: str) -> float | None:
    """Price of one registration year, or None when the TLD is not sold."""
    prices = TLD_PRICES.get(tld(name))
    return prices[0] if prices else None


def renewal_price(name: str) -> float | None:
    """Price of one renewal year, or None when the TLD is not sold."""
    prices = TLD_PRICES.get(tld(name))
    return prices[1] if prices else None


def is_taken(name: str) -> bool:
    """True for the fixed list of names registered elsewhere (pre-warmed packages included)."""
    name = normalize_domain(name)
    if name in TAKEN_DOMAINS or second_level_label(name).startswith(TAKEN_PREFIX):
        return True
    return any(name == known for known, _provider in PREWARMUP_DOMAINS + SANDBOX_DOMAINS)


def workspace_conflicts(name: str) -> list[str]:
    """Providers ("GOOGLE", "MICROSOFT") that already hold a workspace for this name."""
    name = normalize_domain(name)
    label = second_level_label(name)
    found = []
    if name in GOOGLE_WORKSPACE_DOMAINS or label.startswith(GOOGLE_WORKSPACE_PREFIX):
        found.append("GOOGLE")
    if name in MICROSOFT_WORKSPACE_DOMAINS or label.startswith(MICROSOFT_WORKSPACE_PREFIX):
        found.append("MICROSOFT")
    return found


def suggestion_candidates(keyword: str, tlds: list[str] | None = None) -> list[str]:
    """Deterministic candidate names for a keyword (or a full name whose TLD is dropped)."""
    word = normalize_domain(keyword)
    if "." in word:
        word = word.split(".", 1)[0]
    word = _KEYWORD_RE.sub("", word).strip("-")
    if not word:
        return []
    chosen = [t.lower().lstrip(".") for t in tlds] if tlds else ["com", "net", "org", "io", "co"]
    return [pattern.format(k=word) + "." + ext for pattern in SUGGESTION_PATTERNS for ext in chosen]


def money(amount: float) -> float:
    """Round an amount to cents (prices are decimal; sums of floats are not)."""
    return round(amount + 1e-9, 2)


def price_string(amount: float) -> str:
    """A price as the API writes it in strings: two decimals (``"14.50"``)."""
    return f"{amount:.2f}"


def platform_workspaces(credential_id: str, email: str) -> list[dict[str, str]]:
    """Instantly workspaces visible to a credential: two fixed ones derived from its id."""
    digest = hashlib.sha256(credential_id.encode()).hexdigest()
    owner = email.split("@", 1)[0] or "team"
    return [
        {"orgId": "org_" + digest[:12], "name": f"{owner} workspace"},
        {"orgId": "org_" + digest[12:24], "name": "Shared workspace"},
    ]
