# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: customer_declaration
short_description: Write what a CMR customer holds as a variables file for the collection's playbooks
version_added: 0.2.0
description:
  - Turns what the C(_info) modules read about one customer (account, domains, DNS records, mailboxes,
    subscriptions) into the text of a YAML variables file in the shape the collection's playbooks take with
    C(-e @file.yml) (C(onboard_customer), C(dns_baseline)); run with it, they plan no change at all.
  - The playbook C(coldmailreseller.cmr.export_estate) uses it to write one file per customer.
  - Only whitelisted, non-secret fields are written. Mailbox credentials never reach the filter (the info modules do not
    return them unless asked), and the filter would not copy them if they did.
  - Settings that CMR does not report back are left out, and a comment in the file says which ones
    (a value written without knowing it would make every later run report a change).
  - The output is deterministic (sorted), so exporting an unchanged account again gives the same file.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
positional: _input
options:
  _input:
    description:
      - What is known about the customer, as a dictionary with these keys, each holding what an C(_info) module returns.
      - C(user) - one item of the C(users) of M(coldmailreseller.cmr.cmr_user_info).
      - C(domains) - the C(domains) of M(coldmailreseller.cmr.cmr_domain_info).
      - C(records) - a dictionary from domain name to the C(records) of M(coldmailreseller.cmr.cmr_dns_record_info);
        C(disabled_records) (optional) - the same for its C(disabled_records).
      - C(mailboxes) - the C(mailboxes) of M(coldmailreseller.cmr.cmr_mailbox_info).
      - C(subscriptions) - the C(subscriptions) of M(coldmailreseller.cmr.cmr_subscription_info); other customers' are ignored.
    type: dict
    required: true
  dns_purge:
    description:
      - The value written for C(dns_purge). V(true) makes each domain's record list authoritative for the playbooks
        (records added later outside the file are deleted on the next run); V(false) leaves records the file does not list alone.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Write the declaration of one customer
  ansible.builtin.copy:
    dest: "declarations/{{ user.email }}.yml"
    content: >-
      {{ {'user': user, 'domains': domains.domains, 'records': records_by_domain,
          'mailboxes': mailboxes.mailboxes, 'subscriptions': subscriptions.subscriptions}
         | coldmailreseller.cmr.customer_declaration }}
    mode: "0600"
"""

RETURN = r"""
_value:
  description:
    - The text of the variables file, starting with C(---); it sets C(customer), C(customer_domains), C(service_provider),
      C(customer_domain_settings), C(customer_subscriptions), C(customer_mailboxes), C(customer_mailbox_warmup),
      C(dns_purge) and C(customer_dns_records).
  type: str
"""

import typing as t
from collections import Counter

import yaml  # a dependency of ansible-core itself, so always present on the controller

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api

# cmr_mailbox's warmup choice that leaves each CMR warm-up status as it is. "stopped" also stands
# for "never enrolled": both mean "not warming up", and neither asks the module to do (or pay) anything.
WARMUP_CHOICE = {
    _api.WARMUP_ACTIVE: "active",
    _api.WARMUP_PENDING: "active",  # enrolled, starting
    _api.WARMUP_PAUSED: "paused",
    _api.WARMUP_STOPPED: "stopped",
    None: "stopped",
}
LIVE_SUBSCRIPTIONS = (_api.SUBSCRIPTION_ACTIVE, _api.SUBSCRIPTION_RENEWING, _api.SUBSCRIPTION_PAST_DUE)
# cmr_domain options written when CMR reports a value, in this order; pairs go together.
DOMAIN_SETTINGS = ("auto_renew", "forward_to", "mask_forwarding", "email_forward_to", "google_client_id", "google_app_name")
RECORD_TYPE_ORDER = ("MX", "TXT", "CNAME", "A", "AAAA", "CAA", "NS", "SRV")

HEADER = """\
---
# Declaration of the CMR customer {email} (user_id {user_id}), written by
# coldmailreseller.cmr.export_estate from what the account holds. Run with it, the
# collection's playbooks plan no change:
#
#   ansible-playbook coldmailreseller.cmr.onboard_customer -e @{file} --check --diff
#
# Review it, commit it, then change the account by changing this file. It holds no secret:
# no API key, no mailbox password, app password or authenticator secret.
"""


class _Dumper(yaml.SafeDumper):
    """Block style with indented sequences (what yamllint's default configuration expects)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> t.Any:
        return super().increase_indent(flow, False)


def _plain(value: t.Any) -> t.Any:
    """Plain Python values: templating hands filters str subclasses that SafeDumper refuses."""
    if isinstance(value, t.Mapping):
        return {_text(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return _text(value)


def _text(value: t.Any) -> str:
    """An exact ``str``: ansible-core < 2.19's AnsibleUnsafeText is a str subclass whose
    ``__str__`` returns itself, so neither to_text() nor str() unwraps it; str.__str__ does."""
    return str.__str__(to_text(value))


def _dump(value: t.Any, indent: int) -> str:
    """``value`` as YAML, every line indented by ``indent`` spaces."""
    text = yaml.dump(value, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=100000)
    pad = " " * indent
    return "".join(pad + line + "\n" for line in text.splitlines())


def _comment(text: str, indent: int = 0) -> str:
    return "".join(" " * indent + "# " + line + "\n" for line in text.splitlines())


def _name(value: t.Any) -> str:
    return to_text(value or "").strip().rstrip(".").lower()


class Declaration:
    """The sections of one customer's file, each rendered as text with its comments."""

    def __init__(self, estate: t.Mapping[str, t.Any], dns_purge: bool) -> None:
        estate = _plain(estate)
        self.user: dict[str, t.Any] = estate.get("user") or {}
        if not self.user.get("email") or not self.user.get("user_id"):
            raise AnsibleFilterError("customer_declaration: the input's user needs an email and a user_id (an item of cmr_user_info's users)")
        self.domains = sorted((d for d in estate.get("domains") or [] if _name(d.get("name"))), key=lambda d: _name(d["name"]))
        self.names = [_name(d["name"]) for d in self.domains]
        self.records = {_name(key): value or [] for key, value in (estate.get("records") or {}).items()}
        self.disabled = {_name(key): value or [] for key, value in (estate.get("disabled_records") or {}).items()}
        self.mailboxes = [m for m in estate.get("mailboxes") or [] if m.get("email")]
        user_id = self.user["user_id"]
        self.subscriptions = [s for s in estate.get("subscriptions") or [] if s.get("user_id") in (None, user_id)]
        self.dns_purge = bool(dns_purge)

    def render(self) -> str:
        email = _name(self.user["email"])
        parts = [
            HEADER.format(email=email, user_id=self.user["user_id"], file=email + ".yml"),
            self.customer(),
            self.customer_domains(),
            self.domain_settings(),
            self.customer_subscriptions(),
            self.customer_mailboxes(),
            self.mailbox_warmup(),
            self.dns(),
        ]
        return "\n".join(parts)

    # --- sections ---------------------------------------------------------------------------------
    def customer(self) -> str:
        details = {key: self.user[key] for key in _api.USER_FIELDS if self.user.get(key) not in (None, "")}
        return _comment("The customer account (cmr_user); the e-mail address identifies it.") + _dump({"customer": details}, 0)

    def customer_domains(self) -> str:
        text = _comment(
            "Domains the customer owns. Owned domains are never ordered again; add an item\n"
            "(name, years) to order a new one."
        )
        text += _dump({"customer_domains": [{"name": name} for name in self.names]}, 0)
        providers = Counter(d.get("service_provider") for d in self.domains if d.get("service_provider"))
        provider = providers.most_common(1)[0][0] if providers else _api.DEFAULT_SERVICE_PROVIDER
        text += "\n" + _comment("Workspace provider of mailboxes ordered from now on (GOOGLE or MICROSOFT).")
        if len(providers) > 1:
            text += _comment("The domains use %s; the most common one is written." % ", ".join(sorted(providers)))
        return text + _dump({"service_provider": provider}, 0)

    def domain_settings(self) -> str:
        text = _comment("Settings of each domain (coldmailreseller.cmr.cmr_domain options).")
        if not self.domains:
            return text + "customer_domain_settings: {}\n"
        text += "customer_domain_settings:\n"
        for domain in self.domains:
            name = _name(domain["name"])
            unreported = sorted(key for key in _api.DOMAIN_UNREPORTED if key not in domain)
            if unreported:
                text += _comment(
                    "%s: CMR did not report %s, so %s left out; add the value you\n"
                    "want only if you manage it (the playbooks then send it on every run)."
                    % (name, ", ".join(unreported), "it is" if len(unreported) == 1 else "they are"),
                    2,
                )
            text += _dump({name: domain_settings_of(domain)}, 2)
        return text

    def customer_subscriptions(self) -> str:
        text = _comment("Auto-renew of each domain's running mailbox subscription (cmr_subscription).")
        current: dict[str, dict[str, t.Any]] = {}
        ended: dict[str, str] = {}
        for sub in self.subscriptions:
            name = _name(sub.get("domain"))
            if name not in self.names:
                continue
            if sub.get("status") in LIVE_SUBSCRIPTIONS and isinstance(sub.get("auto_renew"), bool):
                current[name] = {"auto_renew": sub["auto_renew"]}
            else:
                ended[name] = to_text(sub.get("status") or "of unknown status")
        ended = {name: status for name, status in ended.items() if name not in current}
        if ended:
            text += _comment(
                "Not declared, no running subscription: %s."
                % ", ".join("%s (%s)" % (name, status) for name, status in sorted(ended.items()))
            )
        if not current:
            return text + "customer_subscriptions: {}\n"
        return text + _dump({"customer_subscriptions": dict(sorted(current.items()))}, 0)

    def customer_mailboxes(self) -> str:
        by_domain: dict[str, list[dict[str, t.Any]]] = {}
        for mailbox in sorted(self.mailboxes, key=lambda m: _name(m["email"])):
            username, _sep, domain = _name(mailbox["email"]).partition("@")
            spec = {"username": username, "first_name": mailbox.get("first_name") or "", "last_name": mailbox.get("last_name") or ""}
            if mailbox.get("profile_picture"):
                spec["profile_picture"] = mailbox["profile_picture"]
            by_domain.setdefault(domain, []).append(spec)
        text = _comment("Mailboxes on each domain with their names (cmr_order creates missing ones, cmr_mailbox\n"
                        "keeps the names).")
        if not by_domain:
            return text + "customer_mailboxes: {}\n"
        return text + _dump({"customer_mailboxes": dict(sorted(by_domain.items()))}, 0)

    def mailbox_warmup(self) -> str:
        warmup = {_name(m["email"]): WARMUP_CHOICE.get(m.get("warmup"), "stopped") for m in self.mailboxes}
        text = _comment(
            "Warm-up of each mailbox: active, paused or stopped (stopped also stands for never enrolled;\n"
            "enrolling is charged). Mailboxes not listed here get mailbox_warmup.\n"
            "Warm-up settings (cmr_mailbox's warmup_settings) are write-only in CMR's documented API:\n"
            "they are not exported."
        )
        unknown = sorted(_name(m["email"]) for m in self.mailboxes if m.get("warmup") not in WARMUP_CHOICE)
        if unknown:
            text += _comment("Unknown warm-up status, written as stopped: %s." % ", ".join(unknown))
        if not warmup:
            return text + "customer_mailbox_warmup: {}\n"
        return text + _dump({"customer_mailbox_warmup": dict(sorted(warmup.items()))}, 0)

    def dns(self) -> str:
        text = _comment(
            "DNS records of each domain (cmr_dns_records). A domain listed here gets exactly these\n"
            "records instead of the DNS baseline of dns_baseline.yml. With dns_purge: true, records\n"
            "that are not listed are deleted."
        )
        text += _dump({"dns_purge": self.dns_purge}, 0)
        if not self.domains:
            return text + "customer_dns_records: {}\n"
        text += "customer_dns_records:\n"
        for name in self.names:
            records, notes = records_of(name, self.records.get(name, []))
            if self.disabled.get(name):
                notes.append("%d record(s) CMR lists as disabled are not declared." % len(self.disabled[name]))
            if notes:
                text += _comment("\n".join("%s: %s" % (name, note) for note in notes), 2)
            text += _dump({name: records}, 2) if records else "  %s: []\n" % name
        return text


def domain_settings_of(domain: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The cmr_domain settings CMR reports with a value; a null setting is not configured."""
    settings = {key: domain[key] for key in DOMAIN_SETTINGS if domain.get(key) is not None}
    if "forward_to" not in settings:
        settings.pop("mask_forwarding", None)  # cmr_domain requires forward_to with it
    if not (settings.get("google_client_id") and settings.get("google_app_name")):
        settings.pop("google_client_id", None)  # cmr_domain takes them only together
        settings.pop("google_app_name", None)
    return settings


def records_of(domain: str, records: t.Sequence[t.Mapping[str, t.Any]]) -> tuple[list[dict[str, t.Any]], list[str]]:
    """cmr_dns_records items for the stored records, and notes about what could not be written."""
    items, notes = [], []
    for record in records:
        kind, host, value = to_text(record.get("type") or "").upper(), to_text(record.get("host") or "@"), record.get("value")
        if not value:
            notes.append("the %s record on %s has no value: left out." % (kind, host))
            continue
        item: dict[str, t.Any] = {"type": kind, "host": host, "value": to_text(value)}
        if kind == "MX":
            if record.get("priority") is None:
                notes.append("the MX record %s has no readable priority: left out." % value)
                continue
            item["priority"] = int(record["priority"])
        if record.get("excluded_dmarc_tags"):
            item["excluded_dmarc_tags"] = list(record["excluded_dmarc_tags"])
        if kind == "TXT" and host.startswith("_dmarc") and _appended_tags(item):
            notes.append(
                "the DMARC value on %s holds tags CMR adds by itself to a value that lacks them\n"
                "(%s). It is written as CMR stores it; a value without them plans no change either."
                % (host, ", ".join(_appended_tags(item)))
            )
        items.append(item)
    order = {kind: index for index, kind in enumerate(RECORD_TYPE_ORDER)}
    items.sort(key=lambda i: (order.get(i["type"], len(order)), i["host"], i.get("priority") or 0, i["value"].lower()))
    return items, notes


def _appended_tags(item: t.Mapping[str, t.Any]) -> list[str]:
    """CMR's own report tags present in a DMARC value (those it appends unless excluded)."""
    present = {part.partition("=")[0].strip().lower() for part in item["value"].split(";") if "=" in part}
    excluded = set(item.get("excluded_dmarc_tags") or ())
    return [tag for tag in _api.DMARC_APPENDED_TAGS if tag in present and tag not in excluded]


def customer_declaration(estate: t.Any, dns_purge: bool = False) -> str:
    if not isinstance(estate, t.Mapping):
        raise AnsibleFilterError("customer_declaration expects a dictionary (user, domains, records, mailboxes, subscriptions), got %s" % type(estate).__name__)
    return Declaration(estate, dns_purge).render()


class FilterModule:
    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"customer_declaration": customer_declaration}
