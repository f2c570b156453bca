"""Chinese word segmentation with one owned jieba tokenizer and the store's domain words."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import jieba

_DICTIONARY = Path(jieba.__file__).with_name("dict.txt").resolve()
_DOMAIN_FREQ = 200_000  # high enough that a domain term is kept whole


class Segmenter:
    """Owns a `jieba.Tokenizer`; domain words come from the content store."""

    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir
        self._tokenizer = jieba.Tokenizer(dictionary=str(_DICTIONARY))
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self._ready = False

    def initialize(self) -> None:
        """Load the dictionary (about 0.7 s with a warm cache); idempotent and thread-safe."""
        with self._lock:
            if self._ready:
                return
            jieba.setLogLevel(logging.WARNING)
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            self._tokenizer.tmp_dir = str(self._cache_dir.resolve())
            self._tokenizer.initialize()
            self._ready = True

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer campaign terms, districts, venues and event names."""
        self.initialize()
        for word in words:
            word = word.strip().lower()
            if len(word) >= 2 and word not in self._known and " " not in word:
                self._tokenizer.add_word(word, freq=_DOMAIN_FREQ)
                self._known.add(word)

    def cut(self, text: str) -> list[str]:
        """Words of a normalized text, search mode (long words and their parts)."""
        self.initialize()
        return [w for w in self._tokenizer.cut_for_search(text) if w.strip()]
