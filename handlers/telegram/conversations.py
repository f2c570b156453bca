"""Conversations whose state lives in the store (`bot.flows`), not in one process's memory.

python-telegram-bot's ConversationHandler keeps each conversation's state in its own
memory, and its persistence loads everything at start and flushes it later: neither is safe
with several processes on one store. Here one `FlowRouter` (a handler of its own group, just
before the ordinary ones) reads the sender's flows in the chat for each update that some step
of some conversation could take, runs the matching step, and writes the new state and draft
back before the next update of the user is handled, on whatever process it lands.

A step's callback is an ordinary handler callback: it reads and changes the draft through
`current(context)` and returns the next state, `END`, or None (stay, keep the draft's
changes). Entry points start a flow with an empty draft; `allow_reentry` lets an entry point
restart a flow under way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot.flows import Flow
from bot.services import services_from
from handlers.telegram.guards import finish

log = logging.getLogger(__name__)

END = -1
"""A step's result that ends its flow (the row is deleted)."""
_CURRENT = "flow"
"""The attribute of the update's CallbackContext that holds the flow being stepped."""


@dataclass
class Conversation:
    """One flow: how it starts, what each state takes, what ends it from any state."""

    name: str
    entry_points: Sequence[BaseHandler[Any, Any, Any]]
    states: Mapping[int, Sequence[BaseHandler[Any, Any, Any]]]
    fallbacks: Sequence[BaseHandler[Any, Any, Any]] = ()
    allow_reentry: bool = False
    _all: list[BaseHandler[Any, Any, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        steps = [handler for handlers in self.states.values() for handler in handlers]
        self._all = [*self.entry_points, *steps, *self.fallbacks]

    def may_take(self, update: Update) -> bool:
        """Whether some handler of the flow could take the update (no store read)."""
        return any(_matches(handler, update) is not None for handler in self._all)

    def step(self, update: Update, flow: Flow | None) -> tuple[BaseHandler[Any, Any, Any], Any]:
        """The handler that takes the update in the flow's state (None: not this flow's)."""
        candidates: list[BaseHandler[Any, Any, Any]] = []
        if flow is None or self.allow_reentry:  # as python-telegram-bot: entry points first
            candidates += self.entry_points
        if flow is not None:
            candidates += [*self.states.get(flow.state, ()), *self.fallbacks]
        for handler in candidates:
            check = _matches(handler, update)
            if check is not None:
                return handler, check
        return None, None  # type: ignore[return-value]

    def is_entry(self, handler: BaseHandler[Any, Any, Any]) -> bool:
        return any(handler is entry for entry in self.entry_points)


def _matches(handler: BaseHandler[Any, Any, Any], update: Update) -> Any:
    check = handler.check_update(update)
    return None if check is None or check is False else check


def current(context: ContextTypes.DEFAULT_TYPE) -> Flow:
    """The flow the running step belongs to (its draft may be changed in place)."""
    flow = context.__dict__.get(_CURRENT)
    if not isinstance(flow, Flow):
        raise RuntimeError("current() outside a conversation step")
    return flow


class FlowRouter:
    """Runs the conversations' steps; add `handler` in a group before the ordinary ones."""

    def __init__(self, conversations: Sequence[Conversation]) -> None:
        self._conversations = list(conversations)
        self.handler: BaseHandler[Any, Any, Any] = TypeHandler(Update, self._route)

    def starts(self, update: Update) -> bool:
        """Whether the update would start one of the flows (a link, /submit, /broadcast …):
        an update with effects, whatever the handlers after the router would do with it."""
        return any(
            _matches(entry, update) is not None
            for conversation in self._conversations
            for entry in conversation.entry_points
        )

    async def _route(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        candidates = [c for c in self._conversations if c.may_take(update)]
        if not candidates:
            return
        flows = services_from(context.bot_data).flows
        active = await flows.active_async(chat.id, user.id)
        for conversation in candidates:
            flow = active.get(conversation.name)
            handler, check = conversation.step(update, flow)
            if handler is None:
                continue
            if flow is None or conversation.is_entry(handler):
                flow = Flow(chat.id, user.id, conversation.name, state=0)
            await self._run(handler, check, update, context, flow)
            # A flow's step has effects: never answered again as a question after a crash
            # (the later groups, where `finish` runs, are skipped from here).
            await finish(update, context)
            raise ApplicationHandlerStop

    async def _run(
        self,
        handler: BaseHandler[Any, Any, Any],
        check: Any,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        flow: Flow,
    ) -> None:
        context.__dict__[_CURRENT] = flow
        started = flow.state
        try:
            result = await handler.handle_update(update, context.application, check, context)
        finally:
            context.__dict__.pop(_CURRENT, None)
        flows = services_from(context.bot_data).flows
        if result == END or (result is None and started == 0):
            if started != 0:  # a flow that never started has no row
                await asyncio.to_thread(flows.end, flow.chat_id, flow.user_id, flow.name)
            return
        if result is not None:
            flow.state = int(result)
        await asyncio.to_thread(flows.save, flow)
