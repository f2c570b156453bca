"""Fixtures of the end-to-end tests: a Bot API stand-in over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.http_bot_api import HttpBotAPI


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[HttpBotAPI]:
    """The stand-in, for the token the test module names as TOKEN."""
    server = HttpBotAPI(request.module.TOKEN)
    yield server
    server.stop()
