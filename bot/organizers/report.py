"""The organizers' daily report: yesterday's figures, the chart, the most frequent unanswered
questions and the submissions waiting for review, queued in the outbox once a day.

Planned like the digests (`bot.outreach.reminders`): due at `organizer_report_time` local,
queued under the dedupe key report:<day>, and only today's report is ever considered, so one
missed while the bot was down goes out when it is back the same day, and never later.
The chart travels in the payload as PNG bytes (`bot.outreach.outbox.png_part`).
Telegram-free and blocking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot import messages
from bot.clock import Clock
from bot.formatting import escape
from bot.organizers.charts import chart_figures, chart_font, render_chart
from bot.organizers.faqs import FaqBook
from bot.organizers.stats import campaign_stats, format_stats
from bot.outreach.outbox import Outbox, Part, png_part, text_parts
from bot.outreach.reminders import organizer_recipients
from bot.outreach.subscriptions import Subscriptions
from bot.people import People
from bot.store.models import AskedQuestion, Submission, Subscription

log = logging.getLogger(__name__)

REPORT_KIND = "report"
UNANSWERED_SHOWN = 10
PENDING_SHOWN = 10
TITLE_CHARS = 40


def stats_chart(engine: Engine, now: datetime, tz: ZoneInfo, days: int = 7) -> bytes | None:
    """The chart of the last `days` days as PNG, or None without a CJK font (blocking)."""
    font = chart_font()
    if font is None:
        return None
    return render_chart(chart_figures(engine, now, tz, days), font)


def compose_report(engine: Engine, day: date, tz: ZoneInfo) -> str:
    """The report's text about `day` (HTML)."""
    start = datetime.combine(day, time(0), tz)
    end = start + timedelta(days=1)
    with Session(engine) as session:
        asked = session.exec(
            select(AskedQuestion.answered, func.count())
            .where(col(AskedQuestion.asked_at) >= start, col(AskedQuestion.asked_at) < end)
            .group_by(col(AskedQuestion.answered))
        ).all()
        joined = session.exec(
            select(func.count())
            .select_from(Subscription)
            .where(col(Subscription.created_at) >= start, col(Subscription.created_at) < end)
        ).one()
        submitted = session.exec(
            select(func.count())
            .select_from(Submission)
            .where(col(Submission.submitted_at) >= start, col(Submission.submitted_at) < end)
        ).one()
        pending = session.exec(
            select(Submission)
            .where(Submission.status == "pending")
            .order_by(col(Submission.submitted_at))
        ).all()
    by_answer = dict(asked)
    lines = [
        messages.REPORT_HEADER.format(date=f"{day:%m-%d}"),
        messages.REPORT_FIGURES.format(
            questions=sum(by_answer.values()),
            unanswered=by_answer.get(False, 0),
            subscribers=joined,
            submissions=submitted,
        ),
        "",
        messages.REPORT_UNANSWERED_HEADER,
    ]
    unanswered = FaqBook(engine, lambda: end).unanswered(UNANSWERED_SHOWN)
    lines += [f"· {escape(row.text)}（{row.count} 次）" for row in unanswered] or [
        messages.REPORT_NONE
    ]
    lines += ["", messages.REPORT_PENDING_HEADER.format(count=len(pending))]
    for sub in pending[:PENDING_SHOWN]:
        title = (sub.title or sub.submitted_url)[:TITLE_CHARS]
        lines.append(f"· #{sub.id} {escape(sub.platform)} {escape(title)}")
    if not pending:
        lines.append(messages.REPORT_NONE)
    elif len(pending) > PENDING_SHOWN:
        lines.append(messages.REPORT_MORE.format(count=len(pending) - PENDING_SHOWN))
    return "\n".join(lines)


class OrganizerReport:
    """Queues the daily report for organizers once its time has come today."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        tz: ZoneInfo,
        subscriptions: Subscriptions,
        people: People,
        outbox: Outbox,
        at: time = time(8, 30),
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._tz = tz
        self._subscriptions = subscriptions
        self._people = people
        self._outbox = outbox
        self.at = at

    def queue_due_report(self) -> int:
        """Queue today's report (about yesterday) if due and not yet queued; returns the
        messages queued."""
        now = self._clock().astimezone(self._tz)
        today = now.date()
        due = datetime.combine(today, self.at, self._tz)
        key = f"{REPORT_KIND}:{today}"
        if now < due or self._outbox.queued(key):
            return 0
        recipients = organizer_recipients(self._people, self._subscriptions)
        if not recipients:
            return 0
        result = self._outbox.enqueue(
            REPORT_KIND,
            recipients,
            {"parts": self.parts(today - timedelta(days=1))},
            dedupe_key=key,
            audience="组织者",
        )
        if result.created:
            log.info("organizer report %s queued for %d recipients", key, result.total)
            return result.total
        return 0

    def parts(self, day: date) -> list[Part]:
        """The report about `day`: the chart (when a CJK font is there), then the text."""
        parts: list[Part] = []
        end_of_day = datetime.combine(day, time(23, 59), self._tz)
        png = stats_chart(self._engine, end_of_day, self._tz)
        if png is not None:
            parts.append(png_part(png, messages.REPORT_CHART_CAPTION.format(date=f"{day:%m-%d}")))
        return [*parts, *text_parts(compose_report(self._engine, day, self._tz))]


class CampaignFigures:
    """/stats: the campaign's figures as text and the chart, with the question log queued
    behind answers written first (`flush`)."""

    def __init__(
        self, engine: Engine, clock: Clock, tz: ZoneInfo, flush: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._tz = tz
        self._flush = flush

    def snapshot(self) -> tuple[str, bytes | None]:
        """The figures as plain text, and the chart as PNG (None without a CJK font)."""
        self._flush()
        now = self._clock()
        stats = campaign_stats(self._engine, now, self._tz)
        return format_stats(stats, self._tz), stats_chart(self._engine, now, self._tz)
