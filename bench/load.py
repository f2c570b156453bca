"""Load benchmark: the bot and a bare echo bot against one fake Bot API on 127.0.0.1, by long
polling and by webhook.

    .venv/bin/python bench/load.py [--mode both|polling|webhook] [--seconds 8] [--users 2000]
                                   [--concurrency 64] [--rounds 1]

Runs, one after the other, a bare python-telegram-bot bot that only echoes and `kepubot run`,
each as its own process against a fake Bot API served from this process (tornado). Polling:
getUpdates is answered as soon as an update is queued. Webhook: each update is posted to the
bot's webhook server with the secret header, as a load balancer would after TLS. Many
simulated users ask questions:

* peak: a closed loop of `--concurrency` outstanding questions for `--seconds`: updates/s;
* latency: an open loop at 50% of that bot's peak rate: p50/p99 time from an update being
  queued at the API to the bot's sendMessage arriving there.

Target: the bot's throughput at least 80% of the echo bot's; its p99 under 100 ms at 50% of its
peak. The speed of a shared machine drifts by a third within minutes, so `--rounds N` measures
N echo/kepubot pairs in turn and prints the median share. Bounded: every phase has a deadline;
a round of one mode takes about 40 s.
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
    cpu_ms: float = 0.0
    """The bot process's CPU time per reply in the peak phase (all its threads)."""

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
            f"CPU {self.cpu_ms:.2f} ms/update"
        )


async def closed_loop(
    api: FakeApi, users: int, concurrency: int, seconds: float
) -> tuple[float, int]:
    """`concurrency` users each ask again as soon as answered; returns replies per second
    (after the first second) and all replies."""
    pool = itertools.cycle(random.Random(1).sample(range(100_000, 100_000 + users), users))
    done = 0
    deadline = time.perf_counter() + seconds

    async def user() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            try:
                await asyncio.wait_for(api.ask(next(pool), random.choice(QUESTIONS)), 5.0)
            except TimeoutError:
                continue
            done += 1

    await asyncio.sleep(0)
    warm = asyncio.gather(*(user() for _ in range(concurrency)))
    # Count only after the first second (connection pools and caches warm up).
    await asyncio.sleep(1.0)
    start_done, started = done, time.perf_counter()
    await warm
    return (done - start_done) / (time.perf_counter() - started), done


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


async def measure(
    name: str, command: list[str], env: dict[str, str], args: Any, mode: str
) -> Figures:
    api = FakeApi()
    if mode == "webhook":
        bot_port = _free_port()
        api.webhook = f"http://127.0.0.1:{bot_port}/hook"
        api.client = AsyncHTTPClient(max_clients=args.concurrency * 2)
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
    figures = Figures(f"{name}/{mode}")
    try:
        await asyncio.wait_for(api.ready(), STARTUP_SECONDS)
        await asyncio.sleep(0.5)
        cpu_before = _cpu_seconds(process.pid)
        figures.peak, replies = await closed_loop(api, args.users, args.concurrency, args.seconds)
        figures.cpu_ms = (_cpu_seconds(process.pid) - cpu_before) / max(replies, 1) * 1000
        if not replies:
            raise SystemExit(f"{name}/{mode} answered nothing: see {log_path}")
        figures.rate = figures.peak / 2
        await asyncio.sleep(0.5)
        figures.latencies, figures.lost = await open_loop(
            api, args.users, figures.rate, args.seconds * 0.75
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        server.stop()
    return figures


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
        echo = [sys.executable, __file__, "--echo-bot"]
        kepubot = [str(Path(sys.executable).with_name("kepubot")), "run"]
        started = time.perf_counter()
        modes = ["polling", "webhook"] if args.mode == "both" else [args.mode]
        results: dict[str, list[tuple[Figures, Figures]]] = {mode: [] for mode in modes}
        for mode in modes:
            for _ in range(args.rounds):  # alternated: a busy spell of the machine hits both
                echo_figures = await measure("echo", echo, env, args, mode)
                bot_figures = await measure("kepubot", kepubot, env, args, mode)
                print(echo_figures.line(), flush=True)
                print(bot_figures.line(), flush=True)
                results[mode].append((echo_figures, bot_figures))
    for mode, rounds in results.items():
        shares = sorted(bot.peak / echo.peak for echo, bot in rounds if echo.peak)
        p99s = sorted(bot.percentile(99) for _, bot in rounds)
        share, p99 = statistics.median(shares), statistics.median(p99s)
        each = ", ".join(f"{value:.0%}" for value in shares)
        print(f"{mode}: kepubot throughput {share:.0%} of the echo bot's (target ≥ 80%)", end="")
        print(f" [rounds: {each}]" if len(rounds) > 1 else "")
        print(f"{mode}: kepubot p99 at 50% of its peak: {p99:.1f} ms (target < 100)")
    print(
        f"database: {env['KEPUBOT_DATABASE_URL'].split(':')[0]}; "
        f"run took {time.perf_counter() - started:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["both", "polling", "webhook"], default="both")
    parser.add_argument("--seconds", type=float, default=8.0, help="peak phase length")
    parser.add_argument("--users", type=int, default=2000, help="simulated users")
    parser.add_argument("--concurrency", type=int, default=64, help="questions outstanding")
    parser.add_argument(
        "--rounds", type=int, default=1, help="echo/kepubot pairs per mode (medians printed)"
    )
    parser.add_argument("--echo-bot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_bot:
        echo_bot(os.environ["KEPUBOT_TELEGRAM_BASE_URL"])
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
