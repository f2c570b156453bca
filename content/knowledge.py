"""An in-memory snapshot of the content store, with the lookups the answerer needs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, select

from content.lexicon import Analyzer
from content.models import (
    ORGANIZER,
    Activity,
    Campaign,
    Contact,
    ContentArea,
    District,
    Document,
    Event,
    Faq,
    Organizer,
    Platform,
    ReportingRequirement,
    Venue,
)
from content.search import Bm25Index, SearchDoc
from content.seed import content_revision, content_token
from content.segment import vocabulary
from content.snapshots import SnapshotCache, TextIndex
from content.text import normalize, question_key
from content.typos import HomophoneFixer, char_pinyin
from content.wording import CITYWIDE_WORDS

MAX_INDEXED_EVENT_DAYS = 62  # a longer event is listed on its first two months only


@dataclass
class Knowledge:
    """Everything the store holds, loaded once per content revision."""

    revision: int
    campaign: Campaign
    documents: list[Document]
    activities: list[Activity]
    organizers: list[Organizer]
    areas: list[ContentArea]
    requirements: list[ReportingRequirement]
    platforms: list[Platform]
    contacts: list[Contact]
    districts: list[District]
    faqs: list[Faq]
    venues: list[Venue]
    events: list[Event]
    tz: ZoneInfo
    by_id: dict[str, object] = field(default_factory=dict)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    """(normalized alias, kind, id), longest first: organizers, activities, districts…"""
    district_names: dict[str, str] = field(default_factory=dict)
    events_by_day: dict[date, list[Event]] = field(default_factory=dict)
    venue_by_name: dict[str, Venue] = field(default_factory=dict)
    title_words: dict[str, set[str]] = field(default_factory=dict)
    faq_key_words: dict[str, set[str]] = field(default_factory=dict)
    title_word_events: Counter[str] = field(default_factory=Counter)
    """How many event titles have each title word (1: the word names that event)."""
    organizer_faqs: frozenset[str] = frozenset()
    faq_by_question: dict[str, Faq] = field(default_factory=dict)
    """Organizers' FAQ cards by `question_key` of their question: asked again, answered so."""
    event_text: dict[str, str] = field(default_factory=dict)
    event_titles: dict[str, str] = field(default_factory=dict)
    """Each event's title, normalized."""
    char_events: dict[str, int] = field(default_factory=dict)
    """How many events' texts have each character."""
    title_chars: dict[str, frozenset[str]] = field(default_factory=dict)
    """The events whose title has each character."""
    title_pairs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The event titles that have each pair of adjacent characters."""
    faq_subjects: dict[str, frozenset[str]] = field(default_factory=dict)
    """The venues and events an FAQ's question names (its rule is theirs alone)."""
    """Normalized title, category, audience and description of each event, for matching."""
    event_audience: dict[str, str] = field(default_factory=dict)
    event_groups: dict[str, frozenset[str]] = field(default_factory=dict)
    open_events: list[Event] = field(default_factory=list)
    """Events that declare no audience (open to anyone), by time."""
    """The lexicon's audiences each event declares (亲子家庭, 青少年 …)."""
    """Words of each FAQ's question and keywords (not its answer)."""
    """Content words of each event title (to tell whether a question names an event)."""
    index: Bm25Index | None = None
    """The notice's documents (activities, FAQs, requirements …) and venues."""
    event_index: Bm25Index | None = None
    """Organizers' events, searched apart: there may be thousands."""
    fixer: HomophoneFixer | None = None
    """Corrects homophone typos of known words (主提 → 主题)."""
    related_events: dict[str, list[Event]] = field(default_factory=dict)
    _audience_fits: dict[tuple[str, ...], dict[str, bool]] = field(default_factory=dict)
    _audience_events: dict[tuple[str, ...], list[Event]] = field(default_factory=dict)
    events_by_district: dict[str, list[Event]] = field(default_factory=dict)
    citywide_events: frozenset[str] = frozenset()
    """Events in the whole city or online (全市, 线上)."""
    activity_audience_text: dict[str, str] = field(default_factory=dict)
    """Normalized audience and description of each activity (who it is for)."""
    """Events by district, their own or their venue's."""
    """Memo: events that belong to an activity (by name or category)."""

    def get(self, kind: type, ident: str | None) -> object | None:
        item = self.by_id.get(f"{kind.__name__}:{ident}") if ident else None
        return item

    def contact(self, ident: str | None) -> Contact | None:
        found = self.get(Contact, ident)
        return found if isinstance(found, Contact) else None

    def local_day(self, event: Event) -> date:
        return event.start.astimezone(self.tz).date()

    def event_days(self, event: Event) -> list[date]:
        """The local days an event runs on (multi-day events count on each)."""
        first = event.start.astimezone(self.tz).date()
        last = (event.end or event.start).astimezone(self.tz).date()
        span = min((last - first).days, MAX_INDEXED_EVENT_DAYS)
        return [first + timedelta(days=i) for i in range(max(span, 0) + 1)]

    def audience_fit(self, audiences: tuple[str, ...]) -> dict[str, bool]:
        """For events that declare an audience: is it one of `audiences` (the lexicon's
        canonical names)? (memoized)"""
        found = self._audience_fits.get(audiences)
        if found is None:
            wanted = set(audiences)
            found = {i: bool(wanted & groups) for i, groups in self.event_groups.items()}
            self._audience_fits[audiences] = found
        return found

    def audience_events(
        self, audiences: tuple[str, ...], *, open_ones: bool = False
    ) -> list[Event]:
        """Events that declare one of `audiences`, by time; with `open_ones`, also those
        that name no audience (memoized)."""
        key = (*audiences, str(open_ones))
        found = self._audience_events.get(key)
        if found is None:
            fits = self.audience_fit(audiences)
            found = [e for e in self.events if fits.get(e.id, open_ones)]
            self._audience_events[key] = found
        return found

    def events_between(self, start: date, end: date) -> list[Event]:
        """Events running on any day of [start, end], by start time."""
        seen: dict[str, Event] = {}
        day = start
        while day <= end and (day - start).days <= 366:
            for event in self.events_by_day.get(day, []):
                seen.setdefault(event.id, event)
            day += timedelta(days=1)
        return sorted(seen.values(), key=lambda e: (e.start, e.title))


_Row = TypeVar("_Row")


def _load_all(session: Session, model: type[_Row], *order: Any) -> list[_Row]:
    statement: Any = select(model)
    if order:
        statement = statement.order_by(*order)
    return list(session.exec(statement).all())


def load_knowledge(
    engine: Engine, analyzer: Analyzer, tz: ZoneInfo, cache: SnapshotCache | None = None
) -> Knowledge:
    """Read the whole store and build the lookups and the search index.

    With a `cache`, the text index of an unchanged content version is read from disk
    instead of segmenting every document again (the first answer of a new process).
    """
    revision = content_revision(engine)
    token = content_token(engine)
    with Session(engine, expire_on_commit=False) as session:
        knowledge = Knowledge(
            revision=revision,
            campaign=session.exec(select(Campaign)).one(),
            documents=_load_all(session, Document),
            activities=_load_all(session, Activity, Activity.position),
            organizers=_load_all(session, Organizer, Organizer.position),
            areas=_load_all(session, ContentArea, ContentArea.position),
            requirements=_load_all(session, ReportingRequirement),
            platforms=_load_all(session, Platform),
            contacts=_load_all(session, Contact),
            districts=_load_all(session, District),
            faqs=_load_all(session, Faq),
            venues=_load_all(session, Venue, Venue.name),
            events=_load_all(session, Event, Event.start, Event.title),
            tz=tz,
        )
        session.expunge_all()
    _derive(knowledge, analyzer)
    text = cache.load(token) if cache and token else None
    if text is None:
        text = build_text_index(knowledge, analyzer)
        _attach(knowledge, text, analyzer, fresh=True)
        if cache and token:
            cache.save(token, text)
    else:
        _attach(knowledge, text, analyzer, fresh=False)
    return knowledge


def domain_words(k: Knowledge) -> list[str]:
    """Terms jieba must keep whole: campaign names, activities, places, events."""
    words = [k.campaign.short_name, *k.campaign.aliases, *k.campaign.creator_platforms]
    for activity in k.activities:
        words += [activity.name, *activity.aliases, *activity.highlights]
    for organizer in k.organizers:
        words += [organizer.name, organizer.full_name, *organizer.aliases]
    for district in k.districts:
        words += district_forms(district.name, district.aliases)
    words += [c.name for c in k.contacts] + [v.name for v in k.venues]
    words += [e.title for e in k.events] + [e.venue for e in k.events if e.venue]
    return [normalize(w) for w in words if w]


def store_texts(k: Knowledge) -> list[str]:
    """Every text of the store that questions are matched against, normalized."""
    return notice_texts(k) + [
        normalize(" ".join(filter(None, (e.title, e.category, e.audience, e.description))))
        for e in k.events
    ]


def notice_texts(k: Knowledge) -> list[str]:
    """The store's texts but its events, normalized."""
    c = k.campaign
    texts = [c.name, c.theme, c.period_note, c.guiding_thought, c.goal, c.recipients]
    for a in k.activities:
        texts += [a.name, a.description, *a.aliases, *a.highlights, *a.participants, *a.audience]
    texts += [f"{x.title} {x.description}" for x in k.areas]
    texts += [f"{r.title} {r.what} {r.description} {' '.join(r.who)}" for r in k.requirements]
    texts += [f"{d.title} {d.description}" for d in k.documents]
    texts += [f"{p.name} {p.description}" for p in k.platforms]
    texts += [f"{x.role} {x.organization} {' '.join(x.topics)}" for x in k.contacts]
    texts += [f"{f.question} {f.answer} {' '.join(f.keywords)}" for f in k.faqs]
    texts += [" ".join(filter(None, (v.name, v.kind, v.description))) for v in k.venues]
    return [normalize(t) for t in texts if t]


_NATIONALITIES = (
    "土家|苗|彝|藏|回|蒙古|壮|满|侗|瑶|白|哈尼|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|仫佬|羌|"
    "布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|怒|德昂|保安|裕固|独龙|鄂伦春|鄂温克|达斡尔|布依|朝鲜|"
    "哈萨克|维吾尔|塔吉克|柯尔克孜"
)
_ETHNIC_COUNTY = re.compile(rf"^(?P<stem>.+?)(?:(?:{_NATIONALITIES})族)+自治(?:县|州)$")


def district_forms(name: str, aliases: Iterable[str] = ()) -> list[str]:
    """A district's official name, its listed short names, and the common forms of an
    autonomous county (石柱土家族自治县: 石柱自治县, 石柱县, 石柱)."""
    forms = [name, *aliases]
    county = _ETHNIC_COUNTY.match(name)
    if county:
        stem = county["stem"]
        kind = name[-1]
        peoples = re.findall(rf"(?:{_NATIONALITIES})族", name[len(stem) : -3])
        forms += [f"{stem}{people}自治{kind}" for people in peoples]  # 彭水苗族自治县
        forms += [f"{stem}自治{kind}", f"{stem}{kind}", stem]
    return list(dict.fromkeys(f for f in forms if len(f) >= 2))


def _venue_short_names(k: Knowledge) -> list[tuple[str, str, str]]:
    """A venue named without its district (合川区钓鱼城街道社区科普馆: 钓鱼城街道社区科普馆),
    or with another form of it (万州科技馆), where that still names only that venue."""
    forms = sorted(k.district_names, key=len, reverse=True)
    by_district: dict[str, list[str]] = defaultdict(list)
    for form, district in k.district_names.items():
        by_district[district].append(form)
    found: dict[str, set[str]] = defaultdict(set)
    for venue in k.venues:
        name = normalize(venue.name)
        prefix = next((f for f in forms if name.startswith(f)), None)
        if not prefix:
            continue
        rest = name[len(prefix) :]
        if len(rest) >= 4:
            found[rest].add(venue.id)
        if len(rest) >= 2:  # 万州科技馆 for 万州区科技馆: the district's other forms
            for form in by_district[k.district_names[prefix]]:
                if form != prefix:
                    found[form + rest].add(venue.id)
    return [(short, "venue", ids.pop()) for short, ids in found.items() if len(ids) == 1]


def _derive(k: Knowledge, analyzer: Analyzer) -> None:
    rows: list[object] = [
        k.campaign,
        *k.documents,
        *k.activities,
        *k.organizers,
        *k.areas,
        *k.requirements,
        *k.platforms,
        *k.contacts,
        *k.faqs,
        *k.venues,
        *k.events,
    ]
    k.by_id = {f"{type(r).__name__}:{r.id}": r for r in rows}  # type: ignore[attr-defined]

    aliases: list[tuple[str, str, str]] = []
    for organizer in k.organizers:
        for name in (organizer.name, organizer.full_name, *organizer.aliases):
            aliases.append((normalize(name), "organizer", organizer.id))
    for activity in k.activities:
        for name in (activity.name, *activity.aliases):
            aliases.append((normalize(name), "activity", activity.id))
    for district in k.districts:
        for name in district_forms(district.name, district.aliases):
            aliases.append((normalize(name), "district", district.name))
            k.district_names[normalize(name)] = district.name
    for contact in k.contacts:
        aliases.append((normalize(contact.name), "contact", contact.id))
    for area in k.areas:
        for name in area.aliases:
            aliases.append((normalize(name), "area", area.id))
    for contact in k.contacts:
        for phone in contact.phones:
            digits = "".join(ch for ch in phone if ch.isdigit())
            if len(digits) >= 7:
                aliases.append((digits[-8:], "contact_phone", contact.id))
    for platform in k.campaign.creator_platforms:
        aliases.append((normalize(platform), "creator_platform", platform))
    for document in k.documents:
        for label in (document.number, document.title):
            if label:
                aliases.append((normalize(label), "document", document.id))
    for venue in k.venues:
        aliases.append((normalize(venue.name), "venue", venue.id))
        k.venue_by_name[venue.name] = venue
    aliases += _venue_short_names(k)
    aliases = [a for a in aliases if len(a[0]) >= 2]
    k.aliases = sorted(set(aliases), key=lambda a: (-len(a[0]), a[0], a[1], a[2]))

    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in k.events:
        for day in k.event_days(event):
            by_day[day].append(event)
    k.events_by_day = dict(by_day)
    k.activity_audience_text = {
        a.id: normalize(" ".join([*a.audience, a.description])) for a in k.activities
    }
    by_district: dict[str, list[Event]] = defaultdict(list)
    for event in k.events:
        at = k.venue_by_name.get(event.venue or "")
        spellings = (event.district, at.district if at else None)
        # filed under the official name, however the import spelled it (石柱县)
        for official in {k.district_names.get(normalize(s), s) for s in spellings if s}:
            by_district[official].append(event)
    k.events_by_district = dict(by_district)

    k.organizer_faqs = frozenset(f.id for f in k.faqs if f.source == ORGANIZER)
    k.faq_by_question = {
        question_key(f.question): f for f in k.faqs if f.source == ORGANIZER and f.question
    }
    k.event_text = {
        e.id: normalize(" ".join(filter(None, (e.title, e.category, e.audience, e.description))))
        for e in k.events
    }
    k.event_titles = {e.id: normalize(e.title) for e in k.events}
    by_char: dict[str, set[str]] = defaultdict(set)
    by_pair: dict[str, list[str]] = defaultdict(list)
    for ident, title in k.event_titles.items():
        for ch in title:
            by_char[ch].add(ident)
    for e in k.events:
        for pair in {e.title[i : i + 2] for i in range(len(e.title) - 1)}:
            by_pair[pair].append(e.title)
    k.title_chars = {ch: frozenset(ids) for ch, ids in by_char.items()}
    k.title_pairs = {pair: tuple(titles) for pair, titles in by_pair.items()}
    k.char_events = dict(Counter(ch for text in k.event_text.values() for ch in set(text)))
    names = {normalize(v.name): v.name for v in k.venues}
    names.update((k.event_titles[e.id], e.title) for e in k.events)
    k.faq_subjects = {
        f.id: frozenset(
            name for key, name in names.items() if key and key in normalize(f.question)
        )
        for f in k.faqs
        if f.id in k.organizer_faqs
    }
    k.event_audience = {e.id: normalize(e.audience) for e in k.events if e.audience}
    k.open_events = [e for e in k.events if e.id not in k.event_audience]
    lexicon = analyzer.lexicon
    by_text = {a: frozenset(lexicon.audiences_in(a)) for a in set(k.event_audience.values())}
    k.event_groups = {ident: by_text[a] for ident, a in k.event_audience.items()}
    k.citywide_events = frozenset(
        e.id
        for e in k.events
        if any(w in (e.district or "") + (e.venue or "") for w in CITYWIDE_WORDS)
    )


def build_text_index(k: Knowledge, analyzer: Analyzer) -> TextIndex:
    """Teach the segmenter the store's words, then segment and index every document."""
    domain = domain_words(k)
    words = sorted(vocabulary(store_texts(k)))
    analyzer.segmenter.add_words(domain)
    analyzer.segmenter.add_words(words, domain=False)
    try:
        docs = _search_docs(k, analyzer)
        return TextIndex(
            domain=domain,
            vocabulary=words,
            title_words={
                e.id: {w for w in analyzer.words(normalize(e.title)) if len(w) >= 2}
                for e in k.events
            },
            faq_key_words={
                f.id: set(analyzer.words(normalize(" ".join([f.question, *f.keywords]))))
                for f in k.faqs
            },
            index=Bm25Index(d for d in docs if d.kind != "event"),
            event_index=Bm25Index(d for d in docs if d.kind == "event"),
            related=_related_events(k),
            fixer=HomophoneFixer.build(char_pinyin(), _sounding_words(k, analyzer)),
        )
    finally:
        analyzer.forget_fields()


def _sounding_words(k: Knowledge, analyzer: Analyzer) -> list[str]:
    """Words a typo may stand for: the store's names and the engine's strong cue words.

    Two-character words sound alike across word boundaries (是主 / 石柱), so only strong
    cues of that length are kept; longer names and cues are distinctive enough.
    """
    lex = analyzer.lexicon
    words = [
        cue
        for cues in lex.intent_cues.values()
        for cue, weight in cues.items()
        if len(cue) >= 3 or weight >= 3
    ]
    words += [w for w in lex.campaign_words if len(w) >= 3]
    words += [alias for alias, _kind, _ident in k.aliases if len(alias) >= 3]
    return words


def _related_events(k: Knowledge) -> dict[str, list[str]]:
    related: dict[str, list[str]] = {}
    for activity in k.activities:
        names = [normalize(n) for n in (activity.name, *activity.aliases) if len(n) >= 2]
        related[activity.id] = [
            e.id for e in k.events if any(n in k.event_text.get(e.id, "") for n in names)
        ]
    return related


def _attach(k: Knowledge, text: TextIndex, analyzer: Analyzer, *, fresh: bool) -> None:
    if not fresh:  # a cached index: the segmenter must learn the same words again
        analyzer.segmenter.add_words(text.domain)
        analyzer.segmenter.add_words(text.vocabulary, domain=False)
    k.title_words = text.title_words
    k.title_word_events = Counter(w for words in text.title_words.values() for w in words)
    k.faq_key_words = text.faq_key_words
    k.index = text.index
    k.event_index = text.event_index
    k.fixer = text.fixer
    events = {e.id: e for e in k.events}
    k.related_events = {
        activity: [events[i] for i in ids if i in events] for activity, ids in text.related.items()
    }


def _search_docs(k: Knowledge, analyzer: Analyzer) -> list[SearchDoc]:
    terms = analyzer.index_terms
    c = k.campaign
    docs = [SearchDoc(c.id, "guiding", terms((c.guiding_thought, 1), (c.goal, 1)))]
    for a in k.activities:
        docs.append(
            SearchDoc(
                a.id,
                "activity",
                terms(
                    (a.name, 3),
                    (" ".join(a.aliases), 2),
                    (" ".join(a.highlights), 1),
                    (a.description, 1),
                    (" ".join(a.participants + a.audience), 1),
                ),
            )
        )
    for area in k.areas:
        docs.append(
            SearchDoc(
                area.id,
                "area",
                terms((area.title, 2), (" ".join(area.aliases), 2), (area.description, 1)),
            )
        )
    for r in k.requirements:
        docs.append(
            SearchDoc(
                r.id,
                "requirement",
                terms((r.title, 2), (r.what, 2), (r.description, 1), (" ".join(r.who), 1)),
            )
        )
    for d in k.documents:
        docs.append(
            SearchDoc(
                d.id, "document", terms((d.title, 2), (d.number or "", 2), (d.description, 1))
            )
        )
    for p in k.platforms:
        docs.append(SearchDoc(p.id, "platform", terms((p.name, 3), (p.description, 1))))
    for contact in k.contacts:
        docs.append(
            SearchDoc(
                contact.id,
                "contact",
                terms(
                    (contact.name, 3),
                    (contact.role, 2),
                    (contact.organization, 1),
                    (" ".join(contact.topics), 1),
                ),
            )
        )
    for f in k.faqs:
        docs.append(
            SearchDoc(
                f.id, "faq", terms((f.question, 3), (" ".join(f.keywords), 2), (f.answer, 1))
            )
        )
    for v in k.venues:
        docs.append(
            SearchDoc(
                v.id,
                "venue",
                terms(
                    (v.name, 3), (v.kind or "", 1), (v.description or "", 1), (v.district or "", 1)
                ),
            )
        )
    for e in k.events:
        docs.append(
            SearchDoc(
                e.id,
                "event",
                terms(
                    (e.title, 3),
                    (e.category or "", 1),
                    (e.venue or "", 1),
                    (e.audience or "", 1),
                    (e.description or "", 1),
                ),
            )
        )
    return docs
