"""Campaign statistics for organizers: subscribers, questions, submissions, broadcasts."""

from __future__ import annotations

from collections import Counter
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


def _per_day(moments: list[datetime], tz: ZoneInfo, days: list[date]) -> dict[date, int]:
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
    lines = ["【订阅】"]
    lines.append(
        f"订阅者 {stats.subscribers} 人（其中已屏蔽机器人 {stats.subscribers_blocked} 人）；"
        f"用过机器人的共 {stats.users_total} 人，已屏蔽 {stats.users_blocked} 人"
    )
    lines.append("每日新订阅：" + _days(stats.new_subscribers))
    lines.append("")
    lines.append("【提问】")
    lines.append(
        f"共 {stats.questions_total} 个问题；未能回答 {stats.unanswered_total} 次"
        f"（{stats.unanswered_questions} 个不同问题，/unanswered 见详情）"
    )
    lines.append("每日提问：" + _days(stats.questions_per_day))
    if stats.questions_per_channel:
        channels = {
            messages.CHANNEL_NAMES.get(channel, channel): count
            for channel, count in stats.questions_per_channel.items()
        }
        lines.append("按渠道：" + _pairs(channels))
    if stats.top_intents:
        lines.append("最多的问题类型：" + "，".join(f"{i} {n}" for i, n in stats.top_intents))
    lines.append("")
    lines.append("【作品提交】")
    if not stats.submissions.total:
        lines.append("尚无提交记录")
    else:
        lines.append(f"共 {stats.submissions.total} 件")
        if stats.submissions.per_status:
            lines.append("按状态：" + _pairs(stats.submissions.per_status))
        if stats.submissions.per_platform:
            lines.append("按平台：" + _pairs(stats.submissions.per_platform))
    lines.append("")
    lines.append("【群发】")
    if not stats.broadcasts:
        lines.append("还没有群发")
    for info in stats.broadcasts:
        f = info.figures
        rate = f"{f.delivery_rate:.0%}" if f.delivery_rate is not None else "—"
        when = info.created_at.astimezone(tz).strftime("%m-%d %H:%M")
        lines.append(
            f"#{info.id} {when} {info.status}：送达 {f.sent}/{f.total}（{rate}），"
            f"失败 {f.failed}，屏蔽 {f.blocked}，不确定 {f.ambiguous}"
        )
    return "\n".join(lines)


def _days(per_day: dict[date, int]) -> str:
    return " ".join(f"{day:%m-%d} {count}" for day, count in per_day.items())


def _pairs(counts: dict[str, int]) -> str:
    return "，".join(f"{key} {value}" for key, value in sorted(counts.items()))
