# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_webhook: an Event-Driven Ansible source that receives Cold Mail Reseller (CMR) webhooks.

It listens for CMR's POST deliveries, verifies their signature (``cmr-x-signature``) and
age (``cmr-x-timestamp``), drops repeated deliveries of one ``eventId`` and puts each new
event on the rulebook's queue::

    {"cmr": {"name": "mailbox.created", "id": "<eventId>", "data": {...},
             "delivery": {"timestamp": 1767225600, "age": 0.2, "signature": "timestamp.body/hex",
                          "path": "/cmr/webhooks", "remote": "203.0.113.7",
                          "secrets_removed": ["data.password", ...]}}}

Answers: 200 for an accepted or duplicate delivery, 401 for a missing or wrong signature or
a timestamp more than ``max_age`` seconds away, 400 for a body that is not a CMR event, 413
for a body larger than ``max_body_bytes``, 404 for another path and 405 for another method.

Arguments (all optional):

    host:            address to listen on; default 0.0.0.0
    port:            TCP port; default 5000
    path:            URL path CMR posts to; default /cmr/webhooks
    signing_key:     the key CMR signs with (the partner API key); default: the environment
                     variable CMR_WEBHOOK_SIGNING_KEY, else CMR_API_KEY. Never logged.
    max_age:         seconds a delivery stays acceptable; default 300 (CMR's five minutes)
    max_body_bytes:  largest body accepted; default 1048576
    keep_secrets:    false (default) removes passwords, app passwords, authenticator secrets
                     and other credentials from the event before it reaches the queue, since
                     rule engines log events; true keeps them for rulebooks that must forward them
    certfile, keyfile: serve HTTPS with this certificate chain and private key (CMR posts to
                     HTTPS URLs only; without them put a TLS-terminating proxy in front)

Example::

    - name: CMR webhooks
      hosts: all
      sources:
        - coldmailreseller.cmr.cmr_webhook:
            port: 5000
            signing_key: "{{ cmr_api_key }}"
      rules:
        - name: A new mailbox
          condition: event.cmr.name == "mailbox.created"
          action:
            run_playbook:
              name: coldmailreseller.cmr.eda_mailbox_created

It needs aiohttp (``pip install -r extensions/eda/requirements.txt``; ansible-rulebook
already depends on it). The modules of the collection do not.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import ssl
import sys
import typing as t
from pathlib import Path

try:
    from aiohttp import web
except ImportError:  # reported when the source starts, with what to install
    web = None  # type: ignore[assignment]


def _load_webhook_utils() -> t.Any:
    """The collection's shared verifier (plugins/plugin_utils/_webhook.py).

    ansible-rulebook runs this file with ``runpy.run_path``, outside any package, so the
    ``ansible_collections`` tree that holds it may not be importable yet: this file lives at
    ``<root>/ansible_collections/<namespace>/<name>/extensions/eda/plugins/event_source/``,
    and ``<root>`` is added to ``sys.path`` when the import fails.
    """
    # pylint: disable=import-outside-toplevel
    try:
        from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils import _webhook
    except ImportError:
        here = Path(__file__).resolve()
        collections_dir = here.parents[6]
        if collections_dir.name != "ansible_collections":
            raise ImportError(f"{here} is not inside an installed collection (ansible_collections/coldmailreseller/cmr/...)") from None
        sys.path.append(str(collections_dir.parent))
        from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils import _webhook
    return _webhook


_webhook = _load_webhook_utils()

LOGGER = logging.getLogger(__name__)

DEFAULTS: dict[str, t.Any] = {
    "host": "0.0.0.0",  # nosec B104 - a webhook receiver must be reachable by CMR
    "port": 5000,
    "path": "/cmr/webhooks",
    "max_age": _webhook.DEFAULT_MAX_AGE,
    "max_body_bytes": 1024 * 1024,
    "keep_secrets": False,
}
KEY_ENVIRONMENT = ("CMR_WEBHOOK_SIGNING_KEY", "CMR_API_KEY")
# eventIds remembered for de-duplication. CMR retries a failed delivery twice within about five
# minutes, so the latest few thousand events are far more than a retry can reach back to.
SEEN_EVENT_IDS = 10000


class Settings(t.NamedTuple):
    """The source's arguments, checked."""

    host: str
    port: int
    path: str
    signing_key: str
    max_age: float
    max_body_bytes: int
    keep_secrets: bool
    ssl_context: ssl.SSLContext | None


def _number(args: dict[str, t.Any], name: str, kind: type, minimum: float) -> t.Any:
    value = args.get(name, DEFAULTS[name])
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"cmr_webhook: {name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or number < minimum:
        raise ValueError(f"cmr_webhook: {name} must be a number of at least {minimum}, got {value!r}")
    return number


def _boolean(args: dict[str, t.Any], name: str) -> bool:
    value = args.get(name, DEFAULTS[name])
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"cmr_webhook: {name} must be true or false, got {value!r}")


def _ssl_context(args: dict[str, t.Any]) -> ssl.SSLContext | None:
    certfile, keyfile = args.get("certfile"), args.get("keyfile")
    if not certfile and not keyfile:
        return None
    if not certfile:
        raise ValueError("cmr_webhook: keyfile needs certfile")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"cmr_webhook: cannot load certfile/keyfile: {exc}") from None
    return context


def settings_from(args: dict[str, t.Any]) -> Settings:
    """Check the arguments; ``ValueError`` names the argument at fault (never the key's value)."""
    known = set(DEFAULTS) | {"signing_key", "certfile", "keyfile", "eda_feedback_queue"}
    unknown = sorted(set(args) - known)
    if unknown:
        raise ValueError(f"cmr_webhook: unknown argument(s) {', '.join(unknown)}; expected {', '.join(sorted(known - {'eda_feedback_queue'}))}")
    key = args.get("signing_key") or next((os.environ[name] for name in KEY_ENVIRONMENT if os.environ.get(name)), "")
    if not isinstance(key, str) or not key:
        raise ValueError("cmr_webhook: no signing key: set signing_key, or CMR_WEBHOOK_SIGNING_KEY or CMR_API_KEY in the environment")
    path = str(args.get("path", DEFAULTS["path"]))
    if not path.startswith("/"):
        raise ValueError(f"cmr_webhook: path must start with /, got {path!r}")
    port = _number(args, "port", int, 0)
    if port > 65535:
        raise ValueError(f"cmr_webhook: port must be at most 65535, got {port}")
    return Settings(
        host=str(args.get("host", DEFAULTS["host"])), port=port, path=path, signing_key=key,
        max_age=_number(args, "max_age", float, 1), max_body_bytes=_number(args, "max_body_bytes", int, 1),
        keep_secrets=_boolean(args, "keep_secrets"), ssl_context=_ssl_context(args),
    )


class Receiver:
    """The request handler: checks, de-duplicates and queues; answers within milliseconds."""

    def __init__(self, queue: t.Any, settings: Settings) -> None:
        self.queue = queue
        self.settings = settings
        self.seen: collections.OrderedDict[str, None] = collections.OrderedDict()

    @staticmethod
    def answer(status: int, result: str, **extra: t.Any) -> t.Any:
        return web.json_response({"result": result, **extra}, status=status)

    async def handle(self, request: t.Any) -> t.Any:
        if request.method != "POST":
            return self.answer(405, "method not allowed", allowed="POST")
        declared = request.content_length
        if declared is not None and declared > self.settings.max_body_bytes:
            return self.refuse(413, "the body is larger than max_body_bytes", request)
        body = await self.read_body(request)
        if body is None:
            return self.refuse(413, "the body is larger than max_body_bytes", request)
        verdict = _webhook.verify(body, request.headers.get(_webhook.SIGNATURE_HEADER),
                                  request.headers.get(_webhook.TIMESTAMP_HEADER), self.settings.signing_key,
                                  max_age=self.settings.max_age)
        if not verdict.valid:
            return self.refuse(401, verdict.reason, request)
        try:
            event = _webhook.parse_event(body)
        except ValueError as exc:
            return self.refuse(400, str(exc), request)
        # Checked and recorded before the first await, so two concurrent retries of one event
        # cannot both get through.
        if event.id in self.seen:
            LOGGER.info("cmr_webhook: duplicate delivery of %s %s dropped", event.name, event.id)
            return self.answer(200, "duplicate", eventId=event.id)
        self.remember(event.id)
        await self.queue.put(self.to_queue(event, verdict, request))
        LOGGER.info("cmr_webhook: %s %s accepted (%s)", event.name, event.id, verdict.scheme)
        return self.answer(200, "accepted", eventId=event.id)

    async def read_body(self, request: t.Any) -> bytes | None:
        """The raw body, or None once it grows past max_body_bytes (chunked uploads have no length)."""
        chunks, size = [], 0
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self.settings.max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def refuse(self, status: int, reason: str, request: t.Any) -> t.Any:
        # The reason never quotes the key, the signature or the body.
        LOGGER.warning("cmr_webhook: delivery from %s refused (%d): %s", request.remote, status, reason)
        return self.answer(status, "refused", reason=reason)

    def remember(self, event_id: str) -> None:
        self.seen[event_id] = None
        while len(self.seen) > SEEN_EVENT_IDS:
            self.seen.popitem(last=False)

    def to_queue(self, event: t.Any, verdict: t.Any, request: t.Any) -> dict[str, t.Any]:
        data, removed = (event.data, []) if self.settings.keep_secrets else _webhook.strip_secrets(event.data)
        timestamp = request.headers.get(_webhook.TIMESTAMP_HEADER, "").strip()
        delivery = {
            "timestamp": int(timestamp) if timestamp.isdigit() else timestamp,
            "age": verdict.age,
            "signature": verdict.scheme,
            "path": request.path,
            "remote": request.remote,
            "secrets_removed": removed,
        }
        return {"cmr": {"name": event.name, "id": event.id, "data": data, "delivery": delivery}}


async def main(queue: t.Any, args: dict[str, t.Any]) -> None:
    """Entry point called by ansible-rulebook: serve until the task is cancelled."""
    if web is None:
        raise ImportError("cmr_webhook needs the Python package aiohttp: pip install -r extensions/eda/requirements.txt")
    settings = settings_from(args)
    receiver = Receiver(queue, settings)
    app = web.Application()  # read_body, not client_max_size, enforces max_body_bytes (aiohttp's 413 has no reason)
    app.router.add_route("*", settings.path, receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=settings.ssl_context)
        await site.start()
        scheme = "https" if settings.ssl_context else "http"
        LOGGER.info("cmr_webhook: listening on %s://%s:%d%s", scheme, settings.host, settings.port, settings.path)
        await asyncio.Future()  # until ansible-rulebook cancels the source
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    # Development aid: print accepted events, e.g.
    # CMR_API_KEY=... python cmr_webhook.py 8080 (then point the simulator's --webhook-url at it).

    class _PrintQueue:
        async def put(self, event: dict[str, t.Any]) -> None:
            print(event, flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"port": int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULTS["port"]}))
