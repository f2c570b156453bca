"""The webhook server in-process: the update is kept as Telegram posted it, and a request
without the secret, or whose body is not an update, is refused and keeps nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import Session, select
from telegram.ext import Application
from tornado.httpserver import HTTPServer

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
        make_web_app(app, path="/hook", secret=SECRET, probe=lambda: Health(database=True))
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
