"""Tables of the bot's own flows (people, roles, submissions); the content tables live in
content.models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
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
    source_message: str
    """chat:message of the message that brought the link (a re-delivered update is seen)."""
    creator_name: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    has_hashtag: bool = False
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
