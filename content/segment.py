"""Chinese word segmentation with one owned jieba tokenizer and the store's domain words."""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

JIEBA_DICTIONARY = Path(jieba.__file__).with_name("dict.txt").resolve()
DICTIONARY_WORDS = 80_000
"""jieba's most frequent words kept: everyday Chinese loads in 0.15 s instead of 0.9 s.

The store's own terms are added on top, so every word a question shares with the content
is still known; rarer words fall back to jieba's HMM and match nothing anyway.
"""
_DOMAIN_FREQ = 200_000  # high enough that a domain term is kept whole
_VOCABULARY_FREQ = 50  # an ordinary word, as jieba counts them
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def trimmed_dictionary(cache_dir: Path, words: int = DICTIONARY_WORDS) -> Path:
    """jieba's dictionary cut to its `words` most frequent entries, made once in `cache_dir`."""
    target = cache_dir / f"jieba-top{words}.txt"
    if target.exists():
        return target.resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    entries = [line.split(" ") for line in JIEBA_DICTIONARY.read_text("utf-8").splitlines()]
    entries = [e for e in entries if len(e) >= 2 and e[1].isdigit()]
    entries.sort(key=lambda e: -int(e[1]))
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(" ".join(e) + "\n" for e in entries[:words])
    os.replace(tmp, target)  # atomic: a concurrent process sees the whole file or none
    return target.resolve()


@lru_cache(maxsize=1)
def _all_words() -> frozenset[str]:
    with JIEBA_DICTIONARY.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0] for line in lines)


def vocabulary(texts: Iterable[str], *, longest: int = 6) -> set[str]:
    """Words of jieba's full dictionary that occur in `texts` (for the trimmed tokenizer).

    Added to the trimmed dictionary, they make questions and the store segment alike.
    """
    known = _all_words()
    found: set[str] = set()
    for text in texts:
        for run in _CJK_RUN.findall(text):
            for i in range(len(run) - 1):
                for j in range(i + 2, min(i + longest, len(run)) + 1):
                    if run[i:j] in known:
                        found.add(run[i:j])
    _all_words.cache_clear()  # 40 MB not worth keeping between content versions
    return found


class Segmenter:
    """Owns a `jieba.Tokenizer`; domain words come from the content store."""

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir.resolve()
        self._tokenizer: jieba.Tokenizer | None = None
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def _ready(self) -> jieba.Tokenizer:
        tokenizer = self._tokenizer
        if tokenizer is not None:
            return tokenizer
        with self._lock:
            if self._tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer(dictionary=str(trimmed_dictionary(self._cache_dir)))
                tokenizer.tmp_dir = str(self._cache_dir)
                tokenizer.initialize()
                self._tokenizer = tokenizer
            return self._tokenizer

    def initialize(self) -> None:
        """Load the dictionary (idempotent, thread-safe; about 0.15 s with a warm cache)."""
        self._ready()

    def add_words(self, words: Iterable[str], *, domain: bool = True) -> None:
        """Teach the tokenizer campaign terms, districts, venues and event names (domain),
        or ordinary words of the store's text (not domain: they keep an ordinary weight)."""
        tokenizer = self._ready()
        freq = _DOMAIN_FREQ if domain else _VOCABULARY_FREQ
        for word in words:
            word = word.strip().lower()
            if len(word) >= 2 and word not in self._known and " " not in word:
                if domain or word not in tokenizer.FREQ or not tokenizer.FREQ[word]:
                    tokenizer.add_word(word, freq=freq)
                self._known.add(word)

    def knows(self, word: str) -> bool:
        """Whether `word` is in the dictionary (jieba's or the store's)."""
        return bool(self._ready().FREQ.get(word))

    def tokens(self, text: str) -> list[str]:
        """Words of a text, exact mode (each character in exactly one word)."""
        return list(self._ready().cut(text))

    def cut(self, text: str) -> list[str]:
        """Words of a normalized text, search mode (long words and their parts)."""
        return [w for w in self._ready().cut_for_search(text) if w.strip()]
