"""User records and the organizer role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.clock import fixed_clock
from bot.people import People, RoleError, UserInfo
from bot.store.models import BotUser
from content.db import create_db_engine
from tests.conftest import NOW

ADMIN = 1000


@pytest.fixture
def people(db_url: str) -> People:
    return People(create_db_engine(db_url), fixed_clock(NOW), frozenset({ADMIN}))


def test_a_user_is_recorded_once_and_refreshed(people: People, db_url: str) -> None:
    people.touch(UserInfo(7, "小王", "xw", "zh-hans"))
    people.touch(UserInfo(7, "小王", "xw", "zh-hans"))
    with Session(create_db_engine(db_url)) as session:
        rows = session.exec(select(BotUser)).all()
    assert [(r.id, r.first_name, r.language, r.blocked) for r in rows] == [
        (7, "小王", "zh-hans", False)
    ]
    assert rows[0].first_seen == NOW


def test_a_blocked_user_who_writes_again_is_reachable(people: People) -> None:
    people.touch(UserInfo(8))
    people.mark_blocked(8)
    assert people.known_user(8).blocked  # type: ignore[union-attr]
    people._touched.clear()  # a new process, or the touch interval has passed
    people.touch(UserInfo(8))
    assert not people.known_user(8).blocked  # type: ignore[union-attr]


def test_configured_admins_are_organizers_and_cannot_be_revoked(people: People) -> None:
    assert people.is_organizer(ADMIN)
    assert not people.is_organizer(None)
    with pytest.raises(RoleError):
        people.revoke(ADMIN, by=ADMIN)


def test_grant_and_revoke(people: People) -> None:
    assert not people.is_organizer(55)
    assert people.grant(55, by=ADMIN)
    assert not people.grant(55, by=ADMIN)  # already one
    assert people.is_organizer(55)
    assert people.organizers() == [ADMIN, 55]
    assert people.revoke(55, by=ADMIN)
    assert not people.revoke(55, by=ADMIN)
    assert not people.is_organizer(55)


def test_clock_is_the_injected_one(db_url: str) -> None:
    later = NOW + timedelta(days=3)
    people = People(create_db_engine(db_url), fixed_clock(later), frozenset())
    people.touch(UserInfo(9))
    assert people.last_seen(9) == later
