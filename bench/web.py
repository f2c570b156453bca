"""Web chat benchmark: questions through `POST /api/ask` beside the same questions through
Telegram's path (webhook, the fake Bot API of bench/load.py), each bot its own process on
127.0.0.1.

    .venv/bin/python bench/web.py [--seconds 8] [--slices 4] [--latency-seconds 5]
                                  [--users 2000] [--concurrency 64]

* peak: a closed loop of `--concurrency` outstanding questions: questions/s. The two take
  turns in `--slices` slices, so a drift of the shared machine's speed hits both alike;
* latency: an open loop at 50% of that path's peak: p50/p99 from the question leaving the
  driver to its answer arriving (the web: the HTTP response; Telegram: the bot's sendMessage
  arriving at the fake API).

Flood control is off (every simulated user and visitor is on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py: the Telegram path's fake API and its loops

KEPUBOT = Path(sys.executable).with_name("kepubot")


class WebApi:
    """Asks questions through the web chat's API, one session per simulated visitor."""

    def __init__(self, port: int, concurrency: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.client = AsyncHTTPClient(force_instance=True, max_clients=concurrency * 2)

    def ask(self, user_id: int, text: str) -> asyncio.Future[float]:
        return asyncio.ensure_future(self._ask(user_id, text))

    async def _ask(self, user_id: int, text: str) -> float:
        started = time.perf_counter()
        body = {"question": text, "session": f"bench-visitor-{user_id:012d}"}
        response = await self.client.fetch(
            f"{self.url}/api/ask",
            method="POST",
            body=json.dumps(body, ensure_ascii=False),
            headers={"Content-Type": "application/json"},
            raise_error=False,
        )
        if response.code != 200:
            raise RuntimeError(f"/api/ask answered {response.code}: {response.body[:200]!r}")
        return time.perf_counter() - started

    async def ready(self) -> None:
        while True:
            try:
                response = await self.client.fetch(f"{self.url}/healthz", raise_error=False)
                if response.code == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.2)


class WebContestant:
    """`kepubot web` as a process, and its figures."""

    def __init__(self, env: dict[str, str], args: Any) -> None:
        port = load._free_port()
        self.log_path = Path(tempfile.gettempdir()) / "kepubot-bench-web.log"
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [str(KEPUBOT), "web", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        self.api = WebApi(port, args.concurrency)
        users = random.Random(7).sample(range(10_000, 10_000 + args.users), args.users)
        self.pool = itertools.cycle(users)
        self.figures = load.Figures("kepubot/web")
        self.replies = 0
        self.seconds = 0.0

    async def slice(self, concurrency: int, seconds: float, *, count: bool = True) -> None:
        replies, took = await load.closed_loop(self.api, self.pool, concurrency, seconds)
        if not replies:
            raise SystemExit(f"the web chat answered nothing: see {self.log_path}")
        if count:
            self.replies += replies
            self.seconds += took
            self.figures.slice_peaks.append(replies / took)
            self.figures.peak = self.replies / self.seconds

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def run(args: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": load.TOKEN,
            "KEPUBOT_DATABASE_URL": os.environ.get(
                "KEPUBOT_DATABASE_URL", f"sqlite:///{Path(folder) / 'web.db'}"
            ),
            "KEPUBOT_JIEBA_CACHE_DIR": str(load.ROOT / "data" / "cache"),
            "KEPUBOT_LOG_LEVEL": "WARNING",
            "KEPUBOT_FLOOD_MESSAGES": "0",
            "KEPUBOT_WEB_ADDRESS_FLOOD_MESSAGES": "0",
        }
        # One database, one process at a time creates it: the web chat first.
        web = WebContestant(env, args)
        await asyncio.wait_for(web.api.ready(), load.STARTUP_SECONDS)
        telegram = load.start("kepubot", [str(KEPUBOT), "run"], env, args, "webhook", 100_000)
        telegram.figures.name = "kepubot/telegram"
        contestants: list[Any] = [telegram, web]
        try:
            await asyncio.wait_for(telegram.api.ready(), load.STARTUP_SECONDS)
            for contestant in contestants:
                await contestant.slice(args.concurrency, load.WARM_UP_SECONDS, count=False)
            for n in range(args.slices):
                for contestant in contestants if n % 2 == 0 else contestants[::-1]:
                    await asyncio.sleep(0.2)
                    await contestant.slice(args.concurrency, args.seconds / args.slices)
            for contestant in contestants:
                figures = contestant.figures
                figures.rate = figures.peak / 2
                await asyncio.sleep(0.5)
                figures.latencies, figures.lost = await load.open_loop(
                    contestant.api, args.users, figures.rate, args.latency_seconds
                )
        finally:
            for contestant in contestants:
                contestant.stop()
    for contestant in contestants:
        figures = contestant.figures
        print(
            f"{figures.name:<17} peak {figures.peak:7.1f} questions/s | at {figures.rate:6.1f}/s: "
            f"p50 {figures.percentile(50):6.1f} ms, p99 {figures.percentile(99):6.1f} ms "
            f"({len(figures.latencies)} answers, {figures.lost} unanswered)",
            flush=True,
        )
    print(f"web chat throughput {web.figures.peak / telegram.figures.peak:.0%} of Telegram's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="peak time of each path")
    parser.add_argument("--slices", type=int, default=4, help="turns each path takes")
    parser.add_argument("--latency-seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=2000, help="simulated users / visitors")
    parser.add_argument("--concurrency", type=int, default=64, help="questions outstanding")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
