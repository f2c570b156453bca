"""`kepubot import` and `kepubot export`, run in-process through click."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from bot.cli import main
from content.db import create_db_engine
from content.models import Event, Venue
from tests.conftest import DATA_DIR

GOOD_YAML = DATA_DIR / "qa-dev-events.yaml"

BAD_YAML = """\
events:
  - id: ok-row
    title: 一个没问题的活动
    start: 2024-09-16
  - title: 缺少开始时间
  - title: 日期写错
    start: 9月32日
  - title: 结束早于开始
    start: 2024-09-20T10:00
    end: 2024-09-19T10:00
venues:
  - district: 渝中区
"""

CSV = """\
id,title,start,end,venue,district,category,audience
csv-1,天文观测夜,2024-09-20T19:00,2024-09-20T21:00,重庆科技馆,江北区,科普为民,亲子家庭
csv-2,科普讲座,2024-09-21,2024-09-21,渝中区图书馆,渝中区,,
"""


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _events(db_url: str) -> list[Event]:
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        events = list(session.exec(select(Event).order_by(Event.id)).all())
    engine.dispose()
    return events


def test_import_good_yaml(cli_env: dict[str, str], db_url: str) -> None:
    result = _invoke("import", str(GOOD_YAML))
    assert result.exit_code == 0, result.output
    assert "events: 4 added, 0 updated, 0 unchanged" in result.stdout
    assert "venues: 2 added" in result.stdout
    assert {e.id for e in _events(db_url)} == {
        "dev-robot",
        "dev-health",
        "dev-exhibit",
        "dev-lecture",
    }

    again = _invoke("import", str(GOOD_YAML))
    assert "events: 0 added, 0 updated, 4 unchanged" in again.stdout


def test_reimport_updates_by_id(cli_env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    _invoke("import", str(GOOD_YAML))
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        "events:\n  - id: dev-robot\n    title: 机器人编程体验营（改期）\n    start: 2024-09-18\n",
        encoding="utf-8",
    )
    result = _invoke("import", str(changed))
    assert "events: 0 added, 1 updated, 0 unchanged" in result.stdout
    [robot] = [e for e in _events(db_url) if e.id == "dev-robot"]
    assert robot.title.endswith("（改期）")


def test_bad_file_imports_nothing_and_lists_every_problem(
    cli_env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 2
    problems = result.stderr
    assert "events[2], field 'start'" in problems
    assert "events[3], field 'start'" in problems
    assert "events[4]: end is before start" in problems
    assert "venues[1], field 'name'" in problems
    assert "nothing was imported" in problems
    assert "Traceback" not in result.output
    assert _events(db_url) == []


def test_unknown_section_is_a_problem(
    cli_env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_YAML.read_text(encoding="utf-8") + "speakers: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 2
    assert "unknown top-level key 'speakers'" in result.stderr
    assert _events(db_url) == []


def test_csv_import(cli_env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    result = _invoke("import", str(path))
    assert "events: 2 added" in result.stdout
    first, second = _events(db_url)
    assert (first.title, first.venue, first.audience) == ("天文观测夜", "重庆科技馆", "亲子家庭")
    assert second.all_day
    assert second.category is None


def test_csv_blank_end_means_no_end(cli_env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("title,start,end\n科普讲座,2024-09-21,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert _events(db_url)[0].end is None


@pytest.mark.parametrize(("encoding", "note"), [("gbk", True), ("utf-8-sig", False)])
def test_csv_from_excel_encodings(
    cli_env: dict[str, str], db_url: str, tmp_path: Path, encoding: str, note: bool
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(CSV.encode(encoding))
    result = _invoke("import", str(path))
    assert result.exit_code == 0
    assert "events: 2 added" in result.stdout
    assert ("GBK" in result.stderr) is note
    assert [e.id for e in _events(db_url)] == ["csv-1", "csv-2"]
    assert _events(db_url)[0].title == "天文观测夜"


def test_venue_csv(cli_env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "venues.csv"
    path.write_text("name,district,kind\n江津区科技馆,江津区,科技馆\n", encoding="utf-8")
    assert "venues: 1 added" in _invoke("import", str(path)).stdout
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        assert session.exec(select(Venue.name)).all() == ["江津区科技馆"]
    engine.dispose()


def test_export_then_import_changes_nothing(
    cli_env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    _invoke("import", str(GOOD_YAML))
    exported = tmp_path / "export.yaml"
    assert _invoke("export", str(exported)).exit_code == 0
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert len(data["events"]) == 4
    assert len(data["venues"]) == 2

    result = _invoke("import", str(exported))
    assert "0 added, 0 updated" in result.stdout
    assert "events: 0 added, 0 updated, 4 unchanged" in result.stdout
    assert _invoke("export").stdout == exported.read_text(encoding="utf-8")


def test_missing_file_is_a_usage_error(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["import", "no-such-file.yaml"])
    assert result.exit_code == 2


def test_a_huge_file_is_refused_before_reading(
    cli_env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as out:
        out.write(b"events:\n")
        out.truncate(50 * 1024 * 1024)  # 50 MB
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 2
    assert "50 MB" in result.stderr and "limit" in result.stderr
    assert _events(db_url) == []
