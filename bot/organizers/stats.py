"""Campaign statistics for organizers: subscribers, questions, submissions, broadcasts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot import messages
from bot.outreach.outbox import BroadcastInfo, Outbox
from bot.store.models import AskedQuestion, BotUser, Submission, Subscription
from content.models import UnansweredQuestion


@dataclass(frozen=True)
class SubmissionStats:
    per_status: dict[str, int] = field(default_factory=dict)
    per_platform: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass(frozen=True)
class CampaignStats:
    """Figures for the last `len(days)` days (campaign time zone) and in total."""

    days: list[date]
    users_total: int
    users_blocked: int
    subscribers: int
    subscribers_blocked: int
    new_subscribers: dict[date, int]
    questions_total: int
    questions_per_day: dict[date, int]
    questions_per_channel: dict[str, int]
    """Telegram, the web chat, WeChat (`bot.channels.Channel`)."""
    top_intents: list[tuple[str, int]]
    unanswered_total: int
    unanswered_questions: int
    submissions: SubmissionStats
    broadcasts: list[BroadcastInfo]


def campaign_stats(engine: Engine, now: datetime, tz: ZoneInfo, days: int = 7) -> CampaignStats:
    """Count everything organizers want to know (blocking)."""
    today = now.astimezone(tz).date()
    day_list = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    since = datetime.combine(day_list[0], datetime.min.time(), tz)
    with Session(engine) as session:
        users_total = session.exec(select(func.count()).select_from(BotUser)).one()
        users_blocked = session.exec(
            select(func.count()).select_from(BotUser).where(col(BotUser.blocked).is_(True))
        ).one()
        active = col(Subscription.active).is_(True)
        subscribers = session.exec(select(func.count()).select_from(Subscription).where(active))
        subscribers_blocked = session.exec(
            select(func.count())
            .select_from(Subscription)
            .join(BotUser, col(BotUser.id) == col(Subscription.user_id))
            .where(active, col(BotUser.blocked).is_(True))
        ).one()
        joined = session.exec(
            select(Subscription.created_at).where(col(Subscription.created_at) >= since)
        ).all()
        asked = session.exec(
            select(AskedQuestion.asked_at).where(col(AskedQuestion.asked_at) >= since)
        ).all()
        questions_total = session.exec(select(func.count()).select_from(AskedQuestion)).one()
        per_channel = session.exec(
            select(AskedQuestion.channel, func.count()).group_by(col(AskedQuestion.channel))
        ).all()
        intents = session.exec(
            select(AskedQuestion.intent, func.count())
            .group_by(col(AskedQuestion.intent))
            .order_by(func.count().desc())
            .limit(8)
        ).all()
        unanswered_total = session.exec(select(func.count()).select_from(UnansweredQuestion)).one()
        unanswered_questions = session.exec(
            select(func.count(func.distinct(UnansweredQuestion.text)))
        ).one()
    return CampaignStats(
        days=day_list,
        users_total=users_total,
        users_blocked=users_blocked,
        subscribers=subscribers.one(),
        subscribers_blocked=subscribers_blocked,
        new_subscribers=_per_day(joined, tz, day_list),
        questions_total=questions_total,
        questions_per_day=_per_day(asked, tz, day_list),
        questions_per_channel={channel: count for channel, count in per_channel},
        top_intents=[(intent, count) for intent, count in intents],
        unanswered_total=unanswered_total,
        unanswered_questions=unanswered_questions,
        submissions=submission_stats(engine),
        broadcasts=Outbox(engine, lambda: now).recent(5, kind="broadcast"),
    )


def _per_day(moments: Sequence[datetime], tz: ZoneInfo, days: list[date]) -> dict[date, int]:
    counts = Counter(moment.astimezone(tz).date() for moment in moments)
    return {day: counts.get(day, 0) for day in days}


def submission_stats(engine: Engine) -> SubmissionStats:
    """Creators' submissions per review status and per platform."""
    with Session(engine) as session:
        per_status = dict(
            session.exec(
                select(Submission.status, func.count()).group_by(col(Submission.status))
            ).all()
        )
        per_platform = dict(
            session.exec(
                select(Submission.platform, func.count()).group_by(col(Submission.platform))
            ).all()
        )
    return SubmissionStats(per_status, per_platform, sum(per_status.values()))


def format_stats(stats: CampaignStats, tz: ZoneInfo) -> str:
    """The statistics as plain text, for the terminal and (escaped) for chat."""
    m = messages
    lines = [m.STATS_SUBSCRIBERS_TITLE]
    lines.append(
        m.STATS_SUBSCRIBERS.format(
            subscribers=stats.subscribers,
            subscribers_blocked=stats.subscribers_blocked,
            users=stats.users_total,
            users_blocked=stats.users_blocked,
        )
    )
    lines.append(m.STATS_NEW_SUBSCRIBERS.format(days=_days(stats.new_subscribers)))
    lines.append("")
    lines.append(m.STATS_QUESTIONS_TITLE)
    lines.append(
        m.STATS_QUESTIONS.format(
            total=stats.questions_total,
            unanswered=stats.unanswered_total,
            distinct=stats.unanswered_questions,
        )
    )
    lines.append(m.STATS_QUESTIONS_PER_DAY.format(days=_days(stats.questions_per_day)))
    if stats.questions_per_channel:
        channels = {
            messages.CHANNEL_NAMES.get(channel, channel): count
            for channel, count in sorted(stats.questions_per_channel.items())
        }
        lines.append(m.STATS_QUESTIONS_PER_CHANNEL.format(channels=_pairs(list(channels.items()))))
    if stats.top_intents:
        intents = [(_label(m.INTENT_LABELS, i), n) for i, n in stats.top_intents]
        lines.append(m.STATS_TOP_INTENTS.format(pairs=_pairs(intents)))
    lines.append("")
    lines.append(m.STATS_SUBMISSIONS_TITLE)
    if not stats.submissions.total:
        lines.append(m.STATS_NO_SUBMISSIONS)
    else:
        lines.append(m.STATS_SUBMISSIONS.format(total=stats.submissions.total))
        if stats.submissions.per_status:
            statuses = sorted(stats.submissions.per_status.items())
            per_status = [(_label(m.STATUS_LABELS, key), n) for key, n in statuses]
            lines.append(m.STATS_PER_STATUS.format(pairs=_pairs(per_status)))
        if stats.submissions.per_platform:
            per_platform = sorted(stats.submissions.per_platform.items())
            lines.append(m.STATS_PER_PLATFORM.format(pairs=_pairs(per_platform)))
    lines.append("")
    lines.append(m.STATS_BROADCASTS_TITLE)
    if not stats.broadcasts:
        lines.append(m.STATS_NO_BROADCASTS)
    for info in stats.broadcasts:
        f = info.figures
        lines.append(
            m.STATS_BROADCAST.format(
                id=info.id,
                when=info.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
                state=m.BROADCAST_STATES.get(info.status, m.BROADCAST_STATE_OTHER),
                sent=f.sent,
                total=f.total,
                rate=f"{f.delivery_rate:.0%}" if f.delivery_rate is not None else m.STATS_NO_RATE,
                failed=f.failed,
                blocked=f.blocked,
                ambiguous=f.ambiguous,
            )
        )
    return "\n".join(lines)


def _label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, messages.INTENT_OTHER)


def _days(per_day: dict[date, int]) -> str:
    return " ".join(f"{day:%m-%d} {count}" for day, count in per_day.items())


def _pairs(counts: list[tuple[str, int]]) -> str:
    return messages.STATS_PAIR_SEP.join(
        messages.STATS_PAIR.format(label=label, count=count) for label, count in counts
    )
