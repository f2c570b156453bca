"""Fixtures of the bot's service tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from content.db import create_db_engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on this test's own database."""
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()
