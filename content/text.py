"""Text normalization: full-width, traditional characters, spacing, variants."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

# Variants OpenCC's t2s keeps but users mean otherwise.
_VARIANTS = str.maketrans({"甚": "什", "麽": "么", "祇": "只", "週": "周", "臺": "台", "裏": "里"})
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_BETWEEN_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
MAX_QUESTION_CHARS = 200
"""Questions are short; a longer message is read up to here (keeps every answer fast)."""


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str] | None:
    """Every character t2s may change; None if OpenCC's tables look different.

    Most text (all of the store's) is already simplified: checking this set first spares
    the slow phrase-by-phrase conversion.
    """
    converter = _converter()
    converter.convert("測")  # loads the dictionaries
    chars: set[str] = set()
    try:
        for chain in converter._dict_chain_data:
            for _max_len, _min_len, table in chain:
                for key, value in table.items():
                    if len(key) == len(value):
                        chars.update(a for a, b in zip(key, value, strict=True) if a != b)
                    else:
                        chars.update(set(key) - set(value))
    except (AttributeError, TypeError, ValueError):
        return None
    return frozenset(chars) or None


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese, fast when there is nothing to convert."""
    chars = _traditional_chars()
    if chars is not None and chars.isdisjoint(text):
        return text
    return str(_converter().convert(text))


def normalize(text: str) -> str:
    """Canonical form of a question: NFKC, simplified, lower-case, no stray spaces."""
    text = _CONTROL.sub("", text)[:MAX_QUESTION_CHARS]
    text = unicodedata.normalize("NFKC", text)
    if _CJK.search(text):
        text = to_simplified(text).translate(_VARIANTS)
        text = _BETWEEN_CJK_SPACE.sub("", text)
    return _SPACES.sub(" ", text).strip().lower()


def has_cjk(text: str) -> bool:
    """True when the text holds at least one Chinese character."""
    return bool(_CJK.search(text))


def question_key(text: str) -> str:
    """A question reduced to its letters and digits (normalized): two askings of the same
    question, differing only in punctuation, spacing or script, have one key."""
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def longest_shared(a: str, b: str) -> int:
    """Length of the longest run of characters both texts have."""
    best = 0
    previous = [0] * (len(b) + 1)
    for ch in a:
        row = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if ch == other:
                row[j] = previous[j - 1] + 1
                best = max(best, row[j])
        previous = row
    return best
