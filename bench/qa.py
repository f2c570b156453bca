"""Benchmark of the question engine: latency, first answer of a new process, memory.

Run: .venv/bin/python bench/qa.py [--events 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store.schema import migrate  # noqa: E402
from content.answers import Answerer  # noqa: E402
from content.db import create_db_engine  # noqa: E402
from content.importer import import_file  # noqa: E402
from content.seed import seed  # noqa: E402
from tests.content.qa_eval import load_cases  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
TOPICS = [
    "人工智能",
    "无人机",
    "天文",
    "航天",
    "防灾",
    "急救",
    "食品安全",
    "低碳",
    "水利",
    "机器人",
    "量子",
    "新材料",
    "中医药",
    "地质",
    "昆虫",
    "植物",
    "气象",
    "数学",
    "化学",
    "编程",
]
FORMS = ["体验营", "讲座", "互动展", "科普课", "实验秀", "开放日", "沙龙", "研学", "直播", "市集"]
AUDIENCES = [None, "青少年", "大学生", "公众", "农民", "妇女"]


def make_events(count: int, districts: list[str], seed_value: int = 7) -> dict:
    rng = random.Random(seed_value)
    start0 = datetime(2024, 9, 14, 8, tzinfo=TZ)
    events = []
    for i in range(count):
        district = rng.choice(districts)
        start = start0 + timedelta(days=rng.randrange(13), hours=rng.randrange(12))
        events.append(
            {
                "id": f"bench-{i}",
                "title": f"{rng.choice(TOPICS)}{rng.choice(FORMS)}（第{i}期）",
                "start": start.isoformat(),
                "end": (start + timedelta(hours=rng.randrange(1, 4))).isoformat(),
                "venue": f"{district}科普中心{rng.randrange(30)}号馆",
                "district": district,
                "audience": rng.choice(AUDIENCES),
            }
        )
    return {"events": [{k: v for k, v in e.items() if v is not None} for e in events]}


SERVING_PROBE = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from content.answers import Answerer
from content.db import create_db_engine
tz = ZoneInfo("Asia/Shanghai")
answerer = Answerer(create_db_engine(sys.argv[1]), tz=tz, cache_dir=Path(sys.argv[2]))
now = datetime(2024, 9, 18, 10, tzinfo=tz)
for line in sys.stdin.read().splitlines():
    answerer.answer(line, now)
status = Path("/proc/self/status").read_text()
print(status.split("VmHWM:")[1].split()[0])
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kepubot-bench-"))
    try:
        db_url = f"sqlite:///{work / 'bench.db'}"
        cache = work / "cache"
        engine = create_db_engine(db_url)
        migrate(engine)
        seed(engine)
        districts = yaml.safe_load((ROOT / "content/data/districts.yaml").read_text("utf-8"))
        names = [d["name"] for d in districts["districts"]]
        events_file = work / "events.yaml"
        events_file.write_text(
            yaml.safe_dump(make_events(args.events, names), allow_unicode=True), encoding="utf-8"
        )
        started = time.perf_counter()
        report = import_file(engine, events_file, TZ)
        import_seconds = time.perf_counter() - started

        answerer = Answerer(engine, tz=TZ, cache_dir=cache)
        started = time.perf_counter()
        answerer.warm_up()
        warm_seconds = time.perf_counter() - started

        cases = load_cases(ROOT / "tests/content/data/qa-own.yaml")
        questions = [c.q for c in cases] + [
            "9月20日渝中区有什么活动",
            "明天有什么活动",
            "人工智能讲座",
            "青少年有什么活动",
            "周末去哪玩",
        ]
        start = datetime(2024, 9, 18, 10, tzinfo=TZ)
        latencies = []
        for round_number in range(args.rounds):
            now = start + timedelta(minutes=round_number)  # a new minute: worked out afresh
            for question in questions:
                t0 = time.perf_counter()
                answerer.answer(question, now)
                latencies.append((time.perf_counter() - t0) * 1000)
        remembered = []
        for question in questions:  # asked again within the minute
            t0 = time.perf_counter()
            answerer.answer(question, now)
            remembered.append((time.perf_counter() - t0) * 1000)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        cli = shutil.which("kepubot", path=str(Path(sys.executable).parent)) or "kepubot"
        env = {**os.environ, "KEPUBOT_DATABASE_URL": db_url, "KEPUBOT_JIEBA_CACHE_DIR": str(cache)}
        first_answers = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [cli, "ask", "科普日什么时候开始"], env=env, check=True, capture_output=True
            )
            first_answers.append(time.perf_counter() - t0)
        # A serving process: a fresh interpreter loads the store and answers every question.
        probe = subprocess.run(
            [sys.executable, "-c", SERVING_PROBE, db_url, str(cache)],
            check=True,
            capture_output=True,
            input="\n".join(questions).encode("utf-8"),
        )
        child_rss_mb = int(probe.stdout.decode().split()[-1]) / 1024

        print(f"content: notice + {args.events} imported events ({report.summary()})")
        print(f"import of {args.events} events: {import_seconds:.2f} s")
        print(f"warm-up (jieba + snapshot + index): {warm_seconds:.2f} s")
        print(f"answers: {len(latencies)} ({len(questions)} questions x {args.rounds})")
        print(f"latency p50: {statistics.median(latencies):.2f} ms")
        print(f"latency p99: {percentile(latencies, 0.99):.2f} ms")
        print(f"latency max: {max(latencies):.2f} ms")
        print(
            f"latency p50 of a question asked again within the minute: "
            f"{statistics.median(remembered) * 1000:.1f} µs"
        )
        print(
            f"first answer of `kepubot ask` in a new process (warm jieba cache): "
            f"{min(first_answers):.2f} s best, {statistics.median(first_answers):.2f} s median"
        )
        print(
            f"peak resident memory of a fresh serving process answering all questions: "
            f"{child_rss_mb:.0f} MB"
        )
        print(f"peak resident memory of this process (import + answers): {rss_mb:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
