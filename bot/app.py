"""The composition root: `build_services` wires the store and the Telegram-free services,
`build_application` puts Telegram on top of them (its Application, handlers and jobs)."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import signal
import time
from collections.abc import Callable
from datetime import time as dt_time
from datetime import timedelta

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot import messages
from bot.channels import Visitors
from bot.clock import Clock, system_clock
from bot.creators.fetcher import PageFetcher, SafeFetcher
from bot.creators.links import LinkRules
from bot.creators.submissions import SubmissionService, campaign_hashtag
from bot.flood import FloodGate, SharedFloodGate
from bot.flows import ButtonTexts, Flows
from bot.intake.ledger import ProcessedUpdates
from bot.intake.updates import Intake
from bot.organizers.content_updates import ContentDesk
from bot.organizers.faqs import FaqBook
from bot.organizers.report import CampaignFigures, OrganizerReport
from bot.outreach.broadcasts import Broadcasts
from bot.outreach.dispatcher import Dispatcher, Sleep
from bot.outreach.outbox import Outbox
from bot.outreach.reminders import Cadence, Reminders
from bot.outreach.subscriptions import Subscriptions
from bot.people import People
from bot.personal import PersonalAnswers, card_settings
from bot.public import DEFAULT_WEB_PORT, PublicServer
from bot.runtime.leadership import Leadership
from bot.runtime.lease import Lease
from bot.runtime.logs import redact_secret
from bot.runtime.metrics import Metrics
from bot.services import SERVICES_KEY, QuestionService, Services, ensure_salt
from bot.settings import Settings, SettingsError
from bot.store import open_store
from bot.store.group_commit import GroupCommit
from bot.telegram.delivery import TelegramSender, bot_api_request
from bot.telegram.update_order import PerUserOrder
from bot.telegram.update_queue import AckAfterKept, DurableQueue, OrphanSweeper
from content.answers import Answerer
from handlers.telegram import (
    admin,
    ask,
    broadcast,
    content_updates,
    errors,
    guards,
    reminder_settings,
    review,
    showcase,
    start,
    submit,
    subscribe,
    teach,
)
from handlers.telegram.conversations import FlowRouter
from scheduler.wiring import schedule_jobs

log = logging.getLogger(__name__)

PUBLIC_SERVER_KEY = "public_server"
"""bot_data key of the web chat's server, when `kepubot run` serves it (KEPUBOT_WEB_PORT)."""
ORPHANS_KEY = "orphan_updates"
"""bot_data key of the sweeper that handles updates a dead process kept (bot.telegram.update_queue)."""


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock | None = None,
    answerer: Answerer | None = None,
    fetcher: PageFetcher | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Application:
    """Build the bot on Telegram: the services, the Application, its handlers and jobs.

    `request` replaces the HTTP layer (the fake Bot API of `kepubot chat` and the tests);
    without it a token is required. `answerer` lets tests share one warmed-up answerer;
    `fetcher` replaces the video-page fetcher (tests point it at a local server);
    `monotonic` and `sleep` pace the outbox dispatcher (tests pass a fake time).
    """
    token = _bot_token(settings, request)
    services = build_services(
        settings, clock=clock, answerer=answerer, fetcher=fetcher, monotonic=monotonic, sleep=sleep
    )
    # Long polling keeps each getUpdates batch in one write (update_queue.AckAfterKept).
    update_queue = DurableQueue(services.intake.receive, deferred=settings.webhook_url is None)
    application = _telegram_application(
        settings, token, update_queue, request=request, get_updates_request=get_updates_request
    )
    services.dispatcher.connect(
        TelegramSender(application.bot),
        on_progress=functools.partial(broadcast.report_progress, application),
    )
    application.bot_data[SERVICES_KEY] = services
    application.bot_data[ORPHANS_KEY] = OrphanSweeper(
        update_queue,
        services.intake.orphans,
        every=min(5.0, settings.orphan_update_seconds / 2),
        older_than=timedelta(seconds=settings.orphan_update_seconds),
    )
    _add_telegram_handlers(application)
    # Digests, creator prompts and deadline reminders: every minute in the campaign time
    # zone, from the moment the application starts (scheduled broadcasts need no job: the
    # dispatcher sends them at their time).
    if settings.scheduler_enabled and settings.run_dispatcher and application.job_queue:
        schedule_jobs(application.job_queue, settings.tz)
    return application


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    answerer: Answerer | None = None,
    fetcher: PageFetcher | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Services:
    """The Telegram-free services of every flow on an open, seeded store.

    The outbox dispatcher is built without a channel: the caller `connect()`s its sender.
    """
    clock = clock or system_clock(settings.tz)
    engine = open_store(settings)
    if answerer is None:
        answerer = Answerer(
            engine,
            tz=settings.tz,
            cache_dir=settings.jieba_cache_dir,
            settings=card_settings(settings),
        )
    salt_setting = settings.user_hash_salt.get_secret_value() if settings.user_hash_salt else None
    link_rules = LinkRules.from_hosts(settings.video_hosts)
    people = People(engine, clock, settings.admin_ids)
    writer = GroupCommit(engine)
    subscriptions = Subscriptions(engine, clock)
    submissions = SubmissionService(
        engine,
        clock,
        link_rules,
        fetcher or SafeFetcher(link_rules),
        hashtag=campaign_hashtag(engine),
    )
    outbox = Outbox(engine, clock)
    dispatcher = Dispatcher(
        outbox,
        rate=settings.broadcast_rate,
        on_blocked=people.mark_blocked,
        on_migrated=subscriptions.follow_migration,
        monotonic=monotonic,
        sleep=sleep,
    )
    lease = Lease(engine, clock, seconds=settings.scheduler_lease_seconds)
    leadership = Leadership(
        lease, on_lead=dispatcher.start, on_follow=dispatcher.stop, sleep=sleep
    )
    salt = ensure_salt(engine, salt_setting)
    flood_window = timedelta(seconds=settings.flood_seconds)
    metrics = Metrics()
    metrics.watch(
        engine,
        lambda: (dispatcher.sent, dispatcher.flood_waits),
        leading=lambda: leadership.leading,
    )
    questions = QuestionService(
        engine,
        answerer,
        clock,
        salt,
        writer=writer,
        observe=metrics.observe_answer,
        personal=PersonalAnswers(submissions, subscriptions),
    )
    return Services(
        settings=settings,
        engine=engine,
        answerer=answerer,
        questions=questions,
        clock=clock,
        button_texts=ButtonTexts(engine, clock, writer),
        flows=Flows(engine, clock, writer=writer),
        people=people,
        flood=FloodGate(settings.flood_messages, flood_window),
        shared_flood=SharedFloodGate(
            writer, settings.flood_messages, flood_window, monotonic=monotonic
        ),
        address_flood=FloodGate(settings.web_address_flood_messages, flood_window),
        visitors=Visitors(salt),
        submissions=submissions,
        subscriptions=subscriptions,
        outbox=outbox,
        dispatcher=dispatcher,
        reminders=Reminders(
            engine,
            clock,
            settings.tz,
            subscriptions,
            people,
            outbox,
            Cadence.from_settings(settings),
        ),
        lease=lease,
        leadership=leadership,
        writer=writer,
        intake=Intake(writer, ProcessedUpdates(engine, clock), people),
        metrics=metrics,
        faqs=FaqBook(engine, clock, flush=writer.flush, on_change=lambda: questions.reload()),
        content=ContentDesk(engine, settings.tz, on_change=lambda: questions.reload()),
        figures=CampaignFigures(engine, clock, settings.tz, flush=writer.flush),
        broadcasts=Broadcasts(outbox, subscriptions, wake=dispatcher.wake),
        report=OrganizerReport(
            engine,
            clock,
            settings.tz,
            subscriptions,
            people,
            outbox,
            dt_time.fromisoformat(settings.organizer_report_time),
        ),
    )


async def serve_public(
    settings: Settings,
    *,
    clock: Clock | None = None,
    answerer: Answerer | None = None,
    fetcher: PageFetcher | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[PublicServer], None] | None = None,
) -> None:
    """`kepubot web`: the web chat (and /wechat) without Telegram, until SIGTERM or SIGINT
    (or `stop`). No token: nothing is sent anywhere, so the outbox is not drained here."""
    services = build_services(settings, clock=clock, answerer=answerer, fetcher=fetcher)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    try:
        await asyncio.to_thread(services.answerer.warm_up)
        gc.freeze()  # as in _post_init: start-up objects out of the collector's full passes
        server = PublicServer(services, settings.web_listen, settings.web_port or DEFAULT_WEB_PORT)
        server.start()
        for sig in signals:
            loop.add_signal_handler(sig, stop.set)
        if on_ready is not None:
            on_ready(server)
        await stop.wait()
        await server.stop()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await asyncio.to_thread(services.writer.close)
        services.metrics.stop()
        services.engine.dispose()


def _bot_token(settings: Settings, request: BaseRequest | None) -> str:
    """The bot token (the fake Bot API's own without one), registered for redaction."""
    token = settings.token
    if token is None and request is None:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN / KEPUBOT_TELEGRAM_TOKEN: not set; it is needed to run the "
            "bot on Telegram (use `kepubot chat` to try it locally)"
        )
    if token is None:
        from bot.telegram.local_api import LOCAL_TOKEN

        token = LOCAL_TOKEN
    redact_secret(token)
    if settings.webhook_secret is not None:
        redact_secret(settings.webhook_secret.get_secret_value())
    return token


def _telegram_application(
    settings: Settings,
    token: str,
    update_queue: DurableQueue,
    *,
    request: BaseRequest | None,
    get_updates_request: BaseRequest | None,
) -> Application:
    """python-telegram-bot's Application on the durable update queue and the bot's client."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.file_base_url)
        .local_mode(settings.telegram_local_mode)
        .update_queue(update_queue)
    )
    if request is not None:
        builder = builder.request(request)
        get_updates_request = get_updates_request or request
    else:
        builder = builder.request(bot_api_request(settings.telegram_connections))
        get_updates_request = HTTPXRequest()  # python-telegram-bot's default for getUpdates
    builder = builder.get_updates_request(AckAfterKept(get_updates_request, update_queue))
    if settings.concurrent_updates > 1:
        builder = builder.concurrent_updates(PerUserOrder(settings.concurrent_updates))
    return (
        builder.post_init(_post_init).post_stop(_post_stop).post_shutdown(_post_shutdown).build()
    )


def _add_telegram_handlers(application: Application) -> None:
    """All handlers, built for this Application, in the order they are tried (within a group
    the first match wins)."""
    application.add_handlers(guards.metric_handlers, group=-4)  # count every update
    application.add_handlers(guards.intake_handlers, group=-3)  # ledger, sender; repeats: drop
    application.add_handlers(guards.flood_handlers, group=-2)  # flood control before all
    # The multi-step flows, their state in the store: while one waits for content, a text or
    # file is its input, not a question. Organizers' flows come first.
    router = FlowRouter(
        [
            broadcast.conversation(),  # /broadcast: content → audience → time → confirm
            teach.conversation(),  # answering from /unanswered, editing from /faq
            review.conversation(),  # a typed reason for rejecting
            submit.conversation(),  # /submit, links in private chats, the guided steps
        ]
    )
    application.add_handler(router.handler, group=-1)
    application.bot_data[guards.FLOW_ROUTER_KEY] = router  # which updates start a flow
    application.add_handlers(start.build_handlers())  # /start, /help
    application.add_handlers(subscribe.build_handlers())  # /subscribe, /unsubscribe, buttons
    application.add_handlers(reminder_settings.build_handlers())  # /settings, its buttons
    application.add_handlers(broadcast.build_handlers())  # /broadcasts, stop buttons
    application.add_handlers(content_updates.build_handlers())  # .yaml/.csv files, /event
    application.add_handlers(admin.build_handlers())  # /grant, /revoke, /stats
    application.add_handlers(teach.build_handlers())  # /unanswered, /faq, deleting cards
    application.add_handlers(review.build_handlers())  # /review and its buttons
    application.add_handlers(submit.build_handlers())  # /submit in groups, /mine
    application.add_handlers(showcase.build_handlers())  # /showcase
    application.add_handlers(ask.build_handlers())  # /ask, private text, mentions, buttons
    application.add_handlers(submit.build_late_handlers())  # /cancel with nothing to cancel
    application.add_handlers(start.build_fallback_handlers())  # unknown commands: last
    application.add_handlers(guards.finish_handlers, group=guards.FINISH_GROUP)  # answered
    application.add_error_handler(errors.report_error)


async def _post_init(application: Application) -> None:
    """Warm the answerer up off the event loop, start the outbox, publish the command menu."""
    services: Services = application.bot_data[SERVICES_KEY]
    await asyncio.to_thread(services.answerer.warm_up)
    # Start-up objects (dictionaries, the index) live as long as the process: keep them out
    # of the collector's full passes, which would otherwise pause answers for ~100 ms.
    gc.freeze()
    if services.settings.run_dispatcher:
        await services.leadership.start()  # the lease holder starts its dispatcher
    application.bot_data[ORPHANS_KEY].start(application.bot)
    if services.settings.metrics_port is not None:
        services.metrics.serve(services.settings.metrics_port, services.settings.metrics_listen)
    if services.settings.web_port is not None:  # the web chat beside Telegram
        server = PublicServer(services, services.settings.web_listen, services.settings.web_port)
        server.start()
        application.bot_data[PUBLIC_SERVER_KEY] = server
    commands = [BotCommand(command, description) for command, description in messages.COMMANDS]
    await application.bot.set_my_commands(commands)
    log.info("bot @%s ready", application.bot.username)


async def _post_stop(application: Application) -> None:
    """No more updates: let the outbox's requests in flight finish while the HTTP client is
    still open (post_shutdown comes after it is closed)."""
    services: Services = application.bot_data[SERVICES_KEY]
    await application.bot_data[ORPHANS_KEY].stop()
    await services.leadership.stop()
    server = application.bot_data.pop(PUBLIC_SERVER_KEY, None)
    if server is not None:
        await server.stop()


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await application.bot_data[ORPHANS_KEY].stop()  # in case the application never stopped
    server = application.bot_data.pop(PUBLIC_SERVER_KEY, None)
    if server is not None:
        await server.stop()
    await services.leadership.stop()
    await asyncio.to_thread(services.writer.close)
    await asyncio.to_thread(services.lease.release)
    services.metrics.stop()
    services.engine.dispose()
