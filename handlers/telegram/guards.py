"""Cross-cutting checks shared by handlers: taking updates in (the ledger and the sender's
record, whether the update is a plain question), flood control, and who is an organizer."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot import messages
from bot.flood import Verdict
from bot.people import UserInfo
from bot.runtime.metrics import update_kind
from bot.services import services_from

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]

FINISH_GROUP = 1
"""After every handler (all are in group 0): the handling of the update is over."""
_QUESTION_MARK = "kepubot_question"
"""Set on an update's context when the update is a plain question."""
_RECLAIMED_MARK = "kepubot_reclaimed"
"""The update's id, when that question was claimed back from a process that died with it."""
_questions: set[Handler] = set()
FLOW_ROUTER_KEY = "flow_router"
"""bot_data key of the application's `FlowRouter` (handlers.telegram.conversations)."""


def plain_question(handler: Handler) -> Handler:
    """Mark `handler` as one that only answers a question (no effect): an update it handles
    is answered again after a crash if its reply may not have been sent."""
    _questions.add(handler)
    return handler


def _is_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the handler that will take `update` is a plain question's: the first one
    whose check matches, as the Application tries them (conversations included)."""
    if update.callback_query is None and (update.message is None or not update.message.text):
        return False
    router = context.application.bot_data.get(FLOW_ROUTER_KEY)
    if router is not None and router.starts(update):
        return False  # it starts a flow (the router runs before the groups below)
    found = False
    for group, handlers in context.application.handlers.items():
        if not 0 <= group < FINISH_GROUP:
            continue
        for handler in handlers:
            check = handler.check_update(update)
            if check is None or check is False:
                continue
            if getattr(handler, "callback", None) not in _questions:
                return False
            found = True
            break
    return found


def message_of(update: Update) -> Message:
    """The update's message; the handler's filters take only updates that have one."""
    message = update.effective_message
    if message is None:
        raise ValueError(f"update {update.update_id} has no message")
    return message


def is_question(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether `admit` found the context's update to be a plain question."""
    return bool(getattr(context, _QUESTION_MARK, False))


def organizer_only(handler: Handler) -> Handler:
    """Run `handler` only for organizers; anyone else is refused politely and logged.

    The check is on the user who sent the update (the presser of a button, the sender of a
    message), never on anything the update carries, so crafted callback data or forwarded
    messages give no power.
    """

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        services = services_from(context.bot_data)
        user = update.effective_user
        user_id = user.id if user else None
        if await asyncio.to_thread(services.people.is_organizer, user_id):
            return await handler(update, context)
        log.warning("refused %s to non-organizer user %s", handler.__name__, user_id)
        if update.callback_query is not None:
            await update.callback_query.answer(messages.ORGANIZERS_ONLY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(messages.ORGANIZERS_ONLY)
        return None

    return guarded


async def count_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count the update for the metrics, by kind."""
    services_from(context.bot_data).metrics.updates.labels(kind=update_kind(update)).inc()


async def admit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the update and its sender; stop an update Telegram delivers a second time (it
    has had its effect already). A plain question is recorded as one, so that it is answered
    again if this process dies before `finish` (at least once)."""
    user = update.effective_user
    sender = None
    if user is not None and not user.is_bot:
        sender = UserInfo(user.id, user.first_name, user.username, user.language_code)
    question = _is_question(update, context)
    intake = services_from(context.bot_data).intake
    if not await intake.admit(update.update_id, sender, question=question):
        raise ApplicationHandlerStop
    if question:
        setattr(context, _QUESTION_MARK, True)
        if intake.reclaimed(update.update_id):
            setattr(context, _RECLAIMED_MARK, update.update_id)


async def may_answer(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Just before a question's answer is sent: False when the question was claimed back
    from a dead process and another handling of it has answered or is answering (a user
    gets two answers at most)."""
    update_id = getattr(context, _RECLAIMED_MARK, None)
    if update_id is None:
        return True  # the first handling: nothing to wait for (the hot path)
    setattr(context, _RECLAIMED_MARK, None)
    return await services_from(context.bot_data).intake.resend(update_id)


async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The update's handling is over: a question's reply was sent (or failed in this live
    process, which has told the user): it is not answered again."""
    if is_question(context):
        setattr(context, _QUESTION_MARK, False)
        services_from(context.bot_data).intake.answered(update.update_id)


async def limit_flood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a user's messages beyond the flood limit (one polite notice per window).

    Button presses count only when they ask a question (a suggestion button): the others
    act on what the bot itself offered, and an organizer working through a review queue
    presses many in a row.
    """
    user = update.effective_user
    query = update.callback_query
    if user is None or (update.message is None and not (query and is_question(context))):
        return
    services = services_from(context.bot_data)
    verdict = await services.shared_flood.check(user.id, services.clock())  # all processes
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTIFY:
        log.info("flood limit reached by user %s", user.id)
        if update.message is not None:
            await update.message.reply_text(messages.FLOOD_NOTICE)
    if query is not None:
        await query.answer(messages.FLOOD_NOTICE if verdict is Verdict.NOTIFY else None)
    await finish(update, context)  # stopped here: nothing more will be sent
    raise ApplicationHandlerStop


# Group -4: every update is counted, re-deliveries too.
metric_handlers: list[BaseHandler] = [TypeHandler(Update, count_update)]
# Group -3: every user is recorded; a re-delivered update goes no further, not even into
# flood control.
intake_handlers: list[BaseHandler] = [TypeHandler(Update, admit)]
# Group -2: flood control first, so a flood costs almost nothing and delays no one else.
flood_handlers: list[BaseHandler] = [TypeHandler(Update, limit_flood)]
# Group FINISH_GROUP: after the handler, whatever it did.
finish_handlers: list[BaseHandler] = [TypeHandler(Update, finish)]
