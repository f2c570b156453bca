"""Fixtures for the question engine: answerers over the shipped notice, with and without
an organizer's event list imported."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from content.answers import Answerer
from content.db import create_db_engine
from content.importer import import_file

TZ = ZoneInfo("Asia/Shanghai")
CONTENT_DATA = Path(__file__).parent / "data"
SHARED = CONTENT_DATA  # copies of ../shared/qa-dev-set.yaml and qa-dev-events.yaml


def _answerer(template_db: Path, folder: Path, cache: Path, *imports: Path) -> Answerer:
    path = folder / "kepubot.db"
    shutil.copyfile(template_db, path)
    engine = create_db_engine(f"sqlite:///{path}")
    for file in imports:
        import_file(engine, file, TZ)
    answerer = Answerer(engine, tz=TZ, cache_dir=cache)
    answerer.warm_up()
    return answerer


@pytest.fixture(scope="session")
def notice_answerer(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
) -> Answerer:
    """Answers from the shipped notice only."""
    return _answerer(template_db, tmp_path_factory.mktemp("notice"), jieba_cache)


@pytest.fixture(scope="session")
def events_answerer(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
) -> Answerer:
    """Answers after importing our sample event list."""
    return _answerer(
        template_db,
        tmp_path_factory.mktemp("events"),
        jieba_cache,
        CONTENT_DATA / "sample-events.yaml",
    )
