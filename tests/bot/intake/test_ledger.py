"""The ledger of processed update ids: first sight, re-delivery, expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.intake.ledger import KEEP, ProcessedUpdates
from bot.store.models import ProcessedUpdate
from content.db import write_scope
from tests.conftest import NOW
from tests.helpers.fake_time import FakeTime


def _in(engine: Engine, work):  # type: ignore[no-untyped-def]
    with write_scope(engine) as connection:
        return work(connection)


def _first_sight(ledger: ProcessedUpdates, engine: Engine, update_id: int) -> bool:
    return bool(_in(engine, lambda c: ledger.start(c, update_id)))


def test_an_update_is_new_once(engine: Engine) -> None:
    ledger = ProcessedUpdates(engine, lambda: NOW)
    assert _first_sight(ledger, engine, 900_000_001)
    assert not _first_sight(ledger, engine, 900_000_001)
    assert _first_sight(ledger, engine, 900_000_002)


def test_ids_are_forgotten_after_a_day(engine: Engine) -> None:
    time = FakeTime(NOW)
    ledger = ProcessedUpdates(engine, time.now, monotonic=time.monotonic)
    assert _first_sight(ledger, engine, 1)
    time.elapsed += KEEP.total_seconds() + 3600
    assert _first_sight(ledger, engine, 2)  # purges on the way
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ProcessedUpdate)).one() == 1
    assert _first_sight(ledger, engine, 1)  # a day later, an id is unknown again


def test_purge_keeps_recent_ids(engine: Engine) -> None:
    time = FakeTime(NOW)
    ledger = ProcessedUpdates(engine, time.now)
    _first_sight(ledger, engine, 1)
    time.elapsed += timedelta(hours=1).total_seconds()
    assert ledger.purge() == 0
    assert not _first_sight(ledger, engine, 1)


def test_an_update_kept_on_arrival_starts_once_and_is_not_an_orphan(engine: Engine) -> None:
    time = FakeTime(NOW)
    ledger = ProcessedUpdates(engine, time.now, monotonic=time.monotonic)
    assert _in(engine, lambda c: ledger.take_in(c, 7, '{"update_id": 7}'))
    assert not _in(engine, lambda c: ledger.take_in(c, 7, '{"update_id": 7}'))  # re-delivered
    assert _in(engine, lambda c: ledger.start(c, 7))
    assert not _in(engine, lambda c: ledger.start(c, 7))  # never started twice
    time.elapsed += 3600
    assert _in(engine, lambda c: ledger.orphans(c, timedelta(seconds=30))) == []
    with Session(engine) as session:
        row = session.get(ProcessedUpdate, 7)
        assert row is not None and row.payload is None  # the payload goes once started


def test_updates_kept_but_never_started_are_claimed_once(engine: Engine) -> None:
    time = FakeTime(NOW)
    ledger = ProcessedUpdates(engine, time.now, monotonic=time.monotonic)
    for update_id in (11, 12):
        _in(engine, lambda c, u=update_id: ledger.take_in(c, u, f'{{"update_id": {u}}}'))
    assert _in(engine, lambda c: ledger.orphans(c, timedelta(seconds=30))) == []  # too young
    time.elapsed += 31
    claimed = _in(engine, lambda c: ledger.orphans(c, timedelta(seconds=30)))
    assert claimed == ['{"update_id": 11}', '{"update_id": 12}']
    # Claimed: another process looking now finds nothing, and the claimer starts them.
    assert _in(engine, lambda c: ledger.orphans(c, timedelta(seconds=30))) == []
    assert _in(engine, lambda c: ledger.start(c, 11))


def test_a_batch_is_kept_and_started_in_bulk_and_a_repeat_within_it_counts_once(
    engine: Engine,
) -> None:
    ledger = ProcessedUpdates(engine, lambda: NOW)
    assert _in(engine, lambda c: ledger.take_in(c, 21, "{}"))
    arrivals = [(20, '{"a": 1}'), (21, "{}"), (22, "{}"), (20, '{"a": 1}')]
    assert _in(engine, lambda c: ledger.take_in_many(c, arrivals)) == [True, False, True, False]
    # 20 and 21 were kept, 23 arrives unkept (a local chat), 20 comes twice, 24 started before.
    assert _in(engine, lambda c: ledger.start(c, 24))
    started = _in(engine, lambda c: ledger.start_many(c, [20, 21, 23, 20, 24]))
    assert started == [True, True, True, False, False]
    with Session(engine) as session:
        rows = session.exec(select(ProcessedUpdate).order_by(ProcessedUpdate.update_id)).all()
    assert [(row.update_id, row.started_at is not None) for row in rows] == [
        (20, True),
        (21, True),
        (22, False),
        (23, True),
        (24, True),
    ]
    assert rows[2].payload == "{}" and rows[0].payload is None


def test_a_question_whose_process_died_before_the_reply_is_claimed_until_one_answers(
    engine: Engine,
) -> None:
    time = FakeTime(NOW)
    ledger = ProcessedUpdates(engine, time.now, monotonic=time.monotonic)
    older = timedelta(seconds=30)
    for update_id in (1, 2, 3):
        _in(engine, lambda c, u=update_id: ledger.take_in(c, u, f'{{"update_id": {u}}}'))
    # 1 is a question answered, 2 a question whose process died, 3 an effect that started.
    reclaimed: set[int] = set()
    assert _in(engine, lambda c: ledger.start_many(c, [1, 2, 3], {1, 2}, reclaimed)) == [True] * 3
    assert reclaimed == set()
    _in(engine, lambda c: ledger.answered(c, [1]))
    assert _in(engine, lambda c: ledger.orphans(c, older)) == []  # too soon: it may be alive
    time.elapsed += 60
    assert _in(engine, lambda c: ledger.orphans(c, older)) == ['{"update_id": 2}']
    assert not _in(engine, lambda c: ledger.start(c, 3))  # an effect: at most once
    # The next process starts the claimed question and dies before its reply: claimed again.
    assert _in(engine, lambda c: ledger.start_many(c, [2], {2}, reclaimed)) == [True]
    assert reclaimed == {2}
    time.elapsed += 60
    assert _in(engine, lambda c: ledger.orphans(c, older)) == ['{"update_id": 2}']
    # The third gets as far as its reply: a fourth handling may not reply, nor be claimed.
    _in(engine, lambda c: ledger.start_many(c, [2], {2}, reclaimed))
    assert _in(engine, lambda c: ledger.resend(c, 2))
    assert not _in(engine, lambda c: ledger.resend(c, 2))
    time.elapsed += 60
    assert _in(engine, lambda c: ledger.orphans(c, older)) == []
    _in(engine, lambda c: ledger.answered(c, [2]))
    with Session(engine) as session:
        rows = {row.update_id: row for row in session.exec(select(ProcessedUpdate))}
    assert [rows[u].payload for u in (1, 2, 3)] == [None, None, None]  # none kept for nothing
    assert not any(row.answer_due for row in rows.values())
