"""Tables of the bot's own flows (people, roles); the content tables live in content.models."""

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
