from __future__ import annotations

import io
import json
import logging

import pytest
from telegram.ext import Application

from bot.runtime.logs import REDACTED, JsonFormatter, configure_logging, redact_secret
from tests.conftest import TEST_TOKEN, Send


async def test_token_never_reaches_the_logs_at_debug(
    app: Application, send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await send("/start")
    await send("科普日什么时候开始")
    logging.getLogger("telegram.ext").debug("bot is %r", app.bot)  # its repr holds the token
    logging.getLogger("httpx").warning("POST %s", f"https://api.telegram.org/bot{TEST_TOKEN}/x")
    try:
        raise RuntimeError(f"failed calling /bot{TEST_TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("bot").exception("request failed")
    assert caplog.records
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN not in "".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert REDACTED in caplog.text


def test_http_client_loggers_are_quiet() -> None:
    redact_secret(None)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING


def test_configure_logging_filters_new_handlers(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("INFO", "secret-token-xyz")
    logging.getLogger("some.module").warning("token=%s", "secret-token-xyz")
    assert "secret-token-xyz" not in caplog.text
    assert f"token={REDACTED}" in caplog.text


def test_json_lines_are_redacted_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kepubot.test.json")
    logger.addHandler(handler)
    redact_secret("json-secret-123")
    try:
        logger.warning("calling /bot%s/getMe", "json-secret-123")
        try:
            raise RuntimeError("json-secret-123 in a traceback")
        except RuntimeError:
            logger.exception("failed: 失败")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == f"calling /bot{REDACTED}/getMe"
    assert first["level"] == "WARNING" and first["logger"] == "kepubot.test.json"
    assert second["message"] == "failed: 失败"
    assert "json-secret-123" not in second["exception"] and REDACTED in second["exception"]
