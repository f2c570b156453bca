from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from bot.store import open_store
from bot.store.schema import migrate
from content.db import create_db_engine
from content.importer import import_file
from content.models import Activity, Campaign, Event, Faq
from content.seed import DEFAULT_CONTENT_DIR, seed
from tests.conftest import DATA_DIR, TZ

TABLES: list[type[SQLModel]] = [Campaign, Activity, Faq, Event]


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in TABLES
        }


def test_seeding_twice_adds_nothing(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    migrate(engine)
    assert seed(engine) is True
    first = _counts(engine)
    assert first["Campaign"] == 1
    assert first["Activity"] > 0
    migrate(engine)
    assert seed(engine) is False
    assert _counts(engine) == first


def test_new_content_version_updates_and_keeps_organizer_data(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    engine = create_db_engine(f"sqlite:///{tmp_path / 'k.db'}")
    migrate(engine)
    seed(engine, content)
    import_file(engine, DATA_DIR / "qa-dev-events.yaml", TZ)
    campaign_file = content / "notice" / "campaign.yaml"
    text = campaign_file.read_text(encoding="utf-8")
    campaign_file.write_text(text.replace("协力建设科技强国", "协力建设科技强国（修订）", 1))
    assert seed(engine, content) is True
    with Session(engine) as session:
        assert session.exec(select(Campaign)).one().theme.endswith("（修订）")
        assert len(session.exec(select(Event)).all()) == 4


def test_open_store_creates_the_database_folder(tmp_path: Path, jieba_cache: Path) -> None:
    from bot.settings import load_settings

    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'new' / 'dir' / 'k.db'}")
    engine = open_store(settings)
    assert _counts(engine)["Campaign"] == 1
    engine.dispose()
