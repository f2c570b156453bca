"""The accepted video platforms: their hosts, short-link hosts and canonical video URLs.

Each platform's `canonical` function turns a long link (host, path, query without tracking
parameters) into one canonical URL and the video id, or says it is not a video link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Platform:
    """A video platform: its hosts, its short-link hosts and how its video ids look."""

    key: str
    name: str
    domains: tuple[str, ...]
    short_domains: tuple[str, ...] = ()
    short_path: re.Pattern[str] | None = None
    """Paths on `domains` that are short links too (kuaishou.com/f/...)."""
    canonical: Callable[[str, str, dict[str, str]], tuple[str, str] | None] | None = None
    """(host, path, query) -> (canonical URL, video id), or None if it is not a video link.
    Without it, the cleaned URL itself is the canonical form."""
    keep_params: frozenset[str] = frozenset()
    """Query parameters that identify the page, for platforms without `canonical`."""
    title_suffixes: tuple[str, ...] = ()


_DIGITS = r"(\d{6,25})"
_CODE = r"([A-Za-z0-9_-]{1,64})"


def _match(pattern: str, path: str, flags: int = 0) -> re.Match[str] | None:
    return re.fullmatch(pattern, path, flags)


def _douyin(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    if m := _match(rf"/(?:share/)?(video|note)/{_DIGITS}/?", path):
        kind, video_id = m[1], m[2]
    elif re.fullmatch(r"\d{6,25}", query.get("modal_id", "")):
        kind, video_id = "video", query["modal_id"]
    else:
        return None
    return f"https://www.douyin.com/{kind}/{video_id}", video_id


def _kuaishou(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    m = _match(r"/(?:short-video|fw/photo|photo|fw/long-video)/([A-Za-z0-9_-]{5,40})/?", path)
    return (f"https://www.kuaishou.com/short-video/{m[1]}", m[1]) if m else None


def _bilibili(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    m = _match(r"/(?:s/)?video/(?:(BV[0-9A-Za-z]{10})|(av\d{1,20}))/?", path, re.IGNORECASE)
    if m is None:
        return None
    video_id = "BV" + m[1][2:] if m[1] else m[2].lower()
    canonical = f"https://www.bilibili.com/video/{video_id}"
    part = query.get("p", "")
    if part.isdecimal() and part.isascii() and int(part) > 1:
        canonical += f"?p={int(part)}"  # a later part of a multi-part video is its own video
    return canonical, video_id


def _ixigua(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    m = _match(rf"/(?:video/|i)?{_DIGITS}/?", path)
    return (f"https://www.ixigua.com/{m[1]}", m[1]) if m else None


_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def weibo_mid_to_bid(mid: str) -> str:
    """A weibo post's numeric id as the base-62 id of its web address (same post)."""
    pieces = []
    while mid:
        chunk, mid = mid[-7:], mid[:-7]
        number, encoded = int(chunk), ""
        while True:
            number, digit = divmod(number, 62)
            encoded = _BASE62[digit] + encoded
            if number == 0:
                break
        pieces.append(encoded.rjust(4, "0") if mid else encoded)
    return "".join(reversed(pieces))


def _weibo(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    if m := _match(r"/tv/show/(\d{1,10}:[A-Za-z0-9]{1,40})/?", path):
        return f"https://weibo.com/tv/show/{m[1]}", m[1]
    fid = query.get("fid", "")
    if path.rstrip("/") == "/show" and re.fullmatch(r"\d{1,10}:[A-Za-z0-9]{1,40}", fid):
        return f"https://weibo.com/tv/show/{fid}", fid
    post = _match(r"/(?:status|detail)/([0-9A-Za-z]{8,10}|\d{16,19})/?", path) or _match(
        r"/\d{5,12}/([0-9A-Za-z]{8,10}|\d{16,19})/?", path
    )
    if post is None:
        return None
    bid = weibo_mid_to_bid(post[1]) if len(post[1]) >= 16 else post[1]
    return f"https://m.weibo.cn/status/{bid}", bid


def _zhihu(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    if host == "zhuanlan.zhihu.com":
        m = _match(r"/p/(\d{1,20})/?", path)
        return (f"https://zhuanlan.zhihu.com/p/{m[1]}", m[1]) if m else None
    if m := _match(r"/(zvideo|pin)/(\d{1,25})/?", path):
        return f"https://www.zhihu.com/{m[1]}/{m[2]}", m[2]
    if m := _match(r"/(?:question/\d{1,20}/)?answer/(\d{1,20})/?", path):
        return f"https://www.zhihu.com/answer/{m[1]}", m[1]
    return None


def _xiaohongshu(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    m = _match(r"/(?:explore|discovery/item)/([0-9a-fA-F]{24})/?", path)
    return (f"https://www.xiaohongshu.com/explore/{m[1].lower()}", m[1].lower()) if m else None


def _channels(host: str, path: str, query: dict[str, str]) -> tuple[str, str] | None:
    if host == "weixin.qq.com" and (m := _match(rf"/sph/{_CODE}/?", path)):
        return f"https://weixin.qq.com/sph/{m[1]}", m[1]
    eid = query.get("eid", "")
    if host == "channels.weixin.qq.com" and re.fullmatch(r"[A-Za-z0-9_=/+-]{1,256}", eid):
        return f"https://channels.weixin.qq.com/web/pages/feed?{urlencode({'eid': eid})}", eid
    return None


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "kepuchina",
        "科普中国",
        ("kepuchina.cn", "kepuchina.com", "kpzg.people.com.cn"),
        keep_params=frozenset({"id", "ar_id", "business_type", "classify", "type"}),
        title_suffixes=("-科普中国网", "_科普中国", "-科普中国"),
    ),
    Platform(
        "xuexi",
        "学习强国",
        ("xuexi.cn",),
        keep_params=frozenset({"id", "item_id", "art_id", "study_style_id"}),
        title_suffixes=("-学习强国", "_学习强国"),
    ),
    Platform(
        "weibo",
        "微博",
        ("weibo.com", "weibo.cn"),
        short_domains=("t.cn",),
        canonical=_weibo,
        title_suffixes=("_微博", " - 微博"),
    ),
    Platform(
        "douyin",
        "抖音",
        ("douyin.com", "iesdouyin.com"),
        short_domains=("v.douyin.com",),
        canonical=_douyin,
        title_suffixes=(" - 抖音", "- 抖音"),
    ),
    Platform(
        "kuaishou",
        "快手",
        ("kuaishou.com", "gifshow.com", "chenzhongtech.com"),
        short_domains=("v.kuaishou.com",),
        short_path=re.compile(r"^/f/[A-Za-z0-9_-]{1,64}/?$"),
        canonical=_kuaishou,
        title_suffixes=("-快手", " - 快手"),
    ),
    Platform(
        "zhihu",
        "知乎",
        ("zhihu.com",),
        canonical=_zhihu,
        title_suffixes=(" - 知乎",),
    ),
    Platform(
        "bilibili",
        "bilibili",
        ("bilibili.com",),
        short_domains=("b23.tv",),
        canonical=_bilibili,
        title_suffixes=("_哔哩哔哩_bilibili", "_哔哩哔哩", " - 哔哩哔哩"),
    ),
    Platform(
        "ixigua",
        "西瓜视频",
        ("ixigua.com",),
        short_domains=("v.ixigua.com",),
        canonical=_ixigua,
        title_suffixes=(" - 西瓜视频", "-西瓜视频"),
    ),
    Platform(
        "channels",
        "视频号",
        ("channels.weixin.qq.com", "weixin.qq.com"),
        canonical=_channels,
    ),
    Platform(
        "xiaohongshu",
        "小红书",
        ("xiaohongshu.com",),
        short_domains=("xhslink.com",),
        canonical=_xiaohongshu,
        title_suffixes=(" - 小红书", "-小红书"),
    ),
)

DEFAULT_VIDEO_HOSTS: tuple[str, ...] = tuple(
    host for platform in PLATFORMS for host in (*platform.domains, *platform.short_domains)
)
