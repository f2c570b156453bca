"""The language knowledge of the engine (cue words, synonyms, stop words) and term analysis."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from content.segment import Segmenter
from content.text import normalize
from content.yamlfile import load_yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_WORDISH = re.compile(r"[\w\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_CJK_RUN_1 = re.compile(r"[\u3400-\u9fff]")
BIGRAM_PREFIX = "~"


@dataclass(frozen=True)
class Lexicon:
    """Cue words per intent and the word lists the engine reads questions with."""

    intent_cues: dict[str, dict[str, float]]
    campaign_words: tuple[str, ...]
    asks_place: tuple[str, ...]
    asks_time: tuple[str, ...]
    asks_practical: tuple[str, ...]
    practical_aspects: dict[str, tuple[str, ...]]
    """A practical aspect (座位, 午餐 …) and the words that ask for it (and say it)."""
    practical_said: dict[str, tuple[str, ...]]
    """Aspects said in other words than asked (几岁 is said as 7-12岁): those words."""
    asks_count: tuple[str, ...]
    asks_particular: dict[str, tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]]
    """A particular (年份 …): the words asking for it, and patterns of an answer saying it."""
    asks_specifics: tuple[str, ...]
    asks_list: tuple[str, ...]
    asks_definition: tuple[str, ...]
    activity_groups: tuple[tuple[str, tuple[str, ...]], ...]

    def activity_group(self, text: str) -> str | None:
        """The kind of activity a text names as a group (特色活动 → featured), if any."""
        return next(
            (g for g, words in self.activity_groups if any(w in text for w in words)), None
        )

    asks_yesno: tuple[str, ...]
    asks_upcoming: tuple[str, ...]
    asks_existence: tuple[str, ...]
    light_verbs: tuple[str, ...]
    audiences: dict[str, tuple[str, ...]]
    synonyms: dict[str, str]
    stop_words: frozenset[str]
    fillers: tuple[str, ...]
    event_kinds: frozenset[str]
    vague_event_kinds: frozenset[str]
    """Kinds that narrow nothing (活动, 好玩): any event is one."""
    video_platforms: tuple[str, ...]
    world_topics: tuple[str, ...]
    other_places: tuple[str, ...]
    """Cities and provinces outside the campaign's (上海, 成都): what is there is not ours."""
    """Subjects of everyday life (天气, 彩票): a question with one and nothing of the campaign
    is not the campaign's."""
    colloquial: tuple[tuple[str, str], ...]
    """Dialect and chat words and their standard forms, longest first."""

    def particulars_unsaid(self, question: str, answer: str) -> list[str]:
        """The particulars a question asks for that an answer does not say."""
        return [
            name
            for name, (asks, said) in self.asks_particular.items()
            if any(w in question for w in asks) and not any(r.search(answer) for r in said)
        ]

    def aspect_forms(self, word: str) -> tuple[str, ...]:
        """The words that say a practical aspect: its own forms, or just the word."""
        return self.practical_said.get(word) or self.practical_aspects.get(word, (word,))

    def practical_in(self, text: str) -> list[str]:
        """The practical aspects a question asks about, each once (午饭 → 午餐)."""
        found = [w for w in self.asks_practical if w in text]
        for name, forms in self.practical_aspects.items():
            if name not in found and any(f in text for f in forms if len(f) > 1):
                found.append(name)
        return found

    def standardize(self, text: str) -> str:
        """Replace dialect and chat words (没得 → 没有, 啥子 → 什么)."""
        for word, standard in self.colloquial:
            if word in text:
                text = text.replace(word, standard)
        return text

    @cached_property
    def question_words(self) -> frozenset[str]:
        """Words that shape a question rather than name its topic (cues and asks-words)."""
        words = {cue for cues in self.intent_cues.values() for cue in cues}
        words.update(
            self.asks_place, self.asks_time, self.asks_practical, self.asks_count, self.asks_yesno
        )
        words.update(f for forms in self.practical_aspects.values() for f in forms if len(f) > 1)
        return frozenset(words)

    def cue_score(self, intent: str, text: str) -> float:
        """Sum of the weights of the intent's cue words found in `text`, or in `text` without
        its light verbs (一共搞几天 has the cue 一共几天), whichever is more."""
        cues = self.intent_cues.get(intent, {})
        score = sum(w for cue, w in cues.items() if cue in text)
        bare = text
        for verb in self.light_verbs:
            bare = bare.replace(verb, "")
        if bare != text:
            score = max(score, sum(w for cue, w in cues.items() if cue in bare))
        return score

    @cached_property
    def _audience_forms(self) -> tuple[tuple[str, str], ...]:
        pairs = {(f, name) for name, forms in self.audiences.items() for f in (name, *forms)}
        return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))

    def audiences_in(self, text: str) -> list[str]:
        """Canonical audiences named in the text (青少年, 大学生 …), in the lexicon's order.

        Longer forms are read first and hide the shorter ones inside them: 大学生 is no
        学生 of the 青少年, 亲子家庭 no 家庭 twice.
        """
        found = set()
        for form, name in self._audience_forms:
            if form in text:
                found.add(name)
                text = text.replace(form, "\0")
        return [name for name in self.audiences if name in found]


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Read the lexicon file (cached)."""
    data = load_yaml(path)
    intents = {
        name: {normalize(str(cue)): float(weight) for cue, weight in spec["cues"].items()}
        for name, spec in data["intents"].items()
    }

    def words(key: str) -> tuple[str, ...]:
        return tuple(normalize(str(w)) for w in data.get(key, []))

    aspects = data.get("practical_aspects") or {}

    return Lexicon(
        intent_cues=intents,
        campaign_words=words("campaign_words"),
        asks_place=words("asks_place"),
        asks_time=words("asks_time"),
        asks_practical=words("asks_practical"),
        practical_aspects={
            normalize(str(k)): tuple(
                normalize(str(f)) for f in (k, *(v["ask"] if isinstance(v, dict) else v))
            )
            for k, v in aspects.items()
        },
        practical_said={
            normalize(str(k)): tuple(normalize(str(f)) for f in v["said"])
            for k, v in aspects.items()
            if isinstance(v, dict)
        },
        asks_count=words("asks_count"),
        asks_particular={
            str(name): (
                tuple(normalize(str(w)) for w in spec["ask"]),
                tuple(re.compile(str(r)) for r in spec["said"]),
            )
            for name, spec in (data.get("asks_particular") or {}).items()
        },
        asks_specifics=words("asks_specifics"),
        asks_list=words("asks_list"),
        asks_definition=words("asks_definition"),
        activity_groups=tuple(
            (str(group), tuple(normalize(str(w)) for w in names))
            for group, names in data["activity_groups"].items()
        ),
        asks_yesno=words("asks_yesno"),
        asks_upcoming=words("asks_upcoming"),
        asks_existence=words("asks_existence"),
        light_verbs=tuple(sorted(words("light_verbs"), key=len, reverse=True)),
        audiences={k: tuple(normalize(f) for f in v) for k, v in data["audiences"].items()},
        synonyms={normalize(str(k)): normalize(str(v)) for k, v in data["synonyms"].items()},
        stop_words=frozenset(normalize(str(w)) for w in data["stop_words"]),
        fillers=tuple(sorted(words("fillers"), key=len, reverse=True)),
        event_kinds=frozenset(words("event_kinds")),
        vague_event_kinds=frozenset(words("vague_event_kinds")),
        video_platforms=words("video_platforms"),
        world_topics=words("world_topics"),
        other_places=words("other_places"),
        colloquial=tuple(
            sorted(
                ((normalize(str(k)), normalize(str(v))) for k, v in data["colloquial"].items()),
                key=lambda pair: -len(pair[0]),
            )
        ),
    )


class Analyzer:
    """Turns text into retrieval terms: jieba words (synonyms applied) plus CJK bigrams."""

    def __init__(self, segmenter: Segmenter, lexicon: Lexicon) -> None:
        self.segmenter = segmenter
        self.lexicon = lexicon
        self._field_terms: dict[str, list[str]] = {}
        # One question is segmented several ways (words, terms, topics): remember recent texts.
        self.words = lru_cache(maxsize=512)(self._words)
        self.tokens = lru_cache(maxsize=512)(self._tokens)

    def _tokens(self, normalized: str) -> tuple[str, ...]:
        return tuple(self.segmenter.tokens(normalized))

    def _words(self, normalized: str) -> tuple[str, ...]:
        """Content words of an already normalized text (cached: do not mutate)."""
        stop, synonyms = self.lexicon.stop_words, self.lexicon.synonyms
        out = []
        for word in self.segmenter.cut(normalized):
            if word in stop or not _WORDISH.search(word):
                continue
            out.append(synonyms.get(word, word))
        return tuple(out)

    def terms(self, normalized: str) -> list[str]:
        """Words, plus character bigrams inside long words and across word junctions.

        The bigrams make partial names match (大篷车 / 科普大篷车) and words the dictionary
        splits (机器狗 → 机器 + 狗 still shares 器狗 with the title it came from).
        """
        words = self.words(normalized)
        terms = list(words)
        stop = self.lexicon.stop_words
        for word in words:  # two-character words too: 筑牢 in the store, 要筑牢 in a question
            for run in _CJK_RUN.findall(word):
                terms.extend(
                    BIGRAM_PREFIX + run[i : i + 2]
                    for i in range(len(run) - 1)
                    if run[i : i + 2] not in stop
                )
        tokens = [t for t in self.tokens(normalized) if t.strip() and t not in stop]
        for left, right in itertools.pairwise(tokens):
            if _CJK_RUN_1.fullmatch(left[-1]) and _CJK_RUN_1.fullmatch(right[0]):
                junction = left[-1] + right[0]
                if junction not in stop:
                    terms.append(BIGRAM_PREFIX + junction)
        return terms

    def index_terms(self, *fields: tuple[str, int]) -> tuple[str, ...]:
        """Terms of a document from (text, weight) fields; weight repeats a field's terms."""
        out: list[str] = []
        for text, weight in fields:
            if not text:
                continue
            terms = self._field_terms.get(text)
            if terms is None:
                terms = self._field_terms[text] = self.terms(normalize(text))
            out.extend(terms * weight)
        return tuple(out)

    def forget_fields(self) -> None:
        """Drop the memos: field terms of a build, and segmentations made with old words."""
        self._field_terms.clear()
        self.words.cache_clear()
        self.tokens.cache_clear()
