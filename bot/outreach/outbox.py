"""The durable outbox: every bulk message is written here, one row per recipient, before any
of it is sent; `bot.outreach.dispatcher` drains it.

A row moves pending → sending → sent, or ends failed (Telegram refused it), blocked (the user
blocked the bot), ambiguous (the request may have reached Telegram but no answer came back,
so it is not sent again) or cancelled. A row is marked `sending` immediately before its
request and finished immediately after, so after a crash the only rows whose fate is unknown
are those still `sending`: `recover()` makes them ambiguous instead of sending them twice.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.formatting import split_markup, to_plain
from bot.store.models import Broadcast, OutboxMessage
from content.db import is_postgres, session_scope

log = logging.getLogger(__name__)

Part = dict[str, Any]
"""One message of a delivery: {"type": "text", "text": html}, or {"type": "photo" |
"document", "file_id": ..., "caption": html or None}; a picture the bot drew itself (the
organizers' chart) is {"type": "photo", "png": base64 of the PNG, "caption": ...}: the
payload is JSON, and its few recipients each get it uploaded (no file on any one disk)."""

MAX_CAPTION_CHARS = 1024
INSERT_CHUNK = 5000


class Status(StrEnum):
    """What happened to one recipient's message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    AMBIGUOUS = "ambiguous"
    CANCELLED = "cancelled"


class BroadcastStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


ACTIVE = (BroadcastStatus.QUEUED, BroadcastStatus.SENDING)


# --- what a sender raises: the dispatcher decides what each means for the row ---------------


class DeliveryError(Exception):
    """A part could not be delivered; the subclass says what to do about it."""


class RetryAfter(DeliveryError):
    """Flood control: stop all sending for `seconds`, then retry (nothing was sent)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood control, retry in {seconds} s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The user blocked the bot or is deactivated: never retry."""


class Rejected(DeliveryError):
    """Telegram refused this message for this chat (chat not found, bad request): failed."""


class Migrated(DeliveryError):
    """The group became a supergroup with a new id: send there instead."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class NotSent(DeliveryError):
    """A failure before the request reached Telegram (or an explicit error answer): retry."""


class MaybeSent(DeliveryError):
    """The request left but no answer came back: it may have been delivered. Never resent."""


# --- payloads ------------------------------------------------------------------------------


def text_parts(text_html: str) -> list[Part]:
    """A text message as parts under Telegram's length limit (HTML kept balanced)."""
    return [{"type": "text", "text": chunk} for chunk in split_markup(text_html)]


def png_part(png: bytes, caption_html: str | None = None) -> Part:
    """A photo part carrying its PNG bytes (see `Part`)."""
    return {"type": "photo", "png": base64.b64encode(png).decode("ascii"), "caption": caption_html}


def png_of(part: Part) -> bytes:
    """The PNG bytes of a `png_part`."""
    return base64.b64decode(part["png"])


def media_parts(kind: str, file_id: str, caption_html: str | None) -> list[Part]:
    """A photo or document; a caption over Telegram's limit follows as text instead."""
    if caption_html and len(caption_html) > MAX_CAPTION_CHARS:
        return [{"type": kind, "file_id": file_id, "caption": None}, *text_parts(caption_html)]
    return [{"type": kind, "file_id": file_id, "caption": caption_html or None}]


# --- plain results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """How far a broadcast got, counted per row status."""

    total: int = 0
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    ambiguous: int = 0
    cancelled: int = 0

    @property
    def remaining(self) -> int:
        return self.pending + self.sending

    @property
    def finished(self) -> int:
        return self.total - self.remaining

    @property
    def delivery_rate(self) -> float | None:
        """Sent among the rows that are settled and were not cancelled."""
        settled = self.sent + self.failed + self.blocked + self.ambiguous
        return self.sent / settled if settled else None


@dataclass(frozen=True)
class BroadcastInfo:
    id: int
    kind: str
    audience: str
    status: str
    created_at: datetime
    send_at: datetime | None
    finished_at: datetime | None
    created_by: int | None
    status_chat_id: int | None
    status_message_id: int | None
    preview: str
    figures: Figures


@dataclass(frozen=True)
class Enqueued:
    broadcast_id: int
    total: int
    created: bool
    """False when `dedupe_key` matched an earlier broadcast (nothing new was queued)."""


@dataclass(frozen=True)
class Delivery:
    """A row handed to the dispatcher, with the parts its recipient gets."""

    id: int
    broadcast_id: int
    chat_id: int
    parts: list[Part]
    parts_sent: int
    attempts: int


Recipient = int | tuple[int, dict[str, Any]]
"""A chat id, or a chat id with its own payload (e.g. a digest for its district)."""


class Outbox:
    """The outbox tables behind a small API (blocking calls; one short session each)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        # One writer at a time in this process: SQLite would otherwise make concurrent
        # writers back off in its busy handler (milliseconds each), capping the send rate.
        self._write_lock = threading.Lock()
        self._skip_locked = is_postgres(engine)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write_lock, session_scope(self._engine) as session:
            yield session

    def now(self) -> datetime:
        return self._clock()

    # --- writing ---------------------------------------------------------------------------

    def enqueue(
        self,
        kind: str,
        recipients: Iterable[Recipient],
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        audience: str = "",
        created_by: int | None = None,
        send_at: datetime | None = None,
    ) -> Enqueued:
        """Queue `payload` ({"parts": [...]}) for every recipient, in one transaction.

        With `dedupe_key`, a second call with the same key queues nothing and returns the
        first broadcast: a job that runs twice sends once. Each chat gets one row.
        """
        if dedupe_key is not None and (found := self._by_key(dedupe_key)) is not None:
            return found
        now = self._clock()
        rows: dict[int, dict[str, Any] | None] = {}
        for recipient in recipients:
            chat_id, own = recipient if isinstance(recipient, tuple) else (recipient, None)
            rows.setdefault(int(chat_id), own)
        try:
            with self._writing() as session:
                broadcast = Broadcast(
                    kind=kind,
                    dedupe_key=dedupe_key,
                    payload=payload,
                    audience=audience,
                    created_by=created_by,
                    created_at=now,
                    send_at=send_at,
                    total=len(rows),
                    status=BroadcastStatus.QUEUED if rows else BroadcastStatus.DONE,
                    finished_at=None if rows else now,
                )
                session.add(broadcast)
                session.flush()
                assert broadcast.id is not None
                values = [
                    {
                        "broadcast_id": broadcast.id,
                        "chat_id": chat_id,
                        "status": Status.PENDING.value,
                        "attempts": 0,
                        "parts_sent": 0,
                        "payload": own,
                        "updated_at": now,
                    }
                    for chat_id, own in rows.items()
                ]
                for start in range(0, len(values), INSERT_CHUNK):
                    session.execute(insert(OutboxMessage), values[start : start + INSERT_CHUNK])
                broadcast_id = broadcast.id
        except IntegrityError:
            if dedupe_key is not None and (found := self._by_key(dedupe_key)) is not None:
                return found  # another process queued it first
            raise
        log.info("queued %s #%s for %d recipients", kind, broadcast_id, len(rows))
        return Enqueued(broadcast_id, len(rows), created=True)

    def queued(self, dedupe_key: str) -> bool:
        """Whether a broadcast with this dedupe key was queued already."""
        return self._by_key(dedupe_key) is not None

    def _by_key(self, dedupe_key: str) -> Enqueued | None:
        with Session(self._engine) as session:
            found = session.exec(select(Broadcast).where(Broadcast.dedupe_key == dedupe_key))
            row = found.first()
        return Enqueued(row.id, row.total, created=False) if row and row.id else None

    def set_status_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the organizer's progress message, to edit it as sending goes."""
        with self._writing() as session:
            row = session.get(Broadcast, broadcast_id)
            if row is not None:
                row.status_chat_id, row.status_message_id = chat_id, message_id
                session.add(row)

    def recover(self) -> int:
        """At startup: rows left `sending` by a crash may have been delivered → ambiguous."""
        with self._writing() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.status) == Status.SENDING)
                .values(
                    status=Status.AMBIGUOUS,
                    last_error="in flight when the dispatcher stopped",
                    updated_at=self._clock(),
                )
            )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            log.warning("%d outbox message(s) were in flight at a crash: marked ambiguous", count)
        return count

    def cancel(self, broadcast_id: int) -> int:
        """Stop a broadcast: its pending rows are cancelled (rows in flight finish)."""
        now = self._clock()
        with self._writing() as session:
            row = session.get(Broadcast, broadcast_id)
            if row is None or row.status not in ACTIVE:
                return 0
            row.status, row.finished_at = BroadcastStatus.CANCELLED, now
            session.add(row)
            result = session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.broadcast_id) == broadcast_id,
                    col(OutboxMessage.status) == Status.PENDING,
                )
                .values(status=Status.CANCELLED, updated_at=now)
            )
        log.info("broadcast #%s cancelled", broadcast_id)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- the dispatcher's side -------------------------------------------------------------

    def due(self, after_id: int, limit: int) -> list[Delivery]:
        """Pending rows of due, active broadcasts, by id, after `after_id`."""
        now = self._clock()
        with Session(self._engine) as session:
            broadcasts = session.exec(
                select(Broadcast.id, Broadcast.payload).where(
                    col(Broadcast.status).in_(ACTIVE),
                    or_(col(Broadcast.send_at).is_(None), col(Broadcast.send_at) <= now),
                )
            ).all()
            payloads = {bid: payload for bid, payload in broadcasts}
            if not payloads:
                return []
            rows = session.exec(
                select(OutboxMessage)
                .where(
                    col(OutboxMessage.status) == Status.PENDING,
                    col(OutboxMessage.id) > after_id,
                    col(OutboxMessage.broadcast_id).in_(payloads),
                    or_(
                        col(OutboxMessage.not_before).is_(None),
                        col(OutboxMessage.not_before) <= now,
                    ),
                )
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            ).all()
        return [
            Delivery(
                id=row.id or 0,
                broadcast_id=row.broadcast_id,
                chat_id=row.chat_id,
                parts=list((row.payload or payloads[row.broadcast_id]).get("parts", [])),
                parts_sent=row.parts_sent,
                attempts=row.attempts,
            )
            for row in rows
        ]

    def next_due_at(self) -> datetime | None:
        """When the earliest pending row not yet due becomes due (None: nothing waits)."""
        with Session(self._engine) as session:
            active = select(Broadcast.id).where(col(Broadcast.status).in_(ACTIVE))
            pending = session.exec(
                select(func.min(OutboxMessage.not_before), func.count()).where(
                    col(OutboxMessage.status) == Status.PENDING,
                    col(OutboxMessage.broadcast_id).in_(active),
                )
            ).one()
            send_at = session.exec(
                select(func.min(Broadcast.send_at)).where(col(Broadcast.status).in_(ACTIVE))
            ).one()
        earliest, count = pending
        if not count:
            return None
        candidates = [moment for moment in (earliest, send_at) if moment is not None]
        return min(candidates) if candidates else self._clock()

    def claim(self, row_id: int, broadcast_id: int) -> bool:
        """Mark a row `sending` just before its request; False if it is no longer pending."""
        now = self._clock()
        with self._writing() as session:
            if self._skip_locked:
                # Several processes' dispatchers: one that finds the row locked by another's
                # claim passes it by at once instead of queueing behind it.
                locked = session.exec(
                    select(OutboxMessage.id)
                    .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending")
                    .with_for_update(skip_locked=True)
                ).first()
                if locked is None:
                    return False
            result = session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending")
                .values(
                    status=Status.SENDING,
                    attempts=OutboxMessage.attempts + 1,
                    updated_at=now,
                )
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                return False
            session.execute(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == "queued")
                .values(status=BroadcastStatus.SENDING)
            )
        return True

    def record_part(self, row_id: int, parts_sent: int) -> None:
        """A part of a multi-part message went out: a retry starts after it."""
        self._set(row_id, parts_sent=parts_sent)

    def finish(
        self,
        row_id: int,
        status: Status,
        *,
        error: str | None = None,
        parts_sent: int | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """Settle a row (or put it back to `pending` for a later retry)."""
        values: dict[str, Any] = {"status": status, "last_error": error, "not_before": not_before}
        if parts_sent is not None:
            values["parts_sent"] = parts_sent
        if status == Status.SENT:
            values["sent_at"] = self._clock()
        self._set(row_id, **values)

    def retarget(self, row_id: int, new_chat_id: int) -> bool:
        """Follow a migrated chat; False if the new chat already has a row (sent there)."""
        try:
            self._set(row_id, chat_id=new_chat_id)
        except IntegrityError:
            return False
        return True

    def _set(self, row_id: int, **values: Any) -> None:
        with self._writing() as session:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id)
                .values(updated_at=self._clock(), **values)
            )

    def complete_finished(self) -> list[int]:
        """Active broadcasts with no row left to send become done; returns their ids."""
        now = self._clock()
        with self._writing() as session:
            open_rows = (
                select(OutboxMessage.id)
                .where(
                    col(OutboxMessage.broadcast_id) == Broadcast.id,
                    col(OutboxMessage.status).in_([Status.PENDING, Status.SENDING]),
                )
                .exists()
            )
            ids = list(
                session.exec(
                    select(Broadcast.id).where(col(Broadcast.status).in_(ACTIVE), ~open_rows)
                ).all()
            )
            if ids:
                session.execute(
                    update(Broadcast)
                    .where(col(Broadcast.id).in_(ids))
                    .values(status=BroadcastStatus.DONE, finished_at=now)
                )
        return [i for i in ids if i is not None]

    # --- reading ---------------------------------------------------------------------------

    def figures(self, broadcast_id: int) -> Figures:
        return self._figures([broadcast_id]).get(broadcast_id, Figures())

    def _figures(self, ids: Sequence[int]) -> dict[int, Figures]:
        with Session(self._engine) as session:
            rows = session.exec(
                select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
                .where(col(OutboxMessage.broadcast_id).in_(ids))
                .group_by(col(OutboxMessage.broadcast_id), col(OutboxMessage.status))
            ).all()
        counts: dict[int, dict[str, int]] = {}
        for broadcast_id, status, count in rows:
            counts.setdefault(broadcast_id, {})[status] = count
        return {
            bid: Figures(total=sum(per.values()), **{s: n for s, n in per.items()})
            for bid, per in counts.items()
        }

    def broadcast(self, broadcast_id: int) -> BroadcastInfo | None:
        found = self.recent(ids=[broadcast_id])
        return found[0] if found else None

    def recent(
        self, limit: int = 10, *, kind: str | None = None, ids: Sequence[int] | None = None
    ) -> list[BroadcastInfo]:
        """The latest broadcasts first, with their figures."""
        query = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit)
        if kind is not None:
            query = query.where(Broadcast.kind == kind)
        if ids is not None:
            query = query.where(col(Broadcast.id).in_(ids))
        with Session(self._engine) as session:
            rows = session.exec(query).all()
        figures = self._figures([row.id for row in rows if row.id is not None])
        return [
            BroadcastInfo(
                id=row.id or 0,
                kind=row.kind,
                audience=row.audience,
                status=row.status,
                created_at=row.created_at,
                send_at=row.send_at,
                finished_at=row.finished_at,
                created_by=row.created_by,
                status_chat_id=row.status_chat_id,
                status_message_id=row.status_message_id,
                preview=_preview(row.payload),
                figures=figures.get(row.id or 0, Figures(total=row.total)),
            )
            for row in rows
        ]


def _preview(payload: dict[str, Any], length: int = 30) -> str:
    """The start of a broadcast's text, as plain text."""
    for part in payload.get("parts", []):
        text = part.get("text") or part.get("caption")
        if text:
            plain = " ".join(to_plain(text).split())
            return plain if len(plain) <= length else plain[: length - 1] + "…"
        return f"[{part.get('type', '?')}]"
    return ""
