# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The names CMR refuses, checked before any request.

An order for a domain plus its mailboxes may be split into several paid requests; a name CMR
refuses in the last of them must fail the task before the first one is paid, in check mode
too. Each function returns a problem description (to be prefixed with the option's name) or
None when the name is acceptable.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import cap
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

# The local part of a mailbox address: ASCII letters and digits, with '.', '_' or '-' inside,
# at most 64 characters (the limit of an e-mail local part).
_USERNAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$", re.IGNORECASE | re.ASCII)
# A registrable name: labels of letters, digits and inner hyphens (IDNs in their xn-- form),
# a letter-only top-level domain, 4 to 253 characters.
_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def username_problem(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not _USERNAME.match(value.strip()):
        return ("must be a mailbox user name of ASCII letters and digits, with '.', '_' or '-' inside, "
                "at most 64 characters, got %r" % cap(value, 80))
    return None


def person_name_problem(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not value.strip():
        return "must not be empty"
    if _CONTROL.search(value):
        return "must not contain line breaks or other control characters"
    return None


def domain_name_problem(value: t.Any) -> t.Optional[str]:
    name = value.strip().rstrip(".").lower() if isinstance(value, str) else ""
    if not _DOMAIN.match(name):
        hint = " (write an internationalised name in its xn-- form)" if isinstance(value, str) and not value.isascii() else ""
        return "must be a domain name such as acme-outreach.com, got %r%s" % (cap(value, 80), hint)
    return None


def email_problem(value: t.Any) -> t.Optional[str]:
    local, sep, domain = value.strip().rpartition("@") if isinstance(value, str) else ("", "", "")
    if not sep or not local or any(ch.isspace() or ch == "@" for ch in local) or domain_name_problem(domain):
        return "must be an e-mail address such as jane@acme.example, got %r" % cap(value, 80)
    return None


def check_person_names(values: t.Mapping[str, t.Any]) -> None:
    """Stop on the first person name CMR would refuse, named as its option (first_name, last_name)."""
    for option, value in values.items():
        problem = value is not None and person_name_problem(value)
        if problem:
            raise CmrModuleError("%s %s" % (option, problem))


def canonical_name(name: str) -> str:
    """Domain names compare without letter case and without a trailing dot."""
    return name.strip().rstrip(".").lower()
