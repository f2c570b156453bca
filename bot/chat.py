"""`kepubot chat`: the real Application and handlers, driven from a terminal via the fake API."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, TextIO

from telegram import Update

from bot.app import build_application
from bot.clock import Clock, system_clock
from bot.formatting import to_plain
from bot.settings import Settings
from bot.telegram.local_api import FakeBotAPI, callback_update, message_update

CHAT_USER_ID = 10001
PROMPT = "你> "
BANNER = (
    "本地对话（不连接 Telegram）。输入问题后回车；输入 /help 查看说明；"
    "输入相关问题前的数字可直接提问；Ctrl-D 退出。\n"
    "网页版（手机浏览器、微信里也能打开）：kepubot web，然后打开 http://127.0.0.1:8080/chat"
)


async def run_chat(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    *,
    interactive: bool = False,
    clock: Clock | None = None,
) -> None:
    """Feed each input line to the bot as a Telegram update and print what it replies."""
    clock = clock or system_clock(settings.tz)
    api = FakeBotAPI(clock=clock)
    application = build_application(
        settings, request=api.request(), get_updates_request=api.request(), clock=clock
    )
    message_ids = itertools.count(1)
    buttons: list[tuple[str, str]] = []  # (label, callback data) of the last reply
    last_message: dict[str, Any] = {}
    async with application:
        if application.post_init:
            await application.post_init(application)
        if interactive:
            print(BANNER, file=stdout, flush=True)
        while (line := await _read_line(stdin, interactive)) is not None:
            text = line.strip()
            if not text:
                continue
            now = clock()
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                data = buttons[int(text) - 1][1]
                payload = callback_update(
                    data, when=now, message=last_message, user_id=CHAT_USER_ID
                )
            else:
                payload = message_update(
                    text, when=now, user_id=CHAT_USER_ID, message_id=next(message_ids)
                )
            seen = len(api.calls)
            await application.process_update(Update.de_json(payload, application.bot))
            for call in api.calls[seen:]:
                if call.method not in ("sendMessage", "editMessageText"):
                    continue
                print(to_plain(str(call.params.get("text", ""))), file=stdout)
                buttons = _buttons(call.params.get("reply_markup"))
                last_message = call.result or {}
                for number, (label, _data) in enumerate(buttons, start=1):
                    print(f"  [{number}] {label}", file=stdout)
                if interactive:
                    print(file=stdout)
            stdout.flush()
            api.check()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return await asyncio.to_thread(input, PROMPT)
        except EOFError:
            print()
            return None
    line = await asyncio.to_thread(stdin.readline)
    return line or None


def _buttons(markup: object) -> list[tuple[str, str]]:
    if not isinstance(markup, dict):
        return []
    return [
        (str(button.get("text", "")), str(button.get("callback_data", "")))
        for row in markup.get("inline_keyboard", [])
        for button in row
        if button.get("callback_data")
    ]
