"""Questions about the asker's own submissions and subscription, answered from their rows."""

from __future__ import annotations

from bot import messages
from bot.services import Services
from tests.conftest import Send
from tests.helpers.updates import USER_ID

OTHER_USER = USER_ID + 1


async def test_own_submissions_are_listed_with_their_status(
    send: Send, services: Services
) -> None:
    [reply] = await send("我的作品审核通过了没有")
    assert reply.params["text"] == messages.PERSONAL_NO_SUBMISSIONS
    [mine] = services.submissions.submit(
        "https://www.bilibili.com/video/BV1xx411c001", USER_ID, f"{USER_ID}:1"
    )
    assert mine.submission is not None
    services.submissions.set_title(mine.submission.id, USER_ID, "流感怎么防")
    services.submissions.submit(
        "https://www.bilibili.com/video/BV1xx411c002", OTHER_USER, f"{OTHER_USER}:1"
    )
    [reply] = await send("我的作品审核通过了没有")
    text = reply.params["text"]
    assert "你提交了1个作品" in text and "《流感怎么防》：待审核" in text
    assert "BV1xx411c002" not in text


async def test_own_subscription_is_described(send: Send, services: Services) -> None:
    [reply] = await send("我订阅了哪些，提醒几点发")
    assert reply.params["text"] == messages.PERSONAL_NOT_SUBSCRIBED
    services.subscriptions.subscribe(USER_ID)
    services.subscriptions.set_digest_time(USER_ID, "07:30")
    services.subscriptions.set_district(USER_ID, "渝中区")
    [reply] = await send("我订阅了哪些，提醒几点发")
    text = reply.params["text"]
    assert "每天 07:30 提醒" in text and "渝中区" in text and "/settings" in text


def test_without_a_user_the_answer_says_how_to_check(services: Services) -> None:
    answer = services.questions.ask("我的作品审核通过了没有")
    assert answer.intent == "personal_submissions"
    assert "/mine" in answer.text
