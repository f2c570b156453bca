"""Content updates sent in chat: the import preview, applying it, and editing one event.

Files are validated exactly as `kepubot import` does (`content.importer.parse_import`) and
written by the same `apply_import`; an edited event goes through the importer as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.organizers.imports import as_utf8
from content.importer import (
    MAX_IMPORT_BYTES,
    ImportFailed,
    ImportReport,
    apply_import,
    parse_import,
    preview_batch,
)
from content.models import Event

EVENT_FIELDS = (
    "title",
    "start",
    "end",
    "venue",
    "district",
    "address",
    "category",
    "audience",
    "description",
    "url",
)
"""Fields of an event an organizer may change with /event."""
UPLOAD_SUFFIXES = (".yaml", ".yml", ".csv")
MAX_UPLOAD_BYTES = MAX_IMPORT_BYTES


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would change, counted per section (nothing written yet)."""

    name: str
    encoding: str
    report: ImportReport

    @property
    def changed(self) -> bool:
        return self.report.changed

    def lines(self) -> list[str]:
        """One line per section, e.g. `events: 3 added, 1 updated, 5 unchanged`."""
        return self.report.summary().split("; ")


def preview_import(engine: Engine, raw: bytes, name: str, tz: ZoneInfo) -> ImportPreview:
    """Validate a file and count what it would add or update; raise `ImportFailed`."""
    text, encoding = as_utf8(raw)
    try:
        report = preview_batch(engine, parse_import(text, name, tz))
    except ImportFailed as failed:
        raise ImportFailed([f"{name}: {problem}" for problem in failed.problems]) from None
    return ImportPreview(name, encoding, report)


def apply_upload(engine: Engine, raw: bytes, name: str, tz: ZoneInfo) -> ImportReport:
    """Import a previewed file (validated again: the store may have changed meanwhile)."""
    text, _ = as_utf8(raw)
    return apply_import(engine, parse_import(text, name, tz))


def find_events(engine: Engine, query: str, limit: int = 10) -> list[Event]:
    """The event with this id, else events whose title contains the words."""
    with Session(engine) as session:
        exact = session.get(Event, query)
        if exact is not None:
            return [exact]
        found = select(Event)
        for word in query.split():
            found = found.where(col(Event.title).contains(word))
        return list(session.exec(found.order_by(col(Event.start)).limit(limit)).all())


def event_record(event: Event, tz: ZoneInfo) -> dict[str, Any]:
    """An event in the import format (what `kepubot export` writes for it)."""

    def when(value: datetime) -> str:
        local = value.astimezone(tz)
        return local.date().isoformat() if event.all_day else local.isoformat()

    record: dict[str, Any] = {"id": event.id, "title": event.title, "start": when(event.start)}
    if event.end is not None:
        record["end"] = when(event.end)
    for key in EVENT_FIELDS[3:]:
        if getattr(event, key):
            record[key] = getattr(event, key)
    return record


def edit_event(
    engine: Engine, event_id: str, field_name: str, value: str, tz: ZoneInfo
) -> ImportReport:
    """Change one field of an event through the importer; raise `ImportFailed` or KeyError."""
    if field_name not in EVENT_FIELDS:
        raise ImportFailed([f"unknown field {field_name!r}; one of: {', '.join(EVENT_FIELDS)}"])
    with Session(engine) as session:
        event = session.get(Event, event_id)
    if event is None:
        raise KeyError(event_id)
    record = event_record(event, tz)
    record[field_name] = value.strip() or None
    raw = yaml.safe_dump({"events": [record]}, allow_unicode=True).encode("utf-8")
    return apply_import(engine, parse_import(raw, f"/event {event_id}", tz))


def describe_event(event: Event, tz: ZoneInfo) -> str:
    """An event's fields as plain text lines, in the import format."""
    record = event_record(event, tz)
    return "\n".join(f"{key}: {value}" for key, value in record.items())


class ContentDesk:
    """Organizers' content changes from chat, one call per action; a change is picked up by
    this process's answers at once (`on_change`), by the others within seconds."""

    def __init__(self, engine: Engine, tz: ZoneInfo, on_change: Callable[[], None]) -> None:
        self._engine = engine
        self._tz = tz
        self._on_change = on_change

    def preview(self, raw: bytes, name: str) -> ImportPreview:
        """Validate a file and count what it would change; raise `ImportFailed`."""
        return preview_import(self._engine, raw, name, self._tz)

    def apply(self, raw: bytes, name: str) -> ImportReport:
        """Import a previewed file; raise `ImportFailed`."""
        report = apply_upload(self._engine, raw, name, self._tz)
        self._on_change()
        return report

    def edit_event(self, event_id: str, field_name: str, value: str) -> ImportReport:
        """Change one field of an event; raise `ImportFailed` or KeyError."""
        report = edit_event(self._engine, event_id, field_name, value, self._tz)
        self._on_change()
        return report

    def find_events(self, query: str) -> list[Event]:
        """The event with this id, else events whose title contains the words."""
        return find_events(self._engine, query)
