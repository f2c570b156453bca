"""A video handed in on the web page, reviewed by an organizer on Telegram: the card names a
web visitor and the contact, and the decision is shown on the page, not sent on Telegram."""

from __future__ import annotations

import httpx
from telegram.ext import Application

from bot import messages
from bot.services import Services
from bot.telegram.local_api import FakeBotAPI
from tests.conftest import NOW, Send
from tests.handlers.conftest import SESSION
from tests.handlers.web.test_api import LINK
from tests.helpers.updates import button_data, make_callback

ORGANIZER = 7


async def test_a_web_submission_is_reviewed_on_telegram_and_decided_on_the_page(
    client: httpx.AsyncClient,
    web_services: Services,
    send: Send,
    app: Application,
    bot_api: FakeBotAPI,
) -> None:
    form = {"session": SESSION, "link": LINK, "title": "防灾小课堂", "contact": "微信 kepu_cq"}
    assert (await client.post("/api/submit", json=form)).json()["accepted"] == 1
    web_services.people.grant(ORGANIZER, by=1)
    [card] = await send("/review", user_id=ORGANIZER)
    assert "《防灾小课堂》" in card.params["text"]
    assert "网页访客，联系方式：微信 kepu_cq；结果只在其页面上显示" in card.params["text"]
    before = len(bot_api.calls)
    data = button_data(card.result, messages.BUTTON_APPROVE)
    await app.process_update(
        make_callback(data, bot=app.bot, when=NOW, message=card.result, user_id=ORGANIZER)
    )
    sent_to = {int(c.params["chat_id"]) for c in bot_api.calls[before:] if "chat_id" in c.params}
    assert sent_to <= {ORGANIZER}  # nothing to the visitor's id on Telegram
    mine = (await client.get("/api/mine", headers={"X-Kepubot-Session": SESSION})).json()
    assert [item["status_label"] for item in mine["submissions"]] == [
        messages.STATUS_LABELS["approved"]
    ]
