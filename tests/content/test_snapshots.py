"""The cached text index: reused for an unchanged content version, rebuilt after a change."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

import content.knowledge as knowledge
from content.answers import Answerer
from content.db import create_db_engine
from content.importer import import_file
from tests.content.conftest import CONTENT_DATA, TZ

NOW = datetime(2024, 9, 10, 12, tzinfo=TZ)


def test_a_new_process_reuses_the_index_of_the_same_content(
    template_db: Path, tmp_path: Path, jieba_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "k.db"
    shutil.copyfile(template_db, db)
    engine = create_db_engine(f"sqlite:///{db}")
    cache = tmp_path / "cache"
    shutil.copytree(jieba_cache, cache)
    import_file(engine, CONTENT_DATA / "sample-events.yaml", TZ)

    builds: list[int] = []
    real_build = knowledge.build_text_index

    def counting_build(*args: object) -> object:
        builds.append(1)
        return real_build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(knowledge, "build_text_index", counting_build)
    first = Answerer(engine, tz=TZ, cache_dir=cache).answer("9月21日渝中区有什么活动", NOW)
    second = Answerer(engine, tz=TZ, cache_dir=cache).answer("9月21日渝中区有什么活动", NOW)
    assert builds == [1]
    assert first == second
    assert "亲子科学实验秀" in second.text

    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "events:\n  - title: 磁悬浮体验\n    start: 2024-09-21T15:00\n    district: 渝中区\n",
        encoding="utf-8",
    )
    import_file(engine, extra, TZ)
    third = Answerer(engine, tz=TZ, cache_dir=cache).answer("9月21日渝中区有什么活动", NOW)
    assert builds == [1, 1]
    assert "磁悬浮体验" in third.text
    assert len(list(cache.glob("index-*.pickle"))) == 1  # older versions are dropped


def test_an_unreadable_cache_file_is_ignored(
    template_db: Path, tmp_path: Path, jieba_cache: Path
) -> None:
    db = tmp_path / "k.db"
    shutil.copyfile(template_db, db)
    engine = create_db_engine(f"sqlite:///{db}")
    cache = tmp_path / "cache"
    shutil.copytree(jieba_cache, cache)
    Answerer(engine, tz=TZ, cache_dir=cache).warm_up()
    for path in cache.glob("index-*.pickle"):
        path.write_bytes(b"not a pickle")
    answer = Answerer(engine, tz=TZ, cache_dir=cache).answer("科普日什么时候开始", NOW)
    assert "9月15日" in answer.text
