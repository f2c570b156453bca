"""Seed the store from the shipped content files, idempotently and version-aware."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, delete, select

from content.db import session_scope
from content.models import (
    SHIPPED,
    Activity,
    Campaign,
    Contact,
    ContentArea,
    District,
    Document,
    Faq,
    Meta,
    Organizer,
    Platform,
    ReportingRequirement,
)
from content.yamlfile import load_yaml

log = logging.getLogger(__name__)

DEFAULT_CONTENT_DIR = Path(__file__).with_name("data")
CONTENT_HASH_KEY = "content_hash"
CONTENT_REVISION_KEY = "content_revision"
CONTENT_TOKEN_KEY = "content_token"

# Top-level key of the content files -> table; every table here is wholly shipped content,
# except FAQs, where only rows with source == SHIPPED belong to the files.
_LIST_TABLES: dict[str, type[SQLModel]] = {
    "documents": Document,
    "activities": Activity,
    "organizers": Organizer,
    "content_areas": ContentArea,
    "requirements": ReportingRequirement,
    "platforms": Platform,
    "contacts": Contact,
    "districts": District,
}
_POSITIONED = {"activities", "organizers", "content_areas"}


class ContentError(Exception):
    """The shipped content files are malformed."""


def content_files(content_dir: Path) -> list[Path]:
    """All YAML files of a content folder, in a stable order."""
    return sorted(p for p in content_dir.rglob("*.yaml") if p.is_file())


def content_hash(content_dir: Path) -> str:
    """A digest of the content folder: a change in any file is a new content version."""
    digest = hashlib.sha256()
    for path in content_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_content(content_dir: Path) -> dict[str, Any]:
    """Merge the content files into one mapping of top-level keys."""
    merged: dict[str, Any] = {}
    for path in content_files(content_dir):
        try:
            data = load_yaml(path) or {}
        except yaml.YAMLError as exc:
            raise ContentError(f"{path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ContentError(f"{path}: expected a mapping at the top level")
        for key, value in data.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif key in merged:
                raise ContentError(f"{path}: '{key}' is defined twice")
            else:
                merged[key] = value
    if "campaign" not in merged:
        raise ContentError(f"{content_dir}: no 'campaign' in the content files")
    return merged


def build_rows(data: dict[str, Any]) -> list[SQLModel]:
    """Turn the merged content into validated table rows."""
    rows: list[SQLModel] = []
    try:
        rows.append(Campaign.model_validate(data["campaign"]))
        for key, model in _LIST_TABLES.items():
            for position, item in enumerate(data.get(key, [])):
                fields = dict(item)
                if key in _POSITIONED:
                    fields.setdefault("position", position)
                rows.append(model.model_validate(fields))
        for item in data.get("work_requirements", []):
            rows.append(
                Faq(
                    id=item["id"],
                    question=item["title"],
                    answer=item["description"],
                    keywords=item.get("keywords", []),
                    source=SHIPPED,
                )
            )
        for item in data.get("faqs", []):
            rows.append(Faq.model_validate({**item, "source": SHIPPED}))
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"content files: {exc}") from exc
    return rows


def _get_meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key) or Meta(key=key, value=value)
    row.value = value
    session.add(row)


def bump_revision(session: Session) -> int:
    """Mark the content as changed, so answerers in every process reload it."""
    revision = int(_get_meta(session, CONTENT_REVISION_KEY) or 0) + 1
    _set_meta(session, CONTENT_REVISION_KEY, str(revision))
    # A token unique to this content version (a recreated database never reuses one).
    _set_meta(session, CONTENT_TOKEN_KEY, uuid.uuid4().hex)
    return revision


def content_revision(engine: Engine) -> int:
    """The current content revision (changes on every seed, import or edit)."""
    with Session(engine) as session:
        return int(_get_meta(session, CONTENT_REVISION_KEY) or 0)


def content_token(engine: Engine) -> str | None:
    """A random token that changes with every content change (names cached indexes)."""
    with Session(engine) as session:
        return _get_meta(session, CONTENT_TOKEN_KEY)


def seed(engine: Engine, content_dir: Path = DEFAULT_CONTENT_DIR) -> bool:
    """Load the shipped content if it changed since the last seed. Returns True if it did."""
    digest = content_hash(content_dir)
    with Session(engine) as session:
        if _get_meta(session, CONTENT_HASH_KEY) == digest:
            return False
    rows = build_rows(read_content(content_dir))
    with session_scope(engine) as session:
        for model in (Campaign, *_LIST_TABLES.values()):
            session.exec(delete(model))  # type: ignore[arg-type]
        session.exec(delete(Faq).where(Faq.source == SHIPPED))  # type: ignore[arg-type]
        clashes = set(session.exec(select(Faq.id)).all()) & {
            r.id for r in rows if isinstance(r, Faq)
        }
        if clashes:
            raise ContentError(f"shipped FAQ ids clash with organizer FAQs: {sorted(clashes)}")
        session.add_all(rows)
        _set_meta(session, CONTENT_HASH_KEY, digest)
        bump_revision(session)
    log.info("seeded %d rows of shipped content from %s", len(rows), content_dir)
    return True
