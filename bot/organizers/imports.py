"""Importing organizer files as they come from spreadsheets: UTF-8 (with or without BOM) or GBK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from content.importer import (
    ImportReport,
    apply_import,
    parse_import,
    read_limited,
)

FALLBACK_ENCODING = "gb18030"
"""Excel on Chinese Windows saves CSV in GBK; GB18030 is its superset."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import changed, and the encoding the file was read in."""

    report: ImportReport
    encoding: str


def as_utf8(raw: bytes) -> tuple[bytes, str]:
    """The file's bytes as UTF-8, and the encoding they were read in."""
    try:
        raw.decode("utf-8-sig")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode(FALLBACK_ENCODING).encode("utf-8"), FALLBACK_ENCODING
    except UnicodeDecodeError:
        return raw, "unknown"  # parse_import reports the file as not UTF-8


def import_path(engine: Engine, path: Path, tz: ZoneInfo) -> ImportOutcome:
    """Validate and import one file; nothing is written if any row is bad (`ImportFailed`)."""
    text, encoding = as_utf8(read_limited(path))
    return ImportOutcome(apply_import(engine, parse_import(text, path.name, tz)), encoding)
