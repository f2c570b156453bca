"""An on-disk cache of the segmented text index, one file per content version."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from content.lexicon import LEXICON_FILE
from content.search import Bm25Index
from content.segment import DICTIONARY_WORDS
from content.typos import HomophoneFixer

log = logging.getLogger(__name__)

FORMAT = 9
"""Bump when TextIndex, the search index or the analysis changes shape."""


def engine_fingerprint() -> str:
    """What, besides the content, decides the index: lexicon, dictionary size, format."""
    digest = hashlib.sha256(LEXICON_FILE.read_bytes())
    digest.update(f"{FORMAT}:{DICTIONARY_WORDS}".encode())
    return digest.hexdigest()[:16]


@dataclass
class TextIndex:
    """What segmenting the store produces: slow to build, so cached per content version."""

    domain: list[str]
    vocabulary: list[str]
    title_words: dict[str, set[str]]
    faq_key_words: dict[str, set[str]]
    index: Bm25Index
    event_index: Bm25Index
    related: dict[str, list[str]]
    fixer: HomophoneFixer


class SnapshotCache:
    """Pickled `TextIndex` files in the cache folder the project itself writes.

    The folder must not be writable by anyone else: a pickle is code to Python.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._fingerprint = engine_fingerprint()

    def _path(self, token: str) -> Path:
        safe = "".join(ch for ch in token if ch.isalnum())[:64]
        return self._folder / f"index-{safe}-{self._fingerprint}.pickle"

    def load(self, token: str) -> TextIndex | None:
        path = self._path(token)
        try:
            with path.open("rb") as file:
                found = pickle.load(file)
            return found if isinstance(found, TextIndex) else None
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("ignoring unreadable index cache %s: %s", path.name, exc)
            return None

    def save(self, token: str, text: TextIndex) -> None:
        """Write atomically, and drop the files of older content versions."""
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as file:
                pickle.dump(text, file, protocol=pickle.HIGHEST_PROTOCOL)
            target = self._path(token)
            os.replace(tmp, target)
            for old in self._folder.glob("index-*.pickle"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not write the index cache: %s", exc)
