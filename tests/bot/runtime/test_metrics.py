"""Prometheus metrics: what the bot counts as it goes, and what it reads from the store."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.outreach.outbox import text_parts
from bot.runtime import metrics
from bot.services import Services
from tests.conftest import Send
from tests.helpers.ports import free_port


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_updates_answers_and_store_figures(
    services: Services, send: Send
) -> None:
    await send("/start")
    await send("科普日什么时候开始")
    await send("今天吃什么")  # not in the store: unanswered
    services.submissions.submit("https://www.bilibili.com/video/BV1xx411c7mD", 42, "42:1")
    services.outbox.enqueue("broadcast", [1, 2, 3], {"parts": text_parts("通知")})
    await services.leadership.tick()  # the only process: it leads
    services.writer.flush()  # the question log is written behind the answers
    port = free_port()
    services.metrics.serve(port)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        services.metrics.stop()
    assert response.status_code == 200
    found = samples(response.text)
    assert found[("kepubot_updates_total", (("kind", "command"),))] == 1
    assert found[("kepubot_updates_total", (("kind", "message"),))] == 2
    assert found[("kepubot_questions_total", (("answered", "true"),))] == 1
    assert found[("kepubot_questions_total", (("answered", "false"),))] == 1
    assert found[("kepubot_answer_seconds_count", ())] == 2
    assert found[("kepubot_unanswered_questions", ())] >= 1
    assert found[("kepubot_outbox_depth", (("status", "pending"),))] == 3
    assert found[("kepubot_submissions", (("status", "pending"),))] == 1
    assert found[("kepubot_outbox_sent_total", ())] == 0
    assert found[("kepubot_telegram_429_total", ())] == 0
    assert ("kepubot_telegram_reply_429_total", ()) in found
    assert found[("kepubot_scheduler_leader", ())] == 1
    await services.leadership.stop()


def test_the_metrics_server_closes_a_connection_that_sends_nothing(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics._TimedHandler, "timeout", 0.3)
    port = free_port()
    services.metrics.serve(port)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as idle:
            started = time.monotonic()
            idle.sendall(b"GET /metrics HTTP/1.1\r\n")  # and never the rest
            assert idle.recv(1024) == b""  # closed by the server
            assert time.monotonic() - started < 5
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 200  # still serving
    finally:
        services.metrics.stop()
