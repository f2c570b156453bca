"""The BM25 index: ranking, kinds and coverage."""

from __future__ import annotations

from content.search import Bm25Index, SearchDoc


def _index() -> Bm25Index:
    return Bm25Index(
        [
            SearchDoc("a", "activity", ("科普", "大篷车", "渝州行")),
            SearchDoc("b", "activity", ("科普", "列车", "川渝行")),
            SearchDoc("c", "event", ("大篷车", "乡村", "大篷车")),
            SearchDoc("d", "faq", ("收费", "免费")),
        ]
    )


def test_rarer_terms_rank_first_and_unmatched_docs_are_left_out() -> None:
    hits = _index().search(["大篷车", "渝州行"])
    assert [h.id for h in hits] == ["a", "c"]
    assert hits[0].coverage == 1.0
    assert 0 < hits[1].coverage < 1


def test_kinds_filter() -> None:
    hits = _index().search(["大篷车"], kinds=frozenset({"event"}))
    assert [h.id for h in hits] == ["c"]


def test_unknown_or_empty_query() -> None:
    assert _index().search([]) == []
    assert _index().search(["火星"]) == []


def test_common_terms_weigh_less() -> None:
    index = _index()
    assert index.idf("科普") < index.idf("渝州行")
