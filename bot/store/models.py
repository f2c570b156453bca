"""Tables of the bot's own flows (people, roles, submissions, subscriptions, the outbox,
question log); the content tables live in content.models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from content.models import UTCDateTime


class BotUser(SQLModel, table=True):
    """Someone who has talked to the bot."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str | None = None
    username: str | None = None
    language: str | None = None
    first_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    blocked: bool = False
    """The user blocked the bot (Telegram answered 403): nothing more is sent."""


class OrganizerRole(SQLModel, table=True):
    """An organizer granted in chat (those in KEPUBOT_ADMIN_IDS need no row)."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    granted_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    granted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Submission(SQLModel, table=True):
    """A video link handed in by a creator: the video, what its page says, its review state."""

    id: int | None = Field(default=None, primary_key=True)
    canonical_url: str = Field(unique=True)
    """The platform's canonical form of the video (the de-duplication key)."""
    platform: str
    video_id: str | None = None
    submitted_url: str
    resolved: bool = True
    """False for a short link that could not be opened (stored as the short link)."""
    creator_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    """The Telegram user id; for another channel the visitor's id (`bot.channels`), negative."""
    source_message: str
    """chat:message of the message that brought the link (a re-delivered update is seen)."""
    channel: str = Field(default="telegram", sa_column_kwargs={"server_default": "telegram"})
    """Where it was handed in (`bot.channels.Channel`): only Telegram creators are messaged."""
    contact: str | None = None
    """How to reach a creator who cannot be messaged (given on the web form), if at all."""
    creator_name: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    has_hashtag: bool = False
    page_read: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    """False when the video page could not be fetched (title, author, tag not checked)."""
    status: str = Field(default="pending", index=True)
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    reviewed_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    review_reason: str | None = None


class SubmissionReview(SQLModel, table=True):
    """One review decision (the audit trail: who decided what, when and why)."""

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    decision: str
    reason: str | None = None
    reviewer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    decided_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


DEFAULT_DIGEST_TIME = "09:00"


class Subscription(SQLModel, table=True):
    """Who receives announcements: one row per user, kept (inactive) after /unsubscribe."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    active: bool = Field(default=True, index=True)
    district: str | None = Field(default=None, index=True)
    """A district to follow (None: the whole city)."""
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """What to receive: `bot.outreach.subscriptions.TOPICS` (public, creators, organizers)."""
    digest_time: str = DEFAULT_DIGEST_TIME
    """Local time (HH:MM, campaign time zone) of the daily digest (scheduling issue)."""
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class Broadcast(SQLModel, table=True):
    """One bulk message: what to send and to whom; its recipients are OutboxMessage rows."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="broadcast", index=True)
    """broadcast (from /broadcast), or the scheduler's kinds (digest, prompt, reminder)."""
    dedupe_key: str | None = Field(default=None, sa_column=Column(String, unique=True))
    """Enqueuing twice with the same key returns the first broadcast (idempotent jobs)."""
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """`{"parts": [...]}`: the messages each recipient gets, in order (see bot.outreach.outbox)."""
    audience: str = ""
    status: str = Field(default="queued", index=True)
    """queued → sending → done, or cancelled."""
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    send_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    """Not before this moment (None: at once)."""
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    total: int = 0
    status_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    status_message_id: int | None = None
    """The organizer's progress message, edited as sending goes."""


class OutboxMessage(SQLModel, table=True):
    """One recipient of one broadcast; written before anything is sent."""

    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id", name="uq_outbox_broadcast_chat"),
        Index("ix_outbox_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = "pending"
    """pending, sending, sent, failed, blocked, ambiguous, cancelled (see bot.outreach.outbox)."""
    attempts: int = 0
    parts_sent: int = 0
    """Parts of a multi-part message already delivered (a retry resumes after them)."""
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    """This recipient's own message, when it differs from the broadcast's."""
    last_error: str | None = None
    not_before: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class AskedQuestion(SQLModel, table=True):
    """Every question asked (no text, only what statistics need)."""

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    intent: str = Field(index=True)
    answered: bool = True
    channel: str = Field(default="telegram", sa_column_kwargs={"server_default": "telegram"})
    """Where it was asked (`bot.channels.Channel`)."""


class SchedulerLease(SQLModel, table=True):
    """Who runs the scheduled jobs: one row per lease, renewed by its holder (bot.runtime.lease)."""

    name: str = Field(primary_key=True)
    owner: str
    """host:pid:random of the holding process."""
    acquired_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update taken in: kept from its arrival (with its payload) until its handling
    starts, so a crash loses none not begun; a re-delivery of it is dropped (kept a day)."""

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The update as JSON, until its handling starts."""
    started_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    answer_due: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, server_default=false(), index=True),
    )
    """A plain question started and not yet answered (see `bot.intake.ledger`)."""
    reclaimed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    """A question claimed back after its process died before its reply."""
    resent: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    """A reclaimed question's handling went on to reply: it is never claimed again."""


class FlowState(SQLModel, table=True):
    """Where one user is in a multi-step flow of one chat (/broadcast, /submit, …) and its
    draft, read and written with every update of the flow, so that any process goes on with
    it and a restart loses nothing (`bot.flows`)."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    flow: str = Field(primary_key=True)
    state: int
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))


class ButtonText(SQLModel, table=True):
    """A text behind a short key, for button data over Telegram's 64 bytes (`bot.flows`)."""

    key: str = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))


class FloodCount(SQLModel, table=True):
    """Messages of one sender in one fixed window (`bot.flood.SharedFloodGate`): one row per
    sender and window, counted up by every process."""

    sender: str = Field(primary_key=True)
    period: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    """The window's number: seconds since the epoch // the window's length."""
    count: int
