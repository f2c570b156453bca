"""Writing all submissions with their status and audit trail as CSV or Excel (.xlsx)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TextIO

from bot.creators.submissions import ReviewView, SubmissionView

FIELDS: tuple[str, ...] = (
    "id",
    "platform",
    "canonical_url",
    "submitted_url",
    "title",
    "author",
    "category",
    "creator_id",
    "creator_name",
    "has_hashtag",
    "status",
    "submitted_at",
    "reviewed_at",
    "reviewed_by",
    "review_reason",
    "review_count",
    "review_history",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_rows(
    submissions: Sequence[tuple[SubmissionView, list[ReviewView]]], tz: tzinfo
) -> list[list[object]]:
    """One row per submission, in FIELDS order; times in the campaign time zone."""
    rows: list[list[object]] = []
    for view, trail in submissions:
        history = "; ".join(
            f"{_time(r.decided_at, tz)} {r.decision.value} by {r.reviewer_id}"
            + (f" ({r.reason})" if r.reason else "")
            for r in trail
        )
        rows.append(
            [
                view.id,
                view.platform,
                view.canonical_url,
                view.submitted_url,
                _cell(view.title),
                _cell(view.author),
                view.category or "",
                view.creator_id,
                _cell(view.creator_name),
                "yes" if view.has_hashtag else "no",
                view.status.value,
                _time(view.submitted_at, tz),
                _time(view.reviewed_at, tz),
                view.reviewed_by if view.reviewed_by is not None else "",
                _cell(view.review_reason),
                len(trail),
                _cell(history),
            ]
        )
    return rows


def write_csv(rows: Sequence[Sequence[object]], stream: TextIO) -> None:
    """CSV with a header row (write to a file opened with encoding utf-8-sig for Excel)."""
    writer = csv.writer(stream)
    writer.writerow(FIELDS)
    writer.writerows(rows)


def write_xlsx(rows: Sequence[Sequence[object]], path: Path) -> None:
    """An Excel workbook with one sheet, a bold header row and frozen panes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "submissions"
    sheet.append(list(FIELDS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    workbook.save(path)


def _cell(text: str | None) -> str:
    """Text from creators or web pages, never read as a formula by a spreadsheet."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _time(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
