"""Multi-step flows in the store: where a user is in /broadcast, /submit, a typed review
reason, … and the draft so far, one row per (chat, user, flow), read and written with every
update of the flow (Telegram-free, blocking calls).

Several processes serve one bot behind a load balancer: step 2 of a flow may reach a process
that never saw step 1, and a process may restart between the steps. So nothing of a flow is
kept in one process's memory; a row expires after `FLOW_TTL` untouched. The texts behind
short button keys (`ButtonTexts`) are kept here too, for the same reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, select
from sqlalchemy.exc import OperationalError

from bot.clock import Clock
from bot.store.group_commit import GroupCommit
from bot.store.models import ButtonText, FlowState
from content.db import insert_or_ignore_many, upsert, write_scope

log = logging.getLogger(__name__)

FLOWS: Table = FlowState.__table__  # type: ignore[attr-defined]
BUTTON_TEXTS: Table = ButtonText.__table__  # type: ignore[attr-defined]
FLOW_TTL = timedelta(hours=24)
"""A flow left untouched this long is forgotten (its buttons then say they have expired)."""
PURGE_EVERY_SECONDS = 600.0
KEY_CHARS = 16


@dataclass
class Flow:
    """One flow of one user in one chat: its step and its draft (JSON-able values only)."""

    chat_id: int
    user_id: int
    name: str
    state: int
    draft: dict[str, Any] = field(default_factory=dict)


class Flows:
    """The flow rows (blocking calls; one short transaction each)."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        ttl: timedelta = FLOW_TTL,
        writer: GroupCommit | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._clock = clock
        self._ttl = ttl
        self._monotonic = monotonic
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    def active(self, chat_id: int, user_id: int) -> dict[str, Flow]:
        """The user's unexpired flows in the chat, by name."""
        query = select(FLOWS.c.flow, FLOWS.c.state, FLOWS.c.draft).where(
            FLOWS.c.chat_id == chat_id,
            FLOWS.c.user_id == user_id,
            FLOWS.c.expires_at > self._clock(),
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return {
            str(row[0]): Flow(chat_id, user_id, str(row[0]), int(row[1]), dict(row[2]))
            for row in rows
        }

    async def active_async(self, chat_id: int, user_id: int) -> dict[str, Flow]:
        """`active` from the event loop, through the group commit when there is one: the
        reads of many updates go in one statement of a batch that commits their writes anyway
        (on SQLite on the loop itself, with no hop to a thread).

        With the database away no flow goes on: the update is handled as outside any flow (a
        question is still answered from memory), rather than failing."""
        try:
            if self._writer is None:
                return await asyncio.to_thread(self.active, chat_id, user_id)
            future = self._writer.submit_to(self._read_many, (chat_id, user_id))
            return dict(await asyncio.wrap_future(future))
        except OperationalError as exc:
            log.warning("flows of user %s not read: the database is away (%s)", user_id, exc)
            return {}

    def _read_many(
        self, connection: Connection, keys: list[tuple[int, int]]
    ) -> list[dict[str, Flow]]:
        """The bulk of `active_async`: every asker's flows with one query."""
        chats = sorted({chat for chat, _ in keys})
        users = sorted({user for _, user in keys})
        query = select(
            FLOWS.c.chat_id, FLOWS.c.user_id, FLOWS.c.flow, FLOWS.c.state, FLOWS.c.draft
        ).where(
            FLOWS.c.chat_id.in_(chats),
            FLOWS.c.user_id.in_(users),
            FLOWS.c.expires_at > self._clock(),
        )
        found: dict[tuple[int, int], dict[str, Flow]] = {}
        for row in connection.execute(query):
            chat, user, name, state, draft = int(row[0]), int(row[1]), str(row[2]), row[3], row[4]
            found.setdefault((chat, user), {})[name] = Flow(
                chat, user, name, int(state), dict(draft)
            )
        return [found.get(key, {}) for key in keys]

    def get(self, chat_id: int, user_id: int, name: str) -> Flow | None:
        """One flow, unless it ended or expired."""
        return self.active(chat_id, user_id).get(name)

    def save(self, flow: Flow) -> None:
        """Write the flow's step and draft (a new row, or over the old one)."""
        now = self._clock()
        row = {
            "chat_id": flow.chat_id,
            "user_id": flow.user_id,
            "flow": flow.name,
            "state": flow.state,
            "draft": flow.draft,
            "expires_at": now + self._ttl,
        }
        with write_scope(self._engine) as connection:
            upsert(connection, FLOWS, row)
            self._purge_now_and_then(connection)

    def end(self, chat_id: int, user_id: int, name: str) -> Flow | None:
        """End the flow; returns it unless it had ended (or expired) already. Of two processes
        ending one flow at once, exactly one gets it back (confirming a draft is done once)."""
        statement = (
            delete(FLOWS)
            .where(
                FLOWS.c.chat_id == chat_id,
                FLOWS.c.user_id == user_id,
                FLOWS.c.flow == name,
            )
            .returning(FLOWS.c.state, FLOWS.c.draft, FLOWS.c.expires_at)
        )
        with write_scope(self._engine) as connection:
            row = connection.execute(statement).first()
        if row is None or row.expires_at <= self._clock():
            return None
        return Flow(chat_id, user_id, name, row.state, dict(row.draft))

    def purge(self, connection: Connection | None = None) -> int:
        """Forget expired flows; returns how many."""
        if connection is None:
            with write_scope(self._engine) as own:
                return self.purge(own)
        result = connection.execute(delete(FLOWS).where(FLOWS.c.expires_at <= self._clock()))
        return int(result.rowcount or 0)

    def _purge_now_and_then(self, connection: Connection) -> None:
        now = self._monotonic()
        if now < self._next_purge or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._next_purge = now + PURGE_EVERY_SECONDS
            self.purge(connection)
        finally:
            self._purge_lock.release()


def write_button_texts(connection: Connection, rows: list[dict[str, Any]]) -> list[None]:
    """The bulk of new button texts (`bot.store.group_commit`)."""
    insert_or_ignore_many(connection, BUTTON_TEXTS, rows)
    return [None] * len(rows)


class ButtonTexts:
    """Texts behind short keys, for button data over Telegram's 64 bytes, kept in the store so
    that a button resolves on any process and after a restart.

    A key is a hash of its text, so the rows are as many as the distinct long texts ever put
    on a button (suggested questions: the content's own questions), and none is purged. A new
    key is written by the group commit without waiting: the button goes out at once, and it
    is committed long before anyone can press it. Texts are cached in memory once seen.
    """

    def __init__(self, engine: Engine, clock: Clock, writer: GroupCommit) -> None:
        self._engine = engine
        self._clock = clock
        self._writer = writer
        self._texts: dict[str, str] = {}

    def key_for(self, text: str) -> str:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_CHARS]
        if key not in self._texts:
            self._texts[key] = text
            row = {"key": key, "text": text, "created_at": self._clock()}
            self._writer.fire_to(write_button_texts, row, "a button text")
        return key

    def text_for(self, key: str) -> str | None:
        """The text behind `key`, or None when no process ever made it (blocking on a miss)."""
        text = self._texts.get(key)
        if text is not None:
            return text
        with self._engine.connect() as connection:
            text = connection.execute(
                select(BUTTON_TEXTS.c.text).where(BUTTON_TEXTS.c.key == key)
            ).scalar()
        if text is not None:
            self._texts[key] = text
        return text

    def cached(self, key: str) -> str | None:
        """The text behind `key` if this process has it in memory (no store read)."""
        return self._texts.get(key)
