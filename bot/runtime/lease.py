"""A lease in the database that lets one process at a time run the scheduled jobs.

The holder renews it on every job run; a second instance on the same database finds it held
and runs nothing. A holder that dies stops renewing, so its lease expires and another
instance takes over at its next job run. A clean shutdown releases the lease at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.clock import Clock
from bot.store.models import SchedulerLease
from content.db import session_scope

log = logging.getLogger(__name__)

SCHEDULER_LEASE = "scheduler"


def process_identity() -> str:
    """host:pid:random, unique per process (and per Lease in tests)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Holder:
    owner: str
    expires_at: datetime


class Lease:
    """Acquire, renew and release one named lease (blocking calls; one short session each)."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        seconds: float = 90.0,
        name: str = SCHEDULER_LEASE,
        owner: str | None = None,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self.duration = timedelta(seconds=seconds)
        self.name = name
        self.owner = owner or process_identity()
        self._held: bool | None = None  # None: not tried yet (the first outcome is logged)
        self._lock = threading.Lock()  # the jobs of one process renew it from several threads

    def hold(self) -> bool:
        """Take or renew the lease; False while another live process holds it."""
        with self._lock:
            now = self._clock()
            expires = now + self.duration
            held = self._renew(now, expires) or self._insert(now, expires)
            self._log_change(held)
            return held

    def _renew(self, now: datetime, expires: datetime) -> bool:
        """Extend our own lease, or take over an expired one."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(SchedulerLease)
                .where(
                    col(SchedulerLease.name) == self.name,
                    or_(
                        col(SchedulerLease.owner) == self.owner,
                        col(SchedulerLease.expires_at) <= now,
                    ),
                )
                .values(
                    owner=self.owner,
                    expires_at=expires,
                    acquired_at=case(
                        (col(SchedulerLease.owner) == self.owner, col(SchedulerLease.acquired_at)),
                        else_=now,
                    ),
                )
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _insert(self, now: datetime, expires: datetime) -> bool:
        """Take a lease nobody has held yet."""
        try:
            with session_scope(self._engine) as session:
                row = SchedulerLease(
                    name=self.name, owner=self.owner, acquired_at=now, expires_at=expires
                )
                session.add(row)
        except IntegrityError:
            return False  # another process took it first
        return True

    def release(self) -> None:
        """Give the lease up (at shutdown), so another instance need not wait for it."""
        with session_scope(self._engine) as session:
            session.execute(
                delete(SchedulerLease).where(
                    col(SchedulerLease.name) == self.name,
                    col(SchedulerLease.owner) == self.owner,
                )
            )
        if self._held:
            log.info("scheduler lease released by %s", self.owner)
        self._held = None

    def holder(self) -> Holder | None:
        """Who holds the lease now (None: nobody, or it expired)."""
        with Session(self._engine) as session:
            row = session.get(SchedulerLease, self.name)
        if row is None or row.expires_at <= self._clock():
            return None
        return Holder(row.owner, row.expires_at)

    def _log_change(self, held: bool) -> None:
        if held == self._held:
            return
        if held:
            log.info(
                "scheduler lease taken by %s: this instance runs the scheduled jobs", self.owner
            )
        else:
            found = self.holder()
            who = f"{found.owner} until {found.expires_at:%H:%M:%S} UTC" if found else "another"
            verb = "lost to" if self._held else "held by"
            log.warning(
                "scheduler lease %s %s: this instance runs no scheduled jobs "
                "(only one process may; it takes over if the other stops renewing)",
                verb,
                who,
            )
        self._held = held
