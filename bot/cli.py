"""The `kepubot` command line: ask, chat, web, run, import, export, unanswered, stats.

Heavy imports happen inside the commands, so `kepubot ask` never loads python-telegram-bot.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from telegram.ext import Application

EXIT_USAGE = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"kepubot: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _settings(*, quiet: bool = False) -> Settings:
    """Load settings and set up logging; a bad setting is a message and exit status 2."""
    from bot.runtime.logs import configure_logging, redact_secret

    try:
        settings = load_settings()
    except SettingsError as exc:
        _fail(str(exc))
    level = settings.log_level
    if quiet and level != "DEBUG":
        level = "WARNING"
    configure_logging(level, settings.token, settings.log_format)
    if settings.webhook_secret is not None:
        redact_secret(settings.webhook_secret.get_secret_value())
    return settings


def _open_store(settings: Settings) -> Engine:
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from bot.settings import redact_password, redact_url
    from bot.store import open_store
    from content.seed import ContentError

    url = settings.database_url
    try:
        return open_store(settings)
    except (ArgumentError, ImportError) as exc:
        shown = redact_password(url, str(exc))
        _fail(f"KEPUBOT_DATABASE_URL: cannot use {redact_url(url)!r}: {shown}")
    except SQLAlchemyError as exc:
        shown = redact_password(url, f"{exc.__class__.__name__}: {exc}")
        _fail(f"KEPUBOT_DATABASE_URL: cannot open the database: {shown}")
    except OSError as exc:  # the SQLite file's folder cannot be created
        where = redact_password(url, str(exc.filename or url))
        _fail(f"KEPUBOT_DATABASE_URL: cannot create the database at {where}: {exc.strerror}")
    except ContentError as exc:
        _fail(f"KEPUBOT_CONTENT_DIR: {exc}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kepubot")
def main() -> None:
    """kepubot：全国科普日问答机器人 / Q&A bot for National Science Popularization Day.

    Settings come from KEPUBOT_* environment variables or a .env file (see README).
    The database is created and seeded on first use by any command.
    """


def _parse_now(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"not an ISO date-time: {value!r}, e.g. 2024-09-10T10:00"
        ) from None


def _questions(words: tuple[str, ...]) -> Iterator[str]:
    if words:
        yield " ".join(words)
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


@main.command()
@click.option(
    "--now",
    metavar="ISO_DATETIME",
    callback=_parse_now,
    help="当前时间，用于“明天”“下周”等相对日期 / the clock for relative dates "
    "(default: now; without offset: the campaign time zone).",
)
@click.option("--json", "as_json", is_flag=True, help="每个问题输出一行 JSON / one JSON per line.")
@click.argument("question", nargs=-1)
def ask(now: datetime | None, as_json: bool, question: tuple[str, ...]) -> None:
    """回答问题 / Answer QUESTION, or one question per line of standard input.

    \b
    kepubot ask 科普日什么时候开始
    printf '主题是什么\\n怎么报名\\n' | kepubot ask --json
    """
    settings = _settings(quiet=True)
    from bot.personal import card_settings
    from content.answers import Answerer

    engine = _open_store(settings)
    tz = settings.tz
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    answerer = Answerer(
        engine, tz=tz, cache_dir=settings.jieba_cache_dir, settings=card_settings(settings)
    )
    answerer.warm_up()
    for number, text in enumerate(_questions(question)):
        answer = answerer.answer(text, now or datetime.now(tz))
        if as_json:
            record = {
                "question": text,
                "intent": answer.intent,
                "answer": answer.text,
                "sources": list(answer.sources),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        if number:
            click.echo()
        click.echo(answer.text)
        for suggestion in answer.suggestions:
            click.echo(f"  → {suggestion}")


@main.command()
def chat() -> None:
    """本地对话，不需要 token / Chat with the bot in the terminal, no Telegram needed.

    Goes through the same handlers as Telegram, over an in-process fake Bot API.
    Reads standard input: `echo 科普日什么时候开始 | kepubot chat`.
    """
    import asyncio

    settings = _settings(quiet=True)
    from bot.chat import run_chat

    _open_store(settings)  # report database problems before the chat starts
    interactive = sys.stdin.isatty()
    asyncio.run(run_chat(settings, sys.stdin, sys.stdout, interactive=interactive))


def _run_bot(settings: Settings) -> None:
    from telegram import Update
    from telegram.error import InvalidToken

    from bot.app import build_application

    try:
        application = build_application(settings)
    except SettingsError as exc:
        _fail(str(exc))
    try:
        if settings.webhook_url is None:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
        else:
            _run_webhook(application, settings)
    except InvalidToken:
        _fail("TELEGRAM_BOT_TOKEN / KEPUBOT_TELEGRAM_TOKEN: Telegram rejected the token")


def _run_webhook(application: Application, settings: Settings) -> None:
    import asyncio
    import functools

    from bot.services import services_from
    from bot.telegram.webhook import WebhookConfig, check_health, serve_webhook

    assert settings.webhook_url is not None and settings.webhook_secret is not None
    config = WebhookConfig(
        url=settings.webhook_url,
        path=settings.webhook_path,
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        secret=settings.webhook_secret.get_secret_value(),
    )
    services = services_from(application.bot_data)
    leader = (lambda: services.leadership.leading) if settings.run_dispatcher else None
    probe = functools.partial(check_health, services.engine, leader)
    asyncio.run(serve_webhook(application, config, probe))


@main.command()
@click.option(
    "--webhook-url",
    metavar="URL",
    help="用 webhook 接收更新 / serve Telegram's webhook at this public https address "
    "(default: KEPUBOT_WEBHOOK_URL; without either, long polling).",
)
def run(webhook_url: str | None) -> None:
    """在 Telegram 上运行 / Run the Telegram bot (long polling, or a webhook server).

    Needs TELEGRAM_BOT_TOKEN (or KEPUBOT_TELEGRAM_TOKEN); a webhook also needs
    KEPUBOT_WEBHOOK_SECRET, and serves /healthz beside it.
    """
    settings = _settings()
    if webhook_url is not None:
        try:
            settings = load_settings(webhook_url=webhook_url)
        except SettingsError as exc:
            _fail(str(exc).replace("KEPUBOT_WEBHOOK_URL", "--webhook-url"))
    if settings.token is None:
        _fail(
            "TELEGRAM_BOT_TOKEN / KEPUBOT_TELEGRAM_TOKEN: not set; get one from @BotFather, "
            "or try the bot locally with `kepubot chat`"
        )
    if settings.webhook_url is not None and settings.webhook_secret is None:
        _fail(
            "KEPUBOT_WEBHOOK_SECRET: not set; a webhook needs a secret that Telegram sends "
            "with every update (1-256 characters of A-Z, a-z, 0-9, _ and -)"
        )
    _open_store(settings)
    _run_bot(settings)


@main.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="端口 / port (default: KEPUBOT_WEB_PORT, else 8080).",
)
@click.option(
    "--listen", metavar="ADDRESS", help="地址 / address (default: KEPUBOT_WEB_LISTEN, 127.0.0.1)."
)
def web(port: int | None, listen: str | None) -> None:
    """网页版问答，不需要 token / Serve the web chat at /chat (and /wechat when set up).

    No Telegram token is needed. Open http://127.0.0.1:8080/chat in a browser.
    """
    import asyncio

    settings = _settings()
    overrides: dict[str, object] = {}
    if port is not None:
        overrides["web_port"] = port
    if listen is not None:
        overrides["web_listen"] = listen
    if overrides:
        settings = settings.model_copy(update=overrides)
    from bot.app import serve_public

    _open_store(settings)
    try:
        asyncio.run(serve_public(settings))
    except SettingsError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(
            f"KEPUBOT_WEB_PORT: cannot listen on {settings.web_listen}:{settings.web_port or 8080}: {exc}"
        )


@main.command("run-or-chat")
@click.pass_context
def run_or_chat(ctx: click.Context) -> None:
    """有 token 时运行 Telegram 机器人，否则本地对话 / `run` with a token, else `chat`."""
    settings = _settings(quiet=True)
    ctx.invoke(run if settings.token else chat)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """导入活动、场馆、问答 / Import events, venues and FAQs from YAML or CSV.

    A file with any error imports nothing: every problem is listed and the exit
    status is 2. Re-importing updates rows by their id.
    """
    settings = _settings(quiet=True)
    from bot.organizers.imports import FALLBACK_ENCODING, import_path
    from content.importer import ImportFailed

    engine = _open_store(settings)
    try:
        outcome = import_path(engine, file, settings.tz)
    except ImportFailed as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        _fail(f"{file}: {len(exc.problems)} problem(s); nothing was imported")
    if outcome.encoding == FALLBACK_ENCODING:
        click.echo(f"note: {file} is not UTF-8; read it as GBK/GB18030", err=True)
    click.echo(outcome.report.summary())


@main.command()
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=False
)
def export(file: Path | None) -> None:
    """导出活动、场馆、问答为 YAML / Export events, venues and FAQs as YAML.

    Writes to FILE, or to standard output. The format is the import format.
    """
    settings = _settings(quiet=True)
    from content.importer import export_data

    text = export_data(_open_store(settings), settings.tz)
    if file is None:
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"wrote {file}", err=True)


@main.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
def unanswered(limit: int) -> None:
    """最常见的未回答问题 / The most frequent questions the bot could not answer."""
    settings = _settings(quiet=True)
    from bot.organizers.faqs import most_unanswered

    rows = most_unanswered(_open_store(settings), limit)
    if not rows:
        click.echo("no unanswered questions yet")
    tz = settings.tz
    for row in rows:
        last = row.last_asked.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{row.count:>5}  {last}  {row.text}")


@main.group()
def submissions() -> None:
    """创作者提交的视频 / Creators' video submissions."""


@submissions.command("export")
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=False
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    help="输出格式 / csv or xlsx (default: from FILE's suffix, else csv).",
)
def submissions_export(file: Path | None, fmt: str | None) -> None:
    """导出全部提交及审核记录 / Export every submission with its status and audit trail.

    Writes to FILE, or CSV to standard output. CSV files get a BOM so Excel reads them
    as UTF-8; cells that a spreadsheet would take for a formula are prefixed with '.
    """
    settings = _settings(quiet=True)
    from bot.creators.export import export_rows, write_csv, write_xlsx
    from bot.creators.submissions import all_with_history

    if fmt is None:
        fmt = "xlsx" if file is not None and file.suffix.lower() == ".xlsx" else "csv"
    if fmt == "xlsx" and file is None:
        _fail("--format xlsx needs a FILE to write to")
    rows = export_rows(all_with_history(_open_store(settings)), settings.tz)
    if file is None:
        write_csv(rows, sys.stdout)
        return
    if fmt == "xlsx":
        write_xlsx(rows, file)
    else:
        with file.open("w", encoding="utf-8-sig", newline="") as stream:
            write_csv(rows, stream)
    click.echo(f"wrote {len(rows)} submission(s) to {file}", err=True)


@main.command()
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1, max=90))
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="同时把图表写入 PNG 文件 / also write the chart /stats sends to this PNG file.",
)
def stats(days: int, chart: Path | None) -> None:
    """活动统计 / Campaign statistics: subscribers, questions, submissions, broadcasts.

    The same figures as /stats in the bot, as text; with --chart, its chart too.
    """
    settings = _settings(quiet=True)
    from bot.organizers.report import stats_chart
    from bot.organizers.stats import campaign_stats, format_stats

    engine = _open_store(settings)
    now = datetime.now(settings.tz)
    click.echo(format_stats(campaign_stats(engine, now, settings.tz, days), settings.tz))
    if chart is not None:
        png = stats_chart(engine, now, settings.tz, days)
        if png is None:
            _fail("no CJK font found for the chart (apt-get install fonts-wqy-microhei)")
        chart.write_bytes(png)
        click.echo(f"wrote {chart}", err=True)


@main.command()
@click.option(
    "--now",
    metavar="ISO_DATETIME",
    callback=_parse_now,
    help="从这个时间算起 / start of the window (default: now; without offset: campaign time).",
)
@click.option("--hours", default=24.0, show_default=True, type=click.FloatRange(min=0))
@click.option("--ids", is_flag=True, help="列出每批的收件人 / list each batch's chat ids.")
def schedule(now: datetime | None, hours: float, ids: bool) -> None:
    """接下来要发送的定时消息 / What the scheduler will send in the next 24 hours.

    Daily digests, creator prompts, deadline reminders and broadcasts confirmed with a
    send time: when, what, to whom and to how many, as the database stands now.
    """
    from datetime import timedelta

    from bot.clock import system_clock
    from bot.messages import KIND_LABELS
    from bot.outreach.outbox import Outbox
    from bot.outreach.reminders import Cadence, Reminders, scheduled_broadcasts
    from bot.outreach.subscriptions import Subscriptions
    from bot.people import People

    settings = _settings(quiet=True)
    engine = _open_store(settings)
    tz = settings.tz
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    start = (now or datetime.now(tz)).astimezone(tz)
    clock = system_clock(tz)
    reminders = Reminders(
        engine,
        clock,
        tz,
        Subscriptions(engine, clock),
        People(engine, clock, settings.admin_ids),
        Outbox(engine, clock),
        Cadence.from_settings(settings),
    )
    until = start + timedelta(hours=hours)
    plans = sorted(
        [*reminders.upcoming(start, hours), *scheduled_broadcasts(engine, start, until)],
        key=lambda plan: max(plan.due, start),
    )
    click.echo(f"{start:%Y-%m-%d %H:%M} — {until:%Y-%m-%d %H:%M} ({settings.timezone})")
    if not plans:
        click.echo("nothing scheduled")
        return
    for plan in plans:
        kind = KIND_LABELS.get(plan.kind, plan.kind)
        # Missed earlier today and not queued yet: goes out at the next job run.
        when = max(plan.due, start).astimezone(tz).strftime("%m-%d %H:%M")
        click.echo(f"{when}  {kind}  {plan.audience or plan.key}  {len(plan.recipients)} 人")
        if ids:
            click.echo("    " + " ".join(str(chat) for chat in plan.recipients))
    total = sum(len(plan.recipients) for plan in plans)
    click.echo(f"{len(plans)} batches, {total} messages")
