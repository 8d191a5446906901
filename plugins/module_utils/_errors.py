# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The failure a module explains itself.

It lives apart from ``_module`` (which imports AnsibleModule) so that the area files and the
engine below the module layer stay plain Python that unit tests import without Ansible's
module machinery.
"""

from __future__ import annotations

import typing as t


class CmrModuleError(Exception):
    """A failure a module explains itself; ``details`` are extra result keys (e.g. changed=True)."""

    def __init__(self, message: str, **details: t.Any) -> None:
        super().__init__(message)
        self.details = details
