"""Send times typed by organizers, and the progress bar."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.outreach.broadcasts import parse_send_time, progress_bar
from bot.outreach.outbox import Figures
from tests.conftest import NOW, TZ


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-15 09:00", datetime(2024, 9, 15, 9, 0, tzinfo=TZ)),
        ("9月15日 9:00", datetime(2024, 9, 15, 9, 0, tzinfo=TZ)),
        ("18:30", datetime(2024, 9, 10, 18, 30, tzinfo=TZ)),
        ("9:00", datetime(2024, 9, 11, 9, 0, tzinfo=TZ)),  # passed today: tomorrow
        ("2024-09-01 09:00", None),  # in the past
        ("明天", None),
    ],
)
def test_parse_send_time(text: str, expected: datetime | None) -> None:
    assert parse_send_time(text, NOW) == expected


def test_progress_bar() -> None:
    assert progress_bar(Figures(total=10, sent=3, failed=1, pending=6)) == ("████░░░░░░", "40%")
