"""The public channels' server as it is started: `kepubot web` (no token) and beside Telegram
in `kepubot run` when KEPUBOT_WEB_PORT is set."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.app import build_application, serve_public
from bot.chat import BANNER
from bot.public import PublicServer
from bot.services import services_from
from bot.settings import Settings, SettingsError, load_settings
from bot.telegram.local_api import FakeBotAPI
from content.answers import Answerer
from tests.conftest import NOW
from tests.helpers.pages import OfflineFetcher
from tests.helpers.ports import free_port

KEPUBOT = Path(sys.executable).with_name("kepubot")
QUESTION = "科普日什么时候开始"
SESSION = {"session": "public-server-test-0123456789"}


async def test_kepubot_web_serves_the_chat_without_a_token(
    db_url: str, jieba_cache: Path, answerer: Answerer, clock: object
) -> None:
    settings = load_settings(database_url=db_url, jieba_cache_dir=jieba_cache)
    assert settings.token is None
    stop = asyncio.Event()
    ready: asyncio.Future[PublicServer] = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(
        serve_public(
            settings.model_copy(update={"web_port": free_port()}),
            clock=clock,  # type: ignore[arg-type]
            answerer=answerer,
            fetcher=OfflineFetcher(),
            stop=stop,
            on_ready=ready.set_result,
        )
    )
    server = await asyncio.wait_for(ready, 30)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        assert (await client.get("/chat")).status_code == 200
        assert (await client.get("/healthz")).json()["database"] == "ok"
        assert (await client.get("/wechat")).status_code == 404  # no WeChat token set
        answer = await client.post("/api/ask", json={"question": QUESTION, **SESSION})
    assert answer.json()["answer"] == answerer.answer(QUESTION, NOW).text
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_run_serves_the_web_chat_beside_telegram_when_its_port_is_set(
    settings: Settings, bot_api: FakeBotAPI, answerer: Answerer, clock: object
) -> None:
    port = free_port()
    application = build_application(
        settings.model_copy(update={"web_port": port, "run_dispatcher": False}),
        request=bot_api.request(),
        get_updates_request=bot_api.request(),
        clock=clock,  # type: ignore[arg-type]
        answerer=answerer,
        fetcher=OfflineFetcher(),
    )
    async with application:
        assert application.post_init and application.post_stop and application.post_shutdown
        await application.post_init(application)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            answer = await client.post("/api/ask", json={"question": QUESTION, **SESSION})
            assert answer.json()["answer"] == answerer.answer(QUESTION, NOW).text
        await application.post_stop(application)
    await application.post_shutdown(application)
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/chat")
    services_from(application.bot_data).engine.dispose()


def test_safe_mode_without_an_appid_is_a_clear_error(settings: Settings) -> None:
    from bot.public import wechat_config

    broken = load_settings(
        database_url=settings.database_url,
        wechat_token="t",
        wechat_aes_key="a" * 43,
    )
    with pytest.raises(SettingsError, match="KEPUBOT_WECHAT_APPID"):
        wechat_config(broken)


def test_the_console_script_serves_the_page_and_stops_on_sigterm(
    db_url: str, jieba_cache: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEPUBOT_")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.update({"KEPUBOT_DATABASE_URL": db_url, "KEPUBOT_JIEBA_CACHE_DIR": str(jieba_cache)})
    process = subprocess.Popen(
        [str(KEPUBOT), "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/chat", timeout=5)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "kepubot web did not start"
                time.sleep(0.2)
        assert page.status_code == 200 and "问答助手" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_the_terminal_chat_names_the_web_chat() -> None:
    assert "kepubot web" in BANNER
