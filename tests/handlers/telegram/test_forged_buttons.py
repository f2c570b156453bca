"""Organizer-only buttons pressed or crafted, and organizer commands forwarded, by someone who
is not an organizer: refused, logged with the user id, and nothing changes."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI, message_update, user_payload
from handlers.telegram import broadcast, content_updates, review, teach
from tests.conftest import NOW
from tests.helpers.updates import make_callback

STRANGER = 66_666

REFUSED = [
    f"{review.REVIEW_PREFIX}:{review.ReviewAction.APPROVE.value}:1",
    f"{review.REVIEW_PREFIX}:{review.ReviewAction.REJECT.value}:1",
    f"{review.REVIEW_PREFIX}:{review.ReviewAction.REASON.value}:1:0",
    f"{broadcast.STOP}1",
    content_updates.APPLY + "0",
    content_updates.DISCARD + "0",
    teach.ANSWER + "1",
    teach.EDIT + "faq-1",
    teach.DELETE + "faq-1",
    teach.DELETE_CONFIRM + "faq-1",
]
IN_FLOW_ONLY = [
    broadcast.CONFIRM,
    broadcast.NOW,
    broadcast.AUDIENCE + "all",
    teach.CONFIRM,
    teach.DISCARD,
]
"""Buttons of the organizers' flows: only an organizer can be in one, so for anyone else they
match no step, and are answered as expired."""


@pytest.mark.parametrize("data", REFUSED + IN_FLOW_ONLY)
async def test_a_crafted_button_gives_no_power(
    app: Application,
    bot_api: FakeBotAPI,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    message = {
        "message_id": 1,
        "date": int(NOW.timestamp()),
        "chat": {"id": STRANGER, "type": "private"},
        "text": "按钮",
    }
    with caplog.at_level(logging.WARNING):
        await app.process_update(
            make_callback(data, bot=app.bot, when=NOW, message=message, user_id=STRANGER)
        )
    answers = [c for c in bot_api.calls if c.method == "answerCallbackQuery"]
    sent = [c for c in bot_api.calls if c.method in {"sendMessage", "editMessageText"}]
    refused = [a for a in answers if a.params.get("text") == messages.ORGANIZERS_ONLY]
    if data in REFUSED:
        assert refused, answers
        assert any(str(STRANGER) in r.getMessage() for r in caplog.records)
    else:
        assert [a.params.get("text") for a in answers] == [messages.BUTTON_EXPIRED]
    assert all(messages.ORGANIZERS_ONLY in c.params.get("text", "") for c in sent)
    assert services.outbox.recent(5) == []
    assert not services.people.is_organizer(STRANGER)


ORGANIZER = 77_777
ORGANIZER_COMMANDS = [
    "/broadcast 科普日今天开幕",
    "/broadcasts",
    "/review",
    "/stats",
    "/unanswered",
    "/faq",
    f"/grant {STRANGER}",
    f"/revoke {ORGANIZER}",
    "/event",
]


@pytest.mark.parametrize("command", ORGANIZER_COMMANDS)
async def test_a_forwarded_organizer_command_gives_no_power(
    app: Application,
    bot_api: FakeBotAPI,
    services: Services,
    caplog: pytest.LogCaptureFixture,
    command: str,
) -> None:
    """A stranger forwards a message an organizer wrote: the sender is the stranger."""
    services.people.grant(ORGANIZER, by=1)
    payload = message_update(command, when=NOW, user_id=STRANGER)
    payload["message"]["forward_origin"] = {
        "type": "user",
        "date": int(NOW.timestamp()),
        "sender_user": user_payload(ORGANIZER),
    }
    with caplog.at_level(logging.WARNING):
        await app.process_update(Update.de_json(payload, app.bot))
    sent = [c.params["text"] for c in bot_api.sent_messages]
    assert sent == [messages.ORGANIZERS_ONLY]
    assert any(str(STRANGER) in r.getMessage() for r in caplog.records)
    assert services.outbox.recent(5) == []
    assert not services.people.is_organizer(STRANGER)
    assert services.people.is_organizer(ORGANIZER)
