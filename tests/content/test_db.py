"""The store under concurrent writers: 200 handlers at once, each reading then writing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.clock import fixed_clock
from bot.outreach.subscriptions import Subscriptions
from bot.people import People, UserInfo
from bot.store.models import BotUser, Subscription
from content.db import create_db_engine, ping, session_scope
from content.models import Meta
from tests.conftest import NOW
from tests.helpers.databases import skip_on_postgres

HANDLERS = 200


def run_at_once(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Start `count` threads that call `work(i)` together; returns what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


def test_200_concurrent_handlers_read_then_write(engine: Engine) -> None:
    clock = fixed_clock(NOW)
    people = People(engine, clock, frozenset())
    subscriptions = Subscriptions(engine, clock)

    def handler(index: int) -> None:  # what /subscribe does for a new user
        user_id = 10_000 + index
        people.touch(UserInfo(user_id, f"用户{index}", None, "zh-hans"))
        subscriptions.subscribe(user_id)
        subscriptions.toggle_topic(user_id, "creators")

    errors = run_at_once(HANDLERS, handler)

    assert not [e for e in errors if "database is locked" in str(e)]
    assert errors == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(BotUser)).one() == HANDLERS
        active = select(func.count()).select_from(Subscription).where(Subscription.active)
        assert session.exec(active).one() == HANDLERS


@skip_on_postgres
def test_write_transactions_take_the_lock_up_front(engine: Engine) -> None:
    """200 read-modify-write increments of one row lose none: each waits its turn."""
    with session_scope(engine) as session:
        session.add(Meta(key="counter", value="0"))

    def increment(_: int) -> None:
        with session_scope(engine) as session:
            row = session.get(Meta, "counter")
            assert row is not None
            row.value = str(int(row.value) + 1)
            session.add(row)

    errors = run_at_once(HANDLERS, increment)

    assert errors == []
    with Session(engine) as session:
        row = session.get(Meta, "counter")
        assert row is not None and row.value == str(HANDLERS)


@skip_on_postgres
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_ping_reaches_the_database(engine: Engine) -> None:
    ping(engine)


def test_ping_fails_when_the_database_is_gone(tmp_path: Path) -> None:
    absent = create_db_engine(f"sqlite:///file:{tmp_path / 'absent.db'}?mode=ro&uri=true")
    with pytest.raises(OperationalError):
        ping(absent)
    absent.dispose()


def test_the_schema_check_needs_no_alembic_when_up_to_date(tmp_path: Path) -> None:
    from bot.store.schema import _current_heads, _script_heads, migrate
    from content.db import create_db_engine

    engine = create_db_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert _current_heads(engine) is None  # a new database
    migrate(engine)
    assert _current_heads(engine) == _script_heads() != set()
    engine.dispose()
