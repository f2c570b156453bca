"""Homophone typos: pinyin input makes 主提 for 主题 and 科谱 for 科普; fix those we know."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
LONGEST = 5


def char_pinyin() -> dict[str, str]:
    """Toneless pinyin of every CJK character (its first reading), from pypinyin's tables."""
    from pypinyin import Style, pinyin_dict
    from pypinyin.style import convert

    table: dict[str, str] = {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        if 0x4E00 <= code <= 0x9FFF:
            table[chr(code)] = convert(readings.split(",")[0], Style.NORMAL, strict=False)
    return table


@dataclass
class HomophoneFixer:
    """Replaces a non-word that sounds exactly like one of the engine's words."""

    pinyin: dict[str, str]
    words_by_sound: dict[str, str]

    @classmethod
    def build(cls, pinyin: dict[str, str], words: Iterable[str]) -> HomophoneFixer:
        by_sound: dict[str, str] = {}
        clashes: set[str] = set()
        for word in set(words):
            if not 2 <= len(word) <= LONGEST or not _CJK_RUN.fullmatch(word):
                continue
            sound = cls._sound(pinyin, word)
            if sound is None:
                continue
            if sound in by_sound and by_sound[sound] != word:
                clashes.add(sound)  # two words sound alike: no guessing between them
            by_sound[sound] = word
        for sound in clashes:
            del by_sound[sound]
        return cls(pinyin, by_sound)

    @staticmethod
    def _sound(pinyin: dict[str, str], text: str) -> str | None:
        parts = [pinyin.get(ch) for ch in text]
        return None if None in parts else " ".join(parts)  # type: ignore[arg-type]

    def fix(
        self, text: str, is_word: Callable[[str], bool], tokens: Callable[[str], list[str]]
    ) -> str:
        """`text` with known-sounding non-words replaced (longest first, left to right).

        A replaced stretch must start and end on word boundaries of the segmented text, so
        that 目标是 never turns into 目标识 (标是 sounds like 标识).
        """
        if not self.words_by_sound:
            return text
        bounds = {0}
        position = 0
        for token in tokens(text):
            position += len(token)
            bounds.add(position)
        out = []
        last = 0
        for run in _CJK_RUN.finditer(text):
            s, i = run.group(), 0
            out.append(text[last : run.start()])
            while i < len(s):
                for size in range(min(LONGEST, len(s) - i), 1, -1):
                    window = s[i : i + size]
                    sound = self._sound(self.pinyin, window)
                    word = self.words_by_sound.get(sound) if sound else None
                    start, end = run.start() + i, run.start() + i + size
                    aligned = start in bounds and end in bounds
                    if word is not None and (word == window or (aligned and not is_word(window))):
                        out.append(word)
                        i += size
                        break
                else:
                    out.append(s[i])
                    i += 1
            last = run.end()
        out.append(text[last:])
        return "".join(out)
