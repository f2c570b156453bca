"""Import and export of organizers' data (events, venues, FAQs) as YAML or CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from content.db import session_scope
from content.models import ORGANIZER, Event, Faq, FaqChange, Venue
from content.seed import bump_revision

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 1970, 2100
"""Dates an event may have (anything else is a typo, and some cannot be stored)."""
MAX_FIELD_CHARS = {"description": 4000, "answer": 4000, "url": 2000}
"""The longest text per field; any other field gets `MAX_SHORT_CHARS`."""
MAX_SHORT_CHARS = 300
SECTIONS = ("events", "venues", "faqs")
HISTORY_SECTIONS = ("faq_changes",)
"""Written by `export_data` for the record, ignored by an import (history is not data)."""


class ImportFailed(Exception):
    """The file has problems; nothing was written. `problems` says each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("*")
    @classmethod
    def _not_too_long(cls, value: object, info: ValidationInfo) -> object:
        limit = MAX_FIELD_CHARS.get(info.field_name or "", MAX_SHORT_CHARS)
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and len(text) > limit:
                raise ValueError(f"{len(text)} characters; at most {limit}")
        return value


class EventIn(_Record):
    id: str | None = None
    title: str
    start: datetime | date
    end: datetime | date | None = None
    venue: str | None = None
    district: str | None = None
    address: str | None = None
    category: str | None = None
    audience: str | None = None
    description: str | None = None
    url: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_when(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str):
            text = value.strip().replace("/", "-")
            try:
                return (
                    date.fromisoformat(text) if len(text) <= 10 else datetime.fromisoformat(text)
                )
            except ValueError:
                raise ValueError(
                    f"not an ISO date or date-time: {value!r} (e.g. 2024-09-17 or "
                    "2024-09-17T09:00:00+08:00)"
                ) from None
        return value


class VenueIn(_Record):
    id: str | None = None
    name: str
    district: str | None = None
    address: str | None = None
    kind: str | None = None
    hours: str | None = None
    description: str | None = None


class FaqIn(_Record):
    id: str | None = None
    question: str
    answer: str
    keywords: list[str] | str | None = None


@dataclass
class ImportBatch:
    """Validated rows ready to be written."""

    events: list[Event] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    faqs: list[Faq] = field(default_factory=list)

    def rows(self) -> list[SQLModel]:
        return [*self.events, *self.venues, *self.faqs]


@dataclass
class ImportReport:
    """What an import changed, counted per section."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.updated.values())

    def summary(self) -> str:
        parts = []
        for section in SECTIONS:
            a, u, s = (
                self.added.get(section, 0),
                self.updated.get(section, 0),
                self.unchanged.get(section, 0),
            )
            if a or u or s:
                parts.append(f"{section}: {a} added, {u} updated, {s} unchanged")
        return "; ".join(parts) or "nothing to import"


def _stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _to_aware(value: datetime | date, tz: ZoneInfo, *, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=tz)
    else:
        moment = time(23, 59, 59) if end_of_day else time(0, 0)
        aware = datetime.combine(value, moment, tzinfo=tz)
    try:
        in_range = MIN_YEAR <= aware.astimezone(UTC).year <= MAX_YEAR
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
        in_range = False
    if not in_range:
        raise ValueError(f"date out of range: {value.isoformat()} (years {MIN_YEAR}-{MAX_YEAR})")
    return aware


def _event_row(record: EventIn, tz: ZoneInfo) -> Event:
    all_day = not isinstance(record.start, datetime)
    start = _to_aware(record.start, tz)
    end = _to_aware(record.end, tz, end_of_day=True) if record.end is not None else None
    if end is not None and end < start:
        raise ValueError("end is before start")
    return Event(
        id=record.id or _stable_id("ev", record.title, start.isoformat()),
        title=record.title,
        start=start,
        end=end,
        all_day=all_day,
        **record.model_dump(
            include={"venue", "district", "address", "category", "audience", "description", "url"}
        ),
    )


def _faq_row(record: FaqIn) -> Faq:
    keywords = record.keywords or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.replace("，", ",").split(",") if k.strip()]
    return Faq(
        id=record.id or _stable_id("faq", record.question),
        question=record.question,
        answer=record.answer,
        keywords=keywords,
        source=ORGANIZER,
    )


def _decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFailed(
            [
                f"{name}: file is {len(raw) // 1024 // 1024} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB"
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 and try again"]
        ) from None


_Sections = dict[str, list[tuple[str, Any]]]


class _TextDatesLoader(yaml.SafeLoader):
    """Leaves dates as text, so a bad date is reported on its row, not as a broken file."""


_TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_sections(text: str, name: str) -> tuple[_Sections, list[str]]:
    try:
        data = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as exc:
        raise ImportFailed([f"{name}: not valid YAML: {exc}"]) from None
    except RecursionError:
        raise ImportFailed([f"{name}: nested too deeply to be an import file"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportFailed([f"{name}: expected top-level keys {', '.join(SECTIONS)}"])
    problems = [
        f"{name}: unknown top-level key {key!r} (expected {', '.join(SECTIONS)})"
        for key in data
        if key not in SECTIONS and key not in HISTORY_SECTIONS
    ]
    sections: dict[str, list[tuple[str, Any]]] = {}
    for section in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list):
            problems.append(f"{name}: '{section}' must be a list")
            continue
        sections[section] = [(f"{section}[{i + 1}]", item) for i, item in enumerate(items)]
    return sections, problems


_CSV_KINDS = {"event": "events", "venue": "venues", "faq": "faqs"}


def _csv_sections(text: str, name: str) -> tuple[_Sections, list[str]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFailed([f"{name}: not valid CSV: {exc}"]) from None
    if not header:
        raise ImportFailed([f"{name}: empty CSV; the first row must name the fields"])
    sections: dict[str, list[tuple[str, Any]]] = {s: [] for s in SECTIONS}
    problems = []
    for number, row in enumerate(rows, start=2):
        if None in row:
            problems.append(f"{name}: row {number}: more cells than header fields")
            continue
        item = {k.strip(): v for k, v in row.items() if k is not None and v and v.strip()}
        if "type" in item:
            kind = (item.pop("type") or "").strip().lower()
            section = _CSV_KINDS.get(kind)
        elif "title" in header:
            section = "events"
        elif "name" in header:
            section = "venues"
        elif "question" in header:
            section = "faqs"
        else:
            section = None
        if section is None:
            problems.append(
                f"{name}: row {number}: cannot tell whether this is an event, venue "
                "or FAQ (add a 'type' column or a 'title'/'name'/'question' field)"
            )
            continue
        sections[section].append((f"row {number}", item))
    return sections, problems


def parse_import(raw: bytes, name: str, tz: ZoneInfo) -> ImportBatch:
    """Validate a whole file; raise `ImportFailed` listing every problem."""
    try:
        return _parse_import(raw, name, tz)
    except RecursionError:  # a value nested thousands deep
        raise ImportFailed([f"{name}: nested too deeply to be an import file"]) from None


def _parse_import(raw: bytes, name: str, tz: ZoneInfo) -> ImportBatch:
    text = _decode(raw, name)
    is_csv = name.lower().endswith(".csv")
    sections, problems = _csv_sections(text, name) if is_csv else _yaml_sections(text, name)
    batch = ImportBatch()
    seen: set[tuple[str, str]] = set()
    specs: dict[str, type[_Record]] = {"events": EventIn, "venues": VenueIn, "faqs": FaqIn}
    for section, items in sections.items():
        for where, item in items:
            if not isinstance(item, dict):
                problems.append(f"{name}: {where}: expected a mapping of fields")
                continue
            try:
                record = specs[section].model_validate(item)
                if isinstance(record, EventIn):
                    row: SQLModel = _event_row(record, tz)
                elif isinstance(record, VenueIn):
                    row = Venue(
                        id=record.id or _stable_id("venue", record.name),
                        **record.model_dump(exclude={"id"}),
                    )
                else:
                    assert isinstance(record, FaqIn)
                    row = _faq_row(record)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"]) or "?"
                    msg = err["msg"].removeprefix("Value error, ")
                    problems.append(f"{name}: {where}, field '{loc}': {msg}")
                continue
            except ValueError as exc:
                problems.append(f"{name}: {where}: {exc}")
                continue
            key = (section, row.id)  # type: ignore[attr-defined]
            if key in seen:
                problems.append(f"{name}: {where}: duplicate id {row.id!r}")  # type: ignore[attr-defined]
                continue
            seen.add(key)
            getattr(batch, section).append(row)
    if problems:
        raise ImportFailed(problems)
    return batch


def _same(a: SQLModel, b: SQLModel) -> bool:
    return a.model_dump() == b.model_dump()


def apply_import(engine: Engine, batch: ImportBatch) -> ImportReport:
    """Upsert a validated batch in one transaction; report what changed."""
    with session_scope(engine) as session:
        report = _merge(session, batch, write=True)
        if report.changed:
            bump_revision(session)
    return report


def preview_batch(engine: Engine, batch: ImportBatch) -> ImportReport:
    """What `apply_import` would change, counted the same way; nothing is written."""
    with Session(engine) as session:
        return _merge(session, batch, write=False)


def _merge(session: Session, batch: ImportBatch, *, write: bool) -> ImportReport:
    """Compare every row with the store (and, with `write`, add or update it); raise
    `ImportFailed` listing every FAQ id that belongs to the shipped notice."""
    report = ImportReport()
    problems: list[str] = []
    for section in SECTIONS:
        for row in getattr(batch, section):
            existing = session.get(type(row), row.id)
            if existing is None:
                counts = report.added
                if write:
                    session.add(row)
            elif isinstance(existing, Faq) and existing.source != ORGANIZER:
                problems.append(f"FAQ id {row.id!r} belongs to the shipped notice")
                continue
            elif _same(existing, row):
                counts = report.unchanged
            else:
                counts = report.updated
                if write:
                    for key, value in row.model_dump().items():
                        setattr(existing, key, value)
                    session.add(existing)
            counts[section] = counts.get(section, 0) + 1
    if problems:
        raise ImportFailed(problems)
    return report


def read_limited(path: Path) -> bytes:
    """The bytes of a regular file of at most `MAX_IMPORT_BYTES`, counted as they are read
    (a device or a pipe reports no size, or a wrong one); `ImportFailed` otherwise."""
    limit = MAX_IMPORT_BYTES // 1024 // 1024
    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ImportFailed([f"{path}: not a regular file"])
            raw = b"" if status.st_size > MAX_IMPORT_BYTES else file.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise ImportFailed([f"{path}: cannot read: {exc.strerror}"]) from None
    size = max(status.st_size, len(raw))
    if size > MAX_IMPORT_BYTES:  # refused before it is all in memory
        raise ImportFailed(
            [f"{path.name}: file is {size // 1024 // 1024} MB; the limit is {limit} MB"]
        )
    return raw


def import_file(engine: Engine, path: Path, tz: ZoneInfo) -> ImportReport:
    """Validate and import one file; nothing is written if any row is bad."""
    return apply_import(engine, parse_import(read_limited(path), path.name, tz))


def _export_when(value: datetime, tz: ZoneInfo, all_day: bool) -> str:
    local = value.astimezone(tz)
    return local.date().isoformat() if all_day else local.isoformat()


def export_data(engine: Engine, tz: ZoneInfo) -> str:
    """Organizers' events, venues and FAQs as YAML in the import format."""
    with Session(engine) as session:  # a read: no write lock
        events = session.exec(select(Event).order_by(col(Event.start), col(Event.id))).all()
        venues = session.exec(select(Venue).order_by(Venue.name)).all()
        faqs = session.exec(select(Faq).where(Faq.source == ORGANIZER).order_by(Faq.id)).all()
        changes = session.exec(select(FaqChange).order_by(FaqChange.id)).all()  # type: ignore[arg-type]
    out: dict[str, list[dict[str, Any]]] = {"events": [], "venues": [], "faqs": []}
    for ev in events:
        item: dict[str, Any] = {
            "id": ev.id,
            "title": ev.title,
            "start": _export_when(ev.start, tz, ev.all_day),
        }
        if ev.end is not None:
            item["end"] = _export_when(ev.end, tz, ev.all_day)
        for key in ("venue", "district", "address", "category", "audience", "description", "url"):
            if getattr(ev, key):
                item[key] = getattr(ev, key)
        out["events"].append(item)
    # Keys in the fixed order of the import format (a model's dump follows the order its
    # attributes were loaded in, which differs between processes): two backups of the same
    # data are the same file.
    for venue in venues:
        out["venues"].append(_fields(venue, VenueIn))
    for faq in faqs:
        out["faqs"].append(_fields(faq, FaqIn))
    if changes:  # who changed which FAQ card from chat, when, and how
        out["faq_changes"] = [
            {
                "faq_id": change.faq_id,
                "action": change.action,
                "by": change.changed_by,
                "at": change.changed_at.astimezone(tz).isoformat(),
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ]
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False)


def _fields(row: SQLModel, spec: type[_Record]) -> dict[str, Any]:
    """`row`'s fields of the import format that have a value, in the format's order."""
    values = ((name, getattr(row, name, None)) for name in spec.model_fields)
    return {name: value for name, value in values if value is not None}
