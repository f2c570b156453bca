"""The Official Account's settings for the WeChat tests (token, appid, EncodingAESKey)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from tests.conftest import TEST_TOKEN

WECHAT_TOKEN = "kepubot-wechat-token"
APPID = "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture
def settings(db_url: str, jieba_cache: Path) -> Settings:
    return load_settings(
        database_url=db_url,
        telegram_token=TEST_TOKEN,
        jieba_cache_dir=jieba_cache,
        flood_messages=0,
        wechat_token=WECHAT_TOKEN,
        wechat_appid=APPID,
        wechat_aes_key=AES_KEY,
    )
