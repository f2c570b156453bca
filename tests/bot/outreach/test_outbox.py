"""The outbox and its dispatcher with a scripted sender: every Telegram answer honoured."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.outreach.dispatcher import Dispatcher, RateLimiter
from bot.outreach.outbox import (
    Delivery,
    MaybeSent,
    Migrated,
    NotSent,
    Outbox,
    Part,
    Rejected,
    RetryAfter,
    Unreachable,
    text_parts,
)
from bot.store.models import OutboxMessage
from bot.store.schema import migrate
from content.db import create_db_engine, session_scope
from tests.conftest import NOW
from tests.helpers.databases import on_postgres
from tests.helpers.fake_time import FakeTime

TEXT = {"parts": text_parts("<b>科普日</b>通知")}


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(empty_db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(NOW)


@pytest.fixture
def outbox(engine: Engine, fake_time: FakeTime) -> Outbox:
    return Outbox(engine, fake_time.now)


class ScriptedSender:
    """Delivers parts, or raises what `script[chat_id]` says (a list: one per call)."""

    def __init__(self, fake_time: FakeTime) -> None:
        self.time = fake_time
        self.delivered: list[tuple[float, int, Part]] = []
        self.script: dict[int, list[Exception | None]] = {}

    async def __call__(self, chat_id: int, part: Part) -> None:
        steps = self.script.get(chat_id)
        outcome = steps.pop(0) if steps else None
        if isinstance(outcome, MaybeSent):
            self.delivered.append((self.time.monotonic(), chat_id, part))
        if outcome is not None:
            raise outcome
        self.delivered.append((self.time.monotonic(), chat_id, part))

    def per_chat(self) -> Counter[int]:
        return Counter(chat for _, chat, _ in self.delivered)


@pytest.fixture
def sender(fake_time: FakeTime) -> ScriptedSender:
    return ScriptedSender(fake_time)


@pytest.fixture
def make_dispatcher(
    outbox: Outbox, sender: ScriptedSender, fake_time: FakeTime
) -> Callable[..., Dispatcher]:
    def make(**options: object) -> Dispatcher:
        return Dispatcher(
            outbox,
            sender,
            monotonic=fake_time.monotonic,
            sleep=fake_time.sleep,
            **options,  # type: ignore[arg-type]
        )

    return make


def statuses(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        return {row.chat_id: row.status for row in session.exec(select(OutboxMessage))}


def test_enqueue_writes_one_row_per_chat_and_dedupes(outbox: Outbox, engine: Engine) -> None:
    first = outbox.enqueue("digest", [1, 2, 2, 3], TEXT, dedupe_key="digest:2024-09-15")
    again = outbox.enqueue("digest", [1, 2, 3, 4], TEXT, dedupe_key="digest:2024-09-15")
    assert first.created and first.total == 3
    assert not again.created and again.broadcast_id == first.broadcast_id
    assert statuses(engine) == {1: "pending", 2: "pending", 3: "pending"}


async def test_sends_each_recipient_once_at_the_configured_rate(
    outbox: Outbox, sender: ScriptedSender, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    queued = outbox.enqueue("broadcast", range(1, 101), TEXT)
    # One request at a time: the fake sleep adds up concurrent waits, so pacing is measured
    # serially here and concurrently against the fake Bot API server (test_outbox_faults).
    await make_dispatcher(rate=25, max_in_flight=1).run_until_idle()
    assert sender.per_chat() == Counter({chat: 1 for chat in range(1, 101)})
    times = [t for t, _, _ in sender.delivered]
    assert times[-1] - times[0] == pytest.approx(99 / 25)
    figures = outbox.figures(queued.broadcast_id)
    assert (figures.sent, figures.remaining) == (100, 0)
    assert outbox.broadcast(queued.broadcast_id).status == "done"  # type: ignore[union-attr]


async def test_parts_to_one_chat_are_a_second_apart(
    outbox: Outbox, sender: ScriptedSender, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    long_text = "\n".join("科普" * 100 for _ in range(50))  # ≈10,000 chars: three messages
    outbox.enqueue("broadcast", [7, 8], {"parts": text_parts(long_text)})
    await make_dispatcher(rate=25, max_in_flight=1).run_until_idle()
    to_seven = [t for t, chat, _ in sender.delivered if chat == 7]
    assert len(to_seven) == 3
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(to_seven))


async def test_429_pauses_all_sending_for_retry_after(
    outbox: Outbox,
    sender: ScriptedSender,
    fake_time: FakeTime,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    outbox.enqueue("broadcast", [1, 2, 3], TEXT)
    sender.script[2] = [RetryAfter(7)]
    dispatcher = make_dispatcher(rate=25, max_in_flight=1)
    await dispatcher.run_until_idle()
    assert sender.per_chat() == Counter({1: 1, 2: 1, 3: 1})
    times = {chat: t for t, chat, _ in sender.delivered}
    assert times[2] - times[1] >= 7 and times[3] >= times[2]
    assert dispatcher.flood_waits == 1


async def test_blocked_failed_migrated_and_ambiguous(
    outbox: Outbox,
    engine: Engine,
    sender: ScriptedSender,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    blocked: list[int] = []
    migrated: list[tuple[int, int]] = []
    outbox.enqueue("broadcast", [1, 2, 3, 4, -5], TEXT)
    sender.script = {
        1: [Unreachable("Forbidden: bot was blocked by the user")],
        2: [Rejected("Bad Request: chat not found")],
        3: [MaybeSent("httpx.ReadTimeout")],
        -5: [Migrated(-1005)],
    }
    dispatcher = make_dispatcher(
        on_blocked=blocked.append, on_migrated=lambda a, b: migrated.append((a, b))
    )
    await dispatcher.run_until_idle()
    assert statuses(engine) == {
        1: "blocked",
        2: "failed",
        3: "ambiguous",
        4: "sent",
        -1005: "sent",
    }
    assert blocked == [1] and migrated == [(-5, -1005)]
    assert sender.per_chat() == Counter({3: 1, 4: 1, -1005: 1})  # 3 may have arrived


async def test_network_errors_retry_with_backoff_then_give_up(
    outbox: Outbox,
    engine: Engine,
    sender: ScriptedSender,
    fake_time: FakeTime,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    outbox.enqueue("broadcast", [1, 2], TEXT)
    sender.script = {1: [NotSent("connect error")] * 2, 2: [NotSent("connect error")] * 9}
    await make_dispatcher(max_attempts=4, backoff=lambda n: 10.0 * n).run_until_idle()
    assert statuses(engine) == {1: "sent", 2: "failed"}
    assert sender.per_chat() == Counter({1: 1})
    assert fake_time.elapsed >= 10 + 20 + 30  # waited before each retry


async def test_a_retry_resumes_after_the_parts_already_sent(
    outbox: Outbox, sender: ScriptedSender, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    parts = [{"type": "text", "text": f"第{n}条"} for n in range(3)]
    outbox.enqueue("broadcast", [1], {"parts": parts})
    sender.script = {1: [None, NotSent("reset before sending")]}
    await make_dispatcher(backoff=lambda n: 1.0).run_until_idle()
    assert [part["text"] for _, _, part in sender.delivered] == ["第0条", "第1条", "第2条"]


async def test_rows_in_flight_at_a_crash_become_ambiguous(
    outbox: Outbox,
    engine: Engine,
    sender: ScriptedSender,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    queued = outbox.enqueue("broadcast", [1, 2, 3], TEXT)
    assert outbox.claim(1, queued.broadcast_id)  # a dispatcher claimed row 1, then died
    assert outbox.recover() == 1
    await make_dispatcher().run_until_idle()
    assert statuses(engine) == {1: "ambiguous", 2: "sent", 3: "sent"}
    assert sender.per_chat() == Counter({2: 1, 3: 1})


async def test_cancel_stops_what_is_not_sent(
    outbox: Outbox,
    engine: Engine,
    sender: ScriptedSender,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    queued = outbox.enqueue("broadcast", range(1, 11), TEXT)
    dispatcher = make_dispatcher(max_in_flight=1)

    async def cancel_after_three(chat_id: int, part: Part) -> None:
        await ScriptedSender.__call__(sender, chat_id, part)
        if len(sender.delivered) == 3:
            outbox.cancel(queued.broadcast_id)

    dispatcher.sender = cancel_after_three
    await dispatcher.run_until_idle()
    figures = outbox.figures(queued.broadcast_id)
    assert (figures.sent, figures.cancelled) == (3, 7)
    assert outbox.broadcast(queued.broadcast_id).status == "cancelled"  # type: ignore[union-attr]


async def test_a_scheduled_broadcast_waits_for_its_time(
    outbox: Outbox,
    sender: ScriptedSender,
    fake_time: FakeTime,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    from datetime import timedelta

    outbox.enqueue("broadcast", [1], TEXT, send_at=NOW + timedelta(hours=2))
    await make_dispatcher().run_until_idle()
    [(when, _, _)] = sender.delivered
    assert when >= 7200


async def test_progress_is_reported_and_done_at_the_end(
    outbox: Outbox, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    reports: list[list[int]] = []

    async def on_progress(ids: object) -> None:
        reports.append(list(ids))  # type: ignore[call-overload]

    queued = outbox.enqueue("broadcast", range(1, 201), TEXT)
    await make_dispatcher(on_progress=on_progress, progress_interval=2.0).run_until_idle()
    assert len(reports) >= 3  # 8 seconds of sending, a report every 2
    assert reports[-1] == [queued.broadcast_id]


async def test_per_recipient_payloads(
    outbox: Outbox, sender: ScriptedSender, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    own = {"parts": [{"type": "text", "text": "渝中区的今日活动"}]}
    outbox.enqueue("digest", [1, (2, own)], TEXT)
    await make_dispatcher().run_until_idle()
    texts = {chat: part["text"] for _, chat, part in sender.delivered}
    assert texts[2] == "渝中区的今日活动" and "科普日" in texts[1]


async def test_limiter_reserves_distinct_slots(fake_time: FakeTime) -> None:
    limiter = RateLimiter(10, monotonic=fake_time.monotonic, sleep=fake_time.sleep)
    for chat in range(5):
        await limiter.acquire(chat)
    assert fake_time.elapsed == pytest.approx(0.4)
    limiter.pause(3)
    await limiter.acquire(99)
    assert fake_time.elapsed >= 3.4


def test_enqueue_of_nobody_is_done_at_once(outbox: Outbox) -> None:
    queued = outbox.enqueue("broadcast", [], TEXT)
    assert outbox.broadcast(queued.broadcast_id).status == "done"  # type: ignore[union-attr]


def test_migrating_onto_an_existing_recipient_fails_instead_of_duplicating(
    outbox: Outbox, engine: Engine
) -> None:
    outbox.enqueue("broadcast", [-5, -1005], TEXT)
    with session_scope(engine) as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == -5)).one()
    assert not outbox.retarget(row.id or 0, -1005)


def test_two_processes_never_claim_the_same_row(
    engine: Engine, fake_time: FakeTime, outbox: Outbox
) -> None:
    """Two dispatchers (their own Outbox, no shared lock) race for every row: one wins each."""
    rows = 50
    queued = outbox.enqueue("broadcast", range(1, rows + 1), TEXT)
    ids = [delivery.id for delivery in outbox.due(0, rows)]
    contenders = [Outbox(engine, fake_time.now) for _ in range(2)]
    wins: list[int] = []
    barrier = threading.Barrier(8)

    def race(outbox_of_process: Outbox) -> None:
        barrier.wait()
        for row_id in ids:
            if outbox_of_process.claim(row_id, queued.broadcast_id):
                wins.append(row_id)

    threads = [threading.Thread(target=race, args=(contenders[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(wins) == ids


@pytest.mark.skipif(not on_postgres(), reason="FOR UPDATE SKIP LOCKED is PostgreSQL's")
def test_a_row_locked_by_another_claim_is_skipped_at_once(engine: Engine, outbox: Outbox) -> None:
    queued = outbox.enqueue("broadcast", [1], TEXT)
    [row] = outbox.due(0, 1)
    with engine.connect() as other, other.begin():
        other.exec_driver_sql(f"SELECT id FROM outboxmessage WHERE id = {row.id} FOR UPDATE")
        started = time.monotonic()
        assert not outbox.claim(row.id, queued.broadcast_id)  # would block without SKIP LOCKED
        assert time.monotonic() - started < 2
    assert outbox.claim(row.id, queued.broadcast_id)


async def test_the_running_dispatcher_outlives_a_database_error(
    outbox: Outbox,
    sender: ScriptedSender,
    make_dispatcher: Callable[..., Dispatcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outbox.enqueue("broadcast", [1, 2, 3], TEXT)
    real_due, failures = outbox.due, {"left": 2}

    def flaky_due(after_id: int, limit: int) -> list[Delivery]:
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("SELECT", {}, Exception("the database is away"))
        return real_due(after_id, limit)

    monkeypatch.setattr(outbox, "due", flaky_due)
    dispatcher = make_dispatcher(poll_interval=0.01)
    dispatcher.start()
    for _ in range(2000):  # the fake sleep only yields; the store works in threads
        if len(sender.delivered) == 3:
            break
        await asyncio.sleep(0.005)
    await dispatcher.stop()  # and it stops cleanly after the errors
    assert sender.per_chat() == Counter({1: 1, 2: 1, 3: 1})
    assert failures["left"] == 0
