"""/wechat as WeChat's servers use it: requests signed and encrypted with wechatpy's own
signing and crypto, in plain and safe mode."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import httpx
import pytest
import xmltodict
from sqlmodel import Session, select
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot import messages
from bot.channels import Channel
from bot.flood import FloodGate
from bot.services import Services
from bot.store.models import AskedQuestion
from content.answers import Answer, Answerer
from handlers.wechat import endpoint
from handlers.wechat.replies import MAX_REPLY_BYTES
from tests.conftest import NOW
from tests.handlers.wechat.conftest import AES_KEY, APPID, WECHAT_TOKEN

OPENID = "oUser0123456789abcdefghij"
ACCOUNT = "gh_0123456789ab"
CAMPAIGN_DATES = "科普日什么时候开始"
TIMESTAMP = str(int(NOW.timestamp()))
_ids = itertools.count(6_000_000_000_000_000_001)


def _signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def _query(nonce: str = "nonce123", timestamp: str = TIMESTAMP, **extra: str) -> dict[str, str]:
    return {
        "signature": _signature(WECHAT_TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


def _xml(msg_type: str, *, msg_id: int | None = None, **fields: str) -> str:
    body = {
        "ToUserName": ACCOUNT,
        "FromUserName": OPENID,
        "CreateTime": TIMESTAMP,
        "MsgType": msg_type,
        **fields,
    }
    if msg_id is not None:
        body["MsgId"] = str(msg_id)
    return xmltodict.unparse({"xml": body})


def _text(content: str, msg_id: int | None = None) -> str:
    return _xml("text", msg_id=msg_id or next(_ids), Content=content)


async def _post_plain(client: httpx.AsyncClient, xml: str) -> httpx.Response:
    return await client.post("/wechat", params=_query(), content=xml.encode("utf-8"))


async def _reply_plain(client: httpx.AsyncClient, xml: str) -> Any:
    response = await _post_plain(client, xml)
    assert response.status_code == 200
    return parse_message(response.content)


async def test_the_server_check_echoes_echostr(client: httpx.AsyncClient) -> None:
    response = await client.get("/wechat", params=_query(echostr="8167385301"))
    assert (response.status_code, response.text) == (200, "8167385301")


@pytest.mark.parametrize(
    "query",
    [
        {"signature": "0" * 40, "timestamp": TIMESTAMP, "nonce": "n"},
        {"timestamp": TIMESTAMP, "nonce": "n"},
        _query(timestamp=str(int((NOW - timedelta(hours=1)).timestamp()))),  # a replay
    ],
)
async def test_a_bad_signature_gets_403_and_no_reply(
    client: httpx.AsyncClient, web_services: Services, query: dict[str, str]
) -> None:
    check = await client.get("/wechat", params={**query, "echostr": "123"})
    assert (check.status_code, check.text) == (403, "")
    response = await client.post("/wechat", params=query, content=_text(CAMPAIGN_DATES))
    assert (response.status_code, response.text) == (403, "")
    web_services.writer.flush()
    with Session(web_services.engine) as session:
        assert session.exec(select(AskedQuestion)).all() == []


async def test_a_text_message_gets_the_answer_as_a_passive_reply(
    client: httpx.AsyncClient, answerer: Answerer, web_services: Services
) -> None:
    reply = await _reply_plain(client, _text(CAMPAIGN_DATES))
    assert reply.type == "text"
    assert reply.content == answerer.answer(CAMPAIGN_DATES, NOW).text
    assert (reply.source, reply.target) == (ACCOUNT, OPENID)
    web_services.writer.flush()
    with Session(web_services.engine) as session:
        [asked] = session.exec(select(AskedQuestion)).all()
    assert asked.channel == Channel.WECHAT


async def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(
    client: httpx.AsyncClient, answerer: Answerer
) -> None:
    crypto = WeChatCrypto(WECHAT_TOKEN, AES_KEY, APPID)
    nonce = "safenonce"
    sealed = xmltodict.parse(crypto.encrypt_message(_text(CAMPAIGN_DATES), nonce, TIMESTAMP))
    body = xmltodict.unparse({"xml": {"ToUserName": ACCOUNT, "Encrypt": sealed["xml"]["Encrypt"]}})
    params = _query(nonce, encrypt_type="aes", msg_signature=sealed["xml"]["MsgSignature"])
    response = await client.post("/wechat", params=params, content=body.encode("utf-8"))
    assert response.status_code == 200
    answer = xmltodict.parse(response.text)["xml"]
    plain = crypto.decrypt_message(
        response.text, answer["MsgSignature"], answer["TimeStamp"], answer["Nonce"]
    )
    assert parse_message(plain).content == answerer.answer(CAMPAIGN_DATES, NOW).text
    forged = {**params, "msg_signature": "0" * 40}
    refused = await client.post("/wechat", params=forged, content=body.encode("utf-8"))
    assert (refused.status_code, refused.text) == (403, "")


async def test_a_retried_message_gets_one_answer(
    client: httpx.AsyncClient,
    web_services: Services,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    release = asyncio.Event()
    original = web_services.questions.ask_async

    async def slow_ask(question: str, *args: Any) -> Answer:
        asked.append(question)
        await release.wait()  # WeChat gives up waiting and retries meanwhile
        return await original(question, *args)

    monkeypatch.setattr(web_services.questions, "ask_async", slow_ask)
    xml = _text(CAMPAIGN_DATES, msg_id=next(_ids))
    first = asyncio.ensure_future(_post_plain(client, xml))
    second = asyncio.ensure_future(_post_plain(client, xml))
    while not asked:
        await asyncio.sleep(0.01)
    release.set()
    third = await _post_plain(client, xml)  # after the answer: the same reply again
    replies = [parse_message((await r).content) for r in (first, second)]
    replies.append(parse_message(third.content))
    assert asked == [CAMPAIGN_DATES]
    assert {reply.content for reply in replies} == {answerer.answer(CAMPAIGN_DATES, NOW).text}


async def test_a_follow_gets_the_welcome(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    reply = await _reply_plain(client, _xml("event", Event="subscribe"))
    assert reply.content == messages.WECHAT_WELCOME.format(
        hashtag=web_services.submissions.hashtag
    )
    other = await _post_plain(client, _xml("event", Event="unsubscribe"))
    assert other.text == "success"


@pytest.mark.parametrize(
    ("msg_type", "fields"),
    [
        ("image", {"PicUrl": "http://mmbiz.qpic.cn/x", "MediaId": "m1"}),
        ("voice", {"MediaId": "m2", "Format": "amr"}),
        ("location", {"Location_X": "29.56", "Location_Y": "106.55", "Label": "重庆"}),
        ("video", {"MediaId": "m3", "ThumbMediaId": "t3"}),
    ],
)
async def test_other_messages_get_a_polite_line(
    client: httpx.AsyncClient, msg_type: str, fields: dict[str, str]
) -> None:
    reply = await _reply_plain(client, _xml(msg_type, msg_id=next(_ids), **fields))
    assert reply.content == messages.WECHAT_UNSUPPORTED


async def test_a_long_answer_is_cut_at_a_line_and_continued_on_more(
    client: httpx.AsyncClient, web_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"第{n}行：" + "科普" * 30 for n in range(60)]
    long = Answer("\n".join(lines), intent="test")

    async def ask_async(question: str, *args: Any) -> Answer:
        return long

    monkeypatch.setattr(web_services.questions, "ask_async", ask_async)
    parts = [(await _reply_plain(client, _text("活动有哪些"))).content]
    while parts[-1].endswith(messages.WECHAT_MORE_HINT):
        parts.append((await _reply_plain(client, _text(messages.WECHAT_MORE_KEYWORD))).content)
    assert len(parts) > 2
    assert all(len(part.encode("utf-8")) <= MAX_REPLY_BYTES for part in parts)
    shown = [part.removesuffix("\n" + messages.WECHAT_MORE_HINT) for part in parts]
    assert "\n".join(shown) == long.text  # cut only between lines, nothing lost
    after = await _reply_plain(client, _text(messages.WECHAT_MORE_KEYWORD))
    assert after.content == messages.WECHAT_NO_MORE


async def test_a_flood_of_messages_is_told_once(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    web_services.flood = FloodGate(2, timedelta(seconds=10))
    responses = [await _post_plain(client, _text(CAMPAIGN_DATES)) for _ in range(4)]
    assert parse_message(responses[2].content).content == messages.FLOOD_NOTICE
    assert responses[3].text == "success"


async def test_a_body_that_is_not_a_message_is_refused(client: httpx.AsyncClient) -> None:
    for body in (b"", b"not xml", b"<xml><a>1</a></xml>"):
        response = await client.post("/wechat", params=_query(), content=body)
        assert response.status_code == 400


async def test_an_answer_not_ready_in_time_gets_no_reply_and_the_retry_gets_it(
    client: httpx.AsyncClient,
    web_services: Services,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(endpoint, "REPLY_SECONDS", 0.2)
    release = asyncio.Event()
    original = web_services.questions.ask_async
    asked: list[str] = []

    async def slow_ask(question: str, *args: Any) -> Answer:
        asked.append(question)
        await release.wait()
        return await original(question, *args)

    monkeypatch.setattr(web_services.questions, "ask_async", slow_ask)
    xml = _text(CAMPAIGN_DATES, msg_id=next(_ids))
    first = await _post_plain(client, xml)
    assert (first.status_code, first.text) == (200, "success")  # within WeChat's 5 s
    release.set()
    retry = await _reply_plain(client, xml)
    assert retry.content == answerer.answer(CAMPAIGN_DATES, NOW).text
    assert asked == [CAMPAIGN_DATES]  # the answer went on while nobody waited


async def test_an_overlong_question_is_explained(client: httpx.AsyncClient) -> None:
    reply = await _reply_plain(client, _text("问" * 501))
    assert reply.content == messages.WEB_ASK_TOO_LONG.format(max=500)
