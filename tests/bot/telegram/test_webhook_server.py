"""The webhook server in-process: the update is kept as Telegram posted it, and a request
without the secret, or whose body is not an update, is refused and keeps nothing."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.runtime import http_limits
from bot.services import Services
from bot.store.models import ProcessedUpdate
from bot.telegram.local_api import message_update
from bot.telegram.update_queue import DurableQueue
from bot.telegram.webhook import Health, make_web_app
from tests.conftest import NOW
from tests.helpers.ports import free_port

SECRET = "hook-secret_7"


@pytest.fixture
async def hook(app: Application) -> AsyncIterator[str]:
    port = free_port()
    server = HTTPServer(
        make_web_app(app, path="/hook", secret=SECRET, probe=lambda: Health(database=True)),
        **http_limits.tornado_server_options(),
    )
    server.listen(port, address="127.0.0.1")
    yield f"http://127.0.0.1:{port}/hook"
    server.stop()


def kept(services: Services) -> list[ProcessedUpdate]:
    with Session(services.engine) as session:
        return list(session.exec(select(ProcessedUpdate)))


async def test_an_update_is_kept_as_it_was_posted(
    app: Application, services: Services, hook: str
) -> None:
    update = message_update("科普日什么时候开始", when=NOW, user_id=7, chat_id=7, message_id=1)
    update["message"]["future_field"] = {"新": True}  # a field this library does not know yet
    body = json.dumps(update, ensure_ascii=False, indent=1)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            hook, content=body.encode(), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 200
    queue = app.update_queue
    assert isinstance(queue, DurableQueue)
    await queue.settle()
    [row] = kept(services)
    assert row.update_id == update["update_id"] and row.payload == body
    assert queue.get_nowait().message.text == "科普日什么时候开始"


@pytest.mark.parametrize(
    ("body", "secret", "status"),
    [
        (b'{"update_id": 5, "message": {}}', None, 403),
        (b'{"update_id": 5, "message": {}}', "wrong", 403),
        (b"not json", SECRET, 400),
        (b'{"update_id": "\xff\xfe"}', SECRET, 400),
        (b"[1, 2]", SECRET, 400),
        (b'{"update_id": 5, "message": []}', SECRET, 400),
        (b'{"update_id": "5"}', SECRET, 400),
        (
            b'{"update_id": 5, "message": {"chat": {"id": 1, "type": "private"}, '
            b'"date": 1e30, "message_id": 1}}',
            SECRET,
            400,
        ),
    ],
    ids=[
        "no secret",
        "wrong secret",
        "not JSON",
        "not UTF-8",
        "not an object",
        "bad message",
        "text id",
        "bad date",
    ],
)
async def test_a_refused_request_keeps_nothing(
    app: Application, services: Services, hook: str, body: bytes, secret: str | None, status: int
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=body, headers=headers)
    assert response.status_code == status
    assert kept(services) == [] and app.update_queue.empty()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def _post_huge(hook: str, size: int, headers: dict[str, str]) -> int | None:
    """Post `size` bytes with their Content-Length, writing the body (one reused 1 MB chunk)
    while reading the answer: its status, or None when the server closed without one."""
    url = httpx.URL(hook)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    head = f"POST {url.path} HTTP/1.1\r\nHost: {url.host}\r\nContent-Length: {size}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(head.encode() + b"\r\n")
    chunk = b"x" * (1024 * 1024)

    async def send_body() -> None:
        try:
            for _ in range(size // len(chunk)):
                writer.write(chunk)
                await writer.drain()
        except OSError:
            pass  # the server closed the connection: it will not read the rest

    sending = asyncio.create_task(send_body())
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout=60)
    finally:
        sending.cancel()
        writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) > 1 else None


async def test_four_huge_posts_without_the_secret_leave_memory_flat(
    app: Application, services: Services, hook: str
) -> None:
    """The outside probe: 4 parallel 95 MB posts took the process from 191 to 853 MB."""
    before = rss_bytes()
    statuses = await asyncio.gather(*(_post_huge(hook, 95 * 1024 * 1024, {}) for _ in range(4)))
    grown = rss_bytes() - before
    print(
        f"\n4 parallel 95 MB posts without the secret: RSS {before / 2**20:.0f} MB -> "
        f"{(before + grown) / 2**20:.0f} MB"
    )
    assert statuses == [403] * 4
    assert grown < 20 * 1024 * 1024, f"RSS grew by {grown / 2**20:.0f} MB"
    assert kept(services) == [] and app.update_queue.empty()


async def test_a_body_over_the_limit_is_refused_even_with_the_secret(
    app: Application, services: Services, hook: str
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await _post_huge(hook, 2 * 1024 * 1024, headers) == 413

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(40):
            yield b" " * 65536

    async with httpx.AsyncClient() as client:
        try:
            response = await client.post(hook, content=chunked(), headers=headers)
            assert response.status_code in {400, 413}
        except httpx.TransportError:
            pass  # cut off while sending: refused as well
    assert kept(services) == [] and app.update_queue.empty()


async def test_an_update_nested_too_deep_gets_400(
    app: Application, services: Services, hook: str
) -> None:
    depth = 100_000
    body = b'{"update_id": 5, "message": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    async with httpx.AsyncClient() as client:
        response = await client.post(
            hook, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 400
    assert kept(services) == []


async def test_a_connection_that_never_finishes_its_headers_is_closed(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_limits, "HEADER_SECONDS", 0.3)
    port = free_port()
    server = HTTPServer(
        make_web_app(app, path="/hook", secret=SECRET, probe=lambda: Health(database=True)),
        **http_limits.tornado_server_options(),
    )
    server.listen(port, address="127.0.0.1")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        await writer.drain()
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), timeout=10) == b""  # closed by the server
        assert time.monotonic() - started < 5
        writer.close()
    finally:
        server.stop()
