"""The group commit: many callers' writes in shared transactions, each unit on its own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError

from bot.group_commit import GroupCommit, each
from bot.models import AskedQuestion
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
