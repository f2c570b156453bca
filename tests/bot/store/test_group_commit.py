"""The group commit: many callers' writes in shared transactions, each unit on its own."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError

from bot.store.group_commit import GroupCommit, each
from bot.store.models import AskedQuestion
from content.db import create_db_engine, write_scope
from tests.conftest import NOW


def _asked(intent: str):  # type: ignore[no-untyped-def]
    def unit(connection: Connection) -> str:
        connection.execute(insert(AskedQuestion).values(asked_at=NOW, intent=intent))
        return intent

    return unit


def _intents(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(select(AskedQuestion.intent)).scalars())


def test_a_burst_shares_transactions_and_every_unit_gets_its_result(engine: Engine) -> None:
    writer = GroupCommit(engine)
    gate = threading.Event()
    first = writer.submit(lambda connection: gate.wait(5))  # holds the writer thread
    futures = [writer.submit(_asked(f"q{n:03}")) for n in range(200)]
    gate.set()
    assert first.result(5)
    assert [f.result(5) for f in futures] == [f"q{n:03}" for n in range(200)]
    writer.close()
    assert _intents(engine) == [f"q{n:03}" for n in range(200)]
    assert writer.batches <= 3  # the 200 queued behind the first went in one or two commits


def test_a_failing_unit_is_rolled_back_alone(engine: Engine) -> None:
    writer = GroupCommit(engine)
    gate = threading.Event()
    writer.submit(lambda connection: gate.wait(5))

    def half_then_fail(connection: Connection) -> None:
        connection.execute(insert(AskedQuestion).values(asked_at=NOW, intent="half"))
        raise ValueError("a bug in one unit")

    before = writer.submit(_asked("before"))
    failing = writer.submit(half_then_fail)
    after = writer.submit(_asked("after"))
    gate.set()
    with pytest.raises(ValueError, match="a bug in one unit"):
        failing.result(5)
    assert (before.result(5), after.result(5)) == ("before", "after")
    writer.close()
    assert _intents(engine) == ["after", "before"]  # nothing of the failed unit


def test_a_units_database_error_is_its_own_and_a_closed_writer_refuses(engine: Engine) -> None:
    writer = GroupCommit(engine)

    def broken(connection: Connection) -> None:
        connection.execute(text("SELECT * FROM no_such_table"))

    assert writer.submit(broken).exception(5) is not None  # a unit's own error
    writer.close()
    closed = writer.submit(_asked("late"))
    assert isinstance(closed.exception(5), RuntimeError)  # a closed writer refuses politely


def test_fire_logs_a_failure_instead_of_raising(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    writer = GroupCommit(engine)

    def away(connection: Connection) -> None:
        raise OperationalError("INSERT", {}, Exception("database is away"))

    writer.fire_to(each, away, "a question")
    writer.flush()
    writer.close()
    assert "could not record a question" in caplog.text


def test_flush_waits_for_what_was_fired(engine: Engine) -> None:
    writer = GroupCommit(engine)
    for n in range(50):
        writer.fire_to(each, _asked(f"f{n}"), "a question")
    writer.flush()
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(AskedQuestion)).scalar()
    assert count == 50
    writer.close()


def test_items_of_one_bulk_are_written_with_one_call(engine: Engine) -> None:
    calls: list[list[str]] = []

    def asked(connection: Connection, intents: list[str]) -> list[int]:
        calls.append(intents)
        connection.execute(
            insert(AskedQuestion), [{"asked_at": NOW, "intent": intent} for intent in intents]
        )
        return [len(intent) for intent in intents]

    writer = GroupCommit(engine)
    gate = threading.Event()
    writer.submit(lambda connection: gate.wait(5))
    futures = [writer.submit_to(asked, "x" * n) for n in range(1, 41)]
    gate.set()
    assert [f.result(5) for f in futures] == list(range(1, 41))
    writer.close()
    assert len(calls) <= 2 and sum(map(len, calls)) == 40  # not one call an item
    assert len(_intents(engine)) == 40


def test_a_failing_item_of_a_bulk_fails_alone(engine: Engine) -> None:
    def asked(connection: Connection, intents: list[str]) -> list[str]:
        for intent in intents:
            connection.execute(insert(AskedQuestion).values(asked_at=NOW, intent=intent))
            if intent == "bad":
                raise ValueError("a bad item")
        return intents

    writer = GroupCommit(engine)
    gate = threading.Event()
    writer.submit(lambda connection: gate.wait(5))
    futures = {intent: writer.submit_to(asked, intent) for intent in ("a", "bad", "b")}
    gate.set()
    with pytest.raises(ValueError, match="a bad item"):
        futures["bad"].result(5)
    assert (futures["a"].result(5), futures["b"].result(5)) == ("a", "b")
    writer.close()
    assert _intents(engine) == ["a", "b"]  # the batch was tried together, then one by one


@pytest.fixture
def sqlite_engine(template_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """The event loop commits on SQLite only: these tests take a SQLite copy on either run."""
    path = tmp_path / "loop.db"
    shutil.copyfile(template_db, path)
    engine = create_db_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


async def test_on_sqlite_the_event_loop_commits_a_burst_itself(sqlite_engine: Engine) -> None:
    writer = GroupCommit(sqlite_engine)
    futures = [writer.submit(_asked(f"l{n:02}")) for n in range(50)]
    results = await asyncio.gather(*map(asyncio.wrap_future, futures))
    assert results == [f"l{n:02}" for n in range(50)]
    assert _intents(sqlite_engine) == results
    assert writer.batches == 1 and writer.handed_over == 0  # one commit at the loop's turn
    writer.close()


async def test_a_taken_write_lock_sends_the_batch_to_the_thread_which_waits(
    sqlite_engine: Engine,
) -> None:
    writer = GroupCommit(sqlite_engine)
    other = sqlite3.connect(sqlite_engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's import, say
    pending = asyncio.wrap_future(writer.submit(_asked("waited")))
    await asyncio.sleep(0.05)  # the loop's turn came, and went: the lock was taken
    assert writer.handed_over == 1 and not pending.done()
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(pending, 10) == "waited"
    assert _intents(sqlite_engine) == ["waited"]
    writer.close()


async def test_while_a_writer_of_this_process_has_the_lock_the_loop_tries_again(
    sqlite_engine: Engine,
) -> None:
    writer = GroupCommit(sqlite_engine)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_scope(sqlite_engine):  # a subscription being saved, say
            holding.set()
            release.wait(5)

    holder = asyncio.create_task(asyncio.to_thread(hold))
    await asyncio.to_thread(holding.wait, 5)
    pending = asyncio.wrap_future(writer.submit(_asked("soon")))
    await asyncio.sleep(0.05)
    assert not pending.done()
    release.set()
    assert await asyncio.wait_for(pending, 5) == "soon"
    await holder
    assert writer.handed_over == 0  # the loop wrote it itself
    writer.close()


async def test_flush_from_a_worker_thread_waits_for_the_loops_writes(
    sqlite_engine: Engine,
) -> None:
    writer = GroupCommit(sqlite_engine)
    for n in range(20):
        writer.fire_to(each, _asked(f"w{n:02}"), "a question")
    await asyncio.to_thread(writer.flush)  # the loop runs meanwhile: its turn commits them
    assert len(_intents(sqlite_engine)) == 20
    writer.fire_to(each, _asked("x"), "a question")
    writer.flush()  # on the loop itself: committed there and then
    assert len(_intents(sqlite_engine)) == 21
    writer.close()


async def test_the_loops_connection_never_waits_and_never_goes_back_to_the_pool(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkpoints: list[Engine] = []
    monkeypatch.setattr("bot.store.group_commit.checkpoint", checkpoints.append)
    writer = GroupCommit(sqlite_engine)
    await asyncio.wrap_future(writer.submit(_asked("a")))
    writer.flush()
    assert checkpoints == [sqlite_engine]  # the thread checkpoints for the loop
    await asyncio.wrap_future(writer.submit(_asked("b")))
    writer.flush()
    assert len(checkpoints) == 1  # at most once a second
    writer.close()
    with sqlite_engine.connect() as connection:  # a pooled connection waits as usual
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_writes_left_on_a_stopped_loop_are_committed_at_close(sqlite_engine: Engine) -> None:
    writer = GroupCommit(sqlite_engine)
    loop = asyncio.new_event_loop()
    left: list[Future[str]] = []

    def submit() -> None:
        left.append(writer.submit(_asked("left")))
        loop.stop()  # the loop's turn for the write never comes

    loop.call_soon(submit)
    loop.run_forever()
    loop.close()
    assert not left[0].done()
    writer.close()
    assert left[0].result(5) == "left" and _intents(sqlite_engine) == ["left"]
