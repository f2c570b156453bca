"""Inputs from the outside probe: every one is a clear message and exit status 2, never a
traceback, and nothing is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import main
from content.db import create_db_engine
from content.models import Event

DEEP = 50_000


def _import(path: Path | str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", str(path)])
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    ), result.output
    return result.exit_code, result.stderr


def _events(db_url: str) -> list[Event]:
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        events = list(session.exec(select(Event)))
    engine.dispose()
    return events


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("deep.yaml", "events: " + "[" * DEEP + "]" * DEEP, "nested too deeply"),
        ("deep.json", '{"events": ' + "[" * DEEP + "]" * DEEP + "}", "nested too deeply"),
        ("deep-map.yaml", "events:\n  - " + "{a: " * DEEP + "1" + "}" * DEEP, "nested"),
        ("old.yaml", "events:\n  - title: 开幕\n    start: 0001-01-01\n", "date out of range"),
        (
            "far.yaml",
            'events:\n  - title: 开幕\n    start: "9999-12-31T23:59-12:00"\n',
            "date out of range",
        ),
        (
            "long.yaml",
            "events:\n  - title: " + "长" * 5_000_000 + "\n    start: 2024-09-17\n",
            "field 'title': 5000000 characters; at most 300",
        ),
        ("long.csv", "title,start\n" + "x" * 400 + ",2024-09-17\n", "at most 300"),
    ],
    ids=["deep-yaml", "deep-json", "deep-mapping", "year-1", "year-9999", "5mb-title", "csv"],
)
def test_a_bad_import_file_is_exit_2(
    cli_env: dict[str, str], db_url: str, tmp_path: Path, name: str, text: str, said: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, stderr = _import(path)
    assert code == 2 and said in stderr
    assert "nothing was imported" in stderr
    assert _events(db_url) == [] or all(e.title != "开幕" for e in _events(db_url))


def test_a_device_is_refused_without_reading_it(cli_env: dict[str, str]) -> None:
    """`/dev/zero` reports no size and never ends: 2.3 GB were read in 6 s."""
    code, stderr = _import("/dev/zero")
    assert code == 2 and "not a regular file" in stderr


def test_a_file_over_the_limit_is_refused(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import content.importer

    monkeypatch.setattr(content.importer, "MAX_IMPORT_BYTES", 1024)
    path = tmp_path / "big.yaml"
    path.write_text("events: []\n" + "#" * 2048, encoding="utf-8")
    code, stderr = _import(path)
    assert code == 2 and "the limit is" in stderr


def test_a_database_folder_that_cannot_be_created_is_exit_2(
    tmp_path: Path, jieba_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("KEPUBOT_DATABASE_URL", f"sqlite:///{tmp_path}/a-file/sub/kepubot.db")
    monkeypatch.setenv("KEPUBOT_JIEBA_CACHE_DIR", str(jieba_cache))
    result = CliRunner().invoke(main, ["unanswered"])
    assert result.exit_code == 2
    assert "KEPUBOT_DATABASE_URL: cannot create the database" in result.stderr
    assert "Not a directory" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "nosuchdb://kepubot:hunter2-secret@db.example/kepubot",
        "postgresql+nosuchdriver://u:hunter2-secret@h/x",
    ],
)
def test_a_database_password_is_not_echoed(
    url: str, jieba_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEPUBOT_DATABASE_URL", url)
    monkeypatch.setenv("KEPUBOT_JIEBA_CACHE_DIR", str(jieba_cache))
    result = CliRunner().invoke(main, ["unanswered"])
    assert result.exit_code == 2 and "KEPUBOT_DATABASE_URL" in result.stderr
    assert "hunter2" not in result.output and "***" in result.stderr


def test_two_backups_of_the_same_data_are_the_same_file(tmp_path: Path) -> None:
    """Imported and exported in processes of their own (each with its own hash seed)."""
    source = Path(__file__).resolve().parents[1] / "data" / "qa-dev-events.yaml"
    kepubot = Path(sys.executable).with_name("kepubot")
    exports = []
    for run in range(3):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEPUBOT_")}
        env["KEPUBOT_DATABASE_URL"] = f"sqlite:///{tmp_path}/run-{run}.db"
        env["KEPUBOT_JIEBA_CACHE_DIR"] = str(tmp_path / "cache")
        env["PYTHONHASHSEED"] = str(run)
        for args in (["import", str(source)], ["export"]):
            done = subprocess.run(
                [str(kepubot), *args], env=env, capture_output=True, text=True, check=True
            )
        exports.append(done.stdout)
    assert exports[0] == exports[1] == exports[2]
    assert "venues:" in exports[0] and "kind:" in exports[0]
