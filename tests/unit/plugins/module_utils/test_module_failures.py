# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""CmrModule's failures for input ansible-core itself mishandles (found by fuzzing, tests/hostile).

Each case fails during argument validation, before any request: api_url points nowhere.
"""

from __future__ import annotations

import contextlib
import io
import json
import typing as t

import pytest
from ansible.module_utils.common.parameters import PASS_VARS

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19: the module reads its arguments from basic._ANSIBLE_ARGS
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args: dict[str, t.Any]) -> t.Iterator[None]:
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_dns_records, cmr_domain, cmr_mailbox, cmr_order, cmr_user

KEY = "unit-" + "key-4f8a2c9e7b1d3a5c"
# ansible-core 2.21 returns ``invocation`` only when the controller asks for it (the
# INJECT_INVOCATION setting); ask, so that its masking is checked on every release.
SHOW_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}
BASE = {"api_key": KEY, "api_url": "http://127.0.0.1:9/api/v1/integration"}


def run(module: t.Any, args: dict[str, t.Any]) -> dict[str, t.Any]:
    out = io.StringIO()
    with patch_module_args({**BASE, **args}), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        module.main()
    return json.loads(out.getvalue())


def test_api_key_stays_masked_when_ansible_core_drops_no_log_values() -> None:
    """A list of strings where dicts belong makes ansible-core forget every no_log value."""
    result = run(cmr_dns_records, {"user_id": "U1", "domain": "a.com", "records": [], "keep": ["not-a-dict"], **SHOW_INVOCATION})
    assert result["failed"]
    assert KEY not in json.dumps(result)
    assert result["invocation"]["module_args"]["api_key"] != KEY


@pytest.mark.parametrize("value", [float("inf"), "inf", float("-inf")])  # nan: ansible-core refuses it itself
def test_non_finite_integer_is_one_line_naming_the_option(value: t.Any) -> None:
    result = run(cmr_domain, {"user_id": "U1", "name": "a.com", "wait_timeout": value})
    assert result["failed"]
    assert result["msg"].startswith("wait_timeout must be a finite number, got ")


def test_boolean_for_a_dict_of_suboptions_is_one_line_naming_the_option() -> None:
    result = run(cmr_order, {"user_id": "U1", "domains": [{"name": "a.com"}], "confirm": True, "google": True})
    assert result["msg"] == "google must be a dict, got bool"


def test_line_breaks_quoted_from_input_are_escaped() -> None:
    result = run(cmr_user, {"email": "a@b.com", "report_errors": "v=DMARC1; p=none\nrua=mailto:x@y.com"})
    assert result["failed"] and "\n" not in result["msg"]
    assert "p=none\\nrua=mailto" in result["msg"]


# --- suboptions: ansible-core validates their types first, the collection's message names item and field

@pytest.mark.parametrize("records, message", [
    ([{"type": "A", "host": "ok", "value": "192.0.2.1"}, {"type": "MX", "host": "@", "value": "mx.example.net", "priority": "high"}],
     "records[1] (MX @): priority: expected an integer from 0 to 65535"),
    ([{"type": "A", "host": "ok", "value": "192.0.2.1", "ttl": 300}], "records[0] (A ok): ttl: unknown field"),
    ([{"type": "SPF", "host": "@", "value": "x"}], "records[0] (SPF @): type: must be one of A, AAAA"),
    ([{"host": "@", "value": "x"}], "records[0]: type: required key not provided"),
])
def test_a_refused_record_item_is_named_by_index_and_field(records: list, message: str) -> None:
    result = run(cmr_dns_records, {"user_id": "U1", "domain": "a.com", "records": records})
    assert result["failed"] and result["msg"].startswith(message)


@pytest.mark.parametrize("settings, message", [
    ({"warmup_reply_rate": 30}, "warmup_settings.warmup_reply_rate: expected a number between 0 and 1"),
    ({"warmup_limit": "many"}, "warmup_settings.warmup_limit: expected a whole number"),
    ({"warmup_limt": 4}, "warmup_settings.warmup_limt: extra keys not allowed"),
    ({"warmup_limit": float("nan")}, "warmup_settings.warmup_limit must be a finite number"),
])
def test_a_refused_warmup_setting_is_named(settings: dict, message: str) -> None:
    result = run(cmr_mailbox, {"user_id": "U1", "email": "jane@a.com", "warmup_settings": settings})
    assert result["failed"] and result["msg"].startswith(message)


def test_a_choice_ansible_core_refuses_first_is_named_by_item_too() -> None:
    result = run(cmr_dns_records, {"user_id": "U1", "domain": "a.com", "records": [{"type": "A", "host": "ok", "state": "gone"}]})
    assert result["failed"] and result["msg"].startswith("records[0] (A ok): state: must be present or absent")
