"""The organizers' chart: one PNG with four panels (questions per day, answered and not;
subscribers over time; submissions by platform and status; broadcast delivery).

Drawn with matplotlib's Agg backend on a `Figure` of its own (no pyplot, no global figure
state), so it may run in a worker thread. Chinese labels need a CJK font: the Noto Sans CJK
font installed on the system (Debian's `fonts-wqy-microhei`, which `.ci/run` installs, or
Noto Sans CJK / Source Han Sans); with none, `chart_font()` says so once in the log and
callers send the text figures only.

Blocking (`asyncio.to_thread` from the event loop): a render takes about half a second.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot import messages
from bot.creators.platforms import PLATFORMS
from bot.outreach.outbox import BroadcastInfo, Outbox
from bot.store.models import AskedQuestion, Submission, Subscription

log = logging.getLogger(__name__)

WIDTH_INCHES, HEIGHT_INCHES, DPI = 12, 8, 100
SIZE = (WIDTH_INCHES * DPI, HEIGHT_INCHES * DPI)
"""The PNG's width and height in pixels."""
CJK_FONT_NAMES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
)
"""Fonts with Chinese glyphs, in order of preference (simplified Chinese forms first)."""
BROADCASTS_SHOWN = 5
PLATFORM_NAMES = {platform.key: platform.name for platform in PLATFORMS}
"""What organizers call each platform (抖音, not douyin)."""
COLORS = {"answered": "#2a9d8f", "unanswered": "#e76f51", "line": "#264653"}
STATUS_COLORS = {"approved": "#2a9d8f", "pending": "#e9c46a", "rejected": "#e76f51"}
DELIVERY = (
    ("sent", "送达", "#2a9d8f"),
    ("blocked", "屏蔽", "#e9c46a"),
    ("failed", "失败", "#e76f51"),
)

_render_lock = threading.Lock()  # rcParams are process-wide: one render at a time


@dataclass(frozen=True)
class ChartFigures:
    """What the chart shows, read from the database."""

    days: list[date]
    answered: dict[date, int]
    unanswered: dict[date, int]
    subscribers: dict[date, int]
    """Subscriptions active now that had begun by the end of each day."""
    submissions: dict[tuple[str, str], int]
    """(platform, status) → count."""
    broadcasts: list[BroadcastInfo]
    """The latest broadcasts, oldest first."""


def chart_figures(engine: Engine, now: datetime, tz: ZoneInfo, days: int = 7) -> ChartFigures:
    """The chart's figures for the last `days` local days up to `now` (blocking)."""
    today = now.astimezone(tz).date()
    day_list = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    since = datetime.combine(day_list[0], datetime.min.time(), tz)
    with Session(engine) as session:
        asked = session.exec(
            select(AskedQuestion.asked_at, AskedQuestion.answered).where(
                col(AskedQuestion.asked_at) >= since
            )
        ).all()
        joined = session.exec(
            select(Subscription.created_at).where(col(Subscription.active).is_(True))
        ).all()
        submitted = session.exec(
            select(Submission.platform, Submission.status, Submission.id)
        ).all()
    answered = Counter(at.astimezone(tz).date() for at, ok in asked if ok)
    unanswered = Counter(at.astimezone(tz).date() for at, ok in asked if not ok)
    joined_days = [at.astimezone(tz).date() for at in joined]
    recent = Outbox(engine, lambda: now).recent(BROADCASTS_SHOWN, kind="broadcast")
    return ChartFigures(
        days=day_list,
        answered={d: answered.get(d, 0) for d in day_list},
        unanswered={d: unanswered.get(d, 0) for d in day_list},
        subscribers={d: sum(1 for j in joined_days if j <= d) for d in day_list},
        submissions=dict(Counter((platform, status) for platform, status, _ in submitted)),
        broadcasts=list(reversed(recent)),
    )


@functools.cache
def chart_font() -> Path | None:
    """A font file with Chinese glyphs, or None (logged once)."""
    from matplotlib import font_manager

    installed = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    found = _first_wanted(installed)
    if found is None:
        # matplotlib keeps its font list across runs: a font installed after it was made is
        # missing from it, so look at the system's font files themselves.
        found = _first_wanted(_system_fonts())
    if found is not None:
        return found
    log.warning(
        "no CJK font found (apt-get install fonts-wqy-microhei): "
        "/stats and the daily report send their figures as text only, without the chart"
    )
    return None


def _first_wanted(fonts: dict[str, str]) -> Path | None:
    for wanted in CJK_FONT_NAMES:
        if wanted in fonts:
            return Path(fonts[wanted])
    return None


def _system_fonts() -> dict[str, str]:
    """Family name → file of every font file installed on the system."""
    from matplotlib import font_manager

    fonts: dict[str, str] = {}
    for path in font_manager.findSystemFonts():
        try:
            fonts.setdefault(font_manager.get_font(path).family_name, path)
        except (OSError, RuntimeError):
            continue  # an unreadable font file
    return fonts


def render_chart(figures: ChartFigures, font: Path) -> bytes:
    """The chart as PNG bytes of `SIZE` pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with _render_lock, _font_context(font):
        figure = build_figure(figures)
        FigureCanvasAgg(figure)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def build_figure(figures: ChartFigures):  # type: ignore[no-untyped-def]
    """The matplotlib Figure of the chart (what `render_chart` draws)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    figure.subplots_adjust(left=0.05, right=0.98, bottom=0.06, top=0.95, wspace=0.15, hspace=0.3)
    questions, subscribers, submissions, broadcasts = figure.subplots(2, 2).flat
    labels = [f"{day:%m-%d}" for day in figures.days]

    answered = [figures.answered[d] for d in figures.days]
    unanswered = [figures.unanswered[d] for d in figures.days]
    questions.bar(labels, answered, color=COLORS["answered"], label="已回答")
    questions.bar(labels, unanswered, bottom=answered, color=COLORS["unanswered"], label="未回答")
    questions.set_title("每日提问")
    questions.legend(loc="upper left")

    subscribers.plot(
        labels, [figures.subscribers[d] for d in figures.days], marker="o", color=COLORS["line"]
    )
    subscribers.set_title("订阅人数")
    subscribers.set_ylim(bottom=0)

    platforms = sorted({platform for platform, _ in figures.submissions})
    statuses = sorted({status for _, status in figures.submissions})
    bottom = [0] * len(platforms)
    for status in statuses:
        counts = [figures.submissions.get((p, status), 0) for p in platforms]
        label = messages.STATUS_LABELS.get(status, status)
        color = STATUS_COLORS.get(status)
        names = [PLATFORM_NAMES.get(p, p) for p in platforms]
        submissions.bar(names, counts, bottom=bottom, label=label, color=color)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    submissions.set_title("作品提交（按平台、状态）")
    if statuses:
        submissions.legend(loc="upper left")
    else:
        _empty(submissions, "尚无提交")

    names = [f"#{info.id}" for info in figures.broadcasts]
    bottom = [0] * len(names)
    for attr, label, color in DELIVERY:
        counts = [getattr(info.figures, attr) for info in figures.broadcasts]
        broadcasts.bar(names, counts, bottom=bottom, color=color, label=label)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    broadcasts.set_title("群发送达")
    if names:
        broadcasts.legend(loc="upper left")
    else:
        _empty(broadcasts, "还没有群发")
    for axes in (questions, subscribers, submissions, broadcasts):
        if axes.get_yticks().size:
            axes.yaxis.get_major_locator().set_params(integer=True)
    return figure


def _empty(axes, text: str) -> None:  # type: ignore[no-untyped-def]
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)


def _font_context(font: Path):  # type: ignore[no-untyped-def]
    import matplotlib
    from matplotlib import font_manager

    _register(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    return matplotlib.rc_context(
        {"font.family": "sans-serif", "font.sans-serif": [name, "DejaVu Sans"]}
    )


@functools.cache
def _register(path: str) -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
