# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/runtime.yml must list every module of the collection in the action group ``cmr``.

Nothing else checks it: a missing or misspelled entry passes sanity, lint and galaxy-importer,
and module_defaults for group/coldmailreseller.cmr.cmr then silently skip that module.
"""

from __future__ import annotations

import os

import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RUNTIME = os.path.join(COLLECTION_ROOT, "meta", "runtime.yml")
MODULES_DIR = os.path.join(COLLECTION_ROOT, "plugins", "modules")
FQCN_PREFIX = "coldmailreseller.cmr."


def module_names():
    """Module names found in plugins/modules/ (private files starting with _ excluded)."""
    if not os.path.isdir(MODULES_DIR):
        return []
    return sorted(
        name[:-3]
        for name in os.listdir(MODULES_DIR)
        if name.endswith(".py") and not name.startswith("_")
    )


def action_group():
    with open(RUNTIME, encoding="utf-8") as handle:
        runtime = yaml.safe_load(handle)
    groups = runtime.get("action_groups") or {}
    assert "cmr" in groups, "meta/runtime.yml has no action group 'cmr'"
    entries = groups["cmr"] or []
    assert isinstance(entries, list), "action group 'cmr' must be a list"
    names = []
    for entry in entries:
        assert isinstance(entry, str), "action group 'cmr' has a non-string entry: %r" % (entry,)
        names.append(entry[len(FQCN_PREFIX):] if entry.startswith(FQCN_PREFIX) else entry)
    return names


def test_collection_root_located():
    assert os.path.isfile(os.path.join(COLLECTION_ROOT, "galaxy.yml")), COLLECTION_ROOT
    assert os.path.isfile(RUNTIME)


def test_action_group_has_no_duplicates():
    names = action_group()
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, "listed more than once in action group 'cmr': %s" % ", ".join(duplicates)


def test_action_group_lists_exactly_the_modules():
    listed = set(action_group())
    present = set(module_names())
    missing = sorted(present - listed)
    unknown = sorted(listed - present)
    assert not missing, "modules missing from meta/runtime.yml action group 'cmr': %s" % ", ".join(missing)
    assert not unknown, "action group 'cmr' lists modules that do not exist: %s" % ", ".join(unknown)
