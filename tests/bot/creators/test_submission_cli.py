"""`kepubot submissions export`: CSV and Excel files of every submission and its trail."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from bot.creators.export import FIELDS
from bot.creators.links import LinkRules
from bot.creators.submissions import Status, SubmissionService
from bot.store.schema import migrate
from content.db import create_db_engine
from tests.conftest import NOW
from tests.helpers.pages import OfflineFetcher


@pytest.fixture
def two_submissions(cli_env: dict[str, str]) -> None:
    engine = create_db_engine(cli_env["KEPUBOT_DATABASE_URL"])
    migrate(engine)
    service = SubmissionService(engine, lambda: NOW, LinkRules(), OfflineFetcher())
    [first] = service.submit("https://www.douyin.com/video/7412345678901234567", 42, "42:1")
    service.submit("https://b23.tv/Ab3dEfG", 43, "43:1")
    assert first.submission is not None
    service.set_title(first.submission.id, 42, "流感怎么防")
    service.decide(first.submission.id, 7, Status.REJECTED, "重复提交")
    engine.dispose()


def test_csv_to_standard_output(two_submissions: None) -> None:
    result = CliRunner().invoke(main, ["submissions", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [row["status"] for row in rows] == ["rejected", "pending"]
    assert rows[0]["title"] == "流感怎么防" and rows[0]["review_reason"] == "重复提交"
    assert rows[1]["canonical_url"] == "https://b23.tv/Ab3dEfG"


def test_csv_file_opens_in_excel_as_utf8(two_submissions: None, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["submissions", "export", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 submission(s)" in result.stderr
    assert path.read_bytes().startswith("\ufeff".encode())
    assert path.read_text("utf-8-sig").splitlines()[0] == ",".join(FIELDS)


@pytest.mark.parametrize("args", [["--format", "xlsx"], []])
def test_xlsx_file(two_submissions: None, tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, ["submissions", "export", str(path), *args])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(path).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == FIELDS and len(rows) == 3
    assert rows[1][FIELDS.index("review_count")] == 1


def test_xlsx_needs_a_file(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["submissions", "export", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "needs a FILE" in result.stderr
