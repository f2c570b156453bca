"""Organizers: /review works through the queue one submission at a time, with buttons alone.

Every handler here is `organizer_only`: the check is on whoever pressed the button, so
callback data crafted by anyone else changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages
from bot.channels import Channel
from bot.creators.submissions import DecisionResult, Status, SubmissionNotFound, SubmissionView
from bot.flows import Flow
from bot.formatting import escape
from bot.services import Services, services_from
from handlers.telegram.callbacks import ReviewAction, ReviewButton
from handlers.telegram.conversations import END, Conversation, current
from handlers.telegram.guards import organizer_only

log = logging.getLogger(__name__)


class ReviewState(IntEnum):
    REASON = 1


REVIEW_PREFIX = ReviewButton.tag.rstrip(":")
SKIPPED = "review_skipped"
"""A flow row without steps: the submissions an organizer skipped since their last /review."""
TYPING = "review_reason"
"""The conversation of a typed reason."""


def review_data(action: ReviewAction, submission_id: int, reason: int | None = None) -> str:
    """Callback data of a review button."""
    return ReviewButton(action, submission_id, reason).encode()


def parse_review_data(data: str) -> ReviewButton | None:
    """The button behind callback data, or None for anything malformed."""
    return ReviewButton.parse(data)


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return services_from(context.bot_data)


# --- the queue ----------------------------------------------------------------------------------


@organizer_only
async def review_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start (or restart) working through the review queue."""
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    await asyncio.to_thread(_services(context).flows.end, chat_id, user_id, SKIPPED)
    await _send_next(update, context)


async def _skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> set[int]:
    flows = _services(context).flows
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    flow = await asyncio.to_thread(flows.get, chat_id, user_id, SKIPPED)
    return set(flow.draft.get("ids", [])) if flow is not None else set()


async def _skip(update: Update, context: ContextTypes.DEFAULT_TYPE, submission_id: int) -> None:
    skipped = await _skipped(update, context) | {submission_id}
    chat_id, user_id = update.effective_chat.id, update.effective_user.id
    flow = Flow(chat_id, user_id, SKIPPED, 0, {"ids": sorted(skipped)})
    await asyncio.to_thread(_services(context).flows.save, flow)


async def _send_next(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    submissions = _services(context).submissions
    chat_id = update.effective_chat.id
    skipped = await _skipped(update, context)
    view = await asyncio.to_thread(submissions.next_pending, skipped)
    if view is None:
        await context.bot.send_message(chat_id, messages.REVIEW_EMPTY)
        return
    pending = await asyncio.to_thread(submissions.pending_count)
    await context.bot.send_message(
        chat_id,
        _card(view, pending, _services(context)),
        parse_mode=ParseMode.HTML,
        reply_markup=_decision_keyboard(view),
    )


@organizer_only
async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Approve, reject with a preset reason, skip, or switch between the keyboards."""
    query = update.callback_query
    press = parse_review_data(query.data or "")
    if press is None:
        await query.answer(messages.REVIEW_BUTTON_EXPIRED)
        return
    services = _services(context)
    view = await asyncio.to_thread(services.submissions.get, press.submission_id)
    if view is None:
        await query.answer(messages.REVIEW_GONE, show_alert=True)
        return
    if press.action == ReviewAction.REJECT:
        await query.answer()
        await query.edit_message_reply_markup(_reason_keyboard(view, services))
    elif press.action == ReviewAction.BACK:
        await query.answer()
        await query.edit_message_reply_markup(_decision_keyboard(view))
    elif press.action == ReviewAction.SKIP:
        await query.answer()
        await _skip(update, context, view.id)
        pending = await asyncio.to_thread(services.submissions.pending_count)
        text = f"{_card(view, pending, services)}\n\n{messages.REVIEW_SKIPPED}"
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=_decision_keyboard(view)
        )
        await _send_next(update, context)
    elif press.action == ReviewAction.APPROVE:
        await query.answer()
        await _decide(update, context, view, Status.APPROVED, None)
    elif press.action == ReviewAction.REASON:
        reasons = _reasons(services)
        if press.reason is None or press.reason >= len(reasons):
            await query.answer(messages.REVIEW_BUTTON_EXPIRED)
            return
        await query.answer()
        await _decide(update, context, view, Status.REJECTED, reasons[press.reason])


async def _decide(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    view: SubmissionView,
    decision: Status,
    reason: str | None,
    card: tuple[int, int] | None = None,
) -> None:
    """Record the decision, update the card, tell the creator, and show the next one."""
    services = _services(context)
    reviewer = update.effective_user
    try:
        result = await asyncio.to_thread(
            services.submissions.decide, view.id, reviewer.id, decision, reason
        )
    except SubmissionNotFound:
        await context.bot.send_message(update.effective_chat.id, messages.REVIEW_GONE)
        return
    pending = await asyncio.to_thread(services.submissions.pending_count)
    text = _decided_card(result, pending, services, reviewer.first_name or str(reviewer.id))
    markup = _decision_keyboard(result.submission)
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    elif card is not None:
        await context.bot.edit_message_text(
            text,
            chat_id=card[0],
            message_id=card[1],
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    if result.changed:
        await _notify_creator(context, result)
    if result.previous == Status.PENDING:
        await _send_next(update, context)


async def _notify_creator(context: ContextTypes.DEFAULT_TYPE, result: DecisionResult) -> None:
    services = _services(context)
    view = result.submission
    if view.channel != Channel.TELEGRAM:
        return  # not on Telegram: the visitor sees the decision on the page (/api/mine)
    values = {
        "title": view.title or view.canonical_url,
        "hashtag": services.submissions.hashtag,
        "reason": view.review_reason or messages.NO_REASON,
    }
    template = (
        messages.NOTIFY_APPROVED if view.status == Status.APPROVED else messages.NOTIFY_REJECTED
    )
    text = template.format(**values)
    if result.previous != Status.PENDING:
        text = f"{messages.NOTIFY_CHANGED}\n{text}"
    try:
        await context.bot.send_message(view.creator_id, text)
    except Forbidden:
        log.info("creator %s blocked the bot; decision not delivered", view.creator_id)
        await asyncio.to_thread(services.people.mark_blocked, view.creator_id)
    except BadRequest as exc:
        log.warning("could not notify creator %s: %s", view.creator_id, exc)


# --- a typed reason -----------------------------------------------------------------------------


@organizer_only
async def ask_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Ask the organizer to type the reason for rejecting."""
    query = update.callback_query
    press = parse_review_data(query.data or "")
    if press is None:
        await query.answer(messages.REVIEW_BUTTON_EXPIRED)
        return END
    await query.answer()
    current(context).draft = {
        "id": press.submission_id,
        "chat": query.message.chat_id,
        "message": query.message.message_id,
    }
    await context.bot.send_message(update.effective_chat.id, messages.REVIEW_ASK_REASON)
    return ReviewState.REASON


@organizer_only
async def reason_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Reject with the reason the organizer typed."""
    typing = current(context).draft
    submission_id, chat_id, message_id = typing["id"], typing["chat"], typing["message"]
    view = await asyncio.to_thread(_services(context).submissions.get, submission_id)
    if view is None:
        await update.effective_message.reply_text(messages.REVIEW_GONE)
        return END
    reason = update.effective_message.text or ""
    await _decide(update, context, view, Status.REJECTED, reason, card=(chat_id, message_id))
    return END


async def cancel_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Give up typing a reason."""
    await update.effective_message.reply_text(messages.REVIEW_REASON_CANCELLED)
    return END


# --- cards and keyboards ------------------------------------------------------------------------


def _card(view: SubmissionView, pending: int, services: Services) -> str:
    hashtag = services.submissions.hashtag
    if view.has_hashtag:
        tag_state = messages.REVIEW_HASHTAG_SEEN
    elif view.page_read:
        tag_state = messages.REVIEW_HASHTAG_UNKNOWN
    else:
        tag_state = messages.REVIEW_PAGE_UNREAD  # not checked: no sign of a violation
    unread = messages.REVIEW_UNKNOWN if view.page_read else messages.REVIEW_PAGE_UNREAD
    return messages.REVIEW_CARD.format(
        pending=pending,
        id=view.id,
        platform=escape(view.platform),
        category=escape(view.category or messages.REVIEW_UNKNOWN),
        title=escape(view.title or messages.UNTITLED),
        author=escape(view.author or unread),
        creator_name=escape(view.creator_name or messages.REVIEW_UNKNOWN),
        date=view.submitted_at.astimezone(services.settings.tz).strftime("%Y-%m-%d %H:%M"),
        creator=_creator(view),
        hashtag_state=tag_state.format(hashtag=escape(hashtag)),
        link=escape(view.canonical_url),
    )


def _creator(view: SubmissionView) -> str:
    """Who handed it in: a Telegram user's id, or a visitor of another channel."""
    if view.channel == Channel.TELEGRAM:
        return messages.REVIEW_CREATOR_TELEGRAM.format(creator_id=view.creator_id)
    return messages.REVIEW_CREATOR_VISITOR.format(
        channel=messages.CHANNEL_NAMES[view.channel],
        contact=escape(view.contact or messages.REVIEW_UNKNOWN),
    )


def _decided_card(result: DecisionResult, pending: int, services: Services, reviewer: str) -> str:
    view = result.submission
    time = (view.reviewed_at or services.clock()).astimezone(services.settings.tz)
    values = {"reviewer": escape(reviewer), "time": time.strftime("%Y-%m-%d %H:%M")}
    if view.status == Status.APPROVED:
        outcome = messages.REVIEW_APPROVED.format(**values)
    else:
        reason = escape(view.review_reason or messages.NO_REASON)
        outcome = messages.REVIEW_REJECTED.format(reason=reason, **values)
    return f"{_card(view, pending, services)}\n\n{outcome}"


def _decision_keyboard(view: SubmissionView) -> InlineKeyboardMarkup:
    approve = InlineKeyboardButton(
        messages.BUTTON_CHANGE_APPROVE
        if view.status == Status.REJECTED
        else messages.BUTTON_APPROVE,
        callback_data=review_data(ReviewAction.APPROVE, view.id),
    )
    reject = InlineKeyboardButton(
        messages.BUTTON_CHANGE_REJECT
        if view.status == Status.APPROVED
        else messages.BUTTON_REJECT,
        callback_data=review_data(ReviewAction.REJECT, view.id),
    )
    if view.status != Status.PENDING:
        return InlineKeyboardMarkup([[approve if view.status == Status.REJECTED else reject]])
    skip = InlineKeyboardButton(
        messages.BUTTON_SKIP_REVIEW, callback_data=review_data(ReviewAction.SKIP, view.id)
    )
    return InlineKeyboardMarkup([[approve, reject], [skip]])


def _reasons(services: Services) -> list[str]:
    hashtag = services.submissions.hashtag
    return [reason.format(hashtag=hashtag) for reason in messages.REJECT_REASONS]


def _reason_keyboard(view: SubmissionView, services: Services) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text, callback_data=review_data(ReviewAction.REASON, view.id, n))]
        for n, text in enumerate(_reasons(services))
    ]
    rows.append(
        [
            InlineKeyboardButton(
                messages.BUTTON_TYPE_REASON,
                callback_data=review_data(ReviewAction.TYPE_REASON, view.id),
            ),
            InlineKeyboardButton(
                messages.BUTTON_BACK, callback_data=review_data(ReviewAction.BACK, view.id)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


def conversation() -> Conversation:
    """A typed reason: the button, then the organizer's text (its state in the store)."""
    return Conversation(
        TYPING,
        entry_points=[
            CallbackQueryHandler(
                ask_reason, pattern=ReviewButton.matches(ReviewAction.TYPE_REASON)
            )
        ],
        states={
            ReviewState.REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, reason_text)]
        },
        fallbacks=[CommandHandler("cancel", cancel_reason)],
        allow_reentry=True,
    )


def build_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The organizers' review handlers besides the typed reason (`conversation()`)."""
    return [
        CommandHandler("review", review_command),
        CallbackQueryHandler(review_button, pattern=ReviewButton.matches()),
    ]
