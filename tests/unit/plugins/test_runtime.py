# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/runtime.yml must list every module of the collection in the action group ``cmr``, and
nothing else (the inventory plugin ``coldmailreseller.cmr.cmr`` is not a module: it takes no
module_defaults).

Nothing else checks it: a missing or misspelled entry passes sanity, lint and galaxy-importer,
and module_defaults for group/coldmailreseller.cmr.cmr then silently skip that module.
"""

from __future__ import annotations

import os

import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RUNTIME = os.path.join(COLLECTION_ROOT, "meta", "runtime.yml")
MODULES_DIR = os.path.join(COLLECTION_ROOT, "plugins", "modules")
INVENTORY_DIR = os.path.join(COLLECTION_ROOT, "plugins", "inventory")
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


def inventory_plugin_names():
    """Inventory plugin names found in plugins/inventory/."""
    if not os.path.isdir(INVENTORY_DIR):
        return []
    return sorted(name[:-3] for name in os.listdir(INVENTORY_DIR) if name.endswith(".py") and not name.startswith("_"))


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


def test_inventory_plugins_are_not_in_the_action_group():
    inventory = inventory_plugin_names()
    assert "cmr" in inventory, "plugins/inventory/cmr.py not found in %s" % INVENTORY_DIR
    # An inventory plugin that shares a module's name would be listed as that module; none may.
    assert not set(inventory) & set(module_names()), "inventory plugins named like modules: %s" % sorted(set(inventory) & set(module_names()))
    assert not set(inventory) & set(action_group()), "action group 'cmr' lists inventory plugins: %s" % sorted(set(inventory) & set(action_group()))
