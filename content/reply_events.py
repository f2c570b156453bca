"""Replies about organizers' events and venues: by date, place, audience and topic."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from content import wording as W
from content.dates import PART_HOURS, DateRange
from content.models import (
    Event,
    Faq,
    Venue,
)
from content.reply_base import (
    MAX_LISTED_EVENTS,
    RETRIEVAL_MIN_COVERAGE,
    Reply,
    ReplyBase,
    md,
)
from content.text import normalize
from content.understanding import Parsed

HOURS_WORDS = ("开放", "开门", "关门", "闭馆", "开馆", "营业", "几点")
"""Words that ask a venue's or an all-day event's daily hours."""


class EventReplies(ReplyBase):
    """Replies about organizers' events and venues: by date, place, audience and topic."""

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
        rng = self._window(p)
        narrowed = bool(rng or districts or venues or citywide or p.audiences)
        topic = self._topic_events(p, narrowed=narrowed)
        events = self._matching(p, rng, districts, venues, citywide, topic)
        scope = self._scope(p, rng, districts, venues, citywide)
        if topic is not None:  # what narrowed the list is said: none for 量子 is not none at all
            words = self._topic_words(p, narrowed=narrowed)
            shown = [w for w in dict.fromkeys(words) if not any(w != o and w in o for o in words)]
            scope += W.EVENTS_ABOUT.format(words=W.LIST_SEP.join(shown))  # 机器人, not 机器
        if events:
            text = W.EVENTS_FOUND.format(
                scope=scope, count=len(events), lines=self.event_lines(events)
            )
            return self.reply(text, "events", *(e.id for e in events[:MAX_LISTED_EVENTS]))
        return self._no_events(p, rng, scope, (districts, venues, citywide, topic))

    def _window(self, p: Parsed) -> DateRange | None:
        """The dates asked about; for what is still to come (还有哪些), from today on."""
        rng, today = p.dates, self.now.date()
        if not p.upcoming or (rng is not None and rng.end < today):
            return rng
        if rng is None:
            last = max(self.k.events_by_day, default=today)
            return DateRange(today, max(today, last), relative=True, holiday=None)
        if rng.start < today:
            return DateRange(today, rng.end, rng.relative, rng.holiday)
        return rng

    def _matching(
        self,
        p: Parsed,
        rng: DateRange | None,
        districts: list[str],
        venues: list[Venue],
        citywide: list[str],
        topic: set[str] | None,
    ) -> list[Event]:
        """Every event that meets all of the question's conditions, by time."""
        if topic is not None:  # a topic names a few events: narrow those
            events = sorted(
                (e for e in (self.k.get(Event, i) for i in topic) if isinstance(e, Event)),
                key=lambda e: (e.start, e.title),
            )
            if rng:
                events = [e for e in events if self._overlaps(e, rng)]
            if districts:
                inside = {e.id for d in districts for e in self.k.events_by_district.get(d, [])}
                events = [e for e in events if e.id in inside]
        elif districts:  # from the district index, not a scan of every event
            found = {e.id: e for d in districts for e in self.k.events_by_district.get(d, [])}
            if rng:
                events = [e for e in self.k.events_between(rng.start, rng.end) if e.id in found]
            else:
                events = sorted(found.values(), key=lambda e: (e.start, e.title))
        else:
            events = self.k.events_between(rng.start, rng.end) if rng else list(self.k.events)
        if citywide:
            events = [e for e in events if e.id in self.k.citywide_events]
        if venues:
            names = {v.name for v in venues}
            events = [e for e in events if e.venue in names]
        if p.audiences:  # events that declare the audience, then those that declare none
            wanted = tuple(p.audiences)
            if len(events) == len(self.k.events):  # all events: the memoized lists
                events = self.k.audience_events(wanted) + self.k.open_events
            else:
                fits = self.k.audience_fit(wanted)
                events = [e for e in events if fits.get(e.id)] + [
                    e for e in events if e.id not in fits
                ]
        if p.upcoming:  # 接下来还有哪些: not what already ended today
            events = [e for e in events if e.all_day or _ends_at(e) > self.now]
        if p.part_of_day:  # 今晚, 下午: events starting in that part of the day
            low, high = PART_HOURS[p.part_of_day]
            events = [
                e for e in events if e.all_day or low <= e.start.astimezone(self.k.tz).hour < high
            ]
        return events

    def _overlaps(self, e: Event, rng: DateRange) -> bool:
        days = self.k.event_days(e)
        return days[0] <= rng.end and rng.start <= days[-1]

    def _topic_events(self, p: Parsed, *, narrowed: bool) -> set[str] | None:
        """Events matching the question's topic words, if it names a topic at all.

        Once a date or place narrows the list, a kind of event (讲座, 展览) is no topic; the
        campaign's own words (科普) never are.
        """
        if not self._topic_words(p, narrowed=narrowed):
            return None
        return {h.id for h in p.event_hits if h.coverage >= 0.5}

    def _topic_words(self, p: Parsed, *, narrowed: bool) -> list[str]:
        kinds = self.kinds if narrowed else frozenset()
        campaign = self.lexicon.campaign_words
        # Once a slot narrows the list, a word no text has (种地 in 种地的农民有啥活动) is how
        # the asker says it, not a topic to find none of.
        unknown = set(p.unknown_words) if narrowed else set()
        return [w for w in p.event_topic if w not in kinds and w not in {*campaign, *unknown}]

    def _scope(
        self,
        p: Parsed,
        rng: DateRange | None,
        districts: list[str],
        venues: list[Venue],
        citywide: list[str],
    ) -> str:
        parts = []
        if rng:
            label = rng.label()
            if rng.holiday:
                label = f"{rng.holiday}（{label}）"
            elif rng.relative and rng.start == rng.end:
                label = f"{_relative_word(rng.start, self.now.date())}（{label}）"
            elif p.upcoming and p.dates is None:
                label = W.EVENTS_FROM_TODAY.format(day=md(rng.start))
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

    def _no_events(
        self,
        p: Parsed,
        rng: DateRange | None,
        scope: str,
        filters: tuple[list[str], list[Venue], list[str], set[str] | None],
    ) -> Reply:
        """None for the scope, and where events that meet the other conditions are: never a
        day, district or audience just reported empty."""
        districts, venues, citywide, topic = filters
        f = self.facts()
        lines = [W.EVENTS_NONE.format(scope=scope)]
        if rng:
            if (
                districts
                or venues
                or citywide
                or topic is not None
                or p.audiences
                or p.part_of_day
            ):
                elsewhen = self._matching(p, None, districts, venues, citywide, topic)
                counts = Counter(d for e in elsewhen for d in self.k.event_days(e))
            else:  # the date alone: the day index has the counts
                counts = Counter({d: len(evs) for d, evs in self.k.events_by_day.items()})
            for day in list(counts):
                if rng.start <= day <= rng.end:
                    del counts[day]
            near = sorted(counts, key=lambda d: (abs((d - rng.start).days), d))[:3]
            if near:
                lines.append(
                    W.EVENTS_NEAR_DAYS.format(
                        days=W.LIST_SEP.join(f"{md(d)}（{counts[d]}场）" for d in sorted(near))
                    )
                )
            if not (self.c.start <= rng.start <= self.c.end):
                lines.append(W.EVENTS_OUTSIDE.format(**f))
        if districts:
            regions = {d.region for d in self.k.districts if d.name in districts}
            nearby_names = {
                d.name for d in self.k.districts if d.region in regions and d.name not in districts
            }
            around = self._matching(p, rng, [], venues, [], topic)
            nearby = Counter(
                self.k.district_names.get(normalize(e.district), e.district)
                for e in around
                if e.district
            )
            nearby = Counter({d: n for d, n in nearby.items() if d in nearby_names})
            if nearby:
                lines.append(
                    W.EVENTS_NEAR_DISTRICTS.format(
                        districts=W.LIST_SEP.join(
                            f"{name}（{n}场）" for name, n in nearby.most_common(3)
                        )
                    )
                )
            citywide_count = len(self.k.citywide_events)
            if citywide_count:
                lines.append(W.EVENTS_CITYWIDE.format(count=citywide_count))
            day = rng.start if rng else self.now.date()
            inside = {e.id for d in districts for e in self.k.events_by_district.get(d, [])}
            ongoing = [
                e
                for e in self.k.events_between(day, day)
                if e.all_day
                and e.end
                and self.k.local_day(e) != e.end.astimezone(self.k.tz).date()
                and e.id not in inside
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
        if p.audiences:  # events for everyone then and there
            p_all = replace(p, audiences=[])
            open_to_all = [
                e
                for e in self._matching(p_all, rng, districts, venues, citywide, topic)
                if not self.k.event_groups.get(e.id) or W.EVERYONE in self.k.event_groups[e.id]
            ]
            if open_to_all:
                lines.append(W.EVENTS_FOR_EVERYONE + "\n" + self.event_lines(open_to_all[:3]))
        return self.reply("\n".join(lines), "events", self.c.id)

    def on_event_detail(self, p: Parsed) -> Reply:
        ident = p.strong_event
        if ident is None:
            venue = self.named_venue(p)
            if venue is not None:
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
        venue = self._venue_of(event)
        asks_hours = event.all_day and (p.asks_time or _asks_hours(p.text))
        if asks_hours and venue is not None and venue.hours:  # 几点开放: the venue's hours
            lines.append(W.EVENT_FIELD.format(label="场馆开放时间", value=venue.hours))
        if venue is not None and venue.description and p.asks_practical:
            said = normalize(venue.description)
            forms = [f for w in p.asks_practical for f in self.lexicon.aspect_forms(w)]
            if any(f in said for f in forms):  # 要带啥: the venue says 请带厚外套
                lines.append(W.EVENT_FIELD.format(label="场馆说明", value=venue.description))
        rules, unsaid = self._practical_answers(event, p.asks_practical)
        unsaid += self._unsaid_aspects(event, p)
        hours_said = re.search(r"\d{1,2}[:：]\d\d", event.description or "")
        if asks_hours and not (venue is not None and venue.hours) and not hours_said:
            unsaid.insert(0, W.DAILY_HOURS)
        lines += [W.EVENT_RULE.format(answer=faq.answer) for faq in rules]
        if unsaid:
            lines.append(
                W.EVENT_NO_PRACTICAL.format(
                    what=W.LIST_SEP.join(unsaid), contact=self.contact_text()
                )
            )
        return self.reply("\n".join(lines), "event_detail", event.id, *(faq.id for faq in rules))

    def _unsaid_aspects(self, event: Event, p: Parsed) -> list[str]:
        """What a question asks about an event that nothing of the event's says (回放, 接驳车):
        topic words outside its title, no character of which its texts have."""
        if not p.asks_yesno:
            return []
        said = normalize(
            " ".join(
                filter(
                    None,
                    (event.title, event.category, event.audience, event.description, event.venue),
                )
            )
        )
        title = self.k.title_words.get(event.id, set())
        return [
            w
            for w in p.topic_words
            if w not in title
            and w not in p.asks_practical
            and w not in self.lexicon.stop_words
            and not any(ch in said for ch in w)
        ]

    def _practical_answers(self, event: Event, asked: list[str]) -> tuple[list[Faq], list[str]]:
        """For each practical aspect asked (免费, 座位 …): said in the event's or its venue's
        own text, or by an organizer's FAQ rule for every event (所有活动免费), or not said."""
        venue = self._venue_of(event)
        texts = (
            event.description,
            event.title,
            event.audience,
            venue.description if venue else None,
        )
        subject = {event.title, event.venue or "", venue.name if venue else ""}
        return self._aspects_said(normalize(" ".join(filter(None, texts))), asked, subject)

    def _venue_of(self, event: Event) -> Venue | None:
        return next((v for v in self.k.venues if v.name == event.venue), None)

    def _aspects_said(
        self, said: str, asked: list[str], subject: set[str]
    ) -> tuple[list[Faq], list[str]]:
        """`subject`: the names of what is asked about (an event, its venue); an organizer's
        FAQ that names another event or venue is not a rule for this one."""
        rules: list[Faq] = []
        unsaid: list[str] = []
        for word in asked:
            forms = self.lexicon.aspect_forms(word)
            rule = next(
                (
                    f
                    for f in self.k.faqs
                    if f.id in self.k.organizer_faqs
                    and any(w in _keywords(f) or w in normalize(f.question) for w in forms)
                    and self._faq_applies(f, subject)
                ),
                None,
            )
            same = (*forms, *(_keywords(rule) if rule else ()))
            if any(w in said for w in same):
                continue  # the event's own description answers it
            if rule is not None:
                if rule not in rules:
                    rules.append(rule)
            else:
                unsaid.append(word)
        return rules, unsaid

    def _faq_applies(self, faq: Faq, subject: set[str]) -> bool:
        """An FAQ applies to every event unless it names a venue or an event; then only to
        that one."""
        named = self.k.faq_subjects.get(faq.id, frozenset())
        return not named or bool(named & subject)

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
        events = [e for e in self.k.events if e.venue == v.name]
        said = " ".join([v.description or "", *(e.description or "" for e in events)])
        rules, unsaid = self._aspects_said(normalize(said), p.asks_practical, {v.name})
        if (p.asks_time or _asks_hours(p.text)) and not v.hours:
            unsaid.insert(0, W.DAILY_HOURS)
        lines += [W.EVENT_RULE.format(answer=faq.answer) for faq in rules]
        if unsaid:
            lines.append(
                W.EVENT_NO_PRACTICAL.format(
                    what=W.LIST_SEP.join(unsaid), contact=self.contact_text()
                )
            )
        if events:
            lines.append(W.ACTIVITY_EVENTS + "\n" + self.event_lines(events))
        return self.reply(
            "\n".join(lines), "venues", v.id, *(e.id for e in events[:MAX_LISTED_EVENTS])
        )

    def named_venue(self, p: Parsed) -> Venue | None:
        """The venue a question names, by its alias or by most of its name (酉阳县科技馆)."""
        venue = self.k.get(Venue, p.first("venue"))
        if isinstance(venue, Venue):
            return venue
        top = p.doc_hits[0] if p.doc_hits else None
        if top is not None and top.kind == "venue" and top.coverage >= RETRIEVAL_MIN_COVERAGE:
            found = self.k.get(Venue, top.id)
            return found if isinstance(found, Venue) else None
        return None

    def on_venues(self, p: Parsed) -> Reply:
        venue = self.named_venue(p)
        if venue is not None:
            return self.venue_detail(venue, p)
        hits = p.event_hits
        if (
            hits
            and hits[0].coverage >= 0.6
            and (len(hits) == 1 or hits[0].score >= 2 * hits[1].score)
        ):
            # 农民版画展几点开门: one event named, asked for its hours (its venue's)
            return self.on_event_detail(replace(p, strong_event=hits[0].id))
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


def _asks_hours(text: str) -> bool:
    return any(w in text for w in HOURS_WORDS)


def _ends_at(e: Event) -> datetime:
    return e.end or e.start


def _keywords(faq: Faq) -> tuple[str, ...]:
    return tuple(normalize(k) for k in faq.keywords)


def _relative_word(day: date, today: date) -> str:
    delta = (day - today).days
    return {0: "今天", 1: "明天", 2: "后天", -1: "昨天"}.get(delta, W.WEEKDAYS[day.weekday()])
