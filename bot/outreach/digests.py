"""The texts of the scheduled messages, built from the content store: the daily digest
(countdown, the day's events, closing), the creator prompt and the deadline reminder.

Telegram-free and blocking. Every fact comes from the store; the wording from bot.messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, or_, select

from bot import messages
from bot.formatting import escape
from content.models import Activity, Campaign, Event, ReportingRequirement
from content.wording import CITYWIDE_WORDS

MAX_EVENTS_PER_SECTION = 8
HIGHLIGHT_KIND = "key"
"""Activities of this kind take turns as the digest's highlight, one a day."""
HIGHLIGHT_CHARS = 60


@dataclass(frozen=True)
class CampaignDay:
    """What the store says about one local day: the campaign and the events running."""

    campaign: Campaign
    day: date
    events: list[Event]
    highlights: list[Activity]
    tz: ZoneInfo

    @property
    def number(self) -> int:
        """1 on the campaign's first day."""
        return (self.day - self.campaign.start).days + 1

    @property
    def before(self) -> bool:
        return self.day < self.campaign.start

    @property
    def during(self) -> bool:
        return self.campaign.start <= self.day <= self.campaign.end

    @property
    def closing(self) -> bool:
        """The first day after the campaign: the one closing message."""
        return self.day == self.campaign.end + timedelta(days=1)


def load_campaign(engine: Engine) -> Campaign | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select(Campaign)).first()


def load_day(engine: Engine, campaign: Campaign, day: date, tz: ZoneInfo) -> CampaignDay:
    """The events running on `day` (local) and the highlight candidates."""
    day_start = datetime.combine(day, time(0), tz).astimezone(UTC)
    day_end = day_start + timedelta(days=1)
    with Session(engine, expire_on_commit=False) as session:
        events = session.exec(
            select(Event)
            .where(
                col(Event.start) < day_end,
                or_(
                    col(Event.end) > day_start,
                    (col(Event.end).is_(None)) & (col(Event.start) >= day_start),
                ),
            )
            .order_by(col(Event.start), col(Event.title))
        ).all()
        highlights = session.exec(
            select(Activity)
            .where(Activity.kind == HIGHLIGHT_KIND)
            .order_by(col(Activity.position), col(Activity.id))
        ).all()
    return CampaignDay(campaign, day, list(events), list(highlights), tz)


def requirements_with_deadlines(engine: Engine) -> list[ReportingRequirement]:
    with Session(engine, expire_on_commit=False) as session:
        found = session.exec(
            select(ReportingRequirement)
            .where(col(ReportingRequirement.deadline).is_not(None))
            .order_by(col(ReportingRequirement.id))
        ).all()
    return list(found)


# --- the daily digest ----------------------------------------------------------------------


def compose_digest(today: CampaignDay, district: str | None) -> str | None:
    """The digest for a subscriber following `district` (None: the whole city), as HTML;
    None when nothing is due (after the closing day: silence)."""
    campaign = today.campaign
    name = escape(campaign.short_name or campaign.name)
    if today.before:
        text = messages.DIGEST_COUNTDOWN.format(
            name=name,
            days=(campaign.start - today.day).days,
            start=_month_day(campaign.start),
            end=_month_day(campaign.end),
            theme=escape(campaign.theme),
        )
        return _join([text, _highlight(today), messages.DIGEST_FOOTER])
    if today.closing:
        return messages.DIGEST_CLOSING.format(name=escape(campaign.name))
    if not today.during:
        return None
    header = messages.DIGEST_HEADER.format(
        name=name, number=today.number, date=_month_day(today.day)
    )
    sections = _event_sections(today, district)
    return _join([header, *sections, _highlight(today), messages.DIGEST_FOOTER])


def _event_sections(today: CampaignDay, district: str | None) -> list[str]:
    ongoing = [e for e in today.events if _is_exhibition(e, today.tz)]
    single = [e for e in today.events if e not in ongoing]
    sections: list[str] = []
    if district is None:
        sections.append(_section(messages.DIGEST_TODAY, single, today.tz))
    else:
        mine = [e for e in single if e.district == district]
        city = [e for e in single if _is_citywide(e)]
        others = len(single) - len(mine) - len(city)
        sections.append(
            _section(messages.DIGEST_IN_DISTRICT.format(district=escape(district)), mine, today.tz)
        )
        sections.append(_section(messages.DIGEST_CITY_WIDE, city, today.tz))
        if others > 0:
            sections.append(messages.DIGEST_OTHER_DISTRICTS.format(count=others))
        ongoing = sorted(ongoing, key=lambda e: e.district != district)  # theirs first
    sections.append(_section(messages.DIGEST_EXHIBITIONS, ongoing, today.tz))
    if not today.events:
        sections.append(messages.DIGEST_NO_EVENTS)
    return sections


def _section(title: str, events: list[Event], tz: ZoneInfo) -> str:
    if not events:
        return ""
    lines = [title]
    for event in events[:MAX_EVENTS_PER_SECTION]:
        lines.append(
            messages.DIGEST_EVENT.format(
                time=event_time(event, tz), title=escape(event.title), place=_place(event)
            )
        )
    if len(events) > MAX_EVENTS_PER_SECTION:
        lines.append(messages.DIGEST_MORE.format(count=len(events) - MAX_EVENTS_PER_SECTION))
    return "\n".join(lines)


def event_time(event: Event, tz: ZoneInfo) -> str:
    """When an event runs, as the digest and the web chat's cards show it (HH:MM, 全天, a span)."""
    if event.all_day or _is_exhibition(event, tz):
        start, end = event.start.astimezone(tz), (event.end or event.start).astimezone(tz)
        if start.date() != end.date():
            return f"{_month_day(start.date())}—{_month_day(end.date())}"
        return messages.DIGEST_ALL_DAY
    return event.start.astimezone(tz).strftime("%H:%M")


def _place(event: Event) -> str:
    where = [part for part in (event.district, event.venue) if part]
    return f"（{escape(' '.join(where))}）" if where else ""


def _is_exhibition(event: Event, tz: ZoneInfo) -> bool:
    """Runs over several days (an exhibition, a month-long series): listed as ongoing."""
    if event.end is None:
        return False
    return event.end.astimezone(tz).date() > event.start.astimezone(tz).date()


def _is_citywide(event: Event) -> bool:
    """No district, or a city-wide / online one."""
    if not event.district:
        return True
    return any(word in event.district + (event.venue or "") for word in CITYWIDE_WORDS)


def _highlight(today: CampaignDay) -> str:
    if not today.highlights:
        return ""
    activity = today.highlights[(today.day - today.campaign.start).days % len(today.highlights)]
    text = activity.description.split("。")[0]
    if len(text) > HIGHLIGHT_CHARS:
        text = text[: HIGHLIGHT_CHARS - 1] + "…"
    elif text:
        text += "。"
    return messages.DIGEST_HIGHLIGHT.format(name=escape(activity.name), text=escape(text))


# --- creators and organizers -----------------------------------------------------------------


def compose_creator_prompt(campaign: Campaign) -> str:
    platforms = "、".join(campaign.creator_platforms) or "各视频平台"
    return messages.CREATOR_PROMPT.format(
        hashtag=escape(campaign.hashtag),
        name=escape(campaign.short_name or campaign.name),
        platforms=escape(platforms),
    )


def compose_deadline_reminder(requirement: ReportingRequirement, day: date) -> str:
    assert requirement.deadline is not None
    deadline = escape(requirement.deadline_note or _month_day(requirement.deadline))
    days = (requirement.deadline - day).days
    when = (
        messages.DEADLINE_TODAY.format(deadline=deadline)
        if days == 0
        else messages.DEADLINE_IN_DAYS.format(days=days, deadline=deadline)
    )
    details = [
        template.format(value=escape(value))
        for template, value in (
            (messages.DEADLINE_WHAT, requirement.what),
            (messages.DEADLINE_FORMATS, "、".join(requirement.formats)),
            (messages.DEADLINE_EMAIL, requirement.email or requirement.channel or ""),
        )
        if value
    ]
    return messages.DEADLINE_REMINDER.format(
        title=escape(requirement.title), when=when, details="\n".join(details)
    ).strip()


def _month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _join(sections: list[str]) -> str:
    return "\n\n".join(section for section in sections if section)
