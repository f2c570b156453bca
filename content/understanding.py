"""What a question asks: normalized text, dates, places, mentions, and the intent."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from content.dates import DateContext, DateRange, parse_dates, part_of_day
from content.knowledge import Knowledge
from content.lexicon import BIGRAM_PREFIX, Analyzer, Lexicon
from content.models import Activity, Event
from content.search import Hit
from content.text import normalize
from content.wording import ASKS_WEEKDAY, CITYWIDE_WORDS

# Intents decided by the highest cue score; the order breaks ties (earlier wins).
SCORED_INTENTS = (
    "event_detail",
    "events",
    "reporting",
    "documents",
    "creators",
    "organizers",
    "theme",
    "work_requirements",
    "guiding",
    "content_areas",
    "platform",
    "venues",
    "activities",
    "dates",
)
MIN_INTENT_SCORE = 1.5
_EVENT_INTENTS = frozenset({"events", "event_detail"})
SURE_CUE = 2.5
QUOTE_MIN_CHARS = 4
_QUOTED = re.compile(r"[“\"「『‘'](?P<quote>[^”\"」』’']+)[”\"」』’']")
JOINABLE_INTENTS = ("theme", "guiding", "dates", "organizers", "platform", "documents")
"""Facts of the notice that a question may ask for two at a time."""
JOINING_WORDS = ("和", "以及", "还有", "跟", "与", "及", "然后", "另外", "顺便")
EVENT_SLOT_KINDS = ("district", "venue")


@dataclass
class Parsed:
    """A question read: everything the answer composer needs."""

    raw: str
    text: str
    rest: str
    dates: DateRange | None
    words: tuple[str, ...]
    terms: list[str]
    mentions: dict[str, list[str]]
    audiences: list[str]
    scores: dict[str, float]
    asks_place: bool
    asks_time: bool
    asks_practical: list[str]
    asks_count: bool
    asks_specifics: bool
    asks_yesno: bool
    topic_words: list[str] = field(default_factory=list)
    event_topic: list[str] = field(default_factory=list)
    """Words that narrow a list of events ('无人机' in 有没有无人机的活动); not the context
    after it ('中秋放假想带娃去')."""
    unknown_words: list[str] = field(default_factory=list)
    """Topic words no document of the store contains: the question is about something else."""
    foreign_words: list[str] = field(default_factory=list)
    """Unknown words the bot's features do not use either."""
    part_of_day: str | None = None
    upcoming: bool = False
    asks_existence: bool = False
    """Asks whether there is any (有没有, 有吗): a list, not one event."""
    """Asks what is still to come (还有哪些, 接下来): a window counts from today."""
    event_terms: list[str] = field(default_factory=list)
    """The topic's terms the events are searched with."""
    event_hits: list[Hit] = field(default_factory=list)
    doc_hits: list[Hit] = field(default_factory=list)
    intent: str = "fallback"
    off_topic: bool = False
    """About another subject than the campaign: no card or FAQ answers it either."""
    also_intent: str | None = None
    """A second fact the question asks for (主题和指导思想), answered after the first."""

    def first(self, kind: str) -> str | None:
        found = self.mentions.get(kind)
        return found[0] if found else None

    strong_event: str | None = None
    """An event the question names: most of the question's topic and the title match."""


SLOT_KINDS = frozenset({"district", "venue", "contact"})


def _scan_aliases(text: str, k: Knowledge) -> tuple[dict[str, list[str]], str]:
    """Names of known things in the text, and the text with slot names blanked out."""
    mentions: dict[str, list[str]] = {}
    masked = text
    topic = text
    for alias, kind, ident in k.aliases:
        if alias in masked:
            found = mentions.setdefault(kind, [])
            if ident not in found:
                found.append(ident)
            masked = masked.replace(alias, "\0" * len(alias))
            if kind in SLOT_KINDS:
                topic = topic.replace(alias, " ")
    return mentions, topic


_AREA_CODE = re.compile(r"(?<!\d)0\d{2,3}(?!\d)")


def _scan_area_codes(text: str, k: Knowledge, mentions: dict[str, list[str]]) -> None:
    """A telephone area code alone (北京那个010的号码) names the contacts whose numbers have it."""
    for code in _AREA_CODE.findall(text):
        for contact in k.contacts:
            digits = ("".join(ch for ch in p if ch.isdigit()) for p in contact.phones)
            if any(d.startswith(code) and len(d) > len(code) + 6 for d in digits):
                found = mentions.setdefault("contact_phone", [])
                if contact.id not in found:
                    found.append(contact.id)


def _rank_mentions(p: Parsed) -> None:
    """Order mentioned activities by how well the whole question matches each."""
    found = p.mentions.get("activity")
    if found and len(found) > 1:
        rank = {h.id: i for i, h in enumerate(p.doc_hits)}
        found.sort(key=lambda ident: rank.get(ident, len(rank)))


def _covers_known(p: Parsed, k: Knowledge, hit: Hit) -> bool:
    """The hit has every topic term that any event has (the rest are no event's words:
    the tail of a colloquial name, 航天展到 → 航天)."""
    index = k.event_index
    if index is None or not p.event_terms:
        return False
    known = sum(index.idf(t) for t in p.event_terms)
    unknown = sum(1 for t in p.event_terms if not index.idf(t))
    if not known or not unknown:
        return False
    return hit.coverage * (known + unknown * index.unknown_idf) >= known * 0.999


def _strong_event(p: Parsed, k: Knowledge) -> str | None:
    """The event a question names: its topic words are mostly the event's title words."""
    topic = set(p.topic_words)
    if not topic:
        return None
    hits = p.event_hits
    asks_about_it = p.asks_place or p.asks_time or bool(p.asks_practical)
    if asks_about_it and hits and not p.mentions.get("activity"):
        top = hits[0]
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if (top.coverage >= 0.6 and top.score >= 2 * runner_up) or (
            top.coverage >= 0.5 and top.score >= 2.5 * runner_up
        ):
            return top.id  # one event clearly answers 'when/where is it'
        second = hits[1].coverage if len(hits) > 1 else 0.0
        if top.coverage >= 0.85 and second <= top.coverage - 0.25 and not p.unknown_words:
            return top.id  # 科技馆那个AI展怎么预约: nearly all its words, far more than any other
        if top.score >= 2.5 * runner_up and not p.unknown_words and _covers_known(p, k, top):
            # 航天展到哪天结束: every word events use is this event's. A word no text of the
            # store has (机器人 in 机器人编程体验营) names something else: not this event.
            return top.id
    for hit in hits[:3]:
        title = k.title_words.get(hit.id, set())
        shared = topic & title
        if not shared or len(shared) / len(topic) < 0.5:
            continue
        if len(shared) / len(title) >= 0.5 or len(shared) >= 2:
            return hit.id
    if hits and not p.mentions.get("activity"):  # 观星会下雨还搞不搞
        top = hits[0]
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        own = {w for w in topic & k.title_words.get(top.id, set()) if k.title_word_events[w] == 1}
        # 有没有…: a list of some topic, unless the rest is something no text of the store has
        # (云篆山观星会有没有接驳车)
        event = k.get(Event, top.id)
        own_text = k.event_text.get(top.id, "") + normalize(getattr(event, "venue", "") or "")
        rest = {w for w in topic - own if w not in own_text}
        about_it = not p.asks_existence or rest <= set(p.unknown_words)
        named = len(topic) - len(rest)  # its title's own words, and words of its texts
        if own and about_it and named / len(topic) >= 0.5 and top.score >= 2 * runner_up:
            return top.id  # a word only this event's title has
    return None


def parse_question(
    question: str,
    now: datetime,
    k: Knowledge,
    analyzer: Analyzer,
    known_elsewhere: Callable[[str], bool] | None = None,
) -> Parsed:
    """Read a question against the knowledge snapshot and decide its intent;
    `known_elsewhere`: words the bot knows outside the store (its features' cards)."""
    lex = analyzer.lexicon
    text = lex.standardize(normalize(question))
    for filler in lex.fillers:
        text = text.replace(filler, " ")
    text = text.strip()
    if k.fixer is not None:
        text = k.fixer.fix(text, analyzer.segmenter.knows, analyzer.segmenter.tokens)
    ctx = DateContext.for_campaign(now.astimezone(k.tz), k.campaign.start)
    mentions, unnamed = _scan_aliases(text, k)  # unnamed: without places' names
    _scan_area_codes(text, k, mentions)
    date_text = text
    for alias, kind, _ident in k.aliases:
        if kind == "document" and alias in date_text:  # 〔2024〕28号 is a file number
            date_text = date_text.replace(alias, " " * len(alias))
    dates, rest = parse_dates(date_text, ctx)
    if dates is not None and dates.holiday:  # 中秋观星会: the festival may name an event too
        rest = f"{rest} {dates.holiday}"
    words = analyzer.words(rest)
    terms = analyzer.terms(rest)
    _, topic_text = _scan_aliases(rest, k)
    key_words = next((words for kind, words in lex.activity_groups if kind == "key"), ())
    for word in (k.campaign.short_name, *k.campaign.aliases, *lex.asks_upcoming, *key_words):
        topic_text = topic_text.replace(normalize(word), " ")  # 重点活动 is the campaign's
    for forms in lex.audiences.values():
        for form in sorted(forms, key=len, reverse=True):
            topic_text = topic_text.replace(form, " ")

    parsed = Parsed(
        raw=question,
        text=text,
        rest=rest,
        dates=dates,
        words=words,
        terms=terms,
        mentions=mentions,
        audiences=lex.audiences_in(unnamed),  # 社区科普馆 is a place, not an audience
        scores={name: lex.cue_score(name, text) for name in lex.intent_cues},
        asks_place=any(w in text.replace("哪些", "") for w in lex.asks_place),  # 在哪些平台
        asks_time=any(w in text for w in lex.asks_time),
        asks_practical=lex.practical_in(text),
        asks_count=any(w in text for w in lex.asks_count),
        asks_specifics=any(w in text for w in lex.asks_specifics),
        asks_yesno=any(w in text for w in lex.asks_yesno)
        or bool(_A_NOT_A.search(text))
        or text.rstrip("?？!！。 ~").endswith(("不", "没", "没有", "吗", "么")),
        part_of_day=part_of_day(text),
        upcoming=any(w in text for w in lex.asks_upcoming),
        asks_existence=any(w in text for w in (*lex.asks_list, *lex.asks_existence)),
    )
    asking = lex.question_words
    audience_words = {form for forms in lex.audiences.values() for form in forms}

    def topic_of(text: str) -> list[str]:
        return [
            w
            for w in analyzer.words(text)
            if len(w) >= 2
            and w not in asking
            and w not in audience_words
            and (not any(ch.isdigit() for ch in w) or _latin_name(w))
            and not _MONTH_WORD.fullmatch(w)
        ]

    parsed.topic_words = topic_of(topic_text)
    kind_at = max((topic_text.rfind(kind) for kind in lex.event_kinds), default=-1)
    head = topic_text[:kind_at] if kind_at > 0 else topic_text
    parsed.event_topic = [
        w
        for w in topic_of(head)
        if w not in CITYWIDE_WORDS  # 线上 is a place, not a topic
        and not (dates is not None and w == dates.holiday)  # a date, not a topic
        and w not in lex.vague_event_kinds
    ]
    named_kind = next(
        (kind for kind in sorted(lex.event_kinds, key=len, reverse=True) if kind in topic_text),
        None,
    )
    if not parsed.event_topic and named_kind and named_kind not in lex.vague_event_kinds:
        parsed.event_topic = [named_kind]  # 有什么讲座: the kind is what narrows
    if k.index is not None and k.event_index is not None and terms:
        topic_terms = [
            t
            for t in analyzer.terms(topic_text)
            if t not in asking and not any(ch.isdigit() for ch in t)
        ]
        parsed.event_terms = list(dict.fromkeys(topic_terms))
        parsed.event_hits = k.event_index.search(topic_terms, limit=20)
        doc_terms = [t for t in terms if t not in asking]
        parsed.doc_hits = k.index.search(doc_terms, limit=5)
        parsed.unknown_words = [
            w
            for w in parsed.topic_words
            if not k.index.idf(w)
            and not k.event_index.idf(w)
            and not _pairs_known(w, k)
            and not any(w in c for c in lex.campaign_words)
        ]
        found = _events_by_characters(parsed, k)
        if found:
            parsed.event_hits = found + [h for h in parsed.event_hits if h not in found]
            known_now = {w for w in parsed.unknown_words if _spelled_in(w, found, k)}
            parsed.unknown_words = [w for w in parsed.unknown_words if w not in known_now]
        parsed.foreign_words = [
            w for w in parsed.unknown_words if not (known_elsewhere and known_elsewhere(w))
        ]
        parsed.strong_event = _strong_event(parsed, k)
        _rank_mentions(parsed)
    parsed.intent = decide_intent(parsed, k, lex)
    return parsed


_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
"""在不在, 去不去, 开不开: a yes-or-no question."""
_CJK_PAIRS = re.compile(r"[\u4e00-\u9fff]+")
_THEME_GUESS = re.compile(r"主题(?:词|口号)?(?:是|为|叫)")
WITHIN_WORDS = ("期间", "时间里", "时间内", "时间段", "范围内", "之内", "以内")
"""Whether a day falls within the campaign's window."""
CAMPAIGN_ENDS = ("开始", "结束", "开幕", "闭幕", "截止", "第一天", "最后一天")
"""The ends of the campaign a time question may ask for."""
OPEN_WORDS = ("开吗", "开门", "开放", "关门", "闭馆", "开馆", "开不开", "营业", "几点开")
"""Asking whether or when a venue is open."""
OUTING_WORDS = ("去", "去哪", "去哪儿", "玩", "逛", "耍", "看看", "好玩")
"""Going out (这周末带娃去哪): with a date, place or audience, a question for events."""
_MONTH_WORD = re.compile(
    r"[一二三四五六七八九十]{1,2}月(?:份)?|(?:周|星期|礼拜)[一二三四五六日天末几]|周末"
)
"""A month or a day of the week: a date (parsed apart), never a topic."""
CHARACTER_MATCHES = 3
"""At most this many events found by a word's characters; more is no finding."""


def _events_by_characters(p: Parsed, k: Knowledge) -> list[Hit]:
    """Events found by the characters of a word no text has (养猪 in 生猪养殖技术培训), when
    the words found nothing: every character of each such word is in the event's title, and
    few events have it."""
    if any(h.coverage >= 0.5 for h in p.event_hits) or p.mentions.get("venue"):
        return []
    words = [w for w in p.unknown_words if 2 <= len(w) <= 4 and w in p.event_topic]
    if not words or not k.events:
        return []
    chars = {ch for w in words for ch in w}
    if not all(_rare(ch, k) for ch in chars):
        return []
    having = [k.title_chars.get(ch, frozenset()) for ch in chars]
    found = sorted(frozenset.intersection(*having))
    if not found or len(found) > CHARACTER_MATCHES:
        return []
    return [Hit(ident, "event", 10.0 / len(found), 1.0) for ident in found]


def _pairs_known(word: str, k: Knowledge) -> bool:
    """Every pair of adjacent characters of a word is in the texts (观鸟 in 湿地观鸟科普行,
    where the title's words split it): a word of the store, however segmented."""
    runs = _CJK_PAIRS.findall(word)
    if not runs or len(word) < 2 or "".join(runs) != word:
        return False
    pairs = [BIGRAM_PREFIX + word[i : i + 2] for i in range(len(word) - 1)]
    indexes = [i for i in (k.index, k.event_index) if i is not None]
    return any(all(index.idf(pair) for pair in pairs) for index in indexes)


def _rare(ch: str, k: Knowledge) -> bool:
    """A character few events' texts have (猪, 龙), not one most have (开, 科)."""
    return k.char_events.get(ch, 0) <= max(2, len(k.event_text) // 8)


def _spelled_in(word: str, events: list[Hit] | list[str], k: Knowledge) -> bool:
    ids = [e if isinstance(e, str) else e.id for e in events]
    return any(all(ch in k.event_text.get(i, "") for ch in word) for i in ids)


def _latin_name(word: str) -> bool:
    """A latin name with a number in it (iphone16, gpt4): a topic, not a number."""
    return word.isascii() and sum(ch.isalpha() for ch in word) >= 2


def _is_only(text: str, words: tuple[str, ...]) -> bool:
    rest = text
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return not any(ch.isalnum() for ch in rest)


def decide_intent(p: Parsed, k: Knowledge, lex: Lexicon) -> str:
    """The intent, by a short cascade of sure signals, then the best cue score."""
    s = dict(p.scores)
    if _quotes_part_of(p.raw, k.campaign.theme):
        s["theme"] = s.get("theme", 0) + 3  # a part of the theme quoted: the whole of it
    events_cue = s.get("events", 0)
    if not any(ch.isalnum() for ch in p.text):
        return "help"
    greetings = (*lex.intent_cues.get("greeting", {}), "啊", "呀", "!", "?", "~", "。")
    if s.get("greeting", 0) >= 1 and _is_only(p.text, greetings):
        return "greeting"
    if s.get("help", 0) >= 2 and not p.mentions and len(p.topic_words) <= 1:
        return "help"
    if p.mentions.get("contact"):
        return "contacts"
    anchored = (
        bool(p.mentions or p.strong_event)
        or (p.dates is not None and not p.dates.relative)
        or any(w in p.text for w in (*lex.campaign_words, *lex.event_kinds, *lex.video_platforms))
        or max((v for n, v in s.items() if n != "contacts"), default=0) >= 2.5
        or s.get("contacts", 0) >= 3  # 北京那边的咨询电话: a contact of the campaign's
    )
    known = [w for w in p.topic_words if w not in p.unknown_words]
    if not anchored and p.foreign_words and not known:
        p.off_topic = True
        return "fallback"  # mostly words no text of the store has: another subject
    elsewhere = any(w in lex.other_places for w in p.foreign_words)
    if elsewhere and p.asks_practical and not (p.strong_event or p.mentions):
        p.off_topic = True  # 上海科技馆门票多少钱: another city's, not the campaign's
        return "fallback"
    if not anchored and any(w in p.text for w in lex.world_topics):
        p.off_topic = True
        return "fallback"  # the weather, lottery, prices of things: not the campaign's
    asks_mail = "邮箱" in p.text or "邮件" in p.text or "email" in p.text
    contacts_cue = s.get("contacts", 0)
    if contacts_cue >= 2.5 and not asks_mail and (contacts_cue >= 3 or not p.asks_practical):
        return "contacts"
    about_campaign = _names_campaign(p, k)
    evidence = (
        bool(p.mentions)
        or p.dates is not None
        or p.strong_event is not None
        or any(w in p.text for w in lex.campaign_words)
        or any(w in p.text for w in lex.video_platforms)
        or max((v for n, v in s.items() if n != "contacts"), default=0) >= 2.5
        or s.get("contacts", 0) >= 3  # 北京那边的咨询电话: a contact of the campaign's
    )
    if p.unknown_words and not evidence and len(p.unknown_words) >= len(known):
        return "fallback"  # the question is about something the store does not know
    if (
        p.unknown_words
        and len(p.unknown_words) >= len(known)
        and asked_thing(p, lex)
        and not (p.mentions or p.strong_event or p.dates or about_campaign)
        and max((v for n, v in s.items() if n not in _EVENT_INTENTS), default=0) < 2
    ):
        return "fallback"  # when or where is a named thing the store does not hold
    if p.mentions.get("activity") and p.mentions.get("district"):
        p.asks_place = True  # 启动仪式在渝中还是江北办
    asks_logistics = p.asks_place or p.asks_time or bool(p.asks_practical)
    if p.strong_event and not about_campaign and (asks_logistics or s.get("countdown", 0)):
        return "event_detail"
    if (
        p.dates is not None
        and p.dates.start == p.dates.end
        and not p.dates.relative
        and any(w in p.text for w in ASKS_WEEKDAY)
    ) or (
        p.dates is None
        and any(w in p.text for w in ASKS_WEEKDAY)
        and _asks_campaign_time(p, k, lex)
    ):
        return "dates"  # 2024年9月15日是星期几, 科普日开幕那天是星期几
    if (
        p.dates is not None
        and p.asks_yesno
        and _names_campaign(p, k)
        and any(w in p.text for w in WITHIN_WORDS)
    ):
        return "dates"  # 中秋节那天还在科普日重点活动时间里吗: whether a day is in the window
    if p.mentions.get("venue") and not p.strong_event and any(w in p.text for w in OPEN_WORDS):
        return "venues"  # 巫山应急科普体验馆周末开吗: the venue's hours, whatever the day
    if s.get("countdown", 0) >= 2.5:
        return "countdown"
    if (
        p.dates is not None
        and p.dates.relative
        and p.dates.start == p.dates.end
        and any(w in p.text for w in ("最后一天", "第一天", "头一天"))
        and not p.strong_event
    ):
        return "countdown"  # 今天是重点活动最后一天吗: where today stands in the campaign

    has_slot = p.dates is not None or any(p.mentions.get(kind) for kind in EVENT_SLOT_KINDS)
    names_kind = any(kind in p.text for kind in lex.event_kinds)
    if has_slot and (s.get("events", 0) >= 0.5 or names_kind or _bare_slot_question(p, lex)):
        s["events"] = s.get("events", 0) + 3
    if p.audiences and s.get("events", 0) >= 1:
        s["events"] += 1
    if (
        p.audiences
        and k.events
        and not p.topic_words
        and (names_kind or any(w in p.text for w in lex.asks_list))
    ):
        s["events"] = s.get("events", 0) + 2  # 亲子活动有哪些: the events that declare it
    if (
        p.audiences
        and k.events
        and not p.event_topic
        and (p.asks_place or "参加" in p.text or any(w in p.words for w in OUTING_WORDS))
    ):
        s["events"] = s.get("events", 0) + 3  # 爷爷奶奶能去参加哪个: the events for them
    if any(w in p.text for w in ("有没有", "有什么", "有啥", "有哪些")) and any(
        p.text.rstrip("?？!！。 ").endswith(kind) for kind in lex.event_kinds
    ):
        s["events"] = s.get("events", 0) + 2  # 有没有天文观测活动
    if _THEME_GUESS.search(p.text) and p.asks_yesno and s.get("theme", 0) >= SURE_CUE:
        s["theme"] += 1.5  # 主题是不是弘扬科学家精神: the theme, whatever the guess names
    if p.asks_time and "重点活动" in p.text and not p.mentions.get("activity") and not has_slot:
        s["dates"] = s.get("dates", 0) + 1.5  # 重点活动从几号搞到几号
    if _asks_campaign_time(p, k, lex) and has_slot and p.dates is None:
        # 我娃读三年级，住涪陵，重点活动好久开始: the place is who asks, not what
        return "dates"
    topic_event = p.event_hits and p.event_hits[0].coverage >= 0.6
    if topic_event and s.get("events", 0) >= 0.5 and not p.mentions.get("activity"):
        s["events"] += 2
    if p.dates and _about_campaign(p, k) and p.asks_yesno and events_cue < 2.5:
        s["dates"] = s.get("dates", 0) + 3
    if p.dates and any(r.deadline and p.dates.start == r.deadline for r in k.requirements):
        s["reporting"] = s.get("reporting", 0) + 2
    if p.mentions.get("area"):
        s["content_areas"] = s.get("content_areas", 0) + 3
    if p.mentions.get("contact_phone"):
        return "contacts"
    if p.mentions.get("creator_platform"):
        s["creators"] = s.get("creators", 0) + 2
    if p.mentions.get("activity"):
        first = k.get(Activity, p.mentions["activity"][0])
        named = isinstance(first, Activity) and normalize(first.name) in p.text
        s["activities"] = s.get("activities", 0) + (4 if named else 2)
        if not has_slot:
            s["events"] = s.get("events", 0) - 1.5
    if p.mentions.get("organizer") and (p.asks_yesno or s.get("organizers", 0) > 0):
        s["organizers"] = s.get("organizers", 0) + 1.5
    if p.strong_event or p.mentions.get("venue"):
        if asks_logistics:
            s["event_detail"] = s.get("event_detail", 0) + 3
        elif p.strong_event and not has_slot:
            s["event_detail"] = s.get("event_detail", 0) + 2.5
    else:
        s["event_detail"] = 0
    top_doc = p.doc_hits[0] if p.doc_hits else None
    if top_doc and top_doc.kind == "activity" and top_doc.coverage >= 0.8 and not has_slot:
        s["activities"] = s.get("activities", 0) + 2
    reports_when = p.asks_time and s.get("reporting", 0) >= SURE_CUE
    if (
        p.mentions.get("activity")
        and asks_logistics
        and not reports_when  # 园区科协的总结哪天前报: the report's deadline, not the action
        and (s.get("dates", 0) < 2 or not _about_campaign(p, k))
    ):
        s["activities"] += 2
    if p.asks_practical:
        s["practical"] = 3.5
        foreign = len(p.foreign_words)
        if (
            foreign
            and 2 * foreign >= len(p.topic_words)
            and not (p.strong_event or p.mentions)
            and max((v for n, v in s.items() if n not in ("dates", "practical")), default=0)
            < SURE_CUE
        ):
            p.off_topic = True  # 地铁免费吗, 成都大熊猫基地门票多少钱: a thing the store lacks
            return "fallback"
    faq_hit = next((h for h in p.doc_hits[:1] if h.kind == "faq"), None)
    if (
        faq_hit
        and faq_hit.coverage >= 0.75
        and faq_hit.score >= 6
        and faq_hit.id in k.organizer_faqs
        and set(p.words) & k.faq_key_words.get(faq_hit.id, set())
    ):
        s["faq"] = 4.0

    best = max(SCORED_INTENTS, key=lambda name: (s.get(name, 0), -SCORED_INTENTS.index(name)))
    for special in ("faq", "practical"):
        if s.get(special, 0) > s.get(best, 0):
            return special
    if s.get(best, 0) >= MIN_INTENT_SCORE:
        p.also_intent = _second_intent(p, s, best)
        return best
    if _about_campaign(p, k) and not p.words:
        return "overview"
    return "retrieval"


def asked_thing(p: Parsed, lex: Lexicon) -> str | None:
    """The name a 'where/when is X' question asks about: the words before its question word
    ('机器人编程体验营' in 机器人编程体验营在哪里举办), if that is a name at all."""
    cues = [w for w in (*lex.asks_place, *lex.asks_time) if w in p.text]
    if not cues or not p.event_topic:
        return None
    head = p.text[: min(p.text.find(w) for w in cues)]
    for word in sorted((w for w in lex.stop_words if len(w) > 1), key=len, reverse=True):
        head = head.removeprefix(word)  # 请问, 我想知道 …
    head = head.strip(" ?？!！,，。、的")
    return head if len(head) >= 3 and any(w in head for w in p.event_topic) else None


def _second_intent(p: Parsed, s: dict[str, float], best: str) -> str | None:
    """A second fact asked with 和/还有 (主题和指导思想), when its cue is as sure as a
    question's own."""
    if best not in JOINABLE_INTENTS or not any(w in p.text for w in JOINING_WORDS):
        return None
    others = [name for name in JOINABLE_INTENTS if name != best and s.get(name, 0) >= SURE_CUE]
    return max(others, key=lambda name: s[name], default=None)


def _quotes_part_of(question: str, text: str) -> bool:
    """The question quotes a piece of `text` (“协力建设科技强国”前面那半句是什么)."""
    whole = normalize(text).replace(" ", "")
    return any(
        len(q) >= QUOTE_MIN_CHARS and q in whole
        for q in (normalize(m["quote"]).replace(" ", "") for m in _QUOTED.finditer(question))
    )


def _bare_slot_question(p: Parsed, lex: Lexicon) -> bool:
    """'9月17日呢' / '渝中区' / '酉阳搞啥子' alone: a slot with nothing else asked."""
    slots = " ".join(v for kind in EVENT_SLOT_KINDS for v in p.mentions.get(kind, []))
    audiences = {form for forms in lex.audiences.values() for form in forms}
    return all(
        w in ("呢", "活动", *lex.light_verbs, *OUTING_WORDS) or w in slots or w in audiences
        for w in p.words
    )


def _asks_campaign_time(p: Parsed, k: Knowledge, lex: Lexicon) -> bool:
    """When the campaign (or its key activities) starts or ends, whatever else is said."""
    asks_when = p.asks_time or any(w in p.text for w in ASKS_WEEKDAY)
    if not asks_when or p.mentions.get("activity") or p.strong_event or p.asks_existence:
        return False
    if any(h.coverage >= 0.6 for h in p.event_hits[:1]):
        return False
    named = _names_campaign(p, k) or "重点活动" in p.text
    return named and any(w in p.text for w in CAMPAIGN_ENDS)


def _names_campaign(p: Parsed, k: Knowledge) -> bool:
    """The question names the campaign itself (科普日 …), not just 'an activity'."""
    return any(normalize(n) in p.text for n in (k.campaign.short_name, *k.campaign.aliases))


def _about_campaign(p: Parsed, k: Knowledge) -> bool:
    names = (k.campaign.short_name, *k.campaign.aliases, "活动")
    return any(normalize(n) in p.text for n in names)
