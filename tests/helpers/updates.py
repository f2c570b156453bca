"""Factories for real `telegram.Update` objects, as a Telegram client would send them."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from telegram import Bot, Update

from bot.telegram.local_api import callback_update, message_update

USER_ID = 42
GROUP_ID = -1001234567
_message_ids = itertools.count(100)


def make_message(
    text: str,
    *,
    bot: Bot,
    when: datetime,
    chat_type: str = "private",
    user_id: int = USER_ID,
    chat_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
) -> Update:
    """A message update; commands and @mentions carry their entities."""
    if chat_id is None:
        chat_id = user_id if chat_type == "private" else GROUP_ID
    payload = message_update(
        text,
        when=when,
        user_id=user_id,
        chat_id=chat_id,
        chat_type=chat_type,
        message_id=next(_message_ids),
        reply_to=reply_to,
    )
    return Update.de_json(payload, bot)


def make_callback(
    data: str, *, bot: Bot, when: datetime, message: dict[str, Any], user_id: int = USER_ID
) -> Update:
    """A press on an inline button under `message` (a message the bot sent)."""
    return Update.de_json(callback_update(data, when=when, message=message, user_id=user_id), bot)


def button_data(message: dict[str, Any], label: str) -> str:
    """The callback data of the inline button labelled `label` (a substring) under `message`."""
    markup = message.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} under the message")


def button_labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def make_upload(
    *,
    bot: Bot,
    when: datetime,
    document: dict[str, Any] | None = None,
    photo: list[dict[str, Any]] | None = None,
    caption: str | None = None,
    user_id: int = USER_ID,
) -> Update:
    """A private message carrying a document or a photo, with an optional caption."""
    payload = message_update("", when=when, user_id=user_id, message_id=next(_message_ids))
    message = payload["message"]
    del message["text"]
    message.pop("entities", None)
    if document is not None:
        message["document"] = document
    if photo is not None:
        message["photo"] = photo
    if caption is not None:
        message["caption"] = caption
    return Update.de_json(payload, bot)
