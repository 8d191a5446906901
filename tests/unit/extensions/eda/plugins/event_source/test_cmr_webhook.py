# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The EDA source driven as ansible-rulebook drives it: ``main(queue, args)`` in a task, real HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import shutil
import socket
import ssl
import subprocess
import time
import typing as t

import pytest

aiohttp = pytest.importorskip("aiohttp")

# pylint: disable=wrong-import-position
from ansible_collections.coldmailreseller.cmr.extensions.eda.plugins.event_source import cmr_webhook  # noqa: E402

KEY = "partner-key-0123456789abcdef0123456789abcdef"
PATH = "/cmr/webhooks"
CREATED = {
    "event": "mailbox.created", "eventId": "EVCREATED1",
    "data": {"userId": "U1", "mailboxId": "M1", "email": "jane@acme.com", "password": "Pw-1",
             "appPassword": "ap-pass", "authenticatorSecret": "TOTPSECRET"},
}
SECRETS = ("Pw-1", "ap-pass", "TOTPSECRET")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signature(body: bytes, timestamp: str, scheme: str, key: str = KEY) -> str:
    """Independent of the collection's sign(): what a CMR-like sender would compute."""
    message = timestamp.encode() + b"." + body if scheme.startswith("timestamp.body") else body
    raw = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return raw.hex() if scheme.endswith("/hex") else base64.b64encode(raw).decode()


class Source:
    """Runs the source on a free port; ``post`` sends one delivery and returns (status, answer)."""

    def __init__(self, **args: t.Any) -> None:
        self.port = free_port()
        self.queue: asyncio.Queue = asyncio.Queue()
        self.args = {"host": "127.0.0.1", "port": self.port, "signing_key": KEY, **args}
        self.task: asyncio.Task | None = None
        self.session: t.Any = None

    async def __aenter__(self) -> "Source":
        self.task = asyncio.create_task(cmr_webhook.main(self.queue, self.args))
        self.session = aiohttp.ClientSession()
        for dummy in range(100):  # until it listens
            try:
                async with self.session.get(f"http://127.0.0.1:{self.port}{PATH}"):
                    return self
            except aiohttp.ClientConnectorError:
                assert not self.task.done(), self.task.exception()
                await asyncio.sleep(0.02)
        raise AssertionError("the source did not start")

    async def __aexit__(self, *exc: t.Any) -> None:
        await self.session.close()
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task

    async def post(self, payload: t.Any = None, *, body: bytes | None = None, scheme: str = "timestamp.body/hex",
                   timestamp: str | None = None, sig: str | None = None, path: str = PATH,
                   headers: dict[str, str] | None = None) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if body is None else body
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        sent = {"Content-Type": "application/json", "cmr-x-timestamp": timestamp,
                "cmr-x-signature": signature(body, timestamp, scheme) if sig is None else sig, **(headers or {})}
        async with self.session.post(f"http://127.0.0.1:{self.port}{path}", data=body, headers=sent) as response:
            text = await response.text()
            return response.status, json.loads(text) if text.startswith("{") else {"text": text}

    def events(self) -> list[dict]:
        found = []
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        return found


def run(coroutine: t.Awaitable[t.Any]) -> t.Any:
    return asyncio.run(coroutine)


@pytest.mark.parametrize("scheme", ["timestamp.body/hex", "timestamp.body/base64", "body/hex", "body/base64"])
def test_valid_delivery_for_each_signature_construction(scheme: str) -> None:
    async def scenario() -> None:
        async with Source() as source:
            status, answer = await source.post(CREATED, scheme=scheme)
            assert (status, answer) == (200, {"result": "accepted", "eventId": "EVCREATED1"})
            [event] = source.events()
        cmr = event["cmr"]
        assert (cmr["name"], cmr["id"]) == ("mailbox.created", "EVCREATED1")
        assert cmr["data"] == {"userId": "U1", "mailboxId": "M1", "email": "jane@acme.com"}
        delivery = cmr["delivery"]
        assert delivery["signature"] == scheme
        assert delivery["path"] == PATH and delivery["remote"] == "127.0.0.1"
        assert isinstance(delivery["timestamp"], int) and 0 <= delivery["age"] < 5
        assert delivery["secrets_removed"] == ["data.password", "data.appPassword", "data.authenticatorSecret"]
    run(scenario())


def test_event_type_is_accepted_as_the_name() -> None:
    async def scenario() -> None:
        async with Source() as source:
            payload = {"eventType": "mailbox.warmup.started", "eventId": "EVW1", "data": {"mailboxId": "M1"}}
            assert (await source.post(payload))[0] == 200
            assert [e["cmr"]["name"] for e in source.events()] == ["mailbox.warmup.started"]
    run(scenario())


@pytest.mark.parametrize("case", ["wrong key", "tampered body", "missing signature", "missing timestamp"])
def test_bad_signature_is_401_and_queues_nothing(case: str) -> None:
    async def scenario() -> None:
        async with Source() as source:
            body = json.dumps(CREATED).encode()
            timestamp = str(int(time.time()))
            if case == "wrong key":
                status, answer = await source.post(body=body, sig=signature(body, timestamp, "body/hex", key="other"),
                                                   timestamp=timestamp)
            elif case == "tampered body":
                status, answer = await source.post(body=body.replace(b"M1", b"M2"),
                                                   sig=signature(body, timestamp, "timestamp.body/hex"), timestamp=timestamp)
            elif case == "missing signature":
                status, answer = await source.post(body=body, sig="")
            else:
                status, answer = await source.post(body=body, timestamp="")
            assert status == 401 and answer["result"] == "refused"
            assert source.events() == []
    run(scenario())


def test_stale_delivery_is_401() -> None:
    async def scenario() -> None:
        async with Source() as source:
            old = str(int(time.time()) - 301)
            status, answer = await source.post(CREATED, timestamp=old)
            assert status == 401 and "more than 300s" in answer["reason"]
            assert source.events() == []
    run(scenario())


def test_max_age_is_configurable() -> None:
    async def scenario() -> None:
        async with Source(max_age=30) as source:
            status = (await source.post(CREATED, timestamp=str(int(time.time()) - 60)))[0]
            assert status == 401
    run(scenario())


def test_duplicate_event_id_is_answered_200_and_dropped() -> None:
    async def scenario() -> None:
        async with Source() as source:
            first = await source.post(CREATED)
            again = await source.post(CREATED, scheme="body/base64")  # a retry, signed afresh
            other = await source.post({**CREATED, "eventId": "EVCREATED2"})
            assert first == (200, {"result": "accepted", "eventId": "EVCREATED1"})
            assert again == (200, {"result": "duplicate", "eventId": "EVCREATED1"})
            assert other[0] == 200
            assert [e["cmr"]["id"] for e in source.events()] == ["EVCREATED1", "EVCREATED2"]
    run(scenario())


def test_concurrent_retries_of_one_event_queue_it_once() -> None:
    async def scenario() -> None:
        async with Source() as source:
            answers = await asyncio.gather(*(source.post(CREATED) for dummy in range(5)))
            assert sorted(a["result"] for dummy, a in answers) == ["accepted"] + ["duplicate"] * 4
            assert len(source.events()) == 1
    run(scenario())


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"event": "mailbox.created"}', b'{"eventId": "E1"}'])
def test_malformed_body_is_400(body: bytes) -> None:
    async def scenario() -> None:
        async with Source() as source:
            status, answer = await source.post(body=body)
            assert status == 400 and answer["result"] == "refused" and answer["reason"].startswith("the body")
            assert source.events() == []
    run(scenario())


def test_oversized_body_is_413() -> None:
    async def scenario() -> None:
        async with Source(max_body_bytes=200) as source:
            big = {**CREATED, "data": {"note": "x" * 300}}
            status, answer = await source.post(big)
            assert status == 413 and answer["reason"] == "the body is larger than max_body_bytes"
            assert (await source.post({"event": "a.b", "eventId": "E1", "data": {}}))[0] == 200
            assert [e["cmr"]["id"] for e in source.events()] == ["E1"]
    run(scenario())


def test_oversized_chunked_body_without_length_is_413() -> None:
    async def scenario() -> None:
        async with Source(max_body_bytes=200) as source:
            async def chunks() -> t.AsyncIterator[bytes]:
                for dummy in range(10):
                    yield b"x" * 50
            timestamp = str(int(time.time()))
            headers = {"cmr-x-timestamp": timestamp, "cmr-x-signature": "00" * 32}
            async with source.session.post(f"http://127.0.0.1:{source.port}{PATH}", data=chunks(), headers=headers) as response:
                assert response.status == 413
    run(scenario())


def test_keep_secrets_keeps_them() -> None:
    async def scenario() -> None:
        async with Source(keep_secrets=True) as source:
            await source.post(CREATED)
            [event] = source.events()
            assert event["cmr"]["data"] == CREATED["data"]
            assert event["cmr"]["delivery"]["secrets_removed"] == []
    run(scenario())


def test_secrets_are_stripped_deep_in_prewarmup_orders() -> None:
    async def scenario() -> None:
        async with Source() as source:
            payload = {"event": "prewarmup.order.success", "eventId": "EVP1", "data": {
                "userId": "U1", "mailboxDetails": [{"domain": "a.com", "preWarmedUpMailboxes": [
                    {"email": "x@a.com", "password": "Pw-1", "appPassword": "ap-pass", "authenticatorSecret": "TOTPSECRET"}]}]}}
            await source.post(payload)
            [event] = source.events()
            text = json.dumps(event)
            assert not [secret for secret in SECRETS if secret in text]
            assert event["cmr"]["data"]["mailboxDetails"][0]["preWarmedUpMailboxes"] == [{"email": "x@a.com"}]
    run(scenario())


def test_other_paths_and_methods() -> None:
    async def scenario() -> None:
        async with Source() as source:
            assert (await source.post(CREATED, path="/elsewhere"))[0] == 404
            async with source.session.get(f"http://127.0.0.1:{source.port}{PATH}") as response:
                assert response.status == 405
            assert source.events() == []
    run(scenario())


def test_key_from_environment_and_never_logged(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("CMR_WEBHOOK_SIGNING_KEY", raising=False)
    monkeypatch.setenv("CMR_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        source = Source()
        del source.args["signing_key"]
        async with source:
            assert (await source.post(CREATED))[0] == 200
            # The signature is checked before the eventId: a forged retry of a known event is refused.
            assert (await source.post(CREATED, sig="00" * 32))[0] == 401
    run(scenario())
    assert "accepted" in caplog.text and "refused (401)" in caplog.text
    assert KEY not in caplog.text and not [secret for secret in SECRETS if secret in caplog.text]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_with_certfile_and_keyfile(tmp_path: t.Any) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    port = free_port()
    client_context = ssl.create_default_context(cafile=str(cert))

    async def scenario() -> None:
        queue: asyncio.Queue = asyncio.Queue()
        args = {"host": "127.0.0.1", "port": port, "signing_key": KEY, "certfile": str(cert), "keyfile": str(key)}
        task = asyncio.create_task(cmr_webhook.main(queue, args))
        body = json.dumps(CREATED).encode()
        timestamp = str(int(time.time()))
        headers = {"cmr-x-timestamp": timestamp, "cmr-x-signature": signature(body, timestamp, "body/hex")}
        try:
            async with aiohttp.ClientSession() as session:
                for dummy in range(100):
                    try:
                        async with session.post(f"https://127.0.0.1:{port}{PATH}", data=body, headers=headers,
                                                ssl=client_context) as response:
                            assert response.status == 200
                            break
                    except aiohttp.ClientConnectorError:
                        assert not task.done(), task.exception()
                        await asyncio.sleep(0.02)
            assert queue.get_nowait()["cmr"]["id"] == "EVCREATED1"
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    run(scenario())


def test_webhook_signing_key_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMR_WEBHOOK_SIGNING_KEY", KEY)
    monkeypatch.setenv("CMR_API_KEY", "the-api-key-of-another-account")
    assert cmr_webhook.settings_from({}).signing_key == KEY


@pytest.mark.parametrize("args, message", [
    ({}, "no signing key"),
    ({"signing_key": KEY, "port": "http"}, "port must be a number"),
    ({"signing_key": KEY, "port": 70000}, "port must be at most 65535"),
    ({"signing_key": KEY, "max_age": 0}, "max_age must be a number of at least 1"),
    ({"signing_key": KEY, "keep_secrets": "maybe"}, "keep_secrets must be true or false"),
    ({"signing_key": KEY, "path": "hooks"}, "path must start with /"),
    ({"signing_key": KEY, "prot": 5000}, "unknown argument(s) prot"),
    ({"signing_key": KEY, "keyfile": "/k.pem"}, "keyfile needs certfile"),
    ({"signing_key": KEY, "certfile": "/nonexistent/cert.pem"}, "cannot load certfile/keyfile"),
])
def test_bad_arguments(monkeypatch: pytest.MonkeyPatch, args: dict, message: str) -> None:
    monkeypatch.delenv("CMR_WEBHOOK_SIGNING_KEY", raising=False)
    monkeypatch.delenv("CMR_API_KEY", raising=False)
    with pytest.raises(ValueError) as info:
        cmr_webhook.settings_from(args)
    assert message in str(info.value) and KEY not in str(info.value)


def test_arguments_as_rulebook_templates_give_them() -> None:
    settings = cmr_webhook.settings_from({"signing_key": KEY, "port": "5001", "max_age": "60", "keep_secrets": "true"})
    assert (settings.port, settings.max_age, settings.keep_secrets) == (5001, 60.0, True)
