"""Load benchmark: the bot and a bare echo bot, each against its own fake Bot API on 127.0.0.1,
by long polling and by webhook.

    .venv/bin/python bench/load.py [--mode both|polling|webhook] [--seconds 12] [--slices 6]
                                   [--latency-seconds 6] [--users 2000] [--concurrency 64]
                                   [--rate 100] [--against echo|tree:PATH|variant:NAME]

Runs a bare python-telegram-bot bot that only echoes and `kepubot run` side by side, each as
its own process against a fake Bot API served from this process (tornado). Polling: getUpdates
is answered as soon as an update is queued. Webhook: each update is posted to the bot's
webhook server with the secret header, as a load balancer would after TLS. Many simulated
users ask questions:

* peak: a closed loop of `--concurrency` outstanding questions: updates/s. The two bots take
  turns in `--slices` short slices (`--seconds` in all for each), so a drift of a shared
  machine's speed (a third within minutes, seen here) hits both alike; the share of each
  pair of slices is printed beside the overall one;
* latency: an open loop at 50% of that bot's peak rate: p50/p99 time from an update being
  queued at the API to the bot's sendMessage arriving there.

`--rate` runs the latency phase at that rate instead (100: about three times Telegram's cap
per bot). `--against` replaces the echo bot: `tree:PATH` is `kepubot run` from another
source tree (an older commit, unpacked there: before and after side by side), `variant:NAME`
this tree with one hand-written part swapped for the ordinary one (bench/variants.py).

Target: the bot's throughput at least 80% of the echo bot's; its p99 under 100 ms at 50% of its
peak. Bounded: every phase has a deadline; one mode takes about 50 s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.web
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "5555:BENCH-load-token"
BOT = {"id": 5555, "is_bot": True, "first_name": "科普日助手", "username": "kepubot_load_bot"}
QUESTIONS = [
    "科普日什么时候开始",
    "今年的主题是什么",
    "活动总结怎么报送",
    "渝中区有什么活动",
    "重庆科技馆在哪里",
    "遇到问题联系谁",
    "千万IP创科普怎么参加",
    "今天吃什么",
]
STARTUP_SECONDS = 40.0
WARM_UP_SECONDS = 1.0
UPDATE_IDS = itertools.count(int(time.time() * 1000))
"""Update ids are unique across the runs on one database: the bot drops an id it has seen."""
SECRET = "bench-webhook-secret"
PUBLIC_URL = "https://bench.invalid/hook"


@dataclass
class FakeApi:
    """Queued updates for getUpdates; the time each chat's reply arrived."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    polled: asyncio.Event = field(default_factory=asyncio.Event)
    next_update: itertools.count[int] = field(default_factory=lambda: UPDATE_IDS)
    next_message: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    webhook: str | None = None
    """Post updates here (webhook mode) instead of queueing them for getUpdates."""
    client: Any = None
    posting: set[asyncio.Future[int]] = field(default_factory=set)

    def ask(self, user_id: int, text: str) -> asyncio.Future[float]:
        """Queue a question from `user_id`; the future gets its update-to-reply seconds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        future.started = started  # type: ignore[attr-defined]
        self.waiting[user_id] = future
        update = {
            "update_id": next(self.next_update),
            "message": {
                "message_id": next(self.next_message),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "用户"},
                "from": {"id": user_id, "is_bot": False, "first_name": "用户"},
                "text": text,
            },
        }
        if self.webhook is not None:
            posting = asyncio.ensure_future(self.post_update(update))
            self.posting.add(posting)
            posting.add_done_callback(self.posting.discard)
        else:
            self.updates.append(update)
            self.arrived.set()
        return future

    async def post_update(self, update: dict[str, Any]) -> int:
        response = await self.client.fetch(
            self.webhook,
            method="POST",
            body=json.dumps(update, ensure_ascii=False),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
            },
            raise_error=False,
        )
        return int(response.code)

    async def ready(self) -> None:
        """Until the bot polls, or answers on its webhook."""
        if self.webhook is None:
            await self.polled.wait()
            return
        while True:
            try:
                if await self.post_update({"update_id": 0}) == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.2)

    async def get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        self.polled.set()
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), min(timeout, 1.0))
            except TimeoutError:
                return []
        return self.updates[:100]

    def replied(self, chat_id: int) -> None:
        future = self.waiting.pop(chat_id, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter() - future.started)  # type: ignore[attr-defined]


class ApiHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if token != TOKEN:
            self.set_status(404)
            return
        body = self.request.body
        params: dict[str, Any] = {}
        if body:
            if "json" in self.request.headers.get("Content-Type", ""):
                params = json.loads(body)
            else:
                params = {k: v[0].decode() for k, v in self.request.body_arguments.items()}
        result: Any = True
        if method == "getMe":
            result = BOT
        elif method == "getUpdates":
            result = await self.api.get_updates(
                int(params.get("offset") or 0), float(params.get("timeout") or 0)
            )
        elif method == "sendMessage":
            chat_id = int(params["chat_id"])
            self.api.replied(chat_id)
            result = {
                "message_id": next(self.api.next_message),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": str(params.get("text", ""))[:50],
            }
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": True, "result": result}, ensure_ascii=False))

    get = post


@dataclass
class Figures:
    name: str
    peak: float = 0.0
    rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    slice_peaks: list[float] = field(default_factory=list)
    """Replies per second in each slice at its peak."""
    cpu_ms: float = 0.0
    """The bot process's CPU time per reply in the peak phase (all its threads)."""
    driver_cpu_ms: float = 0.0
    """This process's (the users' and the fake API's) CPU time per reply in the peak phase."""

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<16} peak {self.peak:7.1f} updates/s | at {self.rate:6.1f}/s: "
            f"p50 {self.percentile(50):6.1f} ms, p99 {self.percentile(99):6.1f} ms "
            f"({len(self.latencies)} replies, {self.lost} unanswered) | "
            f"CPU {self.cpu_ms:.2f} ms/update (driver {self.driver_cpu_ms:.2f})"
        )


async def closed_loop(
    api: FakeApi, pool: Iterator[int], concurrency: int, seconds: float
) -> tuple[int, float]:
    """`concurrency` users each ask again as soon as answered, for `seconds`; returns the
    replies and the time they took (the last questions asked are waited for)."""
    done = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def user() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            try:
                await asyncio.wait_for(api.ask(next(pool), random.choice(QUESTIONS)), 5.0)
            except TimeoutError:
                continue
            done += 1

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return done, time.perf_counter() - started


async def open_loop(
    api: FakeApi, users: int, rate: float, seconds: float
) -> tuple[list[float], int]:
    """Questions at a steady `rate` from many users; returns the latencies and the lost."""
    pool = itertools.cycle(random.Random(2).sample(range(300_000, 300_000 + users), users))
    futures: list[asyncio.Future[float]] = []
    interval = 1.0 / rate
    start = time.perf_counter()
    for n in itertools.count():
        at = start + n * interval
        if at - start > seconds:
            break
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        futures.append(api.ask(next(pool), random.choice(QUESTIONS)))
    results = await asyncio.gather(
        *(asyncio.wait_for(f, 5.0) for f in futures), return_exceptions=True
    )
    latencies = [r for r in results if isinstance(r, float)]
    return latencies, len(results) - len(latencies)


@dataclass
class Contestant:
    """One bot process, the fake Bot API it talks to, and its figures so far."""

    figures: Figures
    api: FakeApi
    server: HTTPServer
    process: subprocess.Popen[bytes]
    log_path: Path
    pool: Iterator[int]
    replies: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    driver_seconds: float = 0.0

    async def slice(self, concurrency: int, seconds: float, *, count: bool = True) -> None:
        """Drive it at its peak for `seconds`; add up the figures (unless a warm-up)."""
        cpu, driver = _cpu_seconds(self.process.pid), time.process_time()
        replies, took = await closed_loop(self.api, self.pool, concurrency, seconds)
        if not replies:
            raise SystemExit(f"{self.figures.name} answered nothing: see {self.log_path}")
        if count:
            self.cpu_seconds += _cpu_seconds(self.process.pid) - cpu
            self.driver_seconds += time.process_time() - driver
            self.replies += replies
            self.seconds += took
            figures = self.figures
            figures.slice_peaks.append(replies / took)
            figures.peak = self.replies / self.seconds
            figures.cpu_ms = self.cpu_seconds / self.replies * 1000
            figures.driver_cpu_ms = self.driver_seconds / self.replies * 1000

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.server.stop()


def start(
    name: str, command: list[str], env: dict[str, str], args: Any, mode: str, seed: int
) -> Contestant:
    """Start `command` against a fake Bot API of its own, by `mode`."""
    api = FakeApi()
    if mode == "webhook":
        bot_port = _free_port()
        api.webhook = f"http://127.0.0.1:{bot_port}/hook"
        api.client = AsyncHTTPClient(force_instance=True, max_clients=args.concurrency * 2)
        env = {
            **env,
            "KEPUBOT_WEBHOOK_URL": PUBLIC_URL,
            "KEPUBOT_WEBHOOK_SECRET": SECRET,
            "KEPUBOT_WEBHOOK_PORT": str(bot_port),
        }
    server = HTTPServer(
        tornado.web.Application(
            [(r"/bot([^/]+)/(\w+)", ApiHandler, {"api": api})], log_function=lambda _: None
        )
    )
    server.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    env = {**env, "KEPUBOT_TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot"}
    log_path = Path(tempfile.gettempdir()) / f"kepubot-load-{name}.log"
    with log_path.open("wb") as log_file:  # a pipe nobody reads would stall the bot once full
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    users = random.Random(seed).sample(range(seed, seed + args.users), args.users)
    return Contestant(
        Figures(f"{name}/{mode}"), api, server, process, log_path, itertools.cycle(users)
    )


async def measure(
    commands: dict[str, list[str]], env: dict[str, str], args: Any, mode: str
) -> list[Figures]:
    """The bots run side by side and take turns at their peak in short slices, so a drift of
    the machine's speed hits them alike; then each one's latency at half its peak."""
    contestants = [
        start(name, command, env, args, mode, seed=100_000 * (n + 1))
        for n, (name, command) in enumerate(commands.items())
    ]
    try:
        for contestant in contestants:
            try:
                await asyncio.wait_for(contestant.api.ready(), STARTUP_SECONDS)
            except TimeoutError:
                raise SystemExit(
                    f"{contestant.figures.name} did not start: see {contestant.log_path}"
                ) from None
        for contestant in contestants:  # connection pools and caches warm up
            await contestant.slice(args.concurrency, WARM_UP_SECONDS, count=False)
        for n in range(args.slices):
            for contestant in contestants if n % 2 == 0 else contestants[::-1]:
                await asyncio.sleep(0.2)  # the last slice's stragglers are done
                await contestant.slice(args.concurrency, args.seconds / args.slices)
        for contestant in contestants:
            figures = contestant.figures
            figures.rate = args.rate or figures.peak / 2
            await asyncio.sleep(0.5)
            figures.latencies, figures.lost = await open_loop(
                contestant.api, args.users, figures.rate, args.latency_seconds
            )
    finally:
        for contestant in contestants:
            contestant.stop()
    return [contestant.figures for contestant in contestants]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def echo_bot(base_url: str) -> None:
    """The bare python-telegram-bot bot: it echoes every text message, nothing else."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    application = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    if "KEPUBOT_WEBHOOK_PORT" in os.environ:
        application.run_webhook(
            listen="127.0.0.1",
            port=int(os.environ["KEPUBOT_WEBHOOK_PORT"]),
            url_path="hook",
            secret_token=SECRET,
            webhook_url=PUBLIC_URL,
        )
    else:
        application.run_polling()


async def run(args: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "KEPUBOT_DATABASE_URL": os.environ.get(
                "KEPUBOT_DATABASE_URL", f"sqlite:///{Path(folder) / 'load.db'}"
            ),
            "KEPUBOT_JIEBA_CACHE_DIR": str(ROOT / "data" / "cache"),
            "KEPUBOT_LOG_LEVEL": "WARNING",
        }
        commands = {
            **_against(args.against, env),
            "kepubot": [str(Path(sys.executable).with_name("kepubot")), "run"],
        }
        other = next(iter(commands))
        started = time.perf_counter()
        for mode in ["polling", "webhook"] if args.mode == "both" else [args.mode]:
            echo, bot = await measure(commands, env, args, mode)
            print(echo.line(), flush=True)
            print(bot.line(), flush=True)
            shares = sorted(b / e for e, b in zip(echo.slice_peaks, bot.slice_peaks, strict=True))
            print(
                f"{mode}: kepubot throughput {bot.peak / echo.peak:.0%} of {other}'s "
                f"(target ≥ 80% of the echo bot's) [slice pairs: {shares[0]:.0%} to {shares[-1]:.0%}, "
                f"median {statistics.median(shares):.0%}]"
            )
            print(
                f"{mode}: kepubot p99 at {bot.rate:.0f}/s: {bot.percentile(99):.1f} ms, "
                f"{other} {echo.percentile(99):.1f} ms (target < 100)",
                flush=True,
            )
    print(
        f"database: {env['KEPUBOT_DATABASE_URL'].split(':')[0]}; "
        f"run took {time.perf_counter() - started:.0f} s"
    )


def _against(against: str, env: dict[str, str]) -> dict[str, list[str]]:
    """The contestant beside kepubot: the echo bot, another source tree, or a variant. Another
    tree has its own database (KEPUBOT_BEFORE_DATABASE_URL, else a SQLite file beside this
    one's): its migrations differ."""
    if against == "echo":
        return {"echo": [sys.executable, __file__, "--echo-bot"]}
    kind, _, value = against.partition(":")
    if kind == "tree":  # its own code first on the path (this venv's packages for the rest)
        before = os.environ.get("KEPUBOT_BEFORE_DATABASE_URL") or (
            env["KEPUBOT_DATABASE_URL"].removesuffix(".db") + "-before.db"
        )
        run = (
            f"import os, sys; sys.path.insert(0, {value!r}); "
            f"os.environ['KEPUBOT_DATABASE_URL'] = {before!r}; "
            "from bot.cli import main; main()"
        )
        return {"before": [sys.executable, "-c", run, "run"]}
    if kind == "variant":
        return {value: [sys.executable, str(ROOT / "bench" / "variants.py"), value, "run"]}
    raise SystemExit(f"--against: echo, tree:PATH or variant:NAME, not {against!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["both", "polling", "webhook"], default="both")
    parser.add_argument(
        "--seconds", type=float, default=12.0, help="peak time of each bot, in all its slices"
    )
    parser.add_argument("--slices", type=int, default=6, help="turns each bot takes at its peak")
    parser.add_argument(
        "--latency-seconds", type=float, default=6.0, help="latency phase of each bot"
    )
    parser.add_argument("--users", type=int, default=2000, help="simulated users")
    parser.add_argument("--concurrency", type=int, default=64, help="questions outstanding")
    parser.add_argument("--rate", type=float, default=0.0, help="latency phase rate (/s)")
    parser.add_argument("--against", default="echo", help="echo, tree:PATH or variant:NAME")
    parser.add_argument("--echo-bot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_bot:
        echo_bot(os.environ["KEPUBOT_TELEGRAM_BASE_URL"])
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
