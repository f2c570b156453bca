"""What every reply composer shares: the reply type, date formats, facts, contacts."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from content import wording as W
from content.knowledge import Knowledge
from content.lexicon import Lexicon
from content.models import Activity, Event, Faq, Venue
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
    settled: bool = False
    """A fallback that already says what the store lacks about the very thing asked (a named
    event it does not hold): no card may stand in for it as a guess."""
    about_elsewhere: bool = False
    """A settled fallback for another subject than the store's: only the bot's own feature
    cards may still answer (视频拍好以后怎么交给你们)."""


_YEAR = re.compile(r"(?<![\d〔\[(（])(20\d\d)年")
"""A year asked about (2025年); not a document's number (〔2024〕)."""
_PARTICULAR_INTENTS = frozenset(
    {
        "dates",
        "countdown",
        "activities",
        "creators",
        "reporting",
        "documents",
        "platform",
        "theme",
        "organizers",
        "overview",
        "content_areas",
        "work_requirements",
        "guiding",
        "contacts",
    }
)
_NOTED_INTENTS = frozenset({"activities", "creators", "reporting", "documents", "platform"})


def first_sentence(text: str) -> str:
    """The first sentence of a description, without its full stop."""
    return re.split(r"(?<=[。；])", text, maxsplit=1)[0].rstrip("。；")


def ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def md(day: date) -> str:
    return f"{day.month}月{day.day}日"


class ReplyBase(ABC):
    """The snapshot, the clock and the shared pieces of every reply.

    The reply mixins (notice, activities, events) call one another through the abstract
    methods below; the composer that combines them provides each.
    """

    # -- what the mixins provide one another ---------------------------------------------
    @abstractmethod
    def on_retrieval(self, p: Parsed) -> Reply:
        """The best document for the question, else the fallback (compose)."""

    @abstractmethod
    def best_faq(self, p: Parsed) -> Faq | None:
        """An FAQ entry that clearly answers the question (compose)."""

    @abstractmethod
    def on_event_detail(self, p: Parsed) -> Reply:
        """One named event's card, else the named venue's (events)."""

    @abstractmethod
    def named_venue(self, p: Parsed) -> Venue | None:
        """The venue a question names (events)."""

    @abstractmethod
    def event_lines(self, events: list[Event], *, detail: bool = False) -> str:
        """Numbered event lines (events)."""

    @abstractmethod
    def _activity(self, ident: str) -> Activity:
        """A notice activity by id (activities)."""

    @abstractmethod
    def activities_brief(self, activities: list[Activity]) -> Reply:
        """One line per activity (activities)."""

    @abstractmethod
    def activity_overview(self) -> Reply:
        """The notice's activities at a glance (activities)."""

    def __init__(self, k: Knowledge, now: datetime, lexicon: Lexicon) -> None:
        self.k = k
        self.lexicon = lexicon
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

    def reply(
        self, text: str, intent: str, *sources: str, suggestions: tuple[str, ...] = ()
    ) -> Reply:
        return Reply(
            text.strip(), intent, tuple(dict.fromkeys(s for s in sources if s)), tuple(suggestions)
        )

    # -- dispatch ------------------------------------------------------------------------
    def compose(self, p: Parsed) -> Reply:
        handler: Callable[[Parsed], Reply] = getattr(self, f"on_{p.intent}", None) or (
            self.on_retrieval
        )
        reply = handler(p)
        also = getattr(self, f"on_{p.also_intent}", None) if p.also_intent else None
        if also is not None:
            second = also(p)
            if second.text not in reply.text and reply.text not in second.text:
                reply = Reply(
                    f"{reply.text}\n{second.text}",
                    reply.intent,
                    tuple(dict.fromkeys(reply.sources + second.sources)),
                    reply.suggestions,
                )
        if reply.intent in _NOTED_INTENTS and (p.asks_practical or p.asks_specifics):
            # The answer says what the notice has; say plainly what it does not.
            what = W.LIST_SEP.join(p.asks_practical) if p.asks_practical else W.SPECIFICS
            if not any(word in reply.text for word in W.NOT_ANNOUNCED_WORDS):
                note = W.PRACTICAL_UNKNOWN.format(what=what, contact=self.contact_text())
                reply = Reply(
                    f"{reply.text}\n{note}", reply.intent, reply.sources, reply.suggestions
                )
        if reply.intent in _PARTICULAR_INTENTS:
            reply = self._say_unsaid(p, reply)
        if not reply.suggestions and reply.intent in W.RELATED:
            reply = replace(reply, suggestions=self.related(reply.intent))
        return reply

    def _say_unsaid(self, p: Parsed, reply: Reply) -> Reply:
        """What the question asks that the answer found does not say: another year than the
        campaign's (2025年科普日), or a particular (哪年, 哪个城市, 会怎么样)."""
        year = self.c.start.year
        other = [y for y in _YEAR.findall(p.text) if int(y) != year]
        lines = [reply.text]
        if other and str(year) not in p.text:
            lines.insert(0, W.OTHER_YEAR.format(year=year, asked=other[0]))
        unsaid = self.lexicon.particulars_unsaid(p.text, reply.text)
        if unsaid and not any(word in reply.text for word in W.NOT_ANNOUNCED_WORDS):
            what = W.LIST_SEP.join(unsaid)
            lines.append(W.PARTICULAR_UNSAID.format(what=what, contact=self.contact_text()))
        if len(lines) == 1:
            return reply
        return replace(reply, text="\n".join(lines))

    def related(self, intent: str) -> tuple[str, ...]:
        """Up to three questions people ask next after one of this intent."""
        facts = self.facts()
        held = {"venues": bool(self.k.venues), "events": bool(self.k.events)}
        return tuple(
            W.RELATED_QUESTIONS[name].format(**facts)
            for name in W.RELATED[intent]
            if held.get(name, True)  # no button for what the store has none of
        )

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
