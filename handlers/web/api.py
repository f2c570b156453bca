"""The chat's JSON API: ask, the start screen, today's events, hand in a video, my videos."""

from __future__ import annotations

import asyncio
import secrets
from http import HTTPStatus
from typing import Any

from bot import messages
from bot.agenda import todays_events
from bot.channels import VISITOR_KEY, Channel
from bot.creators.replies import accepts_text, results_text
from bot.creators.submissions import Outcome, SubmissionView
from bot.formatting import escape, to_plain
from bot.services import MAX_QUESTION_CHARS, suggestions_shown
from handlers.web.base import SESSION_HEADER, ApiHandler, WebError

MAX_FIELD_CHARS = 2000


class AskHandler(ApiHandler):
    """POST /api/ask {question, session} → {answer, intent, suggestions, sources}."""

    async def post(self) -> None:
        data = self.json_body()
        visitor_id = self.visitor(data.get("session"))
        question = data.get("question")
        if not isinstance(question, str) or not question.strip():
            raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_ASK_EMPTY)
        if len(question) > MAX_QUESTION_CHARS:
            raise WebError(
                HTTPStatus.BAD_REQUEST, messages.WEB_ASK_TOO_LONG.format(max=MAX_QUESTION_CHARS)
            )
        answer = await self.services.questions.ask_async(question, visitor_id, Channel.WEB)
        self.reply(
            {
                "answer": answer.text,
                "intent": answer.intent,
                "suggestions": list(suggestions_shown(answer)),
                "sources": list(answer.sources),
            }
        )


class StartHandler(ApiHandler):
    """GET /api/start: the welcome, questions to tap, and what a video submission takes."""

    async def get(self) -> None:
        self.limit_flood()
        submissions = self.services.submissions
        hashtag = escape(submissions.hashtag)
        self.reply(
            {
                "welcome": to_plain(messages.WEB_WELCOME.format(hashtag=hashtag)),
                "suggestions": list(messages.WEB_STARTERS),
                "accepts": to_plain(accepts_text(submissions, messages.WEB_SUBMIT_ACCEPTS)),
                "hashtag": submissions.hashtag,
            }
        )


class EventsHandler(ApiHandler):
    """GET /api/events: today's events (campaign time zone) as cards."""

    async def get(self) -> None:
        self.limit_flood()
        services = self.services
        now = services.clock()
        tz = services.settings.tz
        cards = await asyncio.to_thread(todays_events, services.answerer, now, tz)
        self.reply(
            {
                "date": now.astimezone(tz).date().isoformat(),
                "events": [card.as_json() for card in cards],
                "empty": messages.WEB_NO_EVENTS if not cards else None,
            }
        )


class SubmitHandler(ApiHandler):
    """POST /api/submit {session, link, title, contact} into the review queue."""

    async def post(self) -> None:
        data = self.json_body()
        visitor_id = self.visitor(data.get("session"))
        link, title, contact = (_field(data, name) for name in ("link", "title", "contact"))
        if not link.strip():
            raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_SUBMIT_NO_LINK)
        # A retried request (same request id) is the same hand-in, not a duplicate.
        request_id = data.get("request")
        if not isinstance(request_id, str) or not VISITOR_KEY.fullmatch(request_id):
            request_id = secrets.token_urlsafe(16)
        submissions = self.services.submissions
        results = await asyncio.to_thread(
            submissions.submit_form,
            link,
            visitor_id,
            f"web:{request_id}",
            Channel.WEB,
            title=title,
            contact=contact,
        )
        text = results_text(
            results, submissions, self.services.settings.tz, messages.WEB_SUBMIT_ACCEPTS
        )
        accepted = [r for r in results if r.outcome in (Outcome.ACCEPTED, Outcome.REPEATED)]
        if accepted:
            text = f"{text}\n\n{messages.WEB_SUBMIT_STATUS}".strip()
        self.reply(
            {
                "message": to_plain(text),
                "accepted": len(accepted),
                "outcomes": [result.outcome.value for result in results],
            }
        )


class MineHandler(ApiHandler):
    """GET /api/mine (session in X-Kepubot-Session): this page's submissions and status."""

    async def get(self) -> None:
        visitor_id = self.visitor(self.request.headers.get(SESSION_HEADER))
        views = await asyncio.to_thread(self.services.submissions.mine, visitor_id)
        self.reply({"submissions": [_mine(view) for view in views]})


def _field(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS:
        raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_BAD_REQUEST)
    return value


def _mine(view: SubmissionView) -> dict[str, Any]:
    return {
        "platform": view.platform,
        "title": view.title or messages.UNTITLED,
        "link": view.canonical_url,
        "status": view.status.value,
        "status_label": messages.STATUS_LABELS[view.status],
        "reason": view.review_reason if view.status == "rejected" else None,
    }
