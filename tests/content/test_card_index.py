"""The card index's precomputed postings score exactly as the definition says: recall of the
closest example, precision over the card's vocabulary, by weighted grams."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from content.cards import PRECISION_ONLY, WEAK_GRAM, Card, CardIndex, grams
from content.text import normalize

_FUNCTION = "怎么什样的了吗呢吧啊是有在和我你们这那个可以能会要想请问一下哪些几谁做干啥多少里没得"
_CHARS = "订阅取消视频提交审核活动报名科普日期地点主题推送" + _FUNCTION[:12]


def _reference(cards: list[Card], background: list[str], text: str) -> dict[str, float]:
    """The plain definition, card by card and example by example."""
    examples = [[grams(normalize(e)) for e in (c.title, *c.examples)] for c in cards]
    df: Counter[str] = Counter()
    for ex in examples:
        df.update(set().union(*ex))
    n = len(cards) + len(background)
    for b in background:
        df.update(set(grams(normalize(b))))
    n = max(n, 1)

    def weight(g: str) -> float:
        idf = math.log(1 + n / df[g]) if g in df else math.log(1 + n)
        return idf * WEAK_GRAM if all(ch in _FUNCTION for ch in g) else idf

    query = grams(text)
    q_weight = sum(weight(g) for g in query)
    scores = {}
    for card, ex in zip(cards, examples, strict=True):
        vocab = set().union(*ex)
        recall = max(
            (sum(weight(g) for g in e if g in query) / sum(weight(g) for g in e) for e in ex if e),
            default=0.0,
        )
        if recall and q_weight:
            precision = sum(weight(g) for g in query if g in vocab) / q_weight
            scores[card.id] = max(recall * (0.5 + 0.5 * precision), precision * PRECISION_ONLY)
    return scores


_text = st.text(alphabet=_CHARS, min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    examples=st.lists(st.lists(_text, min_size=1, max_size=3), min_size=1, max_size=6),
    background=st.lists(_text, max_size=4),
    data=st.data(),
)
def test_the_index_scores_every_card_as_the_definition(
    examples: list[list[str]], background: list[str], data: st.DataObject
) -> None:
    pieces = [t for ex in examples for t in ex]  # a question made of examples' words and more
    question = "".join(
        data.draw(st.lists(st.sampled_from(pieces) | _text, min_size=1, max_size=3))
    )
    cards = [
        Card(f"c{i}", "feature", ex[0], "text", tuple(ex[1:])) for i, ex in enumerate(examples)
    ]
    index = CardIndex(cards, background)
    expected = _reference(cards, background, question)
    got = {h.card.id: h.confidence for h in index.rank(question, limit=len(cards))}
    assert got.keys() == {c for c, v in expected.items() if v}
    for ident, confidence in got.items():
        assert math.isclose(confidence, expected[ident], rel_tol=1e-9)
    ranked = [h.confidence for h in index.rank(question, limit=len(cards))]
    assert ranked == sorted(ranked, reverse=True)


def test_a_card_that_needs_a_word_is_scored_only_with_it() -> None:
    cards = [Card("full", "fact", "市科协的全称", "text", ("市科协全称",), needs=("全称",))]
    index = CardIndex(cards)
    assert index.rank(normalize("市科协全称是什么"))
    assert not index.rank(normalize("市科协在哪"))
