# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:

    # The connection options every module shares (docs/developer/DESIGN.md#common-options).
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - The partner API key, created in the CMR partner dashboard under Settings, Integrations.
      - Sent as the C(cmr-x-api-key) header, or as C(cmr-x-sandbox-api-key) when O(sandbox=true).
      - If not set, the value of the E(CMR_API_KEY) environment variable is used.
      - Set it once for a whole play with C(module_defaults) and the C(group/coldmailreseller.cmr.cmr) action group.
    type: str
    required: true
  api_url:
    description:
      - Base URL of the CMR partner API, including the C(/api/v1/integration) prefix.
      - Point it at the sandbox URL (with O(sandbox=true)) or at the simulator shipped in C(tests/simulator/) for tests.
      - If not set, the value of the E(CMR_API_URL) environment variable is used.
    type: str
    default: https://customers.coldmailreseller.com/api/v1/integration
  sandbox:
    description:
      - Authenticate with a sandbox key (C(cmr-x-sandbox-api-key) header).
      - The sandbox has its own base URL, so V(true) together with the default production O(api_url) is an error.
      - If not set, the value of the E(CMR_SANDBOX) environment variable is used.
    type: bool
    default: false
  validate_certs:
    description:
      - Verify the TLS certificate of the API server.
      - V(false) turns verification off for every request of the module, even when the E(REQUESTS_CA_BUNDLE) or
        E(CURL_CA_BUNDLE) environment variable is set, and the module warns.
    type: bool
    default: true
  ca_path:
    description:
      - A CA certificate file (PEM) or a folder of CA certificates, used instead of the default bundle to verify
        the TLS certificate of the API server, for example a private CA in front of a sandbox or a test server.
      - If not set, the file named by the E(REQUESTS_CA_BUNDLE) (or E(CURL_CA_BUNDLE)) environment variable is used,
        or else the C(certifi) bundle that C(requests) ships.
      - Ignored when O(validate_certs=false).
    type: path
    version_added: 0.2.0
  timeout:
    description:
      - Seconds to wait for each HTTP request, more than 0 and at most 3600.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a request that failed with HTTP 429, a 5xx status or a connection error is retried.
      - A write that may already have been applied is never re-sent, whatever this value says;
        the module re-reads the state instead.
      - From 0 to 100.
    type: int
    default: 5
  api_retry_timeout:
    description:
      - Total seconds a module may spend waiting between retries, across all its requests, from 0 to 86400.
    type: float
    default: 60
  report_errors:
    description:
      - After an unexpected failure (a 5xx status after retries, an unreadable response, a lost response to a write)
        send a report to CMR's C(/send-errors) endpoint, with passwords and other secrets redacted.
      - Errors caused by the task's own input (4xx) are never reported.
      - If not set, the value of the E(CMR_REPORT_ERRORS) environment variable is used.
    type: bool
    default: true
  api_rate_limit:
    description:
      - The most requests per second this module sends with O(api_key) to O(api_url), counted over any one-second
        window, from 0 to 1000. CMR allows 5 per key; lower it when other tools use the same key at the same time.
      - A request counts from just before it is sent until one second after its answer arrived, so the server never
        sees more than this many in a second, however long the network or the server takes.
      - V(0) turns pacing off; answers HTTP 429 are still retried after their C(Retry-After).
      - If not set, the value of the E(CMR_API_RATE_LIMIT) environment variable is used.
    type: float
    default: 5
    version_added: 0.2.0
  api_rate_shared:
    description:
      - Share the O(api_rate_limit) budget with every other process of the same user on this machine that uses the same
        O(api_url) and O(api_key) (forks, loops, parallel plays), and make them all wait out a C(Retry-After) that one of
        them receives. With V(false) each task paces only itself.
      - The budget is a small file, readable by its owner only, in the C(coldmailreseller.cmr) folder of
        E(XDG_CACHE_HOME) (default C(~/.cache)), named by a SHA-256 hash of the URL and key, never the key itself.
        A process that dies while it holds the file's lock releases it, so nothing stale is left behind.
      - When that folder cannot be used (a read-only home folder), the task warns and paces only itself.
      - If not set, the value of the E(CMR_API_RATE_SHARED) environment variable is used.
    type: bool
    default: true
    version_added: 0.2.0
notes:
  - "The modules run on the controller (or wherever the task is delegated) and talk to the CMR API over HTTPS;
    use them with C(connection: local) or C(delegate_to: localhost)."
  - Every task that uses one key on one controller shares one budget of O(api_rate_limit) requests per second
    (see O(api_rate_shared)), so C(forks), loops and parallel plays together stay within CMR's limit of 5 requests per
    second per key; a C(Retry-After) answer pauses them all.
  - An option that names or selects a CMR object (an ID, an e-mail address, a domain name, a search text) must not be
    empty when it is set; an empty value fails the task before any request, so a variable that rendered empty never
    selects every object of the account.
requirements:
  - requests
  - voluptuous
"""

    ATTRIBUTES = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the CMR account.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  action_group:
    description: Use C(group/coldmailreseller.cmr.cmr) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - coldmailreseller.cmr.cmr
"""

    # The purchase options of the modules that place orders (cmr_order, cmr_mailbox). Their
    # argument spec is module_utils/_orders.py PURCHASE_ARGUMENT_SPEC; options whose meaning
    # differs per module (confirm, wait, wait_timeout) are documented in the module.
    PURCHASE = r"""
options:
  max_cost:
    description:
      - The most this task may spend, in USD. A purchase whose estimate (RV(estimated_cost)) is higher is refused
        before anything is sent, in check mode too.
    type: float
  mailbox_price:
    description:
      - Monthly price of one mailbox in USD, used for the estimate (the first month is charged with the order).
      - The default is CMR's documented standard rate. Change it if your account has negotiated pricing.
    type: float
    default: 3.0
"""

    # The resource modules (those that change something): their uniform cmr_plan return value,
    # built once in module_utils/_engine.py. RETURN cannot use fragments, so each module's
    # RETURN repeats the same cmr_plan entry.
    PLAN = r"""
options: {}
notes:
  - Like every resource module of the collection, this module returns RV(cmr_plan) - what it plans (check mode) or did,
    with the natural key and the cost of each resource. Enable the P(coldmailreseller.cmr.plan#callback) callback
    to see one Terraform-style plan, with its total cost, for a whole run.
"""

    # Used together with ATTRIBUTES by modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""

    # The domain whose DNS records the DNS modules read or change (with _dns.DOMAIN_ARGUMENT_SPEC).
    DNS_DOMAIN = r"""
options:
  user_id:
    description:
      - The CMR user ID that owns O(domain). CMR refuses (and the module fails) when the user does not own the domain.
    type: str
    required: true
  domain:
    description:
      - The domain name, for example V(acme-mail.com).
    type: str
    required: true
"""
