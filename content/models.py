"""SQLModel tables of the content store: the notice's facts and organizers' data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware, on any database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


SHIPPED = "notice"
"""`source` of rows seeded from the shipped content files (replaced on a content update)."""
ORGANIZER = "organizer"
"""`source` of rows imported by organizers (never touched by seeding)."""


class Meta(SQLModel, table=True):
    """Key/value bookkeeping: shipped content hash, content revision."""

    key: str = Field(primary_key=True)
    value: str


class Campaign(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    short_name: str
    aliases: list[str] = _json_list()
    year: int
    region: str
    theme: str
    start: date
    end: date
    timezone: str
    period_note: str = ""
    hashtag: str = ""
    creator_platforms: list[str] = _json_list()
    guiding_thought: str = ""
    goal: str = ""
    recipients: str = ""
    default_contact: str | None = None
    platform_contact: str | None = None


class Document(SQLModel, table=True):
    id: str = Field(primary_key=True)
    title: str
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    role: str = "reference"
    description: str = ""


class Activity(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    kind: str = Field(index=True)
    parent: str | None = None
    position: int = 0
    aliases: list[str] = _json_list()
    participants: list[str] = _json_list()
    audience: list[str] = _json_list()
    highlights: list[str] = _json_list()
    description: str = ""


class Organizer(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    full_name: str
    position: int = 0
    aliases: list[str] = _json_list()


class ContentArea(SQLModel, table=True):
    id: str = Field(primary_key=True)
    title: str
    position: int = 0
    aliases: list[str] = _json_list()
    description: str = ""


class ReportingRequirement(SQLModel, table=True):
    id: str = Field(primary_key=True)
    kind: str
    title: str
    what: str = ""
    who: list[str] = _json_list()
    deadline: date | None = None
    deadline_note: str = ""
    formats: list[str] = _json_list()
    email: str | None = None
    channel: str | None = None
    contact: str | None = None
    description: str = ""


class Platform(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    url: str
    description: str = ""
    contact: str | None = None


class Contact(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    role: str
    organization: str = ""
    phones: list[str] = _json_list()
    topics: list[str] = _json_list()


class District(SQLModel, table=True):
    name: str = Field(primary_key=True)
    aliases: list[str] = _json_list()
    region: str = ""


class Faq(SQLModel, table=True):
    id: str = Field(primary_key=True)
    question: str
    answer: str
    keywords: list[str] = _json_list()
    source: str = Field(default=ORGANIZER, index=True)


class Venue(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str = Field(index=True)
    district: str | None = None
    address: str | None = None
    kind: str | None = None
    hours: str | None = None
    description: str | None = None


class Event(SQLModel, table=True):
    id: str = Field(primary_key=True)
    title: str
    start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    all_day: bool = False
    venue: str | None = None
    district: str | None = Field(default=None, index=True)
    address: str | None = None
    category: str | None = None
    audience: str | None = None
    description: str | None = None
    url: str | None = None


class UnansweredQuestion(SQLModel, table=True):
    """A question nobody could answer, kept so organizers can add a FAQ entry."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(index=True)
    asked_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    user_hash: str | None = None
    faq_id: str | None = Field(default=None, index=True)
    """The FAQ card an organizer answered it with (then it is no longer listed)."""
    channel: str = Field(default="telegram", sa_column_kwargs={"server_default": "telegram"})
    """Where it was asked: telegram, web or wechat."""


class FaqChange(SQLModel, table=True):
    """One change to an FAQ card made from chat: who, when, what it was before and after."""

    id: int | None = Field(default=None, primary_key=True)
    faq_id: str = Field(index=True)
    action: str
    """"create", "edit" or "delete"."""
    changed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    changed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
