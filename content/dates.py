"""Dates in everyday Chinese, relative to an injected clock: 9月20号, 九月二十日, 后天, 下周一…"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lunardate import LunarDate

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "末": 5,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_NUM = r"(?:\d{1,2}|[一二两三四五六七八九十〇零]{1,3})"
_DAY_SUFFIX = r"(?:日|号|號)"
_DASH = r"\s*(?:到|至|-|—|–|~|～|－)\s*"

_RANGE = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m1>{_NUM})\s*月\s*(?P<d1>{_NUM})\s*{_DAY_SUFFIX}?"
    rf"{_DASH}(?:(?P<m2>{_NUM})\s*月\s*)?(?P<d2>{_NUM})\s*{_DAY_SUFFIX}?"
)
_FULL = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*{_DAY_SUFFIX}?"
)
_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_DOTTED = re.compile(r"(?<![\d.\-])(?P<m>\d{1,2})[./\-](?P<d>\d{1,2})(?![\d.%\-])")
_DAY_ONLY = re.compile(rf"(?<![月\d一二两三四五六七八九十])(?P<d>{_NUM})\s*{_DAY_SUFFIX}")
_MONTH_ONLY = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_NUM})\s*月(?:份)?(?![\d一二三四五六七八九十])"
)
_WEEKDAY = re.compile(
    r"(?P<which>这个?|本|下个?|上个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天末1-7])"
)
_WEEK = re.compile(r"(?P<which>这|本|下|上)(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天末1-7])")
_RELATIVE = {
    "今儿个": 0,
    "今晚": 0,
    "今早": 0,
    "今夜": 0,
    "明晚": 1,
    "明早": 1,
    "大后天": 3,
    "后天": 2,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "当天": 0,
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
}
_RELATIVE_RE = re.compile("|".join(sorted(_RELATIVE, key=len, reverse=True)))


@dataclass(frozen=True)
class Holiday:
    """A festival by its rule: a day of the lunar or the solar calendar, and how many days
    the question means (国庆 is the golden week)."""

    month: int
    day: int
    lunar: bool = False
    days: int = 1

    def window(self, year: int) -> tuple[date, date] | None:
        """The festival's dates in `year` (None outside the lunar calendar's range)."""
        if self.lunar:
            try:
                first = LunarDate(year, self.month, self.day).to_solar_date()
            except ValueError:
                return None
        else:
            first = date(year, self.month, self.day)
        return first, first + timedelta(days=self.days - 1)


HOLIDAYS = {
    "中秋": Holiday(8, 15, lunar=True),
    "重阳": Holiday(9, 9, lunar=True),
    "七夕": Holiday(7, 7, lunar=True),
    "端午": Holiday(5, 5, lunar=True),
    "元宵": Holiday(1, 15, lunar=True),
    "春节": Holiday(1, 1, lunar=True, days=7),
    "过年": Holiday(1, 1, lunar=True, days=7),
    "国庆": Holiday(10, 1, days=7),
    "十一": Holiday(10, 1, days=7),
    "元旦": Holiday(1, 1),
    "劳动节": Holiday(5, 1, days=5),
    "五一": Holiday(5, 1, days=5),
}
"""Festivals by name; their dates come from the lunar calendar of the campaign's year."""
_HOLIDAY_RE = re.compile(
    "(?P<name>" + "|".join(sorted(HOLIDAYS, key=len, reverse=True)) + ")"
    r"(?:节|假期|小长假|长假|放假|期间|当天|那天|黄金周)*"
)


_PARTS = (
    ("晚上", "evening"),
    ("今晚", "evening"),
    ("明晚", "evening"),
    ("昨晚", "evening"),
    ("今夜", "evening"),
    ("夜间", "evening"),
    ("傍晚", "evening"),
    ("上午", "morning"),
    ("早上", "morning"),
    ("今早", "morning"),
    ("明早", "morning"),
    ("下午", "afternoon"),
    ("中午", "afternoon"),
)
PART_HOURS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (17, 24)}


def part_of_day(text: str) -> str | None:
    """morning / afternoon / evening when the text names one (上午, 下午, 今晚 …)."""
    return next((part for word, part in _PARTS if word in text), None)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of local dates the question is about."""

    start: date
    end: date
    relative: bool = False
    holiday: str | None = None
    """The festival the question named (中秋), if it named one."""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """Chinese label such as 9月17日 or 9月21日—9月22日."""
        if self.start == self.end:
            return _md(self.start)
        return f"{_md(self.start)}—{_md(self.end)}"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def cn_number(text: str) -> int | None:
    """'20', '二十', '十五', '三十一' -> int; None when it is not a small number."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units:
        return None
    tens_value = _CN_DIGITS.get(tens, -1) if tens else 1
    units_value = _CN_DIGITS.get(units, -1) if units else 0
    if tens_value < 0 or units_value < 0:
        return None
    return tens_value * 10 + units_value


def _make(year: int, month: int | None, day: int | None) -> date | None:
    if month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateContext:
    """What relative and partial dates are resolved against."""

    today: date
    default_year: int
    default_month: int

    @classmethod
    def for_campaign(cls, now: datetime, campaign_start: date) -> DateContext:
        """Dates without a year mean the campaign's year; a bare day means its month."""
        today = now.date()
        in_campaign_year = today.year == campaign_start.year
        return cls(
            today=today,
            default_year=campaign_start.year,
            default_month=today.month if in_campaign_year else campaign_start.month,
        )


def parse_dates(text: str, ctx: DateContext) -> tuple[DateRange | None, str]:
    """The first date or range mentioned in `text`, and the text with it removed."""
    for finder in (_range, _absolute, _relative, _weekday, _week, _holiday, _day_only, _month):
        found = finder(text, ctx)
        if found is not None:
            found_range, span = found
            rest = (text[: span[0]] + " " + text[span[1] :]).strip()
            return found_range, rest
    return None, text


_Found = tuple[DateRange, tuple[int, int]] | None


def _year(raw: str | None, ctx: DateContext) -> int:
    return int(raw) if raw else ctx.default_year


def _range(text: str, ctx: DateContext) -> _Found:
    match = _RANGE.search(text)
    if not match:
        return None
    year = _year(match["y"], ctx)
    m1 = cn_number(match["m1"])
    start = _make(year, m1, cn_number(match["d1"]))
    m2 = cn_number(match["m2"]) if match["m2"] else m1
    end = _make(year, m2, cn_number(match["d2"]))
    if start is None or end is None or end < start:
        return None
    return DateRange(start, end), match.span()


def _absolute(text: str, ctx: DateContext) -> _Found:
    for pattern in (_ISO, _FULL, _DOTTED):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            day = _make(_year(groups.get("y"), ctx), cn_number(match["m"]), cn_number(match["d"]))
            if day is not None:
                return DateRange(day, day), match.span()
    return None


def _relative(text: str, ctx: DateContext) -> _Found:
    match = _RELATIVE_RE.search(text)
    if not match:
        return None
    day = ctx.today + timedelta(days=_RELATIVE[match.group()])
    return DateRange(day, day, relative=True), match.span()


def _week_monday(which: str | None, today: date) -> date:
    monday = today - timedelta(days=today.weekday())
    if which and which.startswith("下"):
        return monday + timedelta(days=7)
    if which and which.startswith("上"):
        return monday - timedelta(days=7)
    return monday


def _weekday(text: str, ctx: DateContext) -> _Found:
    match = _WEEKDAY.search(text)
    weekend = re.search(r"(?P<which>这个?|本|下个?|上个?)?(?:周末|星期末|礼拜末)", text)
    if weekend and (not match or weekend.start() <= match.start()):
        monday = _week_monday(weekend["which"], ctx.today)
        saturday = monday + timedelta(days=5)
        return DateRange(saturday, saturday + timedelta(days=1), relative=True), weekend.span()
    if not match:
        return None
    day = _week_monday(match["which"], ctx.today) + timedelta(days=_WEEKDAYS[match["wd"]])
    if not match["which"] and day < ctx.today:
        day += timedelta(days=7)  # 周一能去吗 on a Tuesday: the coming Monday, not yesterday
    return DateRange(day, day, relative=True), match.span()


def _week(text: str, ctx: DateContext) -> _Found:
    match = _WEEK.search(text)
    if not match:
        return None
    monday = _week_monday(match["which"], ctx.today)
    return DateRange(monday, monday + timedelta(days=6), relative=True), match.span()


def _holiday(text: str, ctx: DateContext) -> _Found:
    for match in _HOLIDAY_RE.finditer(text):
        if match["name"] == "十一" and not _looks_like_national_day(text, match):
            continue  # 十一 is also the number eleven (一共十一天)
        window = HOLIDAYS[match["name"]].window(ctx.default_year)
        if window is not None:
            return DateRange(*window, holiday=match["name"]), match.span()
    return None


def _looks_like_national_day(text: str, match: re.Match[str]) -> bool:
    after = text[match.end("name") : match.end("name") + 1]
    before = text[max(match.start() - 1, 0) : match.start()]
    return after not in "天日号月点个场项届期次" and not before.isdigit() and before != "第"


def _day_only(text: str, ctx: DateContext) -> _Found:
    for match in _DAY_ONLY.finditer(text):
        day = _make(ctx.default_year, ctx.default_month, cn_number(match["d"]))
        if day is not None:
            return DateRange(day, day), match.span()
    return None


def _month(text: str, ctx: DateContext) -> _Found:
    for match in _MONTH_ONLY.finditer(text):
        month = cn_number(match["m"])
        if month is None or not 1 <= month <= 12:
            continue
        year = _year(match["y"], ctx)
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        return DateRange(first, last), match.span()
    return None
