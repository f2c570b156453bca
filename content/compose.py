"""Composing answers from the knowledge snapshot, one function per intent."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from content import wording as W
from content.dates import PART_HOURS
from content.knowledge import Knowledge
from content.lexicon import Lexicon
from content.models import (
    Activity,
    Contact,
    ContentArea,
    Document,
    Event,
    Faq,
    Organizer,
    Platform,
    ReportingRequirement,
    Venue,
)
from content.text import normalize
from content.understanding import Parsed

MAX_LISTED_EVENTS = 12
RETRIEVAL_MIN_COVERAGE = 0.5
RETRIEVAL_MIN_SCORE = 3.0
SUGGEST_MIN_COVERAGE = 0.2


@dataclass(frozen=True)
class Reply:
    text: str
    intent: str
    sources: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


def ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def md(day: date) -> str:
    return f"{day.month}月{day.day}日"


class Composer:
    """Turns a parsed question into a reply, using only what the snapshot holds."""

    def __init__(self, k: Knowledge, now: datetime, lexicon: Lexicon) -> None:
        self.k = k
        self.kinds = lexicon.event_kinds
        self.video_platforms = lexicon.video_platforms
        self.audience_forms = lexicon.audiences
        self.c = k.campaign
        self.now = now.astimezone(k.tz)
        self.days = (self.c.end - self.c.start).days + 1

    # -- shared pieces -------------------------------------------------------------------
    def forms_of(self, audiences: list[str]) -> list[str]:
        """Every way of naming the given audiences (青少年: 孩子, 中小学生 …)."""
        return [f for a in audiences for f in (a, *self.audience_forms.get(a, ()))]

    def facts(self) -> dict[str, object]:
        c = self.c
        return {
            "campaign": c.name,
            "short": c.short_name,
            "theme": c.theme,
            "year": c.year,
            "start": ymd(c.start),
            "end": ymd(c.end),
            "start_md": md(c.start),
            "end_md": md(c.end),
            "days": self.days,
            "hashtag": c.hashtag,
        }

    def contact_text(self, ident: str | None = None) -> str:
        contact = self.k.contact(ident) or self.k.contact(self.c.default_contact)
        if contact is None:
            return "主办单位"
        return W.CONTACT.format(
            name=contact.name, role=contact.role, phones=W.LIST_SEP.join(contact.phones)
        )

    def reply(self, text: str, intent: str, *sources: str, suggestions: tuple = ()) -> Reply:
        return Reply(
            text.strip(), intent, tuple(dict.fromkeys(s for s in sources if s)), tuple(suggestions)
        )

    # -- dispatch ------------------------------------------------------------------------
    def compose(self, p: Parsed) -> Reply:
        handler: Callable[[Parsed], Reply] = getattr(self, f"on_{p.intent}", self.on_retrieval)
        return handler(p)

    def on_greeting(self, p: Parsed) -> Reply:
        return self.reply(W.GREETING.format(**self.facts()), "greeting")

    def on_help(self, p: Parsed) -> Reply:
        return self.reply(W.HELP.format(**self.facts()), "help", suggestions=W.SUGGEST_DEFAULTS)

    def on_overview(self, p: Parsed) -> Reply:
        orgs = self.k.organizers
        text = W.OVERVIEW.format(
            **self.facts(), first_org=orgs[0].name if orgs else "", org_count=len(orgs)
        )
        return self.reply(text, "overview", self.c.id)

    # -- dates -----------------------------------------------------------------------------
    def on_dates(self, p: Parsed) -> Reply:
        f = self.facts()
        t = p.text
        if p.dates is not None and p.dates.start == p.dates.end:
            day = p.dates.start
            inside = self.c.start <= day <= self.c.end
            template = W.DATES_IN_RANGE if inside else W.DATES_OUT_OF_RANGE
            return self.reply(template.format(**f, day=md(day)), "dates", self.c.id)
        asks_end = any(w in t for w in ("结束", "闭幕", "到哪天", "到几号", "截止到", "哪天完"))
        asks_start = any(w in t for w in ("开始", "开幕", "启动", "从哪天", "从几号", "哪天起"))
        if asks_end and not asks_start:
            text = W.DATES_END.format(**f)
        elif asks_start and not asks_end:
            text = W.DATES_START.format(**f)
        else:
            text = W.DATES_RANGE.format(**f)
        if self.c.period_note:
            text += "\n" + self.c.period_note
        return self.reply(text, "dates", self.c.id)

    def on_countdown(self, p: Parsed) -> Reply:
        f = self.facts()
        t = p.text
        today = self.now.date()
        start, end = self.c.start, self.c.end
        asks_total = any(w in t for w in ("一共", "总共", "共几天", "共多少天", "持续", "多长"))
        asks_end = any(w in t for w in ("结束", "闭幕", "还剩"))
        if asks_total and "还" not in t:
            return self.reply(W.COUNT_TOTAL.format(**f), "countdown", self.c.id)
        deadline = self._asked_deadline(p)
        if deadline is not None:
            return self.deadline_countdown(deadline, today)
        if today > end:
            return self.reply(W.COUNT_AFTER.format(**f), "countdown", self.c.id)
        if today < start:
            to_start = (start - today).days
            if asks_end and not any(w in t for w in ("开始", "开幕")):
                text = W.COUNT_BEFORE_END.format(**f, n=(end - today).days, to_start=to_start)
            elif "吗" in t or "没" in t:
                text = W.NOT_STARTED.format(**f, n=to_start)
            else:
                text = W.COUNT_BEFORE.format(**f, n=to_start)
            return self.reply(text, "countdown", self.c.id)
        if today == end:
            return self.reply(W.COUNT_LAST_DAY.format(**f), "countdown", self.c.id)
        text = W.COUNT_DURING.format(**f, k=(today - start).days + 1, n=(end - today).days)
        if "开始了" in t or "开始没" in t:
            text = W.STARTED + text
        return self.reply(text, "countdown", self.c.id)

    def _asked_deadline(self, p: Parsed) -> ReportingRequirement | None:
        if not any(
            w in p.text for w in ("总结", "报送", "材料", "截止", "上报", "提交", "交材料")
        ):
            return None
        return next((r for r in self.k.requirements if r.deadline), None)

    def deadline_countdown(self, r: ReportingRequirement, today: date) -> Reply:
        assert r.deadline is not None
        note = r.deadline_note or ymd(r.deadline)
        days = (r.deadline - today).days
        if days > 0:
            text = W.DEADLINE_BEFORE.format(what=r.what, deadline=note, n=days)
        elif days == 0:
            text = W.DEADLINE_TODAY.format(what=r.what, deadline=note)
        else:
            text = W.DEADLINE_PASSED.format(what=r.what, deadline=note)
        text += "\n" + W.REPORT_EMAIL.format(what=r.what, email=r.email)
        return self.reply(text, "countdown", r.id)

    def on_theme(self, p: Parsed) -> Reply:
        return self.reply(W.THEME.format(**self.facts()), "theme", self.c.id)

    # -- organizers ------------------------------------------------------------------------
    def on_organizers(self, p: Parsed) -> Reply:
        orgs = self.k.organizers
        count = len(orgs)
        ids = [o.id for o in orgs]
        mentioned = [
            o
            for o in (self.k.get(Organizer, i) for i in p.mentions.get("organizer", []))
            if isinstance(o, Organizer)
        ]
        masked = p.text
        for alias, kind, _ident in self.k.aliases:
            if kind == "organizer":
                masked = masked.replace(alias, " ")
        outsider = _asked_organizer(masked)
        asks_whether = p.asks_yesno or "参与" in p.text or "名单" in p.text
        if (mentioned and (asks_whether or len(p.words) <= 3)) or (outsider and asks_whether):
            names = W.LIST_SEP.join(o.name for o in orgs)
            lines = [
                W.ORG_YES.format(name=o.name, full=o.full_name, count=count, campaign=self.c.name)
                for o in mentioned
            ]
            if outsider:
                lines.append(W.ORG_NO.format(name=outsider, count=count, names=names))
            sources = [o.id for o in mentioned] if not outsider else ids
            return self.reply("\n".join(lines), "organizers", *sources)
        if "全称" in p.text:
            names = W.LIST_SEP.join(o.full_name for o in orgs)
            return self.reply(
                W.ORG_FULL_LIST.format(campaign=self.c.name, count=count, names=names),
                "organizers",
                *ids,
            )
        names = W.LIST_SEP.join(o.name for o in orgs)
        return self.reply(
            W.ORG_LIST.format(campaign=self.c.name, count=count, names=names), "organizers", *ids
        )

    # -- activities ------------------------------------------------------------------------
    def _activity(self, ident: str) -> Activity:
        found = self.k.get(Activity, ident)
        assert isinstance(found, Activity)
        return found

    def related_events(self, activity: Activity) -> list[Event]:
        """Events named after the activity or filed under it."""
        return self.k.related_events.get(activity.id, [])

    def on_activities(self, p: Parsed) -> Reply:
        t = p.text
        mentioned = [self._activity(i) for i in p.mentions.get("activity", [])]
        group = _asked_group(t)
        lists_group = group is not None and any(w in t for w in _LIST_WORDS)
        if mentioned and lists_group and all(a.kind == "key" for a in mentioned):
            return self.activity_group(group)  # 系列特色活动一共几项
        if len(mentioned) > 1 and not (p.asks_place or p.asks_time):
            return self.activities_brief(mentioned)
        if mentioned and not (
            group
            and len(mentioned) == 1
            and mentioned[0].kind == "key"
            and _is_group_alias(mentioned[0], t)
        ):
            activity = mentioned[0]
            definition = any(w in t for w in _DEFINITION_WORDS)
            if (p.asks_place or p.asks_time or p.asks_practical) and not definition:
                return self.activity_logistics(activity, p)
            return self.activity_detail(activity)
        if group:
            return self.activity_group(group)
        if p.audiences:
            return self.activities_for_audience(p)
        hit = next((h for h in p.doc_hits[:1] if h.kind == "activity"), None)
        if hit and hit.coverage >= RETRIEVAL_MIN_COVERAGE:
            return self.activity_detail(self._activity(hit.id))
        if p.doc_hits and p.doc_hits[0].coverage >= RETRIEVAL_MIN_COVERAGE:
            return self.on_retrieval(p)  # 416是什么意思: a term of another part of the notice
        return self.activity_overview()

    def activity_detail(self, a: Activity) -> Reply:
        f = self.facts()
        lines = []
        if a.description:
            lines.append(W.ACTIVITY.format(name=a.name, description=a.description))
        if a.parent:
            parent = self.k.get(Activity, a.parent)
            pname = parent.name if isinstance(parent, Activity) else ""
            lines.insert(
                0, W.ACTIVITY_FEATURED.format(name=a.name, parent=pname, campaign=f["campaign"])
            )
        events = self.related_events(a)
        if events:
            lines.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        elif not a.description:
            lines.append(W.ACTIVITY_NO_DETAIL.format(contact=self.contact_text()))
        return self.reply("\n".join(lines), "activities", a.id, *(e.id for e in events))

    def activities_brief(self, activities: list[Activity]) -> Reply:
        """Several activities asked about at once: one line each."""
        lines = []
        for a in activities:
            parent = self.k.get(Activity, a.parent) if a.parent else None
            if isinstance(parent, Activity):
                lines.append(
                    W.ACTIVITY_FEATURED.format(
                        name=a.name, parent=parent.name, campaign=self.c.name
                    )
                )
            elif a.description:
                lines.append(f"{a.name}：{_first_sentence(a.description)}。")
            else:
                lines.append(a.name)
        return self.reply("\n".join(lines), "activities", *(a.id for a in activities))

    def activity_logistics(self, a: Activity, p: Parsed) -> Reply:
        events = self.related_events(a)
        if events:
            head = W.ACTIVITY_EVENTS
            return self.reply(
                head + "\n" + self.event_lines(events, detail=True),
                "activities",
                a.id,
                *(e.id for e in events),
            )
        what = (
            W.WHAT_PLACE_TIME
            if p.asks_place and p.asks_time
            else W.WHAT_PLACE
            if p.asks_place
            else W.WHAT_TIME
            if p.asks_time
            else W.LIST_SEP.join(p.asks_practical) + "信息"
        )
        text = W.ACTIVITY_NOT_ANNOUNCED.format(
            **self.facts(), name=a.name, what=what, contact=self.contact_text()
        )
        if a.description:
            text += "\n" + W.ACTIVITY_KNOWN.format(description=a.description)
        return self.reply(text, "activities", a.id)

    def activity_group(self, group: str) -> Reply:
        titles = {
            "key": W.ACTIVITY_KEY_TITLE,
            "featured": W.ACTIVITY_FEATURED_TITLE,
            "joint": W.ACTIVITY_JOINT_TITLE,
            "district": W.ACTIVITY_DISTRICT_TITLE,
        }
        items = [a for a in self.k.activities if a.kind == group]
        if group == "district" and items:
            return self.activity_detail(items[0])
        lines = "\n".join(
            f"{i}. {a.name}"
            + (
                f"：{_first_sentence(a.description)}"
                if a.description and group != "featured"
                else ""
            )
            for i, a in enumerate(items, 1)
        )
        text = W.ACTIVITY_LIST.format(title=titles[group], count=len(items), lines=lines)
        return self.reply(text, "activities", *(a.id for a in items))

    def activities_for_audience(self, p: Parsed) -> Reply:
        forms = self.forms_of(p.audiences)
        acts = [
            a
            for a in self.k.activities
            if any(f in normalize(" ".join([*a.audience, a.description])) for f in forms)
        ]
        fits = self.k.audience_fit(tuple(forms))
        events = [e for e in self.k.events if fits.get(e.id, False)]
        parts = []
        if acts:
            lines = "\n".join(f"· {a.name}：{_first_sentence(a.description)}" for a in acts)
            parts.append(W.ACTIVITY_AUDIENCE.format(audience="、".join(p.audiences), lines=lines))
        if events:
            parts.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        if not parts:
            return self.activity_overview()
        return self.reply(
            "\n".join(parts), "activities", *(a.id for a in acts), *(e.id for e in events)
        )

    def activity_overview(self) -> Reply:
        key = [a for a in self.k.activities if a.kind == "key"]
        joint = [a for a in self.k.activities if a.kind == "joint"]
        lines = [
            W.ACTIVITY_LIST.format(
                title=W.ACTIVITY_KEY_TITLE,
                count=len(key),
                lines="\n".join(f"{i}. {a.name}" for i, a in enumerate(key, 1)),
            )
        ]
        if joint:
            lines.append(f"{W.ACTIVITY_JOINT_TITLE}：" + W.LIST_SEP.join(a.name for a in joint))
        if self.k.events:
            lines.append(W.ACTIVITY_OVERVIEW_TAIL)
        return self.reply("\n".join(lines), "activities", *(a.id for a in key + joint))

    # -- events ----------------------------------------------------------------------------
    def event_when(self, e: Event) -> str:
        start = e.start.astimezone(self.k.tz)
        end = e.end.astimezone(self.k.tz) if e.end else None
        if e.all_day:
            if end and end.date() != start.date():
                return f"{md(start.date())}—{md(end.date())}"
            return f"{md(start.date())}（{W.ALL_DAY}）"
        text = f"{md(start.date())}（{W.WEEKDAYS[start.weekday()]}）{start:%H:%M}"
        if end:
            text += (
                f"—{end:%H:%M}" if end.date() == start.date() else f"—{md(end.date())} {end:%H:%M}"
            )
        return text

    def event_place(self, e: Event) -> str:
        parts = [e.venue or ""]
        if e.district and e.district not in (e.venue or ""):
            parts.append(f"（{e.district}）")
        venue = self.k.venue_by_name.get(e.venue or "")
        address = e.address or (venue.address if venue else None)
        if address:
            parts.append(f"，{address}")
        return "".join(parts) or "暂未公布"

    def event_lines(self, events: list[Event], *, detail: bool = False) -> str:
        """Numbered lines, by time; with `detail` (or only two events) descriptions too."""
        shown = events[:MAX_LISTED_EVENTS]
        detail = detail or len(events) <= 2
        lines = []
        for i, e in enumerate(shown, 1):
            lines.append(f"{i}. {e.title}｜{self.event_when(e)}｜{self.event_place(e)}")
            if detail and e.description:
                lines.append(f"   {e.description}")
            if detail and e.url:
                lines.append(f"   {e.url}")
        if len(events) > len(shown):
            lines.append(W.EVENTS_MORE.format(more=len(events) - len(shown)))
        return "\n".join(lines)

    def _event_filters(self, p: Parsed) -> tuple[list[str], list[Venue], list[str]]:
        districts = list(p.mentions.get("district", []))
        venues = [
            v
            for v in (self.k.get(Venue, i) for i in p.mentions.get("venue", []))
            if isinstance(v, Venue)
        ]
        citywide = [w for w in W.CITYWIDE_WORDS if w in p.text]
        return districts, venues, citywide

    def on_events(self, p: Parsed) -> Reply:
        f = self.facts()
        if not self.k.events:
            related = [
                self._activity(h.id)
                for h in p.doc_hits
                if h.kind == "activity" and h.coverage >= RETRIEVAL_MIN_COVERAGE
            ][:3]
            if related and p.topic_words:  # 有啥比赛: the notice's activities on that topic
                brief = self.activities_brief(related)
                text = W.EVENTS_NONE_PUBLISHED.format(**f) + "\n" + brief.text
                return self.reply(text, "events", *brief.sources)
            text = W.EVENTS_NONE_PUBLISHED.format(**f) + "\n" + self.activity_overview().text
            return self.reply(text, "events", self.c.id)
        districts, venues, citywide = self._event_filters(p)
        rng = p.dates
        events = self.k.events_between(rng.start, rng.end) if rng else list(self.k.events)
        if districts:
            events = [
                e
                for e in events
                if e.district in districts or self._venue_district(e) in districts
            ]
        elif citywide:
            events = [e for e in events if e.id in self.k.citywide_events]
        if venues:
            names = {v.name for v in venues}
            events = [e for e in events if e.venue in names]
        forms = self.forms_of(p.audiences)
        if forms:
            fits = self.k.audience_fit(tuple(forms))
            events = [e for e in events if fits.get(e.id, True)] or events
        if p.part_of_day:  # 今晚, 下午: events starting in that part of the day
            low, high = PART_HOURS[p.part_of_day]
            events = [
                e for e in events if e.all_day or low <= e.start.astimezone(self.k.tz).hour < high
            ]
        topic = self._topic_events(p, narrowed=bool(rng or districts or venues or citywide))
        if topic is not None:
            events = [e for e in events if e.id in topic]
        scope = self._scope(p, districts, venues, citywide)
        if events:
            text = W.EVENTS_FOUND.format(
                scope=scope, count=len(events), lines=self.event_lines(events)
            )
            return self.reply(text, "events", *(e.id for e in events))
        return self._no_events(p, scope, districts)

    def _venue_district(self, e: Event) -> str | None:
        venue = self.k.venue_by_name.get(e.venue or "")
        return venue.district if venue else None

    def _topic_events(self, p: Parsed, *, narrowed: bool) -> set[str] | None:
        """Events matching the question's topic words, if it names a topic at all.

        Once a date or place narrows the list, a kind of event (讲座, 展览) is no topic.
        """
        kinds = self.kinds if narrowed else frozenset()
        if not [w for w in p.event_topic if not _is_event_cue(w) and w not in kinds]:
            return None
        return {h.id for h in p.event_hits if h.coverage >= 0.5}

    def _scope(
        self, p: Parsed, districts: list[str], venues: list[Venue], citywide: list[str]
    ) -> str:
        parts = []
        if p.dates:
            label = p.dates.label()
            if p.dates.relative and p.dates.start == p.dates.end:
                label = f"{_relative_word(p.dates.start, self.now.date())}（{label}）"
            parts.append(label)
        if districts:
            parts.append(W.LIST_SEP.join(districts))
        elif citywide:
            parts.append(citywide[0])
        if venues:
            parts.append(W.LIST_SEP.join(v.name for v in venues))
        if p.audiences:
            parts.append("面向" + W.LIST_SEP.join(p.audiences))
        return "".join(parts) or "目前"

    def _no_events(self, p: Parsed, scope: str, districts: list[str]) -> Reply:
        f = self.facts()
        lines = [W.EVENTS_NONE.format(scope=scope)]
        if p.dates:
            if districts:
                pool = [e for e in self.k.events if e.district in districts]
                counts = Counter(d for e in pool for d in self.k.event_days(e))
            else:
                counts = Counter({d: len(evs) for d, evs in self.k.events_by_day.items()})
            near = sorted(counts, key=lambda d: (abs((d - p.dates.start).days), d))[:3]
            if near:
                lines.append(
                    W.EVENTS_NEAR_DAYS.format(
                        days=W.LIST_SEP.join(f"{md(d)}（{counts[d]}场）" for d in sorted(near))
                    )
                )
            if not (self.c.start <= p.dates.start <= self.c.end):
                lines.append(W.EVENTS_OUTSIDE.format(**f))
        if districts:
            regions = {d.region for d in self.k.districts if d.name in districts}
            nearby = Counter(
                e.district
                for e in self.k.events
                if e.district
                and e.district not in districts
                and any(d.region in regions for d in self.k.districts if d.name == e.district)
            )
            if nearby:
                lines.append(
                    W.EVENTS_NEAR_DISTRICTS.format(
                        districts=W.LIST_SEP.join(
                            f"{name}（{n}场）" for name, n in nearby.most_common(3)
                        )
                    )
                )
            citywide = len(self.k.citywide_events)
            if citywide:
                lines.append(W.EVENTS_CITYWIDE.format(count=citywide))
        day = p.dates.start if p.dates else self.now.date()
        ongoing = [
            e
            for e in self.k.events_between(day, day)
            if e.all_day
            and e.end
            and self.k.local_day(e) != e.end.astimezone(self.k.tz).date()
            and e.district not in districts
        ][:3]
        if ongoing:  # exhibitions running then, elsewhere
            lines.append(
                W.EVENTS_ONGOING.format(
                    exhibitions=W.LIST_SEP.join(
                        f"{e.title}（{self.event_place(e)}，{self.event_when(e)}）"
                        for e in ongoing
                    )
                )
            )
        return self.reply("\n".join(lines), "events", self.c.id)

    def on_event_detail(self, p: Parsed) -> Reply:
        ident = p.strong_event
        if ident is None:
            venue_id = p.first("venue")
            venue = self.k.get(Venue, venue_id)
            if isinstance(venue, Venue):
                return self.venue_detail(venue, p)
            return self.on_retrieval(p)
        event = self.k.get(Event, ident)
        assert isinstance(event, Event)
        lines = [
            W.EVENT_DETAIL.format(
                title=event.title, when=self.event_when(event), place=self.event_place(event)
            )
        ]
        for label, value in (
            ("类别", event.category),
            ("对象", event.audience),
            ("介绍", event.description),
            ("链接", event.url),
        ):
            if value:
                lines.append(W.EVENT_FIELD.format(label=label, value=value))
        if p.asks_practical:
            lines.append(
                W.EVENT_NO_PRACTICAL.format(
                    what=W.LIST_SEP.join(p.asks_practical), contact=self.contact_text()
                )
            )
        return self.reply("\n".join(lines), "event_detail", event.id)

    # -- venues ----------------------------------------------------------------------------
    def venue_detail(self, v: Venue, p: Parsed) -> Reply:
        lines = [v.name]
        for label, value in (
            ("区县", v.district),
            ("地址", v.address),
            ("类型", v.kind),
            ("开放时间", v.hours),
            ("介绍", v.description),
        ):
            if value:
                lines.append(W.EVENT_FIELD.format(label=label, value=value))
        if (p.asks_time or "开放" in p.text) and not v.hours:
            lines.append(W.EVENT_NO_PRACTICAL.format(what="开放时间", contact=self.contact_text()))
        events = [e for e in self.k.events if e.venue == v.name]
        if events:
            lines.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        return self.reply("\n".join(lines), "venues", v.id, *(e.id for e in events))

    def on_venues(self, p: Parsed) -> Reply:
        venue = self.k.get(Venue, p.first("venue"))
        if isinstance(venue, Venue):
            return self.venue_detail(venue, p)
        if not self.k.venues:
            return self.on_retrieval(p)
        lines = "\n".join(
            f"· {v.name}" + (f"（{v.district}）" if v.district else "") for v in self.k.venues[:30]
        )
        return self.reply(
            W.VENUE_LIST.format(count=len(self.k.venues), lines=lines),
            "venues",
            *(v.id for v in self.k.venues[:30]),
        )

    # -- creators --------------------------------------------------------------------------
    def on_creators(self, p: Parsed) -> Reply:
        f = self.facts()
        platforms = W.LIST_SEP.join(self.c.creator_platforms)
        activity = next(
            (
                a
                for a in self.k.activities
                if self.c.hashtag and normalize(self.c.hashtag.strip("#")) in normalize(a.name)
            ),
            None,
        )
        source = activity.id if activity else self.c.id
        named = [pl for pl in self.c.creator_platforms if normalize(pl) in p.text]
        if named and not (
            len(named) == 1
            and named[0] in ("科普中国",)
            and "平台" not in p.text
            and not p.asks_yesno
        ):
            return self.reply(
                W.CREATORS_PLATFORM_YES.format(platform=named[0], platforms=platforms, **f),
                "creators",
                source,
            )
        other = next((name for name in self.video_platforms if name in p.text), None)
        if other:
            return self.reply(
                W.CREATORS_PLATFORM_NO.format(platform=other, platforms=platforms, **f),
                "creators",
                source,
            )
        description = activity.description if activity else ""
        text = W.CREATORS.format(**f, platforms=platforms, description=description)
        return self.reply(text, "creators", source)

    # -- reporting -------------------------------------------------------------------------
    def on_reporting(self, p: Parsed) -> Reply:
        t = p.text
        kind = (
            "commendation"
            if any(w in t for w in ("表扬", "评优", "优秀", "推荐", "牵头", "总结工作"))
            else "logos"
            if any(w in t for w in ("标识", "logo", "标志"))
            else "publish"
            if any(w in t for w in ("发布", "活动信息", "上传")) and "总结" not in t
            else "summary"
        )
        req = next((r for r in self.k.requirements if r.kind == kind), None)
        if req is None:
            return self.on_retrieval(p)
        if kind != "summary":
            text = req.description
            if req.contact:
                text += "\n咨询：" + self.contact_text(req.contact)
            return self.reply(text, "reporting", req.id)
        return self.reply(self.summary_text(req, p), "reporting", req.id)

    def summary_text(self, r: ReportingRequirement, p: Parsed) -> str:
        t = p.text
        deadline = r.deadline_note or (ymd(r.deadline) if r.deadline else "暂未公布")
        formats = "和".join(r.formats) or "—"
        who = W.LIST_SEP.join(r.who)
        first = None
        if any(w in t for w in ("邮箱", "邮件", "email", "发到", "发给", "交给", "报给", "发哪")):
            first = W.REPORT_EMAIL.format(what=r.what, email=r.email)
        elif any(w in t for w in ("格式", "pdf", "word", "版本", "文件类型")):
            first = W.REPORT_FORMATS.format(what=r.what, formats=formats)
        elif any(
            w in t
            for w in (
                "截止",
                "截至",
                "期限",
                "最晚",
                "什么时候",
                "哪天",
                "几号",
                "时间",
                "日期",
                "deadline",
            )
        ):
            first = W.REPORT_DEADLINE.format(what=r.what, deadline=deadline)
        elif any(w in t for w in ("谁", "哪些单位", "哪些", "单位")):
            first = W.REPORT_WHO.format(who=who)
        full = W.REPORT_FULL.format(
            what=r.what, deadline=deadline, formats=formats, email=r.email, who=who
        )
        return f"{first}\n{full}" if first else full

    # -- contacts --------------------------------------------------------------------------
    def on_contacts(self, p: Parsed) -> Reply:
        contacts = self.k.contacts
        chosen = [c for c in (self.k.contact(i) for i in p.mentions.get("contact", [])) if c]
        if not chosen:
            chosen = [
                c
                for c in contacts
                if normalize(c.role) in p.text or normalize(c.organization) in p.text
            ]
        if not chosen:
            scored = [(sum(1 for tp in c.topics if normalize(tp) in p.text), c) for c in contacts]
            best = max((s for s, _ in scored), default=0)
            chosen = [c for s, c in scored if s == best and best > 0]
        if not chosen and "总结" in p.text:
            chosen = [c for c in [self.k.contact(self.c.default_contact)] if c]
        lines = [
            W.CONTACT.format(name=c.name, role=c.role, phones=W.LIST_SEP.join(c.phones))
            for c in (chosen or contacts)
        ]
        text = lines[0] if len(lines) == 1 else W.CONTACTS_ALL.format(lines="\n".join(lines))
        return self.reply(text, "contacts", *(c.id for c in (chosen or contacts)))

    # -- documents, guiding thought, platform, requirements, content areas ----------------
    def on_documents(self, p: Parsed) -> Reply:
        t = p.text
        docs = self.k.documents
        notice = next((d for d in docs if d.role == "notice"), None)
        basis = next((d for d in docs if d.role == "basis"), None)
        refs = [d for d in docs if d.role == "reference"]
        named = [
            d
            for d in (self.k.get(Document, i) for i in p.mentions.get("document", []))
            if isinstance(d, Document)
        ]
        if named and named[0] is not notice:
            return self.reply(self.document_text(named[0]), "documents", named[0].id)
        if any(w in t for w in ("主送", "发给哪些", "发给谁", "收到", "下发", "发到")):
            return self.reply(
                W.DOCUMENT_RECIPIENTS.format(recipients=self.c.recipients),
                "documents",
                notice.id if notice else self.c.id,
            )
        if basis and any(w in t for w in ("依据", "根据", "全国的通知", "中国科协", "上级")):
            return self.reply(
                W.DOCUMENT_BASIS.format(title=basis.title, number=basis.number),
                "documents",
                basis.id,
            )
        if refs and "方案" in t:
            titles = W.LIST_SEP.join(f"《{d.title}》" for d in refs)
            return self.reply(
                W.DOCUMENT_REFERENCES.format(titles=titles), "documents", *(d.id for d in refs)
            )
        if notice is None:
            return self.on_retrieval(p)
        issued = ymd(notice.issued_on) if notice.issued_on else "暂未公布"
        if p.asks_time or any(w in t for w in ("印发", "发布日期", "发的")):
            text = W.DOCUMENT_DATE.format(title=notice.title, number=notice.number, date=issued)
        else:
            text = W.DOCUMENT_NUMBER.format(number=notice.number, title=notice.title, date=issued)
        return self.reply(text, "documents", notice.id)

    def document_text(self, d: Document) -> str:
        parts = [f"《{d.title}》" + (f"（{d.number}）" if d.number else "")]
        if d.issuer:
            parts.append(W.DOCUMENT_ISSUER.format(issuer=d.issuer))
        if d.issued_on:
            parts.append(W.DOCUMENT_ISSUED.format(date=ymd(d.issued_on)))
        text = "，".join(parts) + "。"
        return text + (d.description if d.description else "")

    def on_guiding(self, p: Parsed) -> Reply:
        if any(w in p.text for w in ("目标", "目的")) and self.c.goal:
            text = (
                W.GOAL.format(goal=self.c.goal)
                + "\n"
                + W.GUIDING.format(text=self.c.guiding_thought)
            )
        else:
            text = W.GUIDING.format(text=self.c.guiding_thought)
        return self.reply(text, "guiding", self.c.id)

    def on_platform(self, p: Parsed) -> Reply:
        if not self.k.platforms:
            return self.on_retrieval(p)
        platform = self.k.platforms[0]
        text = W.PLATFORM.format(
            name=platform.name, url=platform.url, description=platform.description
        )
        if platform.contact:
            text += "\n" + W.PLATFORM_CONTACT.format(contact=self.contact_text(platform.contact))
        return self.reply(text, "platform", platform.id)

    def on_work_requirements(self, p: Parsed) -> Reply:
        items = [f for f in self.k.faqs if f.source == "notice"]
        best = [h for h in p.doc_hits if h.kind == "faq" and h.coverage >= 0.5]
        if best and "工作要求" not in p.text:
            faq = self.k.get(Faq, best[0].id)
            if isinstance(faq, Faq):
                return self.reply(f"{faq.question}：{faq.answer}", "work_requirements", faq.id)
        lines = "\n".join(f"{i}. {f.question}：{f.answer}" for i, f in enumerate(items, 1))
        return self.reply(
            W.WORK_REQUIREMENTS.format(lines=lines), "work_requirements", *(f.id for f in items)
        )

    def on_content_areas(self, p: Parsed) -> Reply:
        areas = self.k.areas
        lines = "\n".join(
            f"{i}. {a.title}：{_first_sentence(a.description)}" for i, a in enumerate(areas, 1)
        )
        return self.reply(
            W.CONTENT_AREAS.format(count=len(areas), lines=lines),
            "content_areas",
            *(a.id for a in areas),
        )

    def on_practical(self, p: Parsed) -> Reply:
        faq = self.best_faq(p)
        if faq is not None:
            return self.reply(faq.answer, "faq", faq.id)
        if p.strong_event:
            return self.on_event_detail(p)
        what = W.LIST_SEP.join(p.asks_practical) + "等信息"
        return self.reply(
            W.PRACTICAL_UNKNOWN.format(what=what, contact=self.contact_text()),
            "practical",
            self.c.id,
        )

    # -- retrieval and fallback ------------------------------------------------------------
    def best_faq(self, p: Parsed) -> Faq | None:
        """An FAQ entry that clearly answers the question, if there is one."""
        for hit in p.doc_hits[:2]:
            if hit.kind == "faq" and hit.coverage >= RETRIEVAL_MIN_COVERAGE:
                item = self.k.get(Faq, hit.id)
                if isinstance(item, Faq):
                    return item
        return None

    def on_faq(self, p: Parsed) -> Reply:
        faq = self.best_faq(p)
        return self.reply(faq.answer, "faq", faq.id) if faq else self.on_retrieval(p)

    def on_retrieval(self, p: Parsed) -> Reply:
        good = sorted(
            (
                h
                for h in p.doc_hits
                if h.coverage >= RETRIEVAL_MIN_COVERAGE and h.score >= RETRIEVAL_MIN_SCORE
            ),
            key=lambda h: (-round(h.coverage, 1), -h.score),
        )
        if good:
            reply = self.render_doc(good[0].kind, good[0].id, p)
            if reply is not None:
                return reply
        if p.strong_event:
            return self.on_event_detail(p)
        if p.mentions.get("activity"):
            return self.activity_detail(self._activity(p.mentions["activity"][0]))
        return self.fallback(p)

    def render_doc(self, kind: str, ident: str, p: Parsed) -> Reply | None:
        item = self.k.by_id.get(
            {
                "activity": "Activity",
                "area": "ContentArea",
                "requirement": "ReportingRequirement",
                "document": "Document",
                "platform": "Platform",
                "contact": "Contact",
                "faq": "Faq",
                "venue": "Venue",
                "guiding": "Campaign",
            }[kind]
            + ":"
            + ident
        )
        if kind == "guiding":
            return self.on_guiding(p)
        if isinstance(item, Activity):
            return self.activity_detail(item)
        if isinstance(item, Faq):
            return self.reply(item.answer, "faq", item.id)
        if isinstance(item, ContentArea):
            return self.reply(f"{item.title}：{item.description}", "content_areas", item.id)
        if isinstance(item, ReportingRequirement):
            text = self.summary_text(item, p) if item.kind == "summary" else item.description
            return self.reply(text, "reporting", item.id)
        if isinstance(item, Contact):
            return self.on_contacts(p)
        if isinstance(item, Platform):
            return self.on_platform(p)
        if isinstance(item, Venue):
            return self.venue_detail(item, p)
        if isinstance(item, Document):
            return self.on_documents(p)
        return None

    def on_fallback(self, p: Parsed) -> Reply:
        return self.fallback(p)

    def fallback(self, p: Parsed) -> Reply:
        suggestions = []
        for hit in p.doc_hits:
            if hit.coverage < SUGGEST_MIN_COVERAGE:
                continue
            item = self.k.by_id.get(("Activity:" if hit.kind == "activity" else "Faq:") + hit.id)
            if isinstance(item, Activity):
                suggestions.append(W.SUGGEST_ACTIVITY.format(name=item.name))
            elif isinstance(item, Faq):
                suggestions.append(W.SUGGEST_FAQ.format(question=item.question))
        text = W.FALLBACK.format(campaign=self.c.name, contact=self.contact_text())
        if suggestions:
            text += "\n" + W.FALLBACK_SUGGEST + "\n" + "\n".join(f"· {s}" for s in suggestions[:3])
        return self.reply(text, "fallback", suggestions=tuple(suggestions[:3]))


_ORG_LIKE = re.compile(
    r"(?:重庆)?(?:市委|市|区|县)?[\u4e00-\u9fff]{1,8}?"
    r"(?:委员会|办公室|联合会|协会|学会|总会|工会|集团|公司|大学|中心|局|委|办|厅|部|院|所|联)"
)


def _asked_organizer(text: str) -> str | None:
    """An organisation-like name in the question (市体育局, 市民政局 …), if any."""
    match = _ORG_LIKE.search(text.replace("主办单位", " ").replace("主办", " "))
    return match.group().strip() if match else None


_LIST_WORDS = ("一共", "几项", "几个", "多少", "哪些", "分别", "有什么", "有啥", "包括", "列举")
_DEFINITION_WORDS = ("是什么", "是啥", "是指", "指什么", "什么意思", "是进", "包括", "内容")

_GROUP_WORDS = (
    ("featured", ("特色活动",)),
    ("joint", ("联合行动", "专项行动")),
    ("key", ("重点活动", "主要活动", "重点示范")),
    ("district", ("区县主场", "区县活动")),
)


def _asked_group(text: str) -> str | None:
    for group, words in _GROUP_WORDS:
        if any(w in text for w in words):
            return group
    return None


def _is_group_alias(activity: Activity, text: str) -> bool:
    return normalize(activity.name) not in text


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[。；])", text, maxsplit=1)[0].rstrip("。；")


_EVENT_CUES = (
    "活动",
    "有什么",
    "有啥",
    "哪些",
    "安排",
    "展",
    "展览",
    "可以",
    "参加",
    "去",
    "玩",
    "好玩",
    "在展",
    "什么",
    "呢",
    "有",
    "吗",
    "么",
)


def _is_event_cue(word: str) -> bool:
    return word in _EVENT_CUES or word.startswith("~")


def _relative_word(day: date, today: date) -> str:
    delta = (day - today).days
    return {0: "今天", 1: "明天", 2: "后天", -1: "昨天"}.get(delta, W.WEEKDAYS[day.weekday()])
