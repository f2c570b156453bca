"""A small BM25 inverted index over the store's documents."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SearchDoc:
    """One retrievable thing: an activity, an FAQ, an event…"""

    id: str
    kind: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    score: float
    coverage: float
    """Share of the distinct query terms (by IDF weight) that the document contains."""


class Bm25Index:
    """Okapi BM25 (k1=1.5, b=0.75) with postings per term; scores only matching docs."""

    def __init__(self, docs: Iterable[SearchDoc], *, k1: float = 1.5, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._ids: list[str] = []
        self._kinds: list[str] = []
        self._lengths: list[int] = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, doc in enumerate(docs):
            self._ids.append(doc.id)
            self._kinds.append(doc.kind)
            self._lengths.append(len(doc.tokens))
            for term, tf in Counter(doc.tokens).items():
                postings[term].append((index, tf))
        self._postings = dict(postings)
        n = len(self._ids)
        # In a large index a term most documents share ranks nothing: treat it as a stop word.
        self._common_df = max(200, int(0.3 * n))
        self._avg_len = (sum(self._lengths) / n) if n else 1.0
        self._idf = {
            term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self._postings.items()
        }
        # A term no document has counts against coverage, but mildly: it is often a word the
        # store happens not to use rather than the heart of the question.
        self._unknown_idf = 1.0

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def unknown_idf(self) -> float:
        return self._unknown_idf

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def search(
        self, terms: Iterable[str], *, kinds: frozenset[str] | None = None, limit: int = 5
    ) -> list[Hit]:
        """Best documents for the query terms, optionally only of some kinds."""
        query = [
            t for t in dict.fromkeys(terms) if len(self._postings.get(t, ())) <= self._common_df
        ]
        if not query:
            return []
        total_idf = sum(self._idf.get(t, self._unknown_idf) for t in query) or 1.0
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        k1, b, avg = self._k1, self._b, self._avg_len
        doc_kinds = self._kinds
        for term in query:
            idf = self._idf.get(term)
            if not idf:
                continue
            for index, tf in self._postings[term]:
                if kinds is not None and doc_kinds[index] not in kinds:
                    continue
                norm = k1 * (1 - b + b * self._lengths[index] / avg)
                scores[index] += idf * tf * (k1 + 1) / (tf + norm)
                matched[index] += idf
        ids = self._ids
        best = heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], ids[i]))
        return [Hit(ids[i], doc_kinds[i], scores[i], matched[i] / total_idf) for i in best]
