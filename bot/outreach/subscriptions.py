"""Who receives announcements: subscriptions with a district and topics, and audiences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot import messages
from bot.clock import Clock
from bot.store.models import DEFAULT_DIGEST_TIME, BotUser, Subscription
from content.db import session_scope
from content.models import District

TOPICS: dict[str, str] = {
    "public": "活动动态和每日提醒",
    "creators": "创作者提示（#千万IP创科普#）",
    "organizers": "组织者事项（报送截止提醒）",
}
"""Topic → what a subscriber gets for it (the keys are stored)."""
DEFAULT_TOPICS = ("public",)

AUDIENCE_ALL = "all"
AUDIENCE_CREATORS = "creators"
AUDIENCE_DISTRICT = "district:"
"""Audience specs: "all", "creators", or "district:" + a district name."""

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class SubscriptionInfo:
    """A subscription as plain values."""

    user_id: int
    active: bool
    district: str | None
    topics: tuple[str, ...]
    digest_time: str
    created_at: datetime
    updated_at: datetime | None = None
    """The last change: a digest whose time came before it is skipped (it applies next day)."""


def _info(row: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        row.user_id,
        row.active,
        row.district,
        tuple(row.topics),
        row.digest_time,
        row.created_at,
        row.updated_at,
    )


def audience_label(audience: str) -> str:
    """How an audience spec reads to an organizer."""
    if audience == AUDIENCE_ALL:
        return messages.AUDIENCE_ALL
    if audience == AUDIENCE_CREATORS:
        return messages.AUDIENCE_CREATORS
    if audience.startswith(AUDIENCE_DISTRICT):
        return messages.AUDIENCE_DISTRICT.format(district=audience.removeprefix(AUDIENCE_DISTRICT))
    return audience  # the scheduler's audiences are labels already (09:00 全市, 组织者)


class Subscriptions:
    """Subscribe, unsubscribe, choose district and topics; resolve audiences (blocking)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def get(self, user_id: int) -> SubscriptionInfo | None:
        with Session(self._engine) as session:
            row = session.get(Subscription, user_id)
            return _info(row) if row else None

    def subscribe(self, user_id: int) -> SubscriptionInfo:
        """Start (or resume) receiving announcements, keeping earlier choices."""
        now = self._clock()
        with session_scope(self._engine) as session:
            row = session.get(Subscription, user_id)
            if row is None:
                row = Subscription(
                    user_id=user_id,
                    topics=list(DEFAULT_TOPICS),
                    created_at=now,
                    updated_at=now,
                )
            row.active, row.updated_at = True, now
            session.add(row)
            return _info(row)

    def unsubscribe(self, user_id: int) -> bool:
        """Stop all announcements; False if the user was not subscribed."""
        with session_scope(self._engine) as session:
            row = session.get(Subscription, user_id)
            if row is None or not row.active:
                return False
            row.active, row.updated_at = False, self._clock()
            session.add(row)
            return True

    def set_district(self, user_id: int, district: str | None) -> SubscriptionInfo:
        if district is not None and district not in self.districts():
            raise ValueError(f"unknown district {district!r}")
        return self._change(user_id, district=district)

    def toggle_topic(self, user_id: int, topic: str) -> SubscriptionInfo:
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        current = self.get(user_id) or self.subscribe(user_id)
        topics = [t for t in current.topics if t != topic]
        if topic not in current.topics:
            topics.append(topic)
        return self._change(user_id, topics=[t for t in TOPICS if t in topics])

    def set_digest_time(self, user_id: int, at: str) -> SubscriptionInfo:
        """Change the daily digest time (HH:MM, campaign time zone)."""
        match = _TIME.match(at.strip())
        if not match:
            raise ValueError(f"not a time of day: {at!r}, e.g. {DEFAULT_DIGEST_TIME}")
        return self._change(user_id, digest_time=f"{int(match[1]):02d}:{match[2]}")

    def _change(self, user_id: int, **values: object) -> SubscriptionInfo:
        self.subscribe(user_id)
        with session_scope(self._engine) as session:
            row = session.get(Subscription, user_id)
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = self._clock()
            session.add(row)
            return _info(row)

    def follow_migration(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscription moves to the new id."""
        with session_scope(self._engine) as session:
            row = session.get(Subscription, old_chat_id)
            if row is None or session.get(Subscription, new_chat_id) is not None:
                return
            session.delete(row)
            session.flush()
            session.add(Subscription(**{**row.model_dump(), "user_id": new_chat_id}))

    def districts(self) -> list[str]:
        """The districts a subscriber may choose (from the content store)."""
        with Session(self._engine) as session:
            return list(session.exec(select(District.name).order_by(District.name)).all())

    def active(self) -> list[SubscriptionInfo]:
        """Active subscriptions of users who have not blocked the bot."""
        query = (
            select(Subscription)
            .outerjoin(BotUser, col(BotUser.id) == col(Subscription.user_id))
            .where(col(Subscription.active).is_(True))
            .where((col(BotUser.blocked).is_(None)) | (col(BotUser.blocked).is_(False)))
            .order_by(col(Subscription.user_id))
        )
        with Session(self._engine) as session:
            return [_info(row) for row in session.exec(query).all()]

    def audience(self, audience: str) -> list[int]:
        """The chat ids an audience spec stands for (reachable subscribers only)."""
        subscribers = self.active()
        if audience == AUDIENCE_ALL:
            return [s.user_id for s in subscribers]
        if audience == AUDIENCE_CREATORS:
            return [s.user_id for s in subscribers if "creators" in s.topics]
        if audience.startswith(AUDIENCE_DISTRICT):
            district = audience.removeprefix(AUDIENCE_DISTRICT)
            return [s.user_id for s in subscribers if s.district == district]
        raise ValueError(f"unknown audience {audience!r}")
