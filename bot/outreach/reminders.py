"""Who gets which scheduled message, and when: the plans behind the scheduler's jobs.

Every scheduled message belongs to one local day (campaign time zone) and has a due moment
on it. A job asks for what is due *now* and queues it in the outbox under a dedupe key of
kind + day (+ time slot and district for digests), so running a job twice, or again after a
restart, queues nothing twice. The catch-up rule follows from it: only today's plans are
ever considered, so a message missed while the bot was down goes out when it is back the
same day, and is skipped once the day is over (creator prompts: also never in quiet hours).

Telegram-free and blocking; the jobs call it through `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.outreach.digests import (
    compose_creator_prompt,
    compose_deadline_reminder,
    compose_digest,
    load_campaign,
    load_day,
    requirements_with_deadlines,
)
from bot.outreach.outbox import Outbox, text_parts
from bot.outreach.subscriptions import Subscriptions
from bot.people import People
from bot.settings import QUIET_END, QUIET_START, Settings
from bot.store.models import Broadcast, OutboxMessage, Submission

log = logging.getLogger(__name__)


class Kind(StrEnum):
    """The scheduler's kinds of outbox broadcast (`Broadcast.kind`)."""

    DIGEST = "digest"
    PROMPT = "prompt"
    REMINDER = "reminder"


@dataclass(frozen=True)
class Planned:
    """One batch of a scheduled message: the same text to `recipients` at `due`."""

    kind: Kind
    key: str
    """The outbox dedupe key: queuing the same plan again does nothing."""
    due: datetime
    audience: str
    """Who, in words (for logs, /broadcasts and `kepubot schedule`)."""
    recipients: tuple[int, ...]
    text: str
    """HTML."""


@dataclass(frozen=True)
class Cadence:
    """When the scheduled messages go out (from the settings)."""

    prompt_every_days: int = 3
    prompt_time: time = time(19, 0)
    prompt_pause_days: int = 3
    reminder_days: tuple[int, ...] = (3, 1)
    reminder_time: time = time(10, 0)

    @classmethod
    def from_settings(cls, settings: Settings) -> Cadence:
        return cls(
            prompt_every_days=settings.creator_prompt_every_days,
            prompt_time=time.fromisoformat(settings.creator_prompt_time),
            prompt_pause_days=settings.creator_prompt_pause_days,
            reminder_days=settings.deadline_reminder_days,
            reminder_time=time.fromisoformat(settings.deadline_reminder_time),
        )


def in_quiet_hours(moment: datetime) -> bool:
    """22:00—08:00 local: no creator prompt goes out."""
    clock = moment.strftime("%H:%M")
    return not QUIET_END <= clock < QUIET_START


def organizer_recipients(people: People, subscriptions: Subscriptions) -> tuple[int, ...]:
    """Who gets organizers' messages (deadline reminders, the daily report): every organizer
    and every subscriber of 组织者事项, each once."""
    organizers = people.organizers()
    followers = (s.user_id for s in subscriptions.active() if "organizers" in s.topics)
    return tuple(dict.fromkeys([*organizers, *followers]))


class Reminders:
    """Plans the digests, creator prompts and deadline reminders, and queues the due ones."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        tz: ZoneInfo,
        subscriptions: Subscriptions,
        people: People,
        outbox: Outbox,
        cadence: Cadence | None = None,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self.tz = tz
        self._subscriptions = subscriptions
        self._people = people
        self._outbox = outbox
        self.cadence = cadence or Cadence()

    def now(self) -> datetime:
        return self._clock().astimezone(self.tz)

    # --- what the jobs call ----------------------------------------------------------------

    def queue_due_digests(self) -> int:
        """Queue today's digests whose time has come; returns the messages queued."""
        now = self.now()
        return self.queue(self.digests(now.date(), due_by=now))

    def queue_due_prompts(self) -> int:
        now = self.now()
        if in_quiet_hours(now):
            return 0
        return self.queue(self.creator_prompts(now.date(), due_by=now))

    def queue_due_reminders(self) -> int:
        now = self.now()
        return self.queue(self.deadline_reminders(now.date(), due_by=now))

    def queue(self, plans: Iterable[Planned]) -> int:
        """Queue each plan once (by its key); returns the number of messages newly queued."""
        queued = 0
        for plan in plans:
            result = self._outbox.enqueue(
                plan.kind,
                plan.recipients,
                {"parts": text_parts(plan.text)},
                dedupe_key=plan.key,
                audience=plan.audience,
            )
            if result.created:
                queued += result.total
                log.info("%s %s queued for %d recipients", plan.kind, plan.key, result.total)
        return queued

    def upcoming(self, now: datetime, hours: float = 24) -> list[Planned]:
        """What will be queued from `now` for `hours` (due and not yet queued), by time."""
        now = now.astimezone(self.tz)
        until = now + timedelta(hours=hours)
        plans: list[Planned] = []
        day = now.date()
        while day <= until.date():
            for plan in (
                *self.digests(day),
                *self.creator_prompts(day),
                *self.deadline_reminders(day),
            ):
                # Today's plans not queued yet are due: they go out at the next job run.
                sent_at = max(plan.due, now)
                if sent_at < until and not (plan.kind == Kind.PROMPT and in_quiet_hours(sent_at)):
                    plans.append(plan)
            day += timedelta(days=1)
        return sorted(plans, key=lambda p: (p.due, p.kind, p.audience))

    # --- the plans of one day --------------------------------------------------------------

    def digests(self, day: date, *, due_by: datetime | None = None) -> list[Planned]:
        """The day's digests, one batch per time slot and district, not yet queued.

        A subscriber gets one digest a day. One whose subscription changed after their
        time had come is left out until tomorrow (a change takes effect the next day).
        """
        campaign = load_campaign(self._engine)
        if campaign is None or day > campaign.end + timedelta(days=1):
            return []
        groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        for sub in self._subscriptions.active():
            if "public" not in sub.topics:
                continue
            due = self._at(day, sub.digest_time)
            if due_by is not None and due > due_by:
                continue
            if sub.updated_at is not None and sub.updated_at >= due:
                continue
            groups[(sub.digest_time, sub.district)].append(sub.user_id)
        if not groups:
            return []
        keys = {group: f"digest:{day}:{group[0]}:{group[1] or '*'}" for group in groups}
        queued_keys = self._existing_keys(keys.values())
        if all(key in queued_keys for key in keys.values()):
            return []
        received = self._recipients_of(f"{Kind.DIGEST}:{day}:")
        today = load_day(self._engine, campaign, day, self.tz)
        texts: dict[str | None, str | None] = {}
        plans = []
        for (slot, district), users in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1] or "")
        ):
            key = keys[(slot, district)]
            recipients = tuple(u for u in users if u not in received)
            if key in queued_keys or not recipients:
                continue
            if district not in texts:
                texts[district] = compose_digest(today, district)
            text = texts[district]
            if text is None:
                continue  # after the closing day: silence
            audience = f"{slot} {district or '全市'}"
            plans.append(
                Planned(Kind.DIGEST, key, self._at(day, slot), audience, recipients, text)
            )
        return plans

    def creator_prompts(self, day: date, *, due_by: datetime | None = None) -> list[Planned]:
        """On prompt days of the campaign: creators who have not submitted lately."""
        campaign = load_campaign(self._engine)
        if campaign is None or not campaign.start <= day <= campaign.end:
            return []
        if (day - campaign.start).days % self.cadence.prompt_every_days:
            return []
        due = datetime.combine(day, self.cadence.prompt_time, self.tz)
        key = f"{Kind.PROMPT}:{day}"
        if (due_by is not None and due > due_by) or self._existing_keys([key]):
            return []
        recent = recent_submitters(
            self._engine, due - timedelta(days=self.cadence.prompt_pause_days), due
        )
        recipients = tuple(
            sub.user_id
            for sub in self._subscriptions.active()
            if "creators" in sub.topics
            and (sub.updated_at is None or sub.updated_at < due)
            and sub.user_id not in recent
        )
        if not recipients:
            return []
        text = compose_creator_prompt(campaign)
        return [Planned(Kind.PROMPT, key, due, "创作者", recipients, text)]

    def deadline_reminders(self, day: date, *, due_by: datetime | None = None) -> list[Planned]:
        """N days before each reporting deadline, and on the day: to organizers."""
        due = datetime.combine(day, self.cadence.reminder_time, self.tz)
        if due_by is not None and due > due_by:
            return []
        offsets = {*self.cadence.reminder_days, 0}
        requirements = [
            req
            for req in requirements_with_deadlines(self._engine)
            if req.deadline is not None and (req.deadline - day).days in offsets
        ]
        keys = {req.id: f"{Kind.REMINDER}:{req.id}:{day}" for req in requirements}
        queued_keys = self._existing_keys(keys.values())
        requirements = [req for req in requirements if keys[req.id] not in queued_keys]
        if not requirements:
            return []
        recipients = organizer_recipients(self._people, self._subscriptions)
        if not recipients:
            return []
        return [
            Planned(
                Kind.REMINDER,
                keys[req.id],
                due,
                "组织者",
                recipients,
                compose_deadline_reminder(req, day),
            )
            for req in requirements
        ]

    # --- helpers -----------------------------------------------------------------------------

    def _at(self, day: date, hh_mm: str) -> datetime:
        return datetime.combine(day, time.fromisoformat(hh_mm), self.tz)

    def _existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        if not wanted:
            return set()
        with Session(self._engine) as session:
            found = session.exec(
                select(Broadcast.dedupe_key).where(col(Broadcast.dedupe_key).in_(wanted))
            ).all()
        return {key for key in found if key}

    def _recipients_of(self, key_prefix: str) -> set[int]:
        """Chats already queued a message under keys starting with `key_prefix`."""
        with Session(self._engine) as session:
            found = session.exec(
                select(OutboxMessage.chat_id)
                .join(Broadcast, col(Broadcast.id) == col(OutboxMessage.broadcast_id))
                .where(col(Broadcast.dedupe_key).startswith(key_prefix, autoescape=True))
            ).all()
        return set(found)


def recent_submitters(engine: Engine, since: datetime, until: datetime) -> set[int]:
    """Creators who handed in a video in [since, until)."""
    with Session(engine) as session:
        found = session.exec(
            select(Submission.creator_id)
            .where(
                col(Submission.submitted_at) >= since,
                col(Submission.submitted_at) < until,
            )
            .distinct()
        ).all()
    return {int(creator) for creator in found}


def scheduled_broadcasts(engine: Engine, now: datetime, until: datetime) -> list[Planned]:
    """Broadcasts confirmed with a send time in [now, until) (the dispatcher sends them)."""
    with Session(engine) as session:
        rows = session.exec(
            select(Broadcast)
            .where(
                col(Broadcast.status) == "queued",
                col(Broadcast.send_at).is_not(None),
                col(Broadcast.send_at) < until,
            )
            .order_by(col(Broadcast.send_at))
        ).all()
        plans = []
        for row in rows:
            assert row.send_at is not None
            recipients = session.exec(
                select(OutboxMessage.chat_id).where(
                    OutboxMessage.broadcast_id == row.id, OutboxMessage.status == "pending"
                )
            ).all()
            text = "".join(part.get("text") or "" for part in row.payload.get("parts", []))
            due = max(row.send_at, now)
            plans.append(
                Planned(row.kind, f"#{row.id}", due, row.audience, tuple(recipients), text)  # type: ignore[arg-type]
            )
    return plans
