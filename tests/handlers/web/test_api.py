"""The web chat's JSON API over HTTP: answers, the record of questions, submissions into the
review queue, flood control, and what the server refuses."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bot import messages
from bot.channels import Channel
from bot.creators.submissions import Status
from bot.flood import FloodGate
from bot.services import Services, suggestions_shown
from bot.store.models import AskedQuestion, Submission
from content.answers import Answerer
from content.models import UnansweredQuestion
from tests.conftest import NOW
from tests.handlers.conftest import SESSION

CAMPAIGN_DATES = "科普日什么时候开始"
UNANSWERABLE = "火星上的土豆怎么种"
LINK = "https://www.bilibili.com/video/BV1xx411c7mD"


async def _ask(client: httpx.AsyncClient, question: str, session: str = SESSION) -> httpx.Response:
    return await client.post("/api/ask", json={"question": question, "session": session})


async def test_a_question_gets_the_answer_the_store_gives(
    client: httpx.AsyncClient, answerer: Answerer
) -> None:
    response = await _ask(client, CAMPAIGN_DATES)
    expected = answerer.answer(CAMPAIGN_DATES, NOW)
    assert response.status_code == 200
    assert response.json() == {
        "answer": expected.text,
        "intent": expected.intent,
        "suggestions": list(suggestions_shown(expected)),
        "sources": list(expected.sources),
    }


async def test_questions_are_recorded_with_the_web_channel(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    assert (await _ask(client, UNANSWERABLE)).json()["intent"] == "fallback"
    await _ask(client, CAMPAIGN_DATES)
    web_services.writer.flush()
    with Session(web_services.engine) as session:
        asked = session.exec(select(AskedQuestion)).all()
        [unanswered] = session.exec(select(UnansweredQuestion)).all()
    assert {row.channel for row in asked} == {Channel.WEB}
    assert len(asked) == 2
    assert (unanswered.text, unanswered.channel) == (UNANSWERABLE, Channel.WEB)
    assert unanswered.user_hash and SESSION not in unanswered.user_hash


async def test_the_page_is_chinese_with_a_strict_policy_and_no_cookies(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/chat")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/chat", "/static/chat.js", "/static/chat.css", "/widget.js", "/api/start"):
        assert "set-cookie" not in (await client.get(path)).headers, path


async def test_every_asset_ships_in_the_package(client: httpx.AsyncClient) -> None:
    page = (await client.get("/chat")).text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from elsewhere
    for path, kind in (("/static/chat.js", "javascript"), ("/static/chat.css", "css")):
        response = await client.get(path)
        assert response.status_code == 200 and kind in response.headers["Content-Type"]
    assert "iframe" in (await client.get("/widget.js")).text


async def test_the_start_screen_offers_questions_and_the_submission_rules(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    data = (await client.get("/api/start")).json()
    assert data["suggestions"] == list(messages.WEB_STARTERS)
    assert web_services.submissions.hashtag in data["welcome"]
    assert all(name in data["accepts"] for name in web_services.submissions.rules.platform_names)
    assert "<" not in data["welcome"]  # plain text: the page shows it as text


async def test_todays_events_are_the_stores(client: httpx.AsyncClient, answerer: Answerer) -> None:
    data = (await client.get("/api/events")).json()
    events = answerer.events_on(NOW.date())
    assert data["date"] == NOW.date().isoformat()
    assert [card["title"] for card in data["events"]] == [e.title for e in events][:20]
    assert (data["empty"] is None) == bool(events)


async def test_a_submission_lands_in_the_review_queue_and_shows_on_the_page(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    form = {"session": SESSION, "link": LINK, "title": "流感怎么防", "contact": "13800000000"}
    response = await client.post("/api/submit", json=form)
    data = response.json()
    assert response.status_code == 200 and data["accepted"] == 1
    assert "流感怎么防" in data["message"] and messages.WEB_SUBMIT_STATUS in data["message"]
    pending = web_services.submissions.next_pending()
    assert pending is not None
    assert (pending.channel, pending.contact, pending.title) == (
        Channel.WEB,
        "13800000000",
        "流感怎么防",
    )
    assert pending.creator_id < 0  # a visitor, never a Telegram user
    web_services.submissions.decide(pending.id, 7, Status.REJECTED, "画面不清晰")
    mine = (await client.get("/api/mine", headers={"X-Kepubot-Session": SESSION})).json()
    assert mine["submissions"] == [
        {
            "platform": pending.platform,
            "title": "流感怎么防",
            "link": pending.canonical_url,
            "status": "rejected",
            "status_label": messages.STATUS_LABELS["rejected"],
            "reason": "画面不清晰",
        }
    ]
    other = (await client.get("/api/mine", headers={"X-Kepubot-Session": "x" * 20})).json()
    assert other == {"submissions": []}


async def test_the_same_video_again_is_a_duplicate_and_a_retry_is_not(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    form = {"session": SESSION, "link": LINK, "request": "request-0123456789"}
    assert (await client.post("/api/submit", json=form)).json()["outcomes"] == ["accepted"]
    assert (await client.post("/api/submit", json=form)).json()["outcomes"] == ["repeated"]
    canonical_again = {"session": "another-session-0123456789", "link": LINK + "?p=1&t=30"}
    data = (await client.post("/api/submit", json=canonical_again)).json()
    assert data["outcomes"] == ["duplicate"] and data["accepted"] == 0
    with Session(web_services.engine) as session:
        assert len(session.exec(select(Submission)).all()) == 1


@pytest.mark.parametrize(
    "link",
    ["http://127.0.0.1/video/1", "https://example.com/a", "不是链接", "javascript:alert(1)"],
)
async def test_a_refused_link_says_why_and_stores_nothing(
    client: httpx.AsyncClient, web_services: Services, link: str
) -> None:
    data = (await client.post("/api/submit", json={"session": SESSION, "link": link})).json()
    assert data["outcomes"] == ["refused"] and data["accepted"] == 0
    assert data["message"].startswith("❌")
    assert web_services.submissions.pending_count() == 0


async def test_flood_limits_per_session_and_per_address(
    client: httpx.AsyncClient, web_services: Services
) -> None:
    window = timedelta(seconds=10)
    web_services.flood = FloodGate(2, window)
    web_services.address_flood = FloodGate(4, window)
    statuses = [(await _ask(client, CAMPAIGN_DATES)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = await _ask(client, CAMPAIGN_DATES)
    assert refused.json() == {"error": messages.FLOOD_NOTICE}
    # Another session from the same address: its own limit, but the address's is reached.
    other = "another-session-0123456789"
    assert (await _ask(client, CAMPAIGN_DATES, other)).status_code == 429


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient,
) -> None:
    big = {"question": "问" * 40_000, "session": SESSION}
    response = await client.post("/api/ask", json=big)
    assert response.status_code == 413
    assert response.json() == {"error": messages.WEB_TOO_LARGE}


@pytest.mark.parametrize(
    ("content", "headers", "status", "error"),
    [
        (b"question=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415, None),
        (b"{not json", {"Content-Type": "application/json"}, 400, None),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400, None),
        (b'{"question": "hi"}', {"Content-Type": "application/json"}, 400, "WEB_NO_SESSION"),
        (
            b'{"question": "hi", "session": "<script>"}',
            {"Content-Type": "application/json"},
            400,
            "WEB_NO_SESSION",
        ),
    ],
)
async def test_a_malformed_request_gets_a_polite_json_error(
    client: httpx.AsyncClient,
    content: bytes,
    headers: dict[str, str],
    status: int,
    error: str | None,
) -> None:
    response = await client.post("/api/ask", content=content, headers=headers)
    assert response.status_code == status
    assert response.json() == {"error": getattr(messages, error or "WEB_BAD_REQUEST")}


async def test_empty_and_overlong_questions_are_explained(client: httpx.AsyncClient) -> None:
    assert (await _ask(client, "   ")).json() == {"error": messages.WEB_ASK_EMPTY}
    long = (await _ask(client, "问" * 501)).json()
    assert long == {"error": messages.WEB_ASK_TOO_LONG.format(max=500)}


async def test_an_unknown_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json() == {"error": messages.WEB_NOT_FOUND}


async def test_a_failure_is_logged_and_the_visitor_told_politely(
    client: httpx.AsyncClient,
    web_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(question: str, *args: object) -> None:
        raise RuntimeError("boom in the answerer")

    monkeypatch.setattr(web_services.questions, "ask_async", broken)
    response = await _ask(client, CAMPAIGN_DATES)
    assert response.status_code == 500
    assert response.json() == {"error": messages.ERROR}
    assert "Traceback" not in response.text and "boom" not in response.text
    assert "boom in the answerer" in caplog.text
