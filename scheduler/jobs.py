"""The scheduled jobs: each takes (or renews) the scheduler lease, asks `bot.outreach.reminders` for
what is due now and queues it in the outbox, then wakes the dispatcher.

A job decides what to send from the database and the injected clock, never from the moment
APScheduler meant to run it: a late run (after downtime, or a busy event loop) does what
the missed runs would have done, and a repeated run finds everything already queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram.ext import ContextTypes

from bot.services import Services, services_from

log = logging.getLogger(__name__)


async def digests_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue the daily digests whose time has come today."""
    await run_if_leader(services_from(context.bot_data), lambda s: s.reminders.queue_due_digests)


async def creator_prompts_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue today's #千万IP创科普# creator prompt once its time has come (not in quiet hours)."""
    await run_if_leader(services_from(context.bot_data), lambda s: s.reminders.queue_due_prompts)


async def deadline_reminders_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue today's reporting deadline reminders once their time has come."""
    await run_if_leader(services_from(context.bot_data), lambda s: s.reminders.queue_due_reminders)


async def organizer_report_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue today's organizer report (yesterday's figures and the chart) once it is due."""
    await run_if_leader(services_from(context.bot_data), lambda s: s.report.queue_due_report)


async def run_if_leader(services: Services, work: Callable[[Services], Callable[[], int]]) -> int:
    """Run one job's work if this process holds the scheduler lease; returns messages queued."""
    if not await asyncio.to_thread(services.lease.hold):
        return 0  # another instance runs the jobs (the lease logs it once)
    queued = await asyncio.to_thread(work(services))
    if queued:
        services.dispatcher.wake()
    return queued
