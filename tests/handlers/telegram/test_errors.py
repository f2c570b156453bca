from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot import messages
from bot.services import Services
from tests.conftest import Send


async def test_error_is_logged_and_user_told(
    send: Send,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(question: str, *args: object) -> None:
        raise RuntimeError("boom in the answerer")

    monkeypatch.setattr(services.questions, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="handlers.telegram.errors"):
        [reply] = await send("问题")
    assert reply.params["text"] == messages.ERROR
    [record] = [r for r in caplog.records if r.name == "handlers.telegram.errors"]
    assert record.exc_info is not None
    assert "boom in the answerer" in caplog.text


async def test_a_database_outage_is_told_and_the_bot_recovers(
    send: Send, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_ask = services.questions.ask
    outage = {"left": 1}

    def flaky_ask(question: str, *args: Any) -> object:
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return real_ask(question, *args)

    monkeypatch.setattr(services.questions, "ask", flaky_ask)
    [first] = await send("科普日什么时候开始")
    assert first.params["text"] == messages.ERROR  # try again later
    [second] = await send("科普日什么时候开始")
    assert "9月15日" in second.params["text"]  # and it works again on its own
