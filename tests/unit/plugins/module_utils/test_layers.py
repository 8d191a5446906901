# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The layers of plugins/module_utils (docs/developer/ARCHITECTURE.md, "Folder map") hold.

Each file imports only from the layers above it; only the module wrapper touches AnsibleModule;
no module builds a request itself.
"""

from __future__ import annotations

import pathlib
import re

import pytest

PLUGINS = pathlib.Path(__file__).resolve().parents[4] / "plugins"

# Top to bottom: a file may import the files listed before it, never those after it.
LAYERS = [
    "_api", "_secrets", "_pacing", "_client", "_errors", "_time", "_names", "_wait",  # API map, rate budget, client, plain helpers
    "_paid",  # the one paid-request path
    "_users", "_domains", "_dns", "_mailboxes", "_subscriptions", "_geo",  # API areas
    "_exports", "_prewarmup", "_placement",  # API areas: exports, pre-warmed domains, placement tests
    "_wallet", "_orders",  # money: the wallet, order costing and placing
    "_engine", "_recordset",  # the resource cycle
    "_module",  # the AnsibleModule wrapper
]

IMPORT = re.compile(r"module_utils(?:\.(_\w+)| import ([\w, ]+))")


def imported(path: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for single, many in IMPORT.findall(path.read_text()):
        names.update([single] if single else [name.strip() for name in many.split(",")])
    return {name for name in names if name.startswith("_")}


def test_every_module_utils_file_has_a_layer() -> None:
    assert sorted(path.stem for path in (PLUGINS / "module_utils").glob("_*.py")) == sorted(LAYERS)


@pytest.mark.parametrize("name", LAYERS)
def test_a_file_imports_only_the_layers_above_it(name: str) -> None:
    above = set(LAYERS[:LAYERS.index(name)])
    assert imported(PLUGINS / "module_utils" / (name + ".py")) <= above


@pytest.mark.parametrize("path", sorted((PLUGINS / "module_utils").glob("_*.py")), ids=lambda path: path.name)
def test_only_the_module_wrapper_imports_ansible_module(path: pathlib.Path) -> None:
    uses_basic = "ansible.module_utils.basic" in path.read_text()
    assert uses_basic == (path.name == "_module.py")


@pytest.mark.parametrize("path", sorted((PLUGINS / "modules").glob("*.py")), ids=lambda path: path.name)
def test_no_module_builds_a_request(path: pathlib.Path) -> None:
    assert not re.search(r"\.call\(|\.get_all\(", path.read_text())
