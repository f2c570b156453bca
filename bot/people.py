"""Who uses the bot and who may organize: user records and the organizer role."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, Table
from sqlmodel import Session, select

from bot.clock import Clock
from bot.store.models import BotUser, OrganizerRole
from content.db import session_scope, upsert, write_scope

log = logging.getLogger(__name__)

USERS: Table = BotUser.__table__  # type: ignore[attr-defined]
TOUCH_INTERVAL_SECONDS = 300.0
"""A user's last_seen is written at most this often per process (one write, not one per message)."""


@dataclass(frozen=True)
class UserInfo:
    """What an update tells about its sender, free of Telegram types."""

    id: int
    first_name: str | None = None
    username: str | None = None
    language: str | None = None


class RoleError(Exception):
    """A grant or revoke that cannot be done; `reason` says why (a key of
    `bot.messages.ROLE_REFUSALS`)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class People:
    """Records users and answers 'is this person an organizer?' (blocking calls)."""

    def __init__(self, engine: Engine, clock: Clock, admin_ids: frozenset[int]) -> None:
        self._engine = engine
        self._clock = clock
        self._admin_ids = admin_ids
        self._touched: dict[int, float] = {}

    def touch(self, user: UserInfo) -> None:
        """Record a user on first contact, and refresh last_seen now and then."""
        if self.due(user.id):
            with write_scope(self._engine) as connection:
                self.record_contacts(connection, [user])

    def due(self, user_id: int) -> bool:
        """Whether this user's record is to be written now (first contact, or not lately)."""
        monotonic = time.monotonic()
        last = self._touched.get(user_id)
        if last is not None and monotonic - last < TOUCH_INTERVAL_SECONDS:
            return False
        self._touched[user_id] = monotonic
        return True

    def forget(self, user_id: int) -> None:
        """Their record was not written after all: write it at their next update."""
        self._touched.pop(user_id, None)

    def record_contacts(self, connection: Connection, users: list[UserInfo]) -> None:
        """Write the users' records (in `connection`'s transaction): names, language, last
        seen, and not blocked (they wrote to us, so they have not blocked the bot)."""
        now = self._clock()
        rows = {
            user.id: {
                "id": user.id,
                "first_name": user.first_name,
                "username": user.username,
                "language": user.language,
                "first_seen": now,
                "last_seen": now,
                "blocked": False,
            }
            for user in users  # of one user's several, the last
        }
        upsert(connection, USERS, list(rows.values()), keep=("first_seen",))

    def mark_blocked(self, user_id: int) -> None:
        """Telegram said the user blocked the bot: send them nothing more."""
        with session_scope(self._engine) as session:
            row = session.get(BotUser, user_id)
            if row is not None:
                row.blocked = True
                session.add(row)

    def is_organizer(self, user_id: int | None) -> bool:
        """Configured admins and users granted the role in chat."""
        if user_id is None:
            return False
        if user_id in self._admin_ids:
            return True
        with Session(self._engine) as session:
            return session.get(OrganizerRole, user_id) is not None

    def organizers(self) -> list[int]:
        """Every organizer's user id: configured ones first, then granted ones."""
        with Session(self._engine) as session:
            granted = session.exec(select(OrganizerRole.user_id)).all()
        return sorted(self._admin_ids) + sorted(set(granted) - self._admin_ids)

    def grant(self, user_id: int, by: int) -> bool:
        """Make someone an organizer; False if they already were."""
        if self.is_organizer(user_id):
            return False
        with session_scope(self._engine) as session:
            session.add(OrganizerRole(user_id=user_id, granted_by=by, granted_at=self._clock()))
        log.info("organizer role granted to %s by %s", user_id, by)
        return True

    def revoke(self, user_id: int, by: int) -> bool:
        """Take the organizer role back; False if they did not have it."""
        if user_id in self._admin_ids:
            raise RoleError(
                "configured_admin", "configured in KEPUBOT_ADMIN_IDS; change the setting instead"
            )
        with session_scope(self._engine) as session:
            row = session.get(OrganizerRole, user_id)
            if row is None:
                return False
            session.delete(row)
        log.info("organizer role revoked from %s by %s", user_id, by)
        return True

    def known_user(self, user_id: int) -> BotUser | None:
        with Session(self._engine) as session:
            return session.get(BotUser, user_id)

    def last_seen(self, user_id: int) -> datetime | None:
        row = self.known_user(user_id)
        return row.last_seen if row else None
