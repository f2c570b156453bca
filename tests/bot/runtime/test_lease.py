"""The scheduler lease: one holder at a time, renewed while alive, taken over when expired."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.runtime.lease import Lease
from bot.store.schema import migrate
from content.db import create_db_engine
from tests.conftest import NOW


class Clock:
    def __init__(self) -> None:
        self.moment = NOW

    def __call__(self) -> datetime:
        return self.moment


def test_one_holder_renewal_expiry_and_release(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'lease.db'}")
    migrate(engine)
    clock = Clock()
    a = Lease(engine, clock, seconds=90, owner="a")
    b = Lease(engine, clock, seconds=90, owner="b")

    assert a.hold() and not b.hold()
    clock.moment += timedelta(seconds=60)
    assert a.hold()  # renewed: good for 90 s from now
    clock.moment += timedelta(seconds=60)
    assert not b.hold()
    b.release()  # not b's to release
    assert a.holder() is not None and a.holder().owner == "a"  # type: ignore[union-attr]

    clock.moment += timedelta(seconds=91)  # a stopped renewing
    assert a.holder() is None
    assert b.hold() and not a.hold()
    b.release()
    assert a.hold()
    engine.dispose()
