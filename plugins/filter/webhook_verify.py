# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: webhook_verify
short_description: Verify the signature and age of a Cold Mail Reseller webhook delivery
version_added: 0.2.0
description:
  - Checks the C(cmr-x-signature) and C(cmr-x-timestamp) headers of a CMR webhook delivery against its raw body and
    the key CMR signs with (the partner API key), for playbooks that receive webhooks by other means than the
    C(coldmailreseller.cmr.cmr_webhook) event source of Event-Driven Ansible, which uses the same check.
  - CMR signs with HMAC-SHA256 but does not document which string is signed nor the encoding of the digest. The
    filter accepts the message C(<timestamp>.<body>) and the body alone, each with a hex or base64 digest (an
    optional C(sha256=) prefix is ignored), and reports which one matched in RV(_value.scheme).
  - Digests are compared in constant time. A delivery whose timestamp is more than O(max_age) seconds away from the
    controller's clock is not valid, even with a right signature.
  - The filter never fails on a bad delivery; it returns RV(_value.valid=false) and the reason. Use
    C(ansible.builtin.assert) to stop a play.
author:
  - coldmailreseller.cmr contributors (!UNKNOWN)
positional: signature, timestamp, key
options:
  _input:
    description:
      - The raw body of the delivery, exactly as received (a string). A body parsed and serialised again does not
        verify.
    type: str
    required: true
  signature:
    description:
      - The value of the C(cmr-x-signature) header.
    type: str
    required: true
  timestamp:
    description:
      - The value of the C(cmr-x-timestamp) header (Unix seconds).
    type: str
    required: true
  key:
    description:
      - The signing key, which is the partner API key. Keep it in a vault.
    type: str
    required: true
  max_age:
    description:
      - Seconds a delivery stays acceptable. CMR asks receivers to reject deliveries older than five minutes.
    type: float
    default: 300
seealso:
  - name: Event-Driven Ansible source coldmailreseller.cmr.cmr_webhook
    description: Receives CMR webhooks for a rulebook, with the same verification, de-duplication and secret removal.
    link: https://github.com/coldmailreseller/ansible-collection-cmr/blob/main/extensions/eda/plugins/event_source/cmr_webhook.py
"""

EXAMPLES = r"""
- name: Check a delivery stored by a web front end
  vars:
    check: >-
      {{ delivery.body | coldmailreseller.cmr.webhook_verify(delivery.headers['cmr-x-signature'],
         delivery.headers['cmr-x-timestamp'], cmr_api_key) }}
  ansible.builtin.assert:
    that: check.valid
    fail_msg: "CMR webhook refused: {{ check.reason }}"
"""

RETURN = r"""
_value:
  description: The outcome of the check.
  type: dict
  contains:
    valid:
      description: Whether the signature matches and the delivery is recent enough.
      type: bool
      returned: always
    reason:
      description: Why the delivery is not valid; empty when it is.
      type: str
      returned: always
      sample: the signature does not match the body
    scheme:
      description:
        - The construction that matched, C(timestamp.body/hex), C(timestamp.body/base64), C(body/hex) or
          C(body/base64); null when none did.
      type: str
      returned: always
      sample: timestamp.body/hex
    age:
      description: Seconds between the delivery's timestamp and now; null when the signature did not match.
      type: float
      returned: always
      sample: 1.5
"""

import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils._webhook import verify


def webhook_verify(body: t.Any, signature: t.Any, timestamp: t.Any, key: t.Any, max_age: t.Any = 300) -> dict[str, t.Any]:
    """The result of verifying one delivery (see DOCUMENTATION)."""
    if not isinstance(body, (str, bytes)):
        # Templated values are lazy wrapper types in ansible-core 2.19: name the plain kind.
        kind = "a dict" if isinstance(body, Mapping) else "a list" if isinstance(body, Sequence) else type(body).__name__
        raise AnsibleFilterError(f"webhook_verify: the input must be the raw body as a string, as received (not parsed JSON), got {kind}")
    try:
        limit = float(max_age)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"webhook_verify: max_age must be a number, got {max_age!r}") from None
    if not key or not isinstance(key, str):
        raise AnsibleFilterError("webhook_verify: key must be the signing key (the partner API key), a non-empty string")
    result = verify(to_bytes(body), None if signature is None else str(signature),
                    None if timestamp is None else str(timestamp), key, max_age=limit)
    return result.as_dict()


class FilterModule:
    """coldmailreseller.cmr filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"webhook_verify": webhook_verify}
