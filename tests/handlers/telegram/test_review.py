"""Organizers through the real Application: the queue, decisions, notices, forged buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlmodel import Session, select
from telegram.ext import Application

from bot import messages
from bot.creators.submissions import Status, SubmissionView
from bot.services import Services
from bot.store.models import SubmissionReview
from bot.telegram.local_api import ApiCall, FakeBotAPI
from handlers.telegram.review import ReviewAction, parse_review_data, review_data
from tests.conftest import NOW, Send
from tests.helpers.pages import OfflineFetcher
from tests.helpers.updates import button_data, button_labels, make_callback
from tests.helpers.wording import untranslated_in

CREATOR, ORGANIZER, STRANGER = 42, 7, 666

Press = Callable[..., Awaitable[list[ApiCall]]]


@pytest.fixture
def press(app: Application, bot_api: FakeBotAPI) -> Press:
    async def _press(
        message: dict[str, Any], label: str = "", *, user_id: int, data: str | None = None
    ) -> list[ApiCall]:
        before = len(bot_api.calls)
        data = data if data is not None else button_data(message, label)
        await app.process_update(
            make_callback(data, bot=app.bot, when=NOW, message=message, user_id=user_id)
        )
        return bot_api.calls[before:]

    return _press


@pytest.fixture
def organizer(services: Services) -> int:
    services.people.grant(ORGANIZER, by=1)
    return ORGANIZER


def _submit(services: Services, n: int = 0, title: str | None = "流感怎么防") -> SubmissionView:
    link = f"https://www.bilibili.com/video/BV1xx411c{n:03d}"
    [result] = services.submissions.submit(link, CREATOR, f"{CREATOR}:{n}")
    assert result.submission is not None
    view = result.submission
    if title:
        view = services.submissions.set_title(view.id, CREATOR, f"{title}{n or ''}")
    services.submissions.set_category([view.id], CREATOR, "健康")
    return view


def _sent_to(calls: list[ApiCall], chat_id: int) -> list[str]:
    return [
        c.params["text"]
        for c in calls
        if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id
    ]


def _reviews(services: Services) -> list[SubmissionReview]:
    with Session(services.engine) as session:
        return list(session.exec(select(SubmissionReview)))


def test_callback_data_round_trips_and_fits() -> None:
    data = review_data(ReviewAction.REASON, 123456789012, 4)
    assert len(data.encode()) <= 64
    press = parse_review_data(data)
    assert press is not None and (press.submission_id, press.reason) == (123456789012, 4)
    for forged in ["rev:ok:", "rev:ok:abc", "rev:nuke:1", "rev:ok:1:2:3", "rev:ok:-1", "x"]:
        assert parse_review_data(forged) is None


async def test_submit_review_notify_showcase(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI, organizer: int
) -> None:
    [empty] = await send("/showcase")
    assert empty.params["text"].startswith("还没有通过审核的视频")
    view = _submit(services)
    services.submissions.set_creator_name([view.id], CREATOR, "重庆市科协")

    [card] = await send("/review", user_id=organizer)
    text = card.params["text"]
    assert "待审核 1 条" in text and f"#{view.id} bilibili · 健康" in text
    assert "《流感怎么防》" in text and "署名：重庆市科协" in text
    assert "https://www.bilibili.com/video/BV1xx411c000" in text
    assert button_labels(card.result) == [
        messages.BUTTON_APPROVE,
        messages.BUTTON_REJECT,
        messages.BUTTON_SKIP_REVIEW,
    ]

    calls = await press(card.result, messages.BUTTON_APPROVE, user_id=organizer)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "✅ 已通过" in edit.params["text"]
    assert button_labels({"reply_markup": edit.params["reply_markup"]}) == [
        messages.BUTTON_CHANGE_REJECT
    ]
    [notice] = _sent_to(calls, CREATOR)
    assert notice.startswith("你提交的视频《流感怎么防》已通过审核")
    assert _sent_to(calls, organizer) == [messages.REVIEW_EMPTY]

    [review] = _reviews(services)
    assert (review.decision, review.reviewer_id, review.decided_at) == ("approved", organizer, NOW)

    [shown] = await send("/showcase", user_id=999)
    assert "<b>健康</b>" in shown.params["text"]
    assert (
        '<a href="https://www.bilibili.com/video/BV1xx411c000">流感怎么防</a>'
        "（bilibili · 重庆市科协）"
    ) in shown.params["text"]
    [mine] = await send("/mine", user_id=CREATOR)
    assert "— 已通过" in mine.params["text"]
    assert untranslated_in(bot_api) == {}  # cards, notices, buttons: all in Chinese


async def test_reject_with_a_preset_reason_then_change_the_decision(
    send: Send, press: Press, services: Services, organizer: int
) -> None:
    view = _submit(services)
    _submit(services, 1)
    [card] = await send("/review", user_id=organizer)
    calls = await press(card.result, messages.BUTTON_REJECT, user_id=organizer)
    [keyboard] = [c for c in calls if c.method == "editMessageReplyMarkup"]
    reasons = {"reply_markup": keyboard.params["reply_markup"]}
    assert "与科普主题无关" in button_labels(reasons)
    assert "视频没有带 #千万IP创科普# 话题" in button_labels(reasons)
    back = await press({**card.result, **reasons}, messages.BUTTON_BACK, user_id=organizer)
    assert [c.method for c in back] == ["answerCallbackQuery", "editMessageReplyMarkup"]

    calls = await press({**card.result, **reasons}, "与科普主题无关", user_id=organizer)
    [notice] = _sent_to(calls, CREATOR)
    assert "未通过审核" in notice and "理由：与科普主题无关" in notice
    [next_card] = [
        c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == organizer
    ]
    assert f"#{view.id + 1} " in next_card.params["text"]
    [edit] = [c for c in calls if c.method == "editMessageText"]
    changed = {**card.result, "reply_markup": edit.params["reply_markup"]}

    calls = await press(changed, messages.BUTTON_CHANGE_APPROVE, user_id=organizer)
    [notice] = _sent_to(calls, CREATOR)
    assert notice.startswith(messages.NOTIFY_CHANGED) and "已通过审核" in notice
    assert _sent_to(calls, organizer) == []  # changing an old card does not deal a new one
    assert [r.decision for r in _reviews(services)] == ["rejected", "approved"]
    assert services.submissions.get(view.id).status == Status.APPROVED  # type: ignore[union-attr]


async def test_reject_with_a_typed_reason(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI, organizer: int
) -> None:
    view = _submit(services)
    [card] = await send("/review", user_id=organizer)
    calls = await press(card.result, messages.BUTTON_REJECT, user_id=organizer)
    reasons = {**card.result, "reply_markup": calls[-1].params["reply_markup"]}
    calls = await press(reasons, messages.BUTTON_TYPE_REASON, user_id=organizer)
    assert _sent_to(calls, organizer) == [messages.REVIEW_ASK_REASON]

    before = len(bot_api.calls)
    replies = await send("画面太暗，看不清实验步骤", user_id=organizer)
    calls = bot_api.calls[before:]
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.params["message_id"] == card.result["message_id"]
    assert "❌ 未通过</b>：画面太暗，看不清实验步骤" in edit.params["text"]
    [notice] = _sent_to(calls, CREATOR)
    assert "理由：画面太暗，看不清实验步骤" in notice
    assert [r.params["text"] for r in replies if r.params["chat_id"] == organizer] == [
        messages.REVIEW_EMPTY
    ]
    assert services.submissions.get(view.id).review_reason == "画面太暗，看不清实验步骤"  # type: ignore[union-attr]


async def test_typing_a_reason_can_be_cancelled(
    send: Send, press: Press, services: Services, organizer: int
) -> None:
    _submit(services)
    [card] = await send("/review", user_id=organizer)
    calls = await press(card.result, messages.BUTTON_REJECT, user_id=organizer)
    reasons = {**card.result, "reply_markup": calls[-1].params["reply_markup"]}
    await press(reasons, messages.BUTTON_TYPE_REASON, user_id=organizer)
    [reply] = await send("/cancel", user_id=organizer)
    assert reply.params["text"] == messages.REVIEW_REASON_CANCELLED
    assert _reviews(services) == []


async def test_skip_deals_the_next_and_review_starts_over(
    send: Send, press: Press, services: Services, organizer: int
) -> None:
    first, second = _submit(services), _submit(services, 1)
    [card] = await send("/review", user_id=organizer)
    assert f"#{first.id} " in card.params["text"]
    calls = await press(card.result, messages.BUTTON_SKIP_REVIEW, user_id=organizer)
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "已跳过" in edit.params["text"]
    [next_card] = _sent_to(calls, organizer)
    assert f"#{second.id} " in next_card
    calls = await press(
        card.result, user_id=organizer, data=review_data(ReviewAction.SKIP, second.id)
    )
    assert _sent_to(calls, organizer)[-1] == messages.REVIEW_EMPTY
    [again] = await send("/review", user_id=organizer)
    assert f"#{first.id} " in again.params["text"]


@pytest.mark.parametrize(
    "action",
    [
        ReviewAction.APPROVE,
        ReviewAction.REJECT,
        ReviewAction.REASON,
        ReviewAction.TYPE_REASON,
        ReviewAction.SKIP,
        ReviewAction.BACK,
    ],
)
async def test_forged_buttons_from_non_organizers_change_nothing(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI, action: ReviewAction
) -> None:
    view = _submit(services)
    [refused] = await send("/review", user_id=STRANGER)
    assert refused.params["text"] == messages.ORGANIZERS_ONLY
    forged = review_data(action, view.id, 0 if action == ReviewAction.REASON else None)
    message = {
        "message_id": 999,
        "date": int(NOW.timestamp()),
        "chat": {"id": STRANGER, "type": "private"},
        "text": "anything",
    }
    calls = await press(message, user_id=STRANGER, data=forged)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == messages.ORGANIZERS_ONLY
    assert calls[0].params["show_alert"] is True
    await send("我想写个理由", user_id=STRANGER)  # no typed-reason conversation was started
    assert services.submissions.get(view.id).status == Status.PENDING  # type: ignore[union-attr]
    assert _reviews(services) == []
    assert _sent_to(bot_api.calls, CREATOR) == []


async def test_a_withdrawn_submission_cannot_be_decided(
    send: Send, press: Press, services: Services, organizer: int
) -> None:
    view = _submit(services)
    [card] = await send("/review", user_id=organizer)
    services.submissions.withdraw([view.id], CREATOR)
    calls = await press(card.result, messages.BUTTON_APPROVE, user_id=organizer)
    assert calls[0].params["text"] == messages.REVIEW_GONE
    assert _reviews(services) == []


async def test_a_creator_who_blocked_the_bot_is_marked(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI, organizer: int
) -> None:
    _submit(services)
    await send("/mine", user_id=CREATOR)  # the creator is a known user
    [card] = await send("/review", user_id=organizer)
    bot_api.blocked_chats.add(CREATOR)
    calls = await press(card.result, messages.BUTTON_APPROVE, user_id=organizer)
    assert any(c.method == "editMessageText" for c in calls)
    assert _sent_to(calls, organizer) == [messages.REVIEW_EMPTY]  # the queue goes on
    user = services.people.known_user(CREATOR)
    assert user is not None and user.blocked


async def test_a_queue_of_100_is_worked_through_with_buttons_alone(
    send: Send, press: Press, services: Services, organizer: int
) -> None:
    services.submissions.fetcher = OfflineFetcher()
    for n in range(100):
        _submit(services, n, title=None if n % 3 else "视频")
    [card] = await send("/review", user_id=organizer)
    decided = 0
    while card is not None:
        label = messages.BUTTON_APPROVE if decided % 2 else messages.BUTTON_REJECT
        calls = await press(card.result, label, user_id=organizer)
        if label == messages.BUTTON_REJECT:
            reasons = {**card.result, "reply_markup": calls[-1].params["reply_markup"]}
            calls = await press(reasons, "内容不符合活动要求", user_id=organizer)
        decided += 1
        dealt = [
            c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == organizer
        ]
        card = dealt[0] if dealt and dealt[0].params.get("reply_markup") else None
    assert decided == 100
    assert services.submissions.pending_count() == 0
    assert len(_reviews(services)) == 100
