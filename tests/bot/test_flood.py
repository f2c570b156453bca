"""The flood gate's sliding window."""

from __future__ import annotations

from datetime import timedelta

from bot.flood import FloodGate, Verdict
from tests.conftest import NOW


def test_a_window_allows_the_limit_then_warns_once_then_drops() -> None:
    gate = FloodGate(3, timedelta(seconds=10))
    verdicts = [gate.check(1, NOW + timedelta(seconds=i * 0.1)) for i in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTIFY, Verdict.DROP, Verdict.DROP]
    assert gate.check(2, NOW) is Verdict.ALLOW  # other users are not affected
    later = NOW + timedelta(seconds=11)
    assert gate.check(1, later) is Verdict.ALLOW  # the window has moved on


def test_zero_turns_it_off() -> None:
    gate = FloodGate(0, timedelta(seconds=10))
    assert all(gate.check(1, NOW) is Verdict.ALLOW for _ in range(1000))


def test_idle_users_are_forgotten_when_many() -> None:
    gate = FloodGate(2, timedelta(seconds=1), max_users=10)
    for user in range(10):
        gate.check(user, NOW)
    gate.check(99, NOW + timedelta(seconds=5))
    assert len(gate._seen) == 1
