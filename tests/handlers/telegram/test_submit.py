"""Creators through the real Application: links in, the guided flow, duplicates, bad input."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from telegram.ext import Application

from bot import messages
from bot.app import build_application
from bot.creators.fetcher import PageFetcher, SafeFetcher
from bot.creators.submissions import Status
from bot.services import Services, services_from
from bot.settings import Settings
from bot.store.models import Submission
from bot.telegram.local_api import ApiCall, FakeBotAPI
from content.answers import Answerer
from tests.conftest import NOW, Send
from tests.helpers.corpora import CORPORA
from tests.helpers.pages import LocalPages, video_page
from tests.helpers.updates import USER_ID, button_data, button_labels, make_callback, make_message
from tests.helpers.wording import untranslated_in

DOUYIN_SHORT = "http://v.douyin.com/iRNBho6/"
DOUYIN_LONG = "http://www.iesdouyin.com/share/video/7412345678901234567/"
BILIBILI = "http://www.bilibili.com/video/BV1xx411c7mD"
SHARE_TEXT = f"7.94 复制打开抖音，看看【流感怎么防】 {DOUYIN_SHORT} z@G.vs 还有B站：{BILIBILI}"

Press = Callable[..., Awaitable[list[ApiCall]]]


@pytest.fixture
def pages() -> Iterator[LocalPages]:
    with LocalPages() as server:
        server.redirect(DOUYIN_SHORT, DOUYIN_LONG)
        body = video_page("流感怎么防 - 抖音", author="科普小课堂", description="#千万IP创科普#")
        server.add(DOUYIN_LONG, body=body)
        server.add(BILIBILI, body=b"<html><body>no title here</body></html>")
        yield server


@pytest.fixture
def page_fetcher(pages: LocalPages) -> PageFetcher:
    """The application's fetcher: the real SafeFetcher, pointed at the local pages."""
    return pages.fetcher()


@pytest.fixture
def press(app: Application, bot_api: FakeBotAPI) -> Press:
    """Press the button labelled `label` under a bot message; returns the calls it caused."""

    async def _press(
        message: dict[str, Any], label: str, *, user_id: int = USER_ID, data: str | None = None
    ) -> list[ApiCall]:
        before = len(bot_api.calls)
        data = data if data is not None else button_data(message, label)
        await app.process_update(
            make_callback(data, bot=app.bot, when=NOW, message=message, user_id=user_id)
        )
        return bot_api.calls[before:]

    return _press


def _rows(services: Services) -> list[Submission]:
    with Session(services.engine) as session:
        return list(session.exec(select(Submission).order_by(Submission.id)))


def _texts(calls: list[ApiCall]) -> list[str]:
    return [call.params.get("text", "") for call in calls if call.method == "sendMessage"]


async def test_a_share_text_goes_through_the_guided_flow(
    send: Send, press: Press, services: Services
) -> None:
    replies = await send(SHARE_TEXT)
    summary, ask_title = replies
    assert "✅ 已识别：抖音《流感怎么防》（带有 #千万IP创科普#）" in summary.params["text"]
    assert (
        "✅ 已识别：bilibili https://www.bilibili.com/video/BV1xx411c7mD"
        in (summary.params["text"])
    )
    assert "已收到" not in summary.params["text"]  # nothing is kept until the flow is done
    assert "/cancel 放弃，链接不会保存" in summary.params["text"]
    assert "没能读到这个视频的标题" in ask_title.params["text"]
    assert button_labels(ask_title.result) == [messages.BUTTON_CANCEL]

    [ask_category] = await send("猫为什么怕黄瓜")
    assert ask_category.params["text"] == messages.ASK_CATEGORY_MANY.format(count=2)
    labels = button_labels(ask_category.result)
    assert labels == ["健康", "航天", "人工智能", "农业", "防灾", "其他", messages.BUTTON_CANCEL]

    calls = await press(ask_category.result, "航天")
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.params["text"] == messages.CATEGORY_CHOSEN.format(category="航天")
    [ask_creator] = [c for c in calls if c.method == "sendMessage"]
    assert ask_creator.params["text"] == messages.ASK_CREATOR
    assert button_labels(ask_creator.result) == [messages.BUTTON_SKIP, messages.BUTTON_CANCEL]

    [done] = await send("重庆市科协")
    assert done.params["text"].startswith("🎉 提交完成！2 个视频已保存并进入审核队列")
    assert "其中 1 个视频的页面上没看到 #千万IP创科普#" in done.params["text"]
    assert done.params["text"].count("#千万IP创科普#") == 1  # one hashtag line

    douyin, bilibili = _rows(services)
    assert douyin.canonical_url == "https://www.douyin.com/video/7412345678901234567"
    assert (douyin.title, douyin.author, douyin.has_hashtag) == ("流感怎么防", "科普小课堂", True)
    assert (bilibili.title, bilibili.has_hashtag) == ("猫为什么怕黄瓜", False)
    assert {douyin.category, bilibili.category} == {"航天"}
    assert {douyin.creator_name, bilibili.creator_name} == {"重庆市科协"}
    assert {douyin.status, bilibili.status} == {"pending"}


async def test_the_name_given_last_time_is_offered_again(
    send: Send, press: Press, services: Services
) -> None:
    [earlier] = services.submissions.submit("https://www.ixigua.com/741234567890", USER_ID, "1:1")
    assert earlier.submission is not None
    services.submissions.set_creator_name([earlier.submission.id], USER_ID, "科普小课堂")
    [_, ask_title] = await send("https://www.zhihu.com/zvideo/1412345678901234567")
    assert ask_title.params["text"].startswith("没能读到")  # the page answered 404
    [ask_category] = await send("知乎上的视频")
    calls = await press(ask_category.result, "健康")
    [ask_creator] = [c for c in calls if c.method == "sendMessage"]
    assert button_labels(ask_creator.result)[0] == "沿用：科普小课堂"
    calls = await press(ask_creator.result, "沿用")
    assert _texts(calls)[0].startswith("🎉 提交完成！1 个视频")
    assert _rows(services)[-1].creator_name == "科普小课堂"


@pytest.mark.parametrize("step", ["title", "category", "creator"])
@pytest.mark.parametrize("how", ["button", "command"])
async def test_the_flow_can_be_cancelled_at_any_step(
    send: Send, press: Press, services: Services, step: str, how: str
) -> None:
    [_, prompt] = await send(SHARE_TEXT)
    if step in ("category", "creator"):
        [prompt] = await send("标题")
    if step == "creator":
        prompt = next(c for c in await press(prompt.result, "健康") if c.method == "sendMessage")
    assert len(_rows(services)) == 2
    if how == "button":
        texts = _texts(await press(prompt.result, messages.BUTTON_CANCEL))
    else:
        texts = [reply.params["text"] for reply in await send("/cancel")]
    assert texts == [messages.SUBMIT_CANCELLED]
    assert _rows(services) == []
    [reply] = await send("/cancel")
    assert reply.params["text"] == messages.NOTHING_TO_CANCEL


async def test_a_typed_category_works_and_other_text_gets_a_reminder(
    send: Send, services: Services
) -> None:
    await send(f"/submit {DOUYIN_SHORT}")
    [reminder] = await send("科普日什么时候开始")
    assert reminder.params["text"] == messages.ASK_CATEGORY_AGAIN
    [ask_creator] = await send("防灾")
    assert ask_creator.params["text"] == messages.ASK_CREATOR
    [done] = await send("跳过吧其实这是名字")
    assert done.params["text"].startswith("🎉")
    assert _rows(services)[0].category == "防灾"


async def test_the_same_video_again_is_a_friendly_duplicate(
    send: Send, services: Services
) -> None:
    await send(f"/submit {DOUYIN_SHORT}")
    [reply] = await send("https://www.douyin.com/video/7412345678901234567?previous_page=x")
    assert reply.params["text"].startswith("ℹ️ 你已在 2024-09-10 提交过这个视频")
    assert "状态：待审核" in reply.params["text"]
    [other] = await send(f"/submit {DOUYIN_SHORT}", user_id=USER_ID + 1)
    assert "由其他人提交过" in other.params["text"]
    assert len(_rows(services)) == 1


async def test_the_same_update_delivered_twice_makes_one_row(
    app: Application, bot_api: FakeBotAPI, services: Services
) -> None:
    update = make_message(f"/submit {DOUYIN_SHORT}", bot=app.bot, when=NOW)
    await app.process_update(update)
    sent = len(bot_api.sent_messages)
    await app.process_update(update)
    assert len(bot_api.sent_messages) == sent  # nothing new to say
    assert len(_rows(services)) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("/submit 你好", "没有找到链接"),
        ("/submit javascript:alert(document.domain)//https://www.douyin.com/", "只接受 http://"),
        ("/submit file:///etc/passwd", "只接受 http://"),
        ("/submit https://douyin.com@127.0.0.1/", "用户名@"),
        ("https://evildouyin.com/video/7412345678901234567", "不在支持的平台之内"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "不在支持的平台之内"),
        ("看 https://www.douyin.com/video/1 " + "长" * 5000, "消息太长了（最多 4096 字）"),
    ],
)
async def test_bad_input_says_what_is_accepted_and_stores_nothing(
    send: Send, services: Services, pages: LocalPages, text: str, reason: str
) -> None:
    [reply] = await send(text)
    assert reason in reply.params["text"]
    assert "支持的平台：科普中国、学习强国、微博、抖音、快手、知乎" in reply.params["text"]
    assert "#千万IP创科普#" in reply.params["text"]
    assert _rows(services) == []
    assert pages.requests == []


async def test_submit_without_a_link_explains_and_plain_questions_still_get_answers(
    send: Send, services: Services
) -> None:
    [usage] = await send("/submit")
    assert "请发送科普短视频的分享链接" in usage.params["text"]
    answers = await send("科普日什么时候开始")
    assert answers and "2024" in answers[0].params["text"]
    assert _rows(services) == []


async def test_submit_in_a_group_asks_for_a_private_chat(send: Send, services: Services) -> None:
    [reply] = await send(f"/submit {DOUYIN_SHORT}", chat_type="group")
    assert reply.params["text"] == messages.SUBMIT_IN_PRIVATE
    assert await send(f"看看 {DOUYIN_SHORT}", chat_type="group") == []
    assert _rows(services) == []


async def test_mine_lists_the_creators_submissions(send: Send, services: Services) -> None:
    [empty] = await send("/mine")
    assert empty.params["text"] == messages.MINE_EMPTY
    await send(SHARE_TEXT)
    [bilibili] = [row for row in _rows(services) if row.platform == "bilibili"]
    services.submissions.decide(bilibili.id or 0, 7, Status.REJECTED, "与科普主题无关")
    [mine] = await send("/mine")
    text = mine.params["text"]
    assert "1. bilibili《（未填写标题）》— 未通过" in text
    assert "理由：与科普主题无关" in text
    assert "2. 抖音《流感怎么防》— 待审核" in text


async def test_an_old_flow_button_has_expired(send: Send, press: Press) -> None:
    [_, ask_title] = await send(SHARE_TEXT)
    await send("/cancel")
    calls = await press(ask_title.result, messages.BUTTON_CANCEL)
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params["text"] == messages.FLOW_BUTTON_EXPIRED


def _corpus() -> list[str]:
    lines: list[str] = []
    for name in ("ssrf-urls.txt", "ssrf-allowlist-bypass.txt"):
        text = (CORPORA / name).read_text("utf-8")
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return lines


async def test_every_ssrf_corpus_url_is_refused_without_any_connection(
    send: Send, services: Services, pages: LocalPages, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def tripwire(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", tripwire)
    monkeypatch.setattr(socket.socket, "connect", tripwire)
    monkeypatch.setattr(socket.socket, "connect_ex", tripwire)
    monkeypatch.setattr(socket, "getaddrinfo", tripwire)
    lines = _corpus()
    refused = 0
    for line in lines:
        for text in (f"/submit {line}", line):
            replies = await send(text)
            assert replies and "❌" in replies[0].params["text"], text
            refused += 1
    assert refused == 2 * len(lines) and len(lines) >= 150
    assert attempts == [] and pages.requests == [] and pages.resolved == []
    assert _rows(services) == []


def test_the_host_setting_reaches_the_service(
    settings: Settings, bot_api: FakeBotAPI, answerer: Answerer
) -> None:
    narrowed = settings.model_copy(update={"video_hosts": ("douyin.com", "v.douyin.com")})
    application = build_application(narrowed, request=bot_api.request(), answerer=answerer)
    services = services_from(application.bot_data)
    assert services.submissions.rules.platform_names == ["抖音"]
    assert isinstance(services.submissions.fetcher, SafeFetcher)
    services.engine.dispose()


XIGUA = "https://www.ixigua.com/7412345678901234567"


async def test_a_share_text_gives_the_title_and_the_hashtag(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI
) -> None:
    # The page cannot be read (the local server answers 404): the share text says enough.
    share = f"【孩子发烧怎么办】家庭用药小知识 #千万IP创科普# {XIGUA}?share_source=copy 复制链接"
    summary, ask_category = await send(share)
    text = summary.params["text"]
    assert "✅ 已识别：西瓜视频《孩子发烧怎么办》（带有 #千万IP创科普#）" in text
    assert "西瓜视频视频" not in text
    assert ask_category.params["text"] == messages.ASK_CATEGORY  # no title asked
    calls = await press(ask_category.result, "健康")
    [ask_creator] = [c for c in calls if c.method == "sendMessage"]
    calls = await press(ask_creator.result, messages.BUTTON_SKIP)
    [done] = _texts(calls)
    assert done.count("#千万IP创科普#") == 1 and "没看到" not in done and "打不开" not in done
    [row] = _rows(services)
    assert (row.title, row.has_hashtag, row.page_read) == ("孩子发烧怎么办", True, False)
    assert untranslated_in(bot_api) == {}


async def test_an_unreadable_page_is_not_reported_as_missing_the_hashtag(
    send: Send, press: Press, services: Services, bot_api: FakeBotAPI
) -> None:
    [summary, ask_title] = await send(XIGUA)
    assert ask_title.params["text"].startswith("没能读到这个视频的标题")
    assert (
        "✅ 已识别：西瓜视频 https://www.ixigua.com/7412345678901234567" in summary.params["text"]
    )
    [ask_category] = await send("防溺水")
    calls = await press(ask_category.result, "防灾")
    [ask_creator] = [c for c in calls if c.method == "sendMessage"]
    [done] = _texts(await press(ask_creator.result, messages.BUTTON_SKIP))
    assert "没能确认是否带有 #千万IP创科普#" in done and "没看到" not in done
    assert done.count("#千万IP创科普#") == 1

    services.people.grant(USER_ID, by=1)
    [card] = await send("/review")
    assert "页面作者：未能读取页面" in card.params["text"]
    assert "话题标签：未能读取页面" in card.params["text"]
    assert "没看到" not in card.params["text"] and "页面作者：—" not in card.params["text"]
    assert untranslated_in(bot_api) == {}


async def test_a_duplicate_shows_the_canonical_link(send: Send, services: Services) -> None:
    await send(f"/submit {XIGUA}")
    await send("/cancel")  # withdrawn: hand it in again for good
    await send(f"/submit {XIGUA}")
    [reply] = await send(f"{XIGUA}?share_source=copy&utm_campaign=client_share")
    text = reply.params["text"]
    assert text.startswith("ℹ️ 你已在 2024-09-10 提交过这个视频（" + XIGUA + "）")
    assert "share_source" not in text


async def test_the_platform_list_comes_with_the_first_refusal_only(send: Send) -> None:
    [first] = await send("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert "不在支持的平台之内" in first.params["text"]
    assert "支持的平台：科普中国" in first.params["text"]
    [second] = await send("https://evildouyin.com/video/7412345678901234567")
    assert "不在支持的平台之内" in second.params["text"]
    assert "支持的平台：" not in second.params["text"]
    assert messages.RESULT_SEE_ACCEPTS in second.params["text"]
