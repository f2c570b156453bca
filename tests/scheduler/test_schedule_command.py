"""`kepubot schedule`: what will be sent in the next 24 hours, to whom, how many."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.clock import fixed_clock
from bot.outreach.subscriptions import Subscriptions
from content.db import create_db_engine
from tests.conftest import NOW


@pytest.fixture
def subscribers(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPUBOT_ADMIN_IDS", "900")
    engine = create_db_engine(cli_env["KEPUBOT_DATABASE_URL"])
    subscriptions = Subscriptions(engine, fixed_clock(NOW))
    subscriptions.subscribe(101)
    subscriptions.set_district(102, "渝中区")
    subscriptions.toggle_topic(103, "creators")
    subscriptions.toggle_topic(104, "organizers")
    subscriptions.set_digest_time(104, "07:30")
    engine.dispose()


def test_schedule_lists_the_next_24_hours(subscribers: None) -> None:
    result = CliRunner().invoke(main, ["schedule", "--now", "2024-09-24T08:00", "--ids"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "2024-09-24 08:00 — 2024-09-25 08:00 (Asia/Shanghai)"
    assert lines[1:] == [
        "09-24 08:00  每日提醒  07:30 全市  1 人",  # late today: goes out at the next run
        "    104",
        "09-24 09:00  每日提醒  09:00 全市  2 人",
        "    101 103",
        "09-24 09:00  每日提醒  09:00 渝中区  1 人",
        "    102",
        "09-24 10:00  截止提醒  组织者  2 人",
        "    900 104",
        "09-24 19:00  创作者提示  创作者  1 人",
        "    103",
        "09-25 07:30  每日提醒  07:30 全市  1 人",
        "    104",
        "6 batches, 8 messages",
    ]


def test_schedule_says_when_nothing_is_due(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["schedule", "--now", "2024-12-01T08:00"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "nothing scheduled"
