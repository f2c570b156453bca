"""Answer cards: the bot's features, personal answers and notice facts as retrievable cards.

A card is a content file entry (content/data/cards/*.yaml): a title, example ways of asking,
and the text to say. Retrieval scores a question against each card's examples by weighted
character bigrams and latin words, giving a confidence in [0, 1] that the answer gate compares
with thresholds measured on the question sets.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from content.text import normalize
from content.yamlfile import load_yaml

CARDS_DIR = Path(__file__).parent / "data" / "cards"
_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9/#@]+")

# The confidence gate, measured on the question sets (tests/content/test_cards.py keeps it):
# above ANSWER the card answers outright; from ASK_BACK the bot offers the best cards;
# below, the card is not the question's subject.
ANSWER = 0.55
ASK_BACK = 0.4
PRECISION_ONLY = 0.8
"""A card explaining all of a question's words, without one example close to it, is a
likely card but not a sure one."""
WEAK_GRAM = 0.25
"""Weight of a bigram made of function characters (怎么, 什么, 可以 …): they shape a question
rather than say what it is about."""
_FUNCTION_CHARS = frozenset(
    "怎么什样的了吗呢吧啊是有在和我你们这那个可以能会要想请问一下哪些几谁做干啥多少里没得"
)


@dataclass(frozen=True)
class Card:
    id: str
    kind: str
    """feature, personal or fact."""
    title: str
    text: str
    examples: tuple[str, ...]
    needs: tuple[str, ...] = ()
    personal: str | None = None
    organizer: bool = False
    overrides: bool = True
    """Answers over the composed answer when confident; else only where that had nothing."""


@dataclass(frozen=True)
class CardHit:
    card: Card
    confidence: float


def word_grams(words: Iterable[str]) -> Counter[str]:
    """Segmented words and the character bigrams inside each (never across two words)."""
    found: Counter[str] = Counter()
    for word in words:
        found.update(grams(word))
        if len(word) > 2 and not word.isascii():
            found[word] += 1
    return found


def grams(text: str) -> Counter[str]:
    """Character bigrams of the Chinese runs (single characters of one-character runs) and
    latin words of a normalized text."""
    found: Counter[str] = Counter()
    for run in _RUN.findall(text):
        if run[0].isascii() or len(run) == 1:
            found[run] += 1
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _fill(template: str, values: Mapping[str, object]) -> str:
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    return template.format(**{n: values.get(n, "") for n in names})


def load_cards(values: Mapping[str, object], folder: Path = CARDS_DIR) -> list[Card]:
    """Every card of the folder's YAML files, with `{placeholders}` filled from `values`
    (the file's own `defaults` first)."""
    cards: list[Card] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path) or {}
        filled = {**(data.get("defaults") or {}), **values}
        for raw in data.get("cards") or []:
            cards.append(
                Card(
                    id=str(raw["id"]),
                    kind=str(raw.get("kind", "feature")),
                    title=_fill(str(raw["title"]), filled),
                    text=_fill(" ".join(str(raw["text"]).split("\n")).strip(), filled),
                    examples=tuple(str(e) for e in raw.get("examples") or ()),
                    needs=tuple(str(n) for n in raw.get("needs") or ()),
                    personal=raw.get("personal"),
                    organizer=bool(raw.get("organizer", False)),
                )
            )
    return cards


class CardIndex:
    """Scores questions against cards' examples (and titles).

    Everything that does not depend on the question is worked out once: each gram's weight,
    each example's total weight, and postings from a gram to the examples and cards that
    have it, so a question costs a walk over its own few grams' postings, not over every card.
    """

    def __init__(
        self,
        cards: Iterable[Card],
        background: Iterable[str] = (),
        ignore: Iterable[str] = (),
        words: Callable[[str], Iterable[str]] | None = None,
    ) -> None:
        """`background`: the store's other texts (the notice, events): a bigram they use
        often says little about whether a question is about a card."""
        self.cards = list(cards)
        split = words
        self._grams: Callable[[str], Counter[str]] = (
            (lambda text: word_grams(split(text))) if split is not None else grams
        )
        self._ignore = sorted({normalize(w) for w in ignore if w}, key=len, reverse=True)
        self._needs = [tuple(normalize(w) for w in c.needs) for c in self.cards]
        examples = [
            [set(self._grams(normalize(e))) for e in (c.title, *c.examples)] for c in self.cards
        ]
        df: Counter[str] = Counter()
        for card_examples in examples:
            df.update(set().union(*card_examples))
        n = len(self.cards)
        for text in background:
            df.update(set(self._grams(normalize(text))))
            n += 1
        n = max(n, 1)
        self._idf = {g: math.log(1 + n / d) for g, d in df.items()}
        self._unknown = math.log(1 + n)  # a bigram nothing has: as telling as the rarest
        self._weights: dict[str, float] = {}
        # gram -> [(card, example, weight)], and gram -> cards whose examples have it
        example_postings: dict[str, list[tuple[int, int, float]]] = {}
        card_postings: dict[str, list[int]] = {}
        self._totals: list[list[float]] = []
        for c, card_examples in enumerate(examples):
            totals = []
            for e, example in enumerate(card_examples):
                totals.append(sum(self._weight(g) for g in example))
                for g in example:
                    example_postings.setdefault(g, []).append((c, e, self._weight(g)))
            self._totals.append(totals)
            for g in set().union(*card_examples):
                card_postings.setdefault(g, []).append(c)
        self._card_grams = frozenset(
            g for card_examples in examples for g in set().union(*card_examples)
        )
        self._example_postings = example_postings
        self._card_postings = card_postings

    def _weight(self, gram: str) -> float:
        weight = self._weights.get(gram)
        if weight is None:
            weight = self._idf.get(gram, self._unknown)
            if all(ch in _FUNCTION_CHARS for ch in gram):
                weight *= WEAK_GRAM
            if gram in self._idf:  # the question's unknown grams are not kept
                self._weights[gram] = weight
        return weight

    def knows(self, word: str) -> bool:
        """Whether the cards' examples say the word (every bigram of it)."""
        found = set(grams(normalize(word)))
        return bool(found) and found <= self._card_grams

    def _strip(self, text: str) -> str:
        for word in self._ignore:
            text = text.replace(word, " ")
        return text

    def rank(self, text: str, limit: int = 3) -> list[CardHit]:
        """The best cards for a normalized question, most confident first."""
        query = sorted(set(self._grams(self._strip(text))))  # sorted: sums the same each run
        if not query:
            return []
        q_weight = sum(self._weight(g) for g in query)
        shared: dict[tuple[int, int], float] = {}
        covered: dict[int, float] = {}
        for g in query:
            for c, e, weight in self._example_postings.get(g, ()):
                shared[c, e] = shared.get((c, e), 0.0) + weight
            for c in self._card_postings.get(g, ()):
                covered[c] = covered.get(c, 0.0) + self._weights[g]
        recall: dict[int, float] = {}
        for (c, e), weight in shared.items():
            total = self._totals[c][e]
            if total:
                recall[c] = max(recall.get(c, 0.0), weight / total)
        hits = []
        for c in sorted(recall):  # in card order, so that ties keep the cards' order
            if not recall[c]:
                continue
            needs = self._needs[c]
            if needs and not any(w in text for w in needs):
                continue
            precision = covered[c] / q_weight
            # A question close to one example, or one whose words the card's examples cover
            # as a whole (a phrasing no example has).
            confidence = max(recall[c] * (0.5 + 0.5 * precision), precision * PRECISION_ONLY)
            hits.append(CardHit(self.cards[c], confidence))
        hits.sort(key=lambda h: -h.confidence)
        return hits[:limit]
