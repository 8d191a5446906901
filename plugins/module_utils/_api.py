# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The CMR API map: every path, query parameter and camelCase field name lives here.

The rest of the collection speaks snake_case and refers to these constants, so a correction
to an inferred part of the API (see docs/developer/API.md, marked *inferred* there) touches this file
only.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

DEFAULT_API_URL = "https://customers.coldmailreseller.com/api/v1/integration"
API_KEY_HEADER = "cmr-x-api-key"
SANDBOX_API_KEY_HEADER = "cmr-x-sandbox-api-key"
PAGE_LIMIT = 100


@dataclass(frozen=True)
class Endpoint:
    """One API operation.

    ``retry_safe`` says whether sending the request twice cannot duplicate work (reads and
    writes of explicit values). ``spends_money`` marks requests that charge the wallet: they
    go on a fresh connection and are never re-sent once they may have reached the server.
    ``inferred`` marks paths the public docs do not show (docs/developer/API.md#sources-and-confidence). ``read_only`` marks
    POSTs that only read (availability, prices): safe to repeat, and not a change of the account.
    """

    method: str
    path: str
    retry_safe: t.Optional[bool] = None
    spends_money: bool = False
    inferred: bool = False
    read_only: bool = False

    @property
    def safe_to_repeat(self) -> bool:
        if self.spends_money:
            return False
        if self.retry_safe is not None:
            return self.retry_safe
        return self.reads or self.method in ("PUT", "PATCH", "DELETE")

    @property
    def reads(self) -> bool:
        """Whether a call only reads: sending it changes nothing in the account."""
        return self.method == "GET" or self.read_only


# Misc
SEND_ERRORS = Endpoint("POST", "/send-errors")


# --- field maps -------------------------------------------------------------------------
# snake_case name used by the modules -> camelCase name used by the API.

def to_api(fields: t.Mapping[str, str], values: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Translate the snake_case keys of ``values`` that ``fields`` knows; drop the rest."""
    return {fields[key]: value for key, value in values.items() if key in fields}


def from_api(fields: t.Mapping[str, str], obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Translate an API object to snake_case; fields the API did not send become None."""
    return {key: obj.get(api_name) for key, api_name in fields.items()}


# --- users (docs/developer/API.md#users) ---------------------------------------------------------------
USERS_LIST = Endpoint("GET", "/users/list")  # query: page, limit, search (names inferred)
USER = Endpoint("GET", "/users")  # query: userId
USER_CREATE = Endpoint("POST", "/users")
USER_UPDATE = Endpoint("PUT", "/users")  # query: userId; full object (docs/developer/API.md#user-update-body)
USER_DELETE = Endpoint("DELETE", "/users")  # query: userId
USERS_LIST_KEY = "users"  # data.users (inferred)
USER_ID = "userId"
USER_CREATED_ID = "id"  # POST /users answers data.id
USER_SEARCH = "search"  # inferred
USER_FIELDS = {
    "email": "email",
    "first_name": "firstName",
    "last_name": "lastName",
    "company": "company",
    "country": "country",
    "state_province": "state",
    "city": "city",
    "address_line_one": "addressLineOne",
    "address_line_two": "addressLineTwo",
    "address_line_three": "addressLineThree",
    "postal_code": "postalCode",
    "language_preference": "languagePreference",
    "phone_cc": "phoneCc",
    "phone": "phone",
}
USER_REQUIRED_ON_CREATE = (
    "email", "company", "first_name", "last_name", "country", "state_province", "city",
    "address_line_one", "postal_code", "language_preference", "phone_cc", "phone",
)
USER_READ_ONLY_FIELDS = {"user_id": "userId", "created_at": "createdAt"}  # createdAt inferred
# Deleting a user that still owns things: data carries these counts (placement inferred).
DOMAIN_COUNT = "domainCount"
MAILBOX_COUNT = "mailboxCount"

# --- geo (docs/developer/API.md#geo) -----------------------------------------------------------
GEO_COUNTRIES = Endpoint("GET", "/geo/countries")  # data: {name: code}
GEO_STATES = Endpoint("GET", "/geo/states")  # query: countryCode; data: {name: code}
COUNTRY_CODE = "countryCode"

# --- wallet (docs/developer/API.md#wallet, path and shape inferred) ------------------------------------
WALLET = Endpoint("GET", "/wallet", inferred=True)
WALLET_FIELDS = {"balance": "balance", "currency": "currency"}

# --- envelope and pagination (docs/developer/API.md#authentication-and-envelope, #pagination), used by _client.py ---------------------
ENVELOPE_STATUS = "status"  # every answer is {status, message, data}
ENVELOPE_MESSAGE = "message"
ENVELOPE_DATA = "data"
ACTION_ID = "actionId"  # top level and/or inside data
PAGE_PARAM = "page"  # pages start at 1
LIMIT_PARAM = "limit"  # max 100 (PAGE_LIMIT)
PAGINATION = "pagination"  # subscriptions: data.pagination; pre-warmup: the keys sit in data itself
CURRENT_PAGE = "currentPage"
TOTAL_PAGES = "totalPages"

# --- domains (docs/developer/API.md#domains) ---------------------------------------------------------
# Domain names travel as names (not IDs) in every body below; userId goes in the body except
# where the query is noted.
DOMAINS_BY_USER = Endpoint("GET", "/domains/by-user")  # query: userId (+ page/limit, inferred); data: [Domain]
DOMAIN_RENEWAL_PRICE = Endpoint("POST", "/domains/renewal-price", read_only=True)  # body: userId, domains
DOMAIN_RENEW = Endpoint("POST", "/domains/renew", spends_money=True)  # body inferred: userId, domains; async
DOMAIN_AUTO_RENEW = Endpoint("PATCH", "/domains/toggle-auto-renew")  # body: userId, domains, autoRenew (explicit)
DOMAIN_SUGGEST = Endpoint("POST", "/domains/suggest", read_only=True, inferred=True)  # body: domain (keyword)
DOMAIN_AVAILABLE = Endpoint("POST", "/domains/available", read_only=True, inferred=True)  # body: domain (exact name)
DOMAIN_HAS_WORKSPACE = Endpoint("POST", "/domains/has-workspace", read_only=True)  # body: domains: [{domainName, serviceProvider}]
DOMAIN_FORWARDING = Endpoint("POST", "/domains/forwarding", inferred=True)  # body: userId, domain, forwardTo, maskForwarding; async
DOMAIN_EMAIL_FORWARDING = Endpoint("POST", "/domains/email-forwarding", inferred=True)  # body: userId, domain, forwardTo; async
DOMAIN_ADD_CLIENT_ID = Endpoint("POST", "/domains/add-client-id")  # body: userId, domains, clientId, appName; async
DOMAIN_REMOVE = Endpoint("DELETE", "/domains/remove", inferred=True)  # query: userId; body: domains; async

DOMAIN_NAME = "domainName"  # has-workspace items, renewal-price and auto-renew answers
DOMAINS = "domains"  # list of names in request bodies
DOMAIN = "domain"  # one name in request bodies (forwarding, availability) and the DNS query
AUTO_RENEW = "autoRenew"
FORWARD_TO = "forwardTo"
MASK_FORWARDING = "maskForwarding"
CLIENT_ID = "clientId"
APP_NAME = "appName"
SERVICE_PROVIDER = "serviceProvider"
SERVICE_PROVIDERS = ("GOOGLE", "MICROSOFT")

# Domain object (GET /domains/by-user; docs/developer/API.md#domains, key names partly inferred). Values are
# paths into the object: ("domainForwarding", "forwardTo") reads data["domainForwarding"]["forwardTo"];
# a null parent (forwarding not configured) reads as None.
DOMAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "domain_id": ("domainId",),
    "name": ("domainName",),
    "status": ("status",),
    "created_at": ("creationTime",),
    "expiry_date": ("expiryDate",),
    "purchase_type": ("purchaseType",),  # inferred
    "service_provider": ("serviceProvider",),
    "auto_renew": ("autoRenew",),
    "domain_protection": ("domainProtection",),  # inferred
    "subscription_id": ("subscriptionId",),  # inferred
    "user_id": ("userId",),
    "forward_to": ("domainForwarding", "forwardTo"),  # inferred
    "mask_forwarding": ("domainForwarding", "maskForwarding"),  # inferred
    "email_forward_to": ("emailForwarding", "forwardTo"),  # inferred
    "google_client_id": ("clientId",),  # inferred; write-only in the documented API (API.md#forwarding-and-oauth-client)
    "google_app_name": ("appName",),  # inferred; write-only in the documented API (API.md#forwarding-and-oauth-client)
}
# Settings the documented API accepts but does not report back
# (docs/developer/DESIGN.md#unreported-settings): when a response lacks them the value is unknown, not "unset".
DOMAIN_UNREPORTED = frozenset(("forward_to", "mask_forwarding", "email_forward_to", "google_client_id", "google_app_name"))
DOMAIN_STATUS_ACTIVE = "ACTIVE"
DOMAIN_STATUS_GRACE_PERIOD = "GRACE_PERIOD"
DOMAIN_STATUS_RENEWING = "RENEWING"
DOMAIN_RENEWAL_WINDOW_DAYS = 45  # an ACTIVE domain is renewable this many days before expiry (docs/developer/API.md#domain-renewal)

# POST /domains/renewal-price answer items (docs/developer/API.md#domain-renewal); renewalPrice is a decimal string.
RENEWAL_PRICE_FIELDS = {
    "name": "domainName",
    "domain_id": "domainId",
    "years": "years",
    "renewal_price": "renewalPrice",
    "expiry_date": "expireOn",
    "auto_renew": "autoRenew",
}

# Availability answers (shape inferred) and has-workspace (docs/developer/API.md#availability-and-workspaces).
AVAILABILITY_FIELDS = {"name": "domain", "available": "available", "price": "price"}
DOMAIN_SUGGEST_TLDS = "tlds"  # inferred
WORKSPACE_ITEM_SUCCESS = "success"  # bulk has-workspace item: true = no workspace found
WORKSPACE_ITEM_ERROR = "error"


def from_api_paths(fields: t.Mapping[str, tuple[str, ...]], obj: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Translate an API object through a map of paths. A field whose top-level key the API did not
    send is left out (unknown); a null parent object gives None (reported as not configured)."""
    result: dict[str, t.Any] = {}
    for key, path in fields.items():
        if path[0] not in obj:
            continue
        value: t.Any = obj
        for part in path:
            value = value.get(part) if isinstance(value, t.Mapping) else None
        result[key] = value
    return result


# --- DNS (docs/developer/API.md#dns) ---------------------------------------------------------------------
# All calls carry ?userId=; CMR answers 403/404 itself for a domain the user does not own, so no
# user or domain lookup is needed before a DNS call.
DNS_RECORDS = Endpoint("GET", "/dns")  # query: userId, domain; data: {records, disabledRecords}
DNS_CREATE = Endpoint("POST", "/dns")  # query: userId; body: {domain, records: [...]}, many per call
DNS_UPDATE = Endpoint("PUT", "/dns")  # query: userId; body: complete record + recordId + domain
DNS_DELETE = Endpoint("DELETE", "/dns")  # query: userId, recordId
DNS_ACTIVE_KEY = "records"
DNS_DISABLED_KEY = "disabledRecords"
DNS_RECORD_ID = "recordId"
DNS_RECORDS_BODY = "records"
DNS_RECORD_FIELDS = {
    "record_id": "recordId",
    "type": "recordType",
    "host": "host",
    "value": "value",
    "priority": "priority",  # MX only; CMR shows "" for the others
    "excluded_dmarc_tags": "excludedDMARCtags",  # _dmarc TXT only, otherwise 400
}
# Tags CMR appends to a _dmarc TXT value unless excluded (docs/developer/API.md#dns), in CMR's order.
DMARC_APPENDED_TAGS = ("rua", "ruf", "fo", "rf", "ri", "pct", "sp", "aspf", "adkim")


# --- orders, mailboxes, warmup, subscriptions (API.md#orders, #mailboxes, #warm-up, #subscriptions, #prices) ------------------
# Shared names used here and defined above: USER_ID, AUTO_RENEW, SERVICE_PROVIDER, FORWARD_TO,
# DOMAIN (one name in a body), DOMAINS, SERVICE_PROVIDERS.

# Orders: userId goes in the query of every call. Every write that can charge the wallet is
# spends_money: sent once on a fresh connection and never re-sent (docs/developer/DESIGN.md#paid-requests).
ORDER_CREATE = Endpoint("POST", "/orders/json", spends_money=True)  # body: OrderCreateJsonRequest; async
MAILBOX_ORDER_CREATE = Endpoint("POST", "/orders/create-mailbox-order/json", spends_money=True)  # body: subscriptionId XOR domainId, mailboxes; async
ORDER_PROCESS = Endpoint("POST", "/orders/process", spends_money=True, inferred=True)  # body: orderId (inferred); async
ORDER_DETAILS = Endpoint("GET", "/orders/details", inferred=True)  # query: userId, orderId; data: Order (shape inferred)
ORDER_STATUS = Endpoint("GET", "/orders/status")  # query: userId, orderId; data: {orderId, status} (shape inferred)
ORDER_ID = "orderId"
ORDER_UNAVAILABLE_DOMAINS = "unavailableDomains"  # accepted-order answer: names CMR left out
ORDER_CONFIRM = "confirm"  # true: queue and charge now; false: unconfirmed order, not charged
ORDER_BILLING_CYCLE = "billingCycle"
BILLING_CYCLE_MONTHLY = "MONTHLY"  # the only accepted value
ORDER_DOMAINS = "domains"
ORDER_MAILBOXES = "mailboxes"  # {domain name: [mailbox spec]}
ORDER_SUBSCRIPTION_ID = "subscriptionId"  # mailbox order on an active subscription ...
ORDER_DOMAIN_ID = "domainId"  # ... or on a domain whose subscription ended (never both)
DEFAULT_SERVICE_PROVIDER = "GOOGLE"  # what CMR assumes when an order names none (docs/developer/API.md#status-values)
ORDER_GOOGLE = "google"
ORDER_MICROSOFT_OAUTH_ROUTE = "microsoftOauthRoute"
GOOGLE_OAUTH_FIELDS = {"oauth_route": "googleOauthRoute", "client_id": "clientId", "app_name": "appName"}
ORDER_DOMAIN_FIELDS = {"name": "domain", "years": "years", "forward_to": "forwardTo"}
ORDER_YEARS_RANGE = (1, 10)  # registration years CMR accepts per domain (inferred: docs/developer/API.md#orders only says integer)
ORDER_MAILBOX_FIELDS = {
    "username": "username",
    "first_name": "firstName",
    "last_name": "lastName",
    "profile_picture": "profilePicture",
    "warmup": "onWarmup",
}
# Order object (GET /orders/details); the whole shape is inferred (docs/developer/API.md#orders, #gaps).
ORDER_FIELDS = {
    "order_id": "orderId",
    "user_id": "userId",
    "status": "status",
    "confirmed": "confirmed",
    "service_provider": "serviceProvider",
    "total_price": "totalPrice",
    "created_at": "createdAt",
}
ORDER_STATUS_UNCONFIRMED = "UNCONFIRMED"  # inferred vocabulary (docs/developer/API.md#status-values)
ORDER_STATUS_FAILED = "FAILED"
ORDER_STATUS_FIELD = "status"  # in GET /orders/status data

# Mailboxes (docs/developer/API.md#mailboxes). Mailbox GET shapes are inferred; credentials only come from the
# admin-details call and are stripped from everything the modules return (_secrets.py).
MAILBOXES_BY_USER = Endpoint("GET", "/mailboxes/single")  # query: userId (+ page/limit, inferred); data: [Mailbox]
MAILBOX = Endpoint("GET", "/mailboxes/mailbox")  # query: mailboxId; data: Mailbox
MAILBOX_ADMIN_DETAILS = Endpoint("GET", "/mailboxes/admin-mailbox-details")  # query: userId, mailboxId; data includes credentials
MAILBOX_UPDATE = Endpoint("PATCH", "/mailboxes/update-mailbox-details")  # query: userId; body: mailboxData; async
MAILBOX_REMOVE = Endpoint("DELETE", "/mailboxes/remove")  # query: userId; body: mailboxId; async
MAILBOX_ID = "mailboxId"
MAILBOX_DATA = "mailboxData"
REMOVE_PROFILE_PICTURE = "removeProfilePicture"
MAILBOX_FIELDS = {
    "mailbox_id": "mailboxId",
    "email": "email",
    "username": "username",  # "userName" in update bodies and some sources (MAILBOX_USERNAME_ALIAS)
    "first_name": "firstName",
    "last_name": "lastName",
    "profile_picture": "profilePicture",
    "status": "status",
    "service_provider": "serviceProvider",
    "domain": "domain",
    "domain_id": "domainId",  # inferred
    "subscription_id": "subscriptionId",
    "user_id": "userId",
    "warmup": "warmupStatus",
    "is_admin": "isAdmin",
    "expiry_date": "expiryDate",
    "created_at": "createdAt",  # inferred
}
MAILBOX_USERNAME_ALIAS = "userName"
MAILBOX_CREDENTIAL_FIELDS = {  # admin details only
    "password": "password",
    "app_password": "appPassword",
    "authenticator_secret": "authenticatorSecret",
}
MAILBOX_UPDATE_FIELDS = {"first_name": "firstName", "last_name": "lastName", "profile_picture": "profilePicture"}
MAILBOX_STATUS_ACTIVE = "ACTIVE"
MAILBOX_STATUS_EXPIRED = "EXPIRED"  # the subscription lapsed (docs/developer/API.md#status-values)
MAILBOX_REMOVAL_CUTOFF_HOURS = 24  # removal only earlier than this before the subscription expiry (docs/developer/API.md#mailboxes)

# Warmup (docs/developer/API.md#warm-up, help guide). The toggle endpoint is deliberately absent: it flips the
# state and is not idempotent; the status endpoint sets an explicit value.
WARMUP_ENROL = Endpoint("POST", "/mailboxes/warmup", spends_money=True)  # query: mailboxId; prorated charge; async
WARMUP_SET_STATUS = Endpoint("PATCH", "/mailboxes/warmup/status")  # query: mailboxId; body: status (ACTIVE documented, PAUSED assumed)
WARMUP_REMOVE = Endpoint("DELETE", "/mailboxes/warmup")  # query: mailboxId; permanent: status STOPPED
WARMUP_SETTINGS = Endpoint("PATCH", "/mailboxes/warmup/settings")  # query: mailboxId; body: WarmupSettings
WARMUP_STATUS = "status"
WARMUP_PENDING = "PENDING"
WARMUP_ACTIVE = "ACTIVE"
WARMUP_PAUSED = "PAUSED"
WARMUP_STOPPED = "STOPPED"
WARMUP_SETTINGS_FIELDS = {
    "warmup_limit": "warmupLimit",
    "minimum_warmup_limit": "minimumWarmupLimit",
    "warmup_reply_rate": "warmupReplyRate",
    "warmup_open_rate": "warmupOpenRate",
    "warmup_spam_protection_rate": "warmupSpamProtectionRate",
    "warmup_on_weekdays": "warmupOnWeekdays",
    "increase_per_day": "increasePerDay",
    "warmup_disable_slow": "warmupDisableSlow",
    "minimum_delay_between_warmup_emails": "minimumDelayBetweenWarmupEmails",
    "maximum_delay_between_warmup_emails": "maximumDelayBetweenWarmupEmails",
}
# Write-only in the documented API; the simulator reports it on the mailbox under this key
# (inferred). When a response lacks it, the settings are unknown (docs/developer/DESIGN.md#unreported-settings).
MAILBOX_WARMUP_SETTINGS = "warmupSettings"

# Subscriptions (docs/developer/API.md#subscriptions). GET /subscriptions is partner-wide; userId is an optional filter.
SUBSCRIPTIONS = Endpoint("GET", "/subscriptions")  # query: status, componentSubscriptionId, domain, userId, page, limit
SUBSCRIPTIONS_KEY = "subscriptions"  # data.subscriptions (+ data.pagination)
SUBSCRIPTION_QUERY_ID = "componentSubscriptionId"
SUBSCRIPTION_QUERY_STATUS = "status"
SUBSCRIPTION_QUERY_DOMAIN = "domain"
SUBSCRIPTION_RENEW = Endpoint("POST", "/subscriptions/renew-subscriptions", spends_money=True)  # body: subscriptionIds; async
SUBSCRIPTION_AUTO_RENEW = Endpoint("POST", "/subscriptions/toggle-autorenewal", inferred=True)  # body inferred: subscriptionId, autoRenew
SUBSCRIPTION_CANCEL = Endpoint("POST", "/subscriptions/cancel")  # body: subscriptionId or domain; permanent; async
SUBSCRIPTION_ID = "subscriptionId"
SUBSCRIPTION_IDS = "subscriptionIds"
SUBSCRIPTION_FIELDS = {
    "subscription_id": "subscriptionId",
    "status": "subscriptionStatus",
    "domain": "domain",
    "user_id": "userId",
    "auto_renew": "autoRenew",
    "total_mailbox_quantity": "totalMailboxQuantity",
    "price_per_mailbox": "pricePerMailbox",
    "billing_cycle": "billingCycle",
    "period_start": "periodStart",
    "period_end": "periodEnd",
    "service_provider": "serviceProvider",
}
SUBSCRIPTION_STATUSES = ("ACTIVE", "RENEWING", "PAST_DUE", "CANCELLED", "EXPIRED")
SUBSCRIPTION_ACTIVE = "ACTIVE"
SUBSCRIPTION_RENEWING = "RENEWING"
SUBSCRIPTION_PAST_DUE = "PAST_DUE"
SUBSCRIPTION_CANCELLED = "CANCELLED"
# Days before periodEnd from which a manual renewal is accepted. Not documented (docs/developer/API.md#subscriptions
# only says manual and automatic renewal share the same eligibility); inferred, matches the simulator.
SUBSCRIPTION_RENEWAL_WINDOW_DAYS = 7

# Pricing (docs/developer/API.md#prices): the documented standard monthly price of one mailbox, used for estimates.
STANDARD_MAILBOX_PRICE = 3.00


# --- exports to sending platforms, OAuth re-export, validation (docs/developer/API.md#exports-and-platform-credentials) --
# CMR stores a NEW credential on every POST (no de-duplication): the modules list first and
# update in place with PUT, which keeps the credentialId. Passwords are never returned.
PLATFORM_CREDENTIALS = Endpoint("GET", "/exports/platform-credentials")  # query: userId; data: {APP: {connected, credentials: [...]}}
PLATFORM_CREDENTIAL_ADD = Endpoint("POST", "/exports/platform-credential")  # query: userId; body: app, credentials, metadata, orgId
PLATFORM_CREDENTIAL_UPDATE = Endpoint("PUT", "/exports/platform-credential")  # query: userId; body: credentialId + what changes
PLATFORM_CREDENTIAL_REMOVE = Endpoint("DELETE", "/exports/platform-credential")  # query: userId, credentialId
PLATFORM_EXPORT = Endpoint("POST", "/exports/platform-exports")  # query: userId; body: credentialId, componentMailboxIds; async
PLATFORM_APPS = ("EMAILBISON", "REACHINBOX", "SMARTLEAD", "INSTANTLY")
PLATFORM_APP = "app"
PLATFORM_CREDENTIALS_KEY = "credentials"  # data.<APP>.credentials, and the login object in request bodies
PLATFORM_CONNECTED = "connected"
CREDENTIAL_ID = "credentialId"
CREDENTIAL_EMAIL = "email"
CREDENTIAL_PASSWORD = "password"
CREDENTIAL_METADATA = "metadata"
CREDENTIAL_ORG_ID = "orgId"  # Instantly workspace (the help guide: PUT {"orgId": …}); top level
CREDENTIAL_FIELDS = {"credential_id": "credentialId", "email": "email", "connected_at": "connectedAt", "org_id": "orgId"}
CREDENTIAL_METADATA_FIELDS = {"app_base_url": "appBaseUrl", "client_id": "clientId", "app_name": "appName", "workspace": "workspace"}
PLATFORM_APP_NEEDS_METADATA = "EMAILBISON"  # the live login needs metadata.appBaseUrl
# Apidog names the array componentMailboxIds, the help guide mailboxIds (docs/developer/API.md#export-mailbox-ids).
PLATFORM_EXPORT_MAILBOX_IDS = "componentMailboxIds"
# Inferred read fields of a Mailbox (the simulator reports them): the platform exports queued
# or done for it, each {credentialId, app, status, exportedAt}.
MAILBOX_PLATFORM_EXPORTS = "platformExports"
PLATFORM_EXPORT_FIELDS = {"export_id": "exportId", "credential_id": "credentialId", "app": "app", "status": "status", "exported_at": "exportedAt"}
PLATFORM_EXPORT_IN_PROGRESS = "IN_PROGRESS"

MAILBOX_VALIDATE = Endpoint("POST", "/mailboxes/validate-mailbox", read_only=True)  # query: userId; body: mailboxId (inferred)
VALIDATION_VALID = "valid"  # inferred answer: {mailboxId, email, status, valid, checks: {smtp, mx, spf, dkim, dmarc}}
VALIDATION_CHECKS = "checks"
MAILBOX_OAUTH_EXPORT = Endpoint("POST", "/mailboxes/oauth")  # query: userId; body: mailboxId + google{…} | microsoft{…}; async
OAUTH_GOOGLE = "google"
OAUTH_MICROSOFT = "microsoft"
OAUTH_MICROSOFT_ROUTE = "microsoftOauthRoute"
# Inferred read fields of a Mailbox: the OAuth export's progress (IN_PROGRESS, EXPORTED) and time.
MAILBOX_EXPORT_STATUS = "exportStatus"
MAILBOX_EXPORTED_AT = "exportedAt"
EXPORT_IN_PROGRESS = "IN_PROGRESS"
EXPORT_DONE = "EXPORTED"

# --- pre-warmed domain packages (docs/developer/API.md#pre-warmed-domains) ---------------------------------
PREWARMUP_INVENTORY = Endpoint("GET", "/pre-warmup")  # query: serviceProvider, contains, page, limit; data: {inventory, currentPage, totalPages, ...}
PREWARMUP_ORDER = Endpoint("POST", "/pre-warmup/order", spends_money=True)  # query: userId; body below; 201 queued; async
PREWARMUP_INVENTORY_KEY = "inventory"
PREWARMUP_CONTAINS = "contains"
PREWARMUP_ORDER_ITEMS = "order"  # [{domain, forwardTo}]
PREWARMUP_PACKAGE_FIELDS = {"domain": "domain", "service_provider": "serviceProvider", "purchase_price": "purchasePrice", "renewal_price": "renewalPrice"}
PREWARMUP_MAILBOXES = "preWarmedUpMailboxes"
PREWARMUP_MAILBOX_FIELDS = {"email": "email", "first_name": "firstName", "last_name": "lastName", "created_at": "createdAt"}
DOMAIN_PURCHASE_TYPE_PREWARMUP = "PREWARMUP"  # purchaseType of a domain bought as a pre-warmed package (inferred)

# Recreation (docs/developer/API.md#recreation): the Apidog path (the help guide writes /subscriptions/recreate,
# docs/developer/API.md#recreation-path).
# No new charge, but it cancels the workspace subscription and provisions a new one with a NEW
# subscriptionId, so it goes through the one paid-request path (sent once, never repeated).
SUBSCRIPTION_RECREATE = Endpoint("POST", "/component/subscriptions/recreate")  # body: subscriptionIds (or domainNames); async
SUBSCRIPTION_RECREATED = "recreated"  # inferred answer: data.recreated [{previousSubscriptionId, subscriptionId, domain}]
SUBSCRIPTION_RECREATED_FROM = "previousSubscriptionId"

# --- placement (inbox) tests (docs/developer/API.md#placement-tests; help guide only) ----------------------
PLACEMENT_ORDER = Endpoint("POST", "/placement", spends_money=True)  # query: userId; body: mailboxIds, spamassassin, blacklist, aiInsight; async
PLACEMENT_REPORTS = Endpoint("GET", "/placement/reports")  # query: userId, orderId, mailboxId, page, limit; newest first
PLACEMENT_MAILBOX_IDS = "mailboxIds"
PLACEMENT_OPTIONS = {"spamassassin": "spamassassin", "blacklist": "blacklist", "ai_insight": "aiInsight"}
PLACEMENT_REPORT_FIELDS = {
    "order_id": "orderId", "status": "status", "spamassassin": "spamassassin", "blacklist": "blacklist",
    "mailbox_count": "mailboxCount", "created_at": "createdAt",  # createdAt inferred
    "ai_insight_requested": "aiInsightRequested", "ai_insight": "aiInsight",
}
PLACEMENT_REPORT_MAILBOXES = "mailboxes"
PLACEMENT_MAILBOX_FIELDS = {"placement_order_id": "placementOrderId", "mailbox_id": "mailboxId", "from_email": "fromEmail",
                            "status": "status", "report": "report"}
PLACEMENT_DONE = "COMPLETED"
