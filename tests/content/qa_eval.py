"""Run a question set (the shared format) against an Answerer and report failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from content.answers import Answer, Answerer

DEFAULT_NOW = "2024-09-10T12:00:00+08:00"


@dataclass(frozen=True)
class Case:
    q: str
    cat: str
    must: list[list[str]]
    not_: list[str]
    intent: str | None
    now: str | None
    pass_: str


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            q=str(c["q"]),
            cat=c.get("cat", ""),
            must=c.get("must") or [],
            not_=c.get("not") or [],
            intent=c.get("intent"),
            now=c.get("now"),
            pass_=c.get("pass", "both"),
        )
        for c in data["cases"]
    ]


def check(case: Case, answer: Answer) -> str | None:
    """None when the answer passes, else why it fails."""
    if case.intent == "fallback" and answer.intent != "fallback":
        return f"expected fallback, got {answer.intent}"
    if case.intent is None and not case.must and answer.intent == "fallback":
        return "expected an answer, got fallback"
    for group in case.must:
        if not any(str(alt) in answer.text for alt in group):
            return f"missing one of {group}"
    for bad in case.not_:
        if bad in answer.text:
            return f"must not contain {bad!r}"
    return None


def run_cases(
    answerer: Answerer, cases: list[Case], tz: ZoneInfo, default_now: str = DEFAULT_NOW
) -> list[tuple[Case, Answer, str]]:
    failures = []
    for case in cases:
        now = datetime.fromisoformat(case.now or default_now).astimezone(tz)
        answer = answerer.answer(case.q, now)
        why = check(case, answer)
        if why:
            failures.append((case, answer, why))
    return failures
