"""Telegram-free services of the bot's flows: answering questions, tracking unanswered ones."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert

from bot.channels import Channel, Visitors
from bot.clock import Clock
from bot.creators.submissions import SubmissionService
from bot.flood import FloodGate, SharedFloodGate
from bot.flows import ButtonTexts, Flows
from bot.intake.updates import Intake
from bot.organizers.content_updates import ContentDesk
from bot.organizers.faqs import FaqBook, UnansweredCount, most_unanswered
from bot.organizers.report import CampaignFigures, OrganizerReport
from bot.outreach.broadcasts import Broadcasts
from bot.outreach.dispatcher import Dispatcher
from bot.outreach.outbox import Outbox
from bot.outreach.reminders import Reminders
from bot.outreach.subscriptions import Subscriptions
from bot.people import People
from bot.personal import PersonalAnswers
from bot.runtime.leadership import Leadership
from bot.runtime.lease import Lease
from bot.runtime.metrics import Metrics
from bot.settings import Settings
from bot.store.group_commit import GroupCommit
from bot.store.models import AskedQuestion
from content.answers import Answer, Answerer
from content.db import session_scope
from content.models import Meta, UnansweredQuestion

SALT_META_KEY = "user_hash_salt"
MAX_QUESTION_CHARS = 500
"""The longest question the web chat and WeChat take (Telegram's own limit is 4096)."""
SUGGESTIONS_SHOWN = 3
"""Suggested questions offered under an answer, on every channel."""
MAX_RECORDED_CHARS = 500
RECORD_ASKED = insert(AskedQuestion)
RECORD_UNANSWERED = insert(UnansweredQuestion)


def write_questions(
    connection: Connection, asked: list[tuple[dict[str, Any], dict[str, Any] | None]]
) -> list[None]:
    """The question log's bulk (`bot.store.group_commit`): every question asked, and the text of
    those unanswered."""
    connection.execute(RECORD_ASKED, [counted for counted, _ in asked])
    unanswered = [kept for _, kept in asked if kept is not None]
    if unanswered:
        connection.execute(RECORD_UNANSWERED, unanswered)
    return [None] * len(asked)


def ensure_salt(engine: Engine, configured: str | None = None) -> bytes:
    """The salt for user hashes: the configured one, else a random one kept in the database."""
    if configured:
        return configured.encode("utf-8")
    with session_scope(engine) as session:
        row = session.get(Meta, SALT_META_KEY)
        if row is None:
            row = Meta(key=SALT_META_KEY, value=secrets.token_hex(16))
            session.add(row)
        return row.value.encode("utf-8")


class QuestionService:
    """Answers questions and remembers the ones the store cannot answer (blocking calls)."""

    def __init__(
        self,
        engine: Engine,
        answerer: Answerer,
        clock: Clock,
        salt: bytes,
        *,
        writer: GroupCommit,
        observe: Callable[[Answer, float], None] | None = None,
        personal: PersonalAnswers | None = None,
    ) -> None:
        self._engine = engine
        self._personal = personal
        self._writer = writer
        self._answerer = answerer
        self._clock = clock
        self._salt = salt
        self._observe = observe

    def user_hash(self, user_id: int) -> str:
        """An anonymous, stable key for a user: salted SHA-256 of the id."""
        return hashlib.sha256(self._salt + str(user_id).encode("ascii")).hexdigest()

    def ask(
        self, question: str, user_id: int | None = None, channel: Channel = Channel.TELEGRAM
    ) -> Answer:
        """Answer one question; a fallback answer is recorded as unanswered, with its channel."""
        started = time.perf_counter()
        question = " ".join(question.split())
        now = self._clock()
        answer = self._answerer.answer(question, now)
        if user_id is not None and self._personal is not None:
            own = self._personal.answer(answer.intent, user_id)
            if own is not None:  # about the asker's own rows, not the cached general card
                answer = dataclasses.replace(answer, text=own)
        if question:
            self._record(question, answer, user_id, channel, now)
        if self._observe is not None:
            self._observe(answer, time.perf_counter() - started)
        return answer

    async def ask_async(
        self, question: str, user_id: int | None = None, channel: Channel = Channel.TELEGRAM
    ) -> Answer:
        """`ask` from the event loop: in a thread when the answerer is to read the store,
        else right here, as a computation over the in-memory snapshot (typically under a
        millisecond) costs less than the hop to a thread, and the GIL would serialize it
        anyway. The question log is queued for the group commit, never waited for."""
        if self._answerer.reads_store_next():
            return await asyncio.to_thread(self.ask, question, user_id, channel)
        return self.ask(question, user_id, channel)

    def _record(
        self,
        question: str,
        answer: Answer,
        user_id: int | None,
        channel: Channel,
        now: datetime,
    ) -> None:
        """Count the question for statistics; keep its text only when the store did not say
        what was asked (see `Answer.unsaid`).

        Written by the group commit without waiting for it: the answer does not depend on it.
        """
        asked = {
            "asked_at": now,
            "intent": answer.intent,
            "answered": not answer.unsaid,  # as the unanswered list counts it
            "channel": channel.value,
        }
        unanswered: dict[str, Any] | None = None
        if answer.unsaid:
            user_hash = self.user_hash(user_id) if user_id is not None else None
            unanswered = {
                "text": question[:MAX_RECORDED_CHARS],
                "asked_at": now,
                "channel": channel.value,
            }
            unanswered["user_hash"] = user_hash
        self._writer.fire_to(write_questions, (asked, unanswered), "a question")

    def unanswered(self, limit: int = 20) -> list[UnansweredCount]:
        """The most frequent unanswered questions, most asked first."""
        self._writer.flush()
        return most_unanswered(self._engine, limit)

    def reload(self) -> None:
        """Pick up imported or edited content."""
        self._answerer.reload()


def suggestions_shown(answer: Answer) -> tuple[str, ...]:
    """The suggested questions a channel offers under `answer` (buttons, links)."""
    return answer.suggestions[:SUGGESTIONS_SHOWN]


@dataclass
class Services:
    """Everything handlers need, kept in `Application.bot_data` under `SERVICES_KEY`."""

    settings: Settings
    engine: Engine
    answerer: Answerer
    questions: QuestionService
    clock: Clock
    button_texts: ButtonTexts
    """Texts behind short button keys, in the store (any process resolves them)."""
    flows: Flows
    """Multi-step flows and their drafts, in the store (any process goes on with them)."""
    people: People
    flood: FloodGate
    """Messages per web or WeChat visitor, in this process (see the README's "Flood control")."""
    shared_flood: SharedFloodGate
    """Messages per Telegram user, counted in the store by every process."""
    address_flood: FloodGate
    """Web requests per network address (many visitors may share one)."""
    visitors: Visitors
    """Who a web or WeChat visitor is, without a Telegram id."""
    submissions: SubmissionService
    subscriptions: Subscriptions
    outbox: Outbox
    dispatcher: Dispatcher
    """Drains the outbox; started with the bot (post_init), stopped at shutdown."""
    reminders: Reminders
    """Plans the scheduled messages (digests, creator prompts, deadline reminders)."""
    lease: Lease
    """Lets one process run the scheduled jobs and the dispatcher (released at shutdown)."""
    leadership: Leadership
    """Renews the lease; starts the dispatcher while this process holds it."""
    writer: GroupCommit
    """Commits the small writes of many updates together (closed at shutdown)."""
    intake: Intake
    """Takes every update in: the ledger of update ids (a re-delivery is dropped), the sender."""
    metrics: Metrics
    faqs: FaqBook
    """Organizers' FAQ cards written from chat (/unanswered, /faq) and their audit trail."""
    content: ContentDesk
    """Organizers' content changes from chat (files, /event)."""
    figures: CampaignFigures
    """/stats: the campaign's figures and chart."""
    broadcasts: Broadcasts
    """Organizers' broadcasts: audiences, and queueing a confirmed one."""
    report: OrganizerReport
    """Plans the organizers' daily report."""


SERVICES_KEY = "services"


def services_from(bot_data: Mapping[str, object]) -> Services:
    """The typed services container out of an application's `bot_data`."""
    services = bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("bot_data holds no Services; build the app with build_application()")
    return services
