# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.coldmailreseller.cmr.plugins.filter.webhook_verify import FilterModule
from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils._webhook import sign

KEY = "partner-key-0123456789abcdef0123456789abcdef"
BODY = '{"event":"subscription.past_due","eventId":"EV9","data":{"userId":"U1"}}'
webhook_verify = FilterModule().filters()["webhook_verify"]


def test_valid_delivery() -> None:
    timestamp = str(int(time.time()))
    result = webhook_verify(BODY, sign(BODY, timestamp, KEY, "body/base64"), timestamp, KEY)
    assert result["valid"] is True and result["scheme"] == "body/base64" and result["reason"] == ""


def test_wrong_key_and_stale() -> None:
    timestamp = str(int(time.time()))
    assert webhook_verify(BODY, sign(BODY, timestamp, "other-key"), timestamp, KEY)["valid"] is False
    old = str(int(time.time()) - 3600)
    result = webhook_verify(BODY, sign(BODY, old, KEY), old, KEY, max_age=600)
    assert result["valid"] is False and "more than 600s" in result["reason"]


def test_integer_timestamp_from_a_template() -> None:
    timestamp = int(time.time())
    assert webhook_verify(BODY, sign(BODY, str(timestamp), KEY), timestamp, KEY)["valid"] is True


@pytest.mark.parametrize("args, message", [
    (({"event": "x"}, "sig", "1", KEY), "the input must be the raw body as a string"),
    ((BODY, "sig", "1", ""), "key must be the signing key"),
    ((BODY, "sig", "1", KEY, "soon"), "max_age must be a number"),
])
def test_bad_arguments_name_the_argument(args: tuple, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        webhook_verify(*args)
