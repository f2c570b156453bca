"""A real database outage of 30 s: questions are still answered from the in-memory snapshot,
what needs the database is refused with "please try again", nothing is half-written, and it
all works again on its own once the database is back.

SQLite: another process holds the write lock of the file. PostgreSQL: the database refuses
connections and the open ones are cut (what a stopped server looks like to the bot), without
stopping the server the rest of the suite uses.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot import messages
from bot.services import Services
from bot.store.models import AskedQuestion, ProcessedUpdate
from tests.conftest import Send
from tests.helpers.databases import PostgresDatabases

OUTAGE_SECONDS = 30.0
USER = 5150


@contextmanager
def outage(db_url: str, postgres: PostgresDatabases | None) -> Iterator[None]:
    """The database is unavailable inside the block."""
    url = make_url(db_url)
    if postgres is not None:
        postgres.refuse_connections(str(url.database))
        try:
            yield
        finally:
            postgres.refuse_connections(str(url.database), refuse=False)
        return
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        other = sqlite3.connect(str(url.database), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process's long write transaction
        locked.set()
        release.wait()
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join()


def _count(services: Services, model: type) -> int:
    services.writer.flush()
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar() or 0)


async def test_thirty_seconds_without_the_database(
    send: Send, services: Services, db_url: str, postgres: PostgresDatabases | None
) -> None:
    [before] = await send("科普日什么时候开始")
    assert "9月15日" in before.params["text"]
    asked, taken_in = _count(services, AskedQuestion), _count(services, ProcessedUpdate)

    answers, subscribing = [], []
    with outage(db_url, postgres):
        started = time.monotonic()
        while time.monotonic() - started < OUTAGE_SECONDS:
            [answer] = await send("今年的主题是什么")
            answers.append(answer.params["text"])
            [refusal] = await send("/subscribe", user_id=USER)
            subscribing.append(refusal.params["text"])
            left = OUTAGE_SECONDS - (time.monotonic() - started)
            await asyncio.sleep(min(5.0, max(0.0, left)))

    assert answers and all("主题" in text for text in answers)  # answered from memory
    assert set(subscribing) == {messages.ERROR}  # "please try again"
    assert services.subscriptions.get(USER) is None  # nothing half-written
    # Back on its own: no restart, no intervention.
    [after] = await send("今年的主题是什么")
    assert "主题" in after.params["text"]
    await send("/subscribe", user_id=USER)
    assert services.subscriptions.get(USER) is not None
    # Only the updates after the outage were recorded (the question log of the answers given
    # meanwhile is lost, and said so in the log).
    assert _count(services, AskedQuestion) == asked + 1
    assert _count(services, ProcessedUpdate) == taken_in + 2
