"""Run a question set once (notice and events modes); print the score, the failures, the
confidently wrong count and the score per category: `bench/run_set.py qa-blind4`."""

import collections
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store.schema import migrate  # noqa: E402
from content.answers import Answerer  # noqa: E402
from content.db import create_db_engine  # noqa: E402
from content.importer import import_file  # noqa: E402
from content.seed import seed  # noqa: E402
from tests.content.qa_eval import load_cases, run_cases  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
DATA = ROOT / "tests" / "content" / "data"
EVENTS = {"qa-own": "sample-events.yaml", "qa-dev-set": "qa-dev-events.yaml"}


def answerer(tmp: Path, events: Path | None = None) -> Answerer:
    folder = Path(tempfile.mkdtemp(dir=tmp))
    engine = create_db_engine(f"sqlite:///{folder}/k.db")
    migrate(engine)
    seed(engine)
    if events:
        import_file(engine, events, TZ)
    result = Answerer(engine, tz=TZ, cache_dir=tmp / "cache")
    result.warm_up()
    return result


def main(name: str) -> None:
    tmp = Path(tempfile.mkdtemp())
    cases = load_cases(DATA / f"{name}.yaml")
    events = DATA / EVENTS.get(name, f"{name}-events.yaml")
    total = failed = wrong = 0
    by_cat: collections.Counter[str] = collections.Counter()
    failed_cat: collections.Counter[str] = collections.Counter()
    modes = (
        ("notice", answerer(tmp)),
        ("events", answerer(tmp, events if events.exists() else None)),
    )
    for mode, a in modes:
        selected = [c for c in cases if c.pass_ in ("both", mode)]
        failures = run_cases(a, selected, TZ)
        by_cat.update(c.cat for c in selected)
        total += len(selected)
        failed += len(failures)
        print(
            f"== {mode}: {len(selected) - len(failures)}/{len(selected)}"
            f" = {1 - len(failures) / len(selected):.1%}"
        )
        for case, answer, why in failures:
            failed_cat[case.cat] += 1
            wrong += answer.intent != "fallback"
            print(f"  [{case.cat}] {case.q!r} -> [{answer.intent}] {why}: {answer.text[:150]!r}")
    print(
        f"== overall: {total - failed}/{total} = {1 - failed / total:.1%}; "
        f"confidently wrong (not fallback): {wrong} = {wrong / total:.1%}"
    )
    for cat in sorted(by_cat):
        print(f"  {cat}: {by_cat[cat] - failed_cat[cat]}/{by_cat[cat]}")


if __name__ == "__main__":
    main(sys.argv[1])
