from __future__ import annotations

import logging

import pytest

from bot import messages
from bot.services import Services
from tests.conftest import Send


async def test_error_is_logged_and_user_told(
    send: Send,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(question: str, user_id: int | None = None) -> None:
        raise RuntimeError("boom in the answerer")

    monkeypatch.setattr(services.questions, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        [reply] = await send("问题")
    assert reply.params["text"] == messages.ERROR
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert record.exc_info is not None
    assert "boom in the answerer" in caplog.text
