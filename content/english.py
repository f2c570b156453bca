"""Questions in English: recognized words become a Chinese question, answered as usual, with
a short English reply around the Chinese answer (content/data/english.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from content.knowledge import Knowledge
from content.typos import char_pinyin
from content.yamlfile import load_yaml

ENGLISH_FILE = Path(__file__).parent / "data" / "english.yaml"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z][a-z'-]+")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class English:
    glossary: tuple[tuple[re.Pattern[str], str], ...]
    intro: str
    fallback: str

    @classmethod
    def load(cls, path: Path = ENGLISH_FILE) -> English:
        data = load_yaml(path)
        pairs = sorted(data["glossary"], key=lambda p: -len(p[0]))
        glossary = tuple(
            (re.compile(rf"\b{re.escape(str(en).lower())}\b"), str(zh)) for en, zh in pairs
        )
        return cls(glossary, " ".join(data["intro"].split()), " ".join(data["fallback"].split()))

    @staticmethod
    def is_english(question: str) -> bool:
        return not _CJK.search(question) and len(_LATIN_WORD.findall(question.lower())) >= 2

    def translate(self, question: str, k: Knowledge) -> str | None:
        """The Chinese question the English one asks (empty when no word is known); None when
        the question is not in English."""
        if not self.is_english(question):
            return None
        text = question.lower()
        found: list[tuple[int, str]] = []
        names = tuple((d.name, *d.aliases) for d in k.districts)
        table = k.fixer.pinyin if k.fixer is not None else None
        for pattern, chinese in (*self.glossary, *_district_patterns(names, table)):
            match = pattern.search(text)
            if match:
                found.append((match.start(), chinese))
                text = text[: match.start()] + " " * len(match[0]) + text[match.end() :]
        return "".join(zh for _, zh in sorted(found))

    def wrap(self, chinese: str | None, k: Knowledge) -> str:
        """The English reply around a Chinese answer (None: nothing found, the contact)."""
        c = k.campaign
        dates = f"{MONTHS[c.start.month - 1]} {c.start.day}–{c.end.day}, {c.year}"
        if c.start.month != c.end.month:
            dates = f"{MONTHS[c.start.month - 1]} {c.start.day} – {MONTHS[c.end.month - 1]} "
            dates += f"{c.end.day}, {c.year}"
        intro = self.intro.format(campaign=c.name, dates=dates, theme=c.theme)
        if chinese is None:
            contact = k.contact(c.default_contact)
            who = f"{contact.name} ({', '.join(contact.phones)})" if contact else c.name
            return f"{intro}\n{self.fallback.format(contact=who)}"
        return f"{intro}\n{chinese}"


_PATTERNS: dict[tuple[tuple[str, ...], ...], tuple[tuple[re.Pattern[str], str], ...]] = {}


def _district_patterns(
    names: tuple[tuple[str, ...], ...], table: Mapping[str, str] | None
) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each district (its names, official first) by the pinyin of its shortest name
    (Wanzhou → 万州区); `table`: the snapshot's pinyin of every character, if it has one."""
    found = _PATTERNS.get(names)
    if found is not None:
        return found
    table = table if table is not None else char_pinyin()
    patterns = []
    for official, *aliases in names:
        short = min((official, *aliases), key=len)
        spelled = "".join(table.get(ch, "") for ch in short)
        if len(spelled) >= 4:
            patterns.append((re.compile(rf"\b{spelled}\b"), official))
    if len(_PATTERNS) >= 4:  # a few snapshots' districts at most
        _PATTERNS.clear()
    found = _PATTERNS[names] = tuple(patterns)
    return found
