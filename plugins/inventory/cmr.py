# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: cmr
short_description: Cold Mail Reseller domains, mailboxes or customers as inventory hosts
version_added: 0.2.0
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
description:
  - Reads the partner account of Cold Mail Reseller (CMR) and makes every domain (default), every mailbox
    or every customer (user) a host, so that other plays can run over them, for example a DNS baseline over
    every C(ACTIVE) domain.
  - Host variables start with C(cmr_) - every field of the object as the modules return it, for example
    C(cmr_domain_id), C(cmr_name), C(cmr_status), C(cmr_expiry_date), C(cmr_service_provider), C(cmr_auto_renew)
    and C(cmr_subscription_id) of a domain; C(cmr_mailbox_id), C(cmr_email), C(cmr_domain), C(cmr_status),
    C(cmr_warmup) and C(cmr_expiry_date) of a mailbox; C(cmr_email), C(cmr_company) and C(cmr_country) of a
    customer - plus C(cmr_type) (V(domain), V(mailbox) or V(user)), C(cmr_user_id) (the owning customer, or the
    customer itself), and for domains and mailboxes C(cmr_owner) (the customer's e-mail address) and
    C(cmr_owner_company). Fields CMR does not report are left out.
  - The hosts are API objects, not machines, so every host gets C(ansible_connection=local) and, as
    C(ansible_python_interpreter), the Python interpreter that runs Ansible, where the collection's requirements
    are installed. O(compose) can override both.
  - Hosts are grouped by kind (V(cmr_domains), V(cmr_mailboxes), V(cmr_users)), by owner
    (C(cmr_owner_<e-mail address>)), by status (C(cmr_status_<status>)) and by service provider
    (C(cmr_provider_<provider>)); group names are lowercase, with every character that is not allowed in a
    group name replaced by C(_).
  - Every page of every list is read. Requests are paced like the modules' (below CMR's limit of 5 requests
    per second per key) and retried the same way; one customer list plus one request per customer (and page)
    are needed.
  - Secrets never become host variables - the API key is not stored anywhere, and mailbox credentials are not
    read. With O(cache=true) only the objects read from CMR are cached.
  - The configuration file must be named C(<anything>.cmr.yml) or C(<anything>.cmr.yaml).
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
requirements:
  - requests
  - voluptuous
options:
  plugin:
    description:
      - The name of this plugin; it makes the file a configuration of this plugin.
    type: str
    required: true
    choices: [coldmailreseller.cmr.cmr]
  api_key:
    description:
      - The partner API key, as for the modules.
      - May be a template, for example a lookup of a vaulted variable file or of another environment variable.
      - It is only used to authenticate; it never becomes a host variable and is not cached.
    type: str
    env:
      - name: CMR_API_KEY
  api_url:
    description:
      - Base URL of the CMR partner API, including the C(/api/v1/integration) prefix.
    type: str
    default: https://customers.coldmailreseller.com/api/v1/integration
    env:
      - name: CMR_API_URL
  sandbox:
    description:
      - Authenticate with a sandbox key; the sandbox needs its own O(api_url).
    type: bool
    default: false
    env:
      - name: CMR_SANDBOX
  validate_certs:
    description:
      - Verify the TLS certificate of the API server.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a request that failed with HTTP 429, a 5xx status or a connection error is retried.
    type: int
    default: 5
  api_retry_timeout:
    description:
      - Total seconds the plugin may spend waiting between retries, across all its requests.
    type: float
    default: 60
  report_errors:
    description:
      - After an unexpected failure (a 5xx status after retries, an unreadable response) send a report to
        CMR's C(/send-errors) endpoint, with secrets redacted.
    type: bool
    default: true
    env:
      - name: CMR_REPORT_ERRORS
  host_type:
    description:
      - Which CMR objects become hosts.
      - V(domains) - every domain of every customer; the host name is the domain name.
      - V(mailboxes) - every mailbox of every customer; the host name is its e-mail address.
      - V(users) - every customer; the host name is the customer's e-mail address.
    type: str
    choices: [domains, mailboxes, users]
    default: domains
  users:
    description:
      - Only the objects of these customers, given by user ID or e-mail address.
      - The customer list is read in full either way; this saves the requests for the other customers' objects.
    type: list
    elements: str
    default: []
  filters:
    description:
      - Which hosts to keep, as a list of rules; each rule has one key, C(include) or C(exclude), whose value is
        a Jinja2 condition over the host's variables (the C(cmr_) variables, before O(compose)).
      - The first rule whose condition is true decides; a host no rule matches is kept.
      - "For example V([{exclude: \"cmr_status != 'ACTIVE'\"}]) keeps only C(ACTIVE) objects."
    type: list
    elements: dict
    default: []
notes:
  - "Run plays over these hosts with C(gather_facts: false): they are API objects, there is nothing to gather."
  - The modules of the collection take C(api_key) from the same E(CMR_API_KEY) variable, so a play over these hosts
    needs no further credentials.
  - Parallel tasks with one key share CMR's limit of 5 requests per second; each module paces itself and retries on
    HTTP 429, so a moderate C(forks) (4 or 5) is the fastest setting.
"""

EXAMPLES = r"""
# A configuration file, named for example active.cmr.yml: the ACTIVE domains of the account, the
# key from a vaulted file (or leave api_key out to use CMR_API_KEY), a group per expiry year, a
# group for one customer's company, a composed variable, and a cache of one hour.
plugin: coldmailreseller.cmr.cmr
api_key: "{{ lookup('ansible.builtin.unvault', 'cmr_api_key.vault') | trim }}"
filters:
  - include: cmr_status == 'ACTIVE'
  - exclude: true
keyed_groups:
  - key: cmr_expiry_date[:4]
    prefix: expires
groups:
  acme: cmr_owner_company == 'Acme Outreach'
compose:
  owner_email: cmr_owner
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/cmr-inventory
cache_timeout: 3600

# The smallest configuration (cmr.cmr.yml), every domain of the account, the key from CMR_API_KEY:
#
#   plugin: coldmailreseller.cmr.cmr
#
# The mailboxes of two customers (by e-mail address or user ID), grouped by warm-up state:
#
#   plugin: coldmailreseller.cmr.cmr
#   host_type: mailboxes
#   users:
#     - ops@acme-outreach.example
#     - 6650a1b2c3d4e5f6a7b8c9d0
#   keyed_groups:
#     - key: cmr_warmup | default('none') | lower
#       prefix: warmup
#
# The DNS baseline (MX, SPF, DMARC, tracking CNAME) of every ACTIVE domain, five domains at a
# time, with the playbook this collection ships (hosts: cmr_status_active):
#
#   ansible-playbook -i cmr.cmr.yml coldmailreseller.cmr.dns_baseline_inventory --forks 5
#
# Its task, for a play of your own over these hosts (gather_facts: false):
#
#   - name: Ensure the baseline records of the domain
#     coldmailreseller.cmr.cmr_dns_records:
#       user_id: "{{ cmr_user_id }}"
#       domain: "{{ inventory_hostname }}"
#       records:
#         - {type: MX, host: "@", value: smtp.google.com, priority: 1}
#         - {type: TXT, host: "@", value: "v=spf1 include:_spf.google.com ~all", on_existing: replace}
#         - {type: TXT, host: _dmarc, value: "v=DMARC1; p=none"}
"""

import sys
import typing as t

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._domains import canonical_name, list_domains
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import canonical_email, list_mailboxes
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModuleError, describe_api_error
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import strip_secrets
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import find_users, same_email

PREFIX = "cmr_"
# host_type -> (value of cmr_type, group of every host of that kind)
KINDS = {
    "domains": ("domain", "cmr_domains"),
    "mailboxes": ("mailbox", "cmr_mailboxes"),
    "users": ("user", "cmr_users"),
}
# Groups by a host variable: group prefix -> variable. Users have neither status nor provider.
GROUPED_BY = (("cmr_owner_", "cmr_owner"), ("cmr_status_", "cmr_status"), ("cmr_provider_", "cmr_service_provider"))


class Host(t.NamedTuple):
    name: str
    variables: dict[str, t.Any]
    groups: list[str]


# --- reading the account (what the cache holds) -------------------------------------------------

def read_estate(client: CmrClient, host_type: str, wanted: t.Sequence[str]) -> dict[str, t.Any]:
    """The customers and, for domains/mailboxes, their objects: {"users": [...], "objects": {user_id: [...]}}.

    Everything is read through the modules' readers, so pagination, pacing and retries are the same.
    """
    users = [user for user in find_users(client) if _is_wanted(user, wanted)]
    objects: dict[str, list[dict[str, t.Any]]] = {}
    for user in users:
        user_id = str(user.get("user_id") or "")
        if host_type == "domains" and user_id:
            objects[user_id] = list_domains(client, user_id)
        elif host_type == "mailboxes" and user_id:
            objects[user_id] = list_mailboxes(client, user_id)
    return strip_secrets({"users": users, "objects": objects})


def _is_wanted(user: t.Mapping[str, t.Any], wanted: t.Sequence[str]) -> bool:
    if not wanted:
        return True
    return any(item == user.get("user_id") or same_email(item, user.get("email")) for item in wanted)


# --- turning it into hosts ----------------------------------------------------------------------

def build_hosts(estate: t.Mapping[str, t.Any], host_type: str, interpreter: str) -> list[Host]:
    """Every host of the estate with its cmr_ variables and default groups, in a stable order."""
    kind, kind_group = KINDS[host_type]
    hosts: list[Host] = []
    for user in estate.get("users") or []:
        if host_type == "users":
            items: list[t.Mapping[str, t.Any]] = [user]
        else:
            items = (estate.get("objects") or {}).get(str(user.get("user_id") or "")) or []
        for item in items:
            name = host_name(kind, item)
            if not name:
                continue
            variables = host_variables(kind, item, user, interpreter)
            hosts.append(Host(name, variables, [kind_group] + default_groups(variables)))
    return sorted(hosts, key=lambda host: host.name)


def host_name(kind: str, item: t.Mapping[str, t.Any]) -> str:
    if kind == "domain":
        return canonical_name(str(item.get("name") or ""))
    return canonical_email(str(item.get("email") or ""))


def host_variables(kind: str, item: t.Mapping[str, t.Any], owner: t.Mapping[str, t.Any], interpreter: str) -> dict[str, t.Any]:
    variables = {PREFIX + key: value for key, value in strip_secrets(dict(item)).items() if value is not None}
    variables[PREFIX + "type"] = kind
    if kind != "user":
        variables[PREFIX + "user_id"] = variables.get(PREFIX + "user_id") or owner.get("user_id")
        variables[PREFIX + "owner"] = owner.get("email")
        if owner.get("company"):
            variables[PREFIX + "owner_company"] = owner["company"]
    # API objects, not machines: modules run on the controller, with the Python that runs Ansible
    # (where requests and voluptuous are installed), as for the implicit localhost.
    variables["ansible_connection"] = "local"
    variables["ansible_python_interpreter"] = interpreter
    return variables


def default_groups(variables: t.Mapping[str, t.Any]) -> list[str]:
    groups = []
    for prefix, variable in GROUPED_BY:
        value = variables.get(variable)
        if isinstance(value, str) and value:
            groups.append(group_name(prefix + value))
    return groups


def group_name(raw: str) -> str:
    """Lowercase, and every character a group name may not hold replaced by '_'."""
    return "".join(char if char.isalnum() and char.isascii() or char == "_" else "_" for char in raw.lower())


# --- the plugin ---------------------------------------------------------------------------------

class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "coldmailreseller.cmr.cmr"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("cmr.yml", "cmr.yaml"))

    def parse(self, inventory: t.Any, loader: t.Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        estate = self._cached_estate(path, cache)
        strict = self.get_option("strict")
        for host in build_hosts(estate, self.get_option("host_type"), sys.executable):
            if self._keep(host):
                self._add(host, strict)

    def _cached_estate(self, path: str, cache: bool) -> dict[str, t.Any]:
        """The estate from the cache when allowed and present; else read from CMR (and cached when enabled)."""
        key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        if use_cache and cache:
            try:
                return self._cache[key]
            except KeyError:
                pass  # not cached yet or expired: read and cache it
        estate = self._read_from_cmr()
        if use_cache:
            self._cache[key] = estate
        return estate

    def _read_from_cmr(self) -> dict[str, t.Any]:
        client = None
        try:
            client = self._client()
            return read_estate(client, self.get_option("host_type"), self.get_option("users") or [])
        except CmrApiError as exc:  # includes CmrConfigError: unusable options, nothing was sent
            raise AnsibleParserError("coldmailreseller.cmr.cmr: %s" % describe_api_error(exc)) from None
        except CmrModuleError as exc:
            raise AnsibleParserError("coldmailreseller.cmr.cmr: %s" % exc) from None
        finally:
            if client is not None:
                client.close()

    def _client(self) -> CmrClient:
        return CmrClient(
            self.get_option("api_url"),
            self._api_key(),
            sandbox=self.get_option("sandbox"),
            validate_certs=self.get_option("validate_certs"),
            timeout=self.get_option("timeout"),
            retries=self.get_option("api_retries"),
            retry_timeout=self.get_option("api_retry_timeout"),
            report_errors=self.get_option("report_errors"),
        )

    def _api_key(self) -> str:
        key = self.get_option("api_key")
        if isinstance(key, str) and self.templar.is_template(key):
            self.templar.available_variables = self._vars or {}
            key = self.templar.template(key)
        return to_native(key or "").strip()

    def _keep(self, host: Host) -> bool:
        """The first filter rule whose condition holds decides; no matching rule keeps the host."""
        for rule in self.get_option("filters") or []:
            if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in ("include", "exclude"):
                raise AnsibleParserError("coldmailreseller.cmr.cmr: each filters entry needs exactly one key, include or exclude; got %r" % (rule,))
            (action, condition), = rule.items()
            try:
                # A YAML true/false is a condition too (for example a last "exclude: true").
                matches = condition if isinstance(condition, bool) else boolean(self._compose(condition, host.variables), strict=False)
            except Exception as exc:
                raise AnsibleParserError("coldmailreseller.cmr.cmr: filters %s %r failed for %s: %s" % (action, condition, host.name, to_native(exc))) from None
            if matches:
                return action == "include"
        return True

    def _add(self, host: Host, strict: bool) -> None:
        self.inventory.add_host(host.name)
        for name, value in host.variables.items():
            self.inventory.set_variable(host.name, name, value)
        for group in host.groups:
            self.inventory.add_group(group)
            self.inventory.add_child(group, host.name)
        self._set_composite_vars(self.get_option("compose"), host.variables, host.name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), host.variables, host.name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host.variables, host.name, strict=strict)
