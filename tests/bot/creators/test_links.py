"""Link checks and canonical forms: every platform's forms, de-duplication, every refusal."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.creators.links import (
    LinkRefused,
    LinkRules,
    Refusal,
    find_link_candidates,
    normalize_link,
    parse_link,
)
from bot.creators.platforms import DEFAULT_VIDEO_HOSTS, weibo_mid_to_bid
from tests.helpers.corpora import CORPORA

RULES = LinkRules()
SSRF_FILES = ("ssrf-urls.txt", "ssrf-allowlist-bypass.txt")

DOUYIN = "https://www.douyin.com/video/7412345678901234567"
BILIBILI = "https://www.bilibili.com/video/BV1xx411c7mD"
KUAISHOU = "https://www.kuaishou.com/short-video/3xq8a2bcd9efgh1"
WEIBO = "https://m.weibo.cn/status/z0JH2lOMb"
XHS = "https://www.xiaohongshu.com/explore/64a1b2c3d4e5f60718293a4b"

# (a link as creators paste it, its platform, its canonical form)
LONG_LINKS = [
    (f"{DOUYIN}?previous_page=app_code_link&is_from_webapp=1", "抖音", DOUYIN),
    (
        "https://www.iesdouyin.com/share/video/7412345678901234567/?region=CN&mid=1&u_code=x",
        "抖音",
        DOUYIN,
    ),
    ("https://www.douyin.com/discover?modal_id=7412345678901234567", "抖音", DOUYIN),
    ("https://www.douyin.com/note/7412345678901234568", "抖音", None),
    (f"{KUAISHOU}?authorId=3x&streamSource=profile&utm_source=share", "快手", KUAISHOU),
    ("https://v.m.chenzhongtech.com/fw/photo/3xq8a2bcd9efgh1?fid=1&cc=share", "快手", KUAISHOU),
    ("https://m.gifshow.com/fw/photo/3xq8a2bcd9efgh1", "快手", KUAISHOU),
    (f"{BILIBILI}/?spm_id_from=333.1007&vd_source=abc123", "bilibili", BILIBILI),
    ("https://m.bilibili.com/video/bv1xx411c7mD", "bilibili", BILIBILI),
    (f"{BILIBILI}?p=3&share_source=copy_web", "bilibili", f"{BILIBILI}?p=3"),
    (f"{BILIBILI}?p=1", "bilibili", BILIBILI),
    ("https://www.bilibili.com/video/av170001", "bilibili", None),
    ("https://www.ixigua.com/7412345678901234569?logTag=abc", "西瓜视频", None),
    ("https://m.weibo.cn/status/3501756485200075", "微博", WEIBO),
    ("https://weibo.com/2991905905/z0JH2lOMb?type=comment", "微博", WEIBO),
    ("https://m.weibo.cn/detail/3501756485200075", "微博", WEIBO),
    ("https://weibo.com/tv/show/1034:4987654321012345", "微博", None),
    ("https://www.zhihu.com/zvideo/1412345678901234567", "知乎", None),
    (
        "https://www.zhihu.com/question/123456/answer/987654321?utm_psn=1",
        "知乎",
        "https://www.zhihu.com/answer/987654321",
    ),
    ("https://zhuanlan.zhihu.com/p/612345678", "知乎", None),
    (f"{XHS}?xsec_token=AB123&xsec_source=pc_share", "小红书", XHS),
    ("https://www.xiaohongshu.com/discovery/item/64A1B2C3D4E5F60718293A4B", "小红书", XHS),
    ("https://weixin.qq.com/sph/AbCdEf12", "视频号", None),
    (
        "https://channels.weixin.qq.com/web/pages/feed?eid=export%2FUzFfAgtgekIEAQ",
        "视频号",
        None,
    ),
    (
        "https://www.kepuchina.cn/article/articleinfo?business_type=100&classify=0&ar_id=5432"
        "&utm_source=wx",
        "科普中国",
        "https://www.kepuchina.cn/article/articleinfo?ar_id=5432&business_type=100&classify=0",
    ),
    (
        "https://www.xuexi.cn/lgpage/detail/index.html?id=1234567890&item_id=1234567890"
        "&source=share",
        "学习强国",
        "https://www.xuexi.cn/lgpage/detail/index.html?id=1234567890&item_id=1234567890",
    ),
]

SHORT_LINKS = [
    ("https://v.douyin.com/iRNBho6/", "抖音"),
    ("https://v.kuaishou.com/AbCd12", "快手"),
    ("https://www.kuaishou.com/f/X-5Yz8AbCd", "快手"),
    ("https://b23.tv/Ab3dEfG", "bilibili"),
    ("http://xhslink.com/a/AbCd1234EfG", "小红书"),
    ("https://t.cn/A6abCdEf", "微博"),
    ("https://v.ixigua.com/iAbCdE/", "西瓜视频"),
]


@pytest.mark.parametrize(("text", "platform", "canonical"), LONG_LINKS)
def test_long_links_get_their_canonical_form(
    text: str, platform: str, canonical: str | None
) -> None:
    link = parse_link(text, RULES)
    assert link.platform.name == platform
    assert not link.is_short
    assert link.canonical.startswith("https://")
    if canonical is not None:
        assert link.canonical == canonical
    assert "utm_" not in link.canonical and "spm" not in link.canonical
    assert normalize_link(link.canonical) == link.canonical


@pytest.mark.parametrize(("text", "platform"), SHORT_LINKS)
def test_short_links_are_marked_for_resolving(text: str, platform: str) -> None:
    link = parse_link(text, RULES)
    assert link.platform.name == platform
    assert link.is_short and link.video_id is None
    assert link.canonical.startswith("https://")


def test_every_platform_of_the_issue_is_accepted() -> None:
    names = set(RULES.platform_names)
    expected = {"科普中国", "学习强国", "微博", "抖音", "快手", "知乎"}
    expected |= {"bilibili", "西瓜视频", "视频号", "小红书"}
    assert names == expected


@pytest.mark.parametrize(
    "forms",
    [
        [
            DOUYIN,
            "http://www.douyin.com/video/7412345678901234567/?x=1#comments",
            "https://WWW.DOUYIN.COM/video/7412345678901234567",
            "https://www.douyin.com./video/7412345678901234567",
            "https://www.douyin.com:443/video/7412345678901234567",
            "https://www.iesdouyin.com/share/video/7412345678901234567/",
        ],
        [
            BILIBILI,
            "https://m.bilibili.com/video/BV1xx411c7mD/",
            "bilibili.com/video/BV1xx411c7mD",
        ],
        [WEIBO, "https://weibo.com/1234567/3501756485200075"],
    ],
)
def test_forms_of_one_video_share_one_canonical_form(forms: list[str]) -> None:
    canonicals = set()
    for form in forms:
        text = form if "://" in form else find_link_candidates(form + "/x")[0][:-2]
        canonicals.add(normalize_link(text))
    assert len(canonicals) == 1


def test_weibo_numeric_ids_become_web_ids() -> None:
    assert weibo_mid_to_bid("3501756485200075") == "z0JH2lOMb"
    assert weibo_mid_to_bid("0000001") == "1"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("javascript:alert(1)", Refusal.SCHEME),
        ("file:///etc/passwd", Refusal.SCHEME),
        ("ftp://www.douyin.com/video/7412345678901234567", Refusal.SCHEME),
        ("https://douyin.com@127.0.0.1/", Refusal.USERINFO),
        ("https://user:pw@www.douyin.com/video/7412345678901234567", Refusal.USERINFO),
        ("https://www.douyin.com:8443/video/7412345678901234567", Refusal.PORT),
        ("http://www.douyin.com:443/video/7412345678901234567", Refusal.PORT),
        ("https://127.0.0.1/video/1", Refusal.IP_HOST),
        ("https://2130706433/", Refusal.UNSUPPORTED_SITE),
        ("https://0x7f.0x0.0x0.0x1/", Refusal.IP_HOST),
        ("https://[::1]/", Refusal.IP_HOST),
        ("https://evildouyin.com/video/7412345678901234567", Refusal.UNSUPPORTED_SITE),
        ("https://douyin.com.evil.example/video/1", Refusal.UNSUPPORTED_SITE),
        ("https://www.youtube.com/watch?v=abc", Refusal.UNSUPPORTED_SITE),
        ("https://ｗｗｗ.douyin.com/video/7412345678901234567", Refusal.MALFORMED),
        ("https://www.douyin.com/video/1%0d%0aSet-Cookie:x=1", Refusal.MALFORMED),
        ('https://www.douyin.com/video/7412345678901234567"><b>', Refusal.MALFORMED),
        ("https://www.douyin.com\\@127.0.0.1/", Refusal.MALFORMED),
        ("https://www.douyin.com/user/MS4wLjABAAAA", Refusal.NOT_A_VIDEO),
        ("https://www.douyin.com/", Refusal.NOT_A_VIDEO),
        ("https://mp.weixin.qq.com/s/AbCdEf", Refusal.NOT_A_VIDEO),
        ("https://www.kepuchina.cn/", Refusal.NOT_A_VIDEO),
        ("https://b23.tv/a.b", Refusal.NOT_A_VIDEO),
        ("https://www.douyin.com/video/" + "1" * 3000, Refusal.TOO_LONG),
        ("www.douyin.com", Refusal.NOT_A_LINK),
    ],
)
def test_refused_links_say_why(text: str, reason: Refusal) -> None:
    with pytest.raises(LinkRefused) as refused:
        parse_link(text, RULES)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "7.94 复制打开抖音，看看【科普小课堂的作品】# 千万IP创科普 https://v.douyin.com/iRNBho6/ "
            "z@G.vs 10/02 MWm:/",
            ["https://v.douyin.com/iRNBho6/"],
        ),
        (
            "【如何预防流感 - 小红书】 😆 AbCd 😆 http://xhslink.com/a/AbCd1234EfG，复制本条信息",
            ["http://xhslink.com/a/AbCd1234EfG"],
        ),
        ("看这个(https://b23.tv/Ab3dEfG)。还有 https://b23.tv/Xy9zAbC.", None),
        ("v.douyin.com/iRNBho6/ 和 www.bilibili.com/video/BV1xx411c7mD", None),
        ("科普中国网址是 kepuchina.cn 吗？", []),
        ("科普日什么时候开始", []),
        ("javascript:alert(1)", ["javascript:alert(1)"]),
    ],
)
def test_links_are_found_in_share_texts(text: str, found: list[str] | None) -> None:
    candidates = find_link_candidates(text)
    if found is not None:
        assert candidates == found
    else:
        assert len(candidates) == 2
        for candidate in candidates:
            parse_link(candidate, RULES)


def test_the_host_setting_replaces_the_allowlist() -> None:
    rules = LinkRules.from_hosts(["douyin.com", "v.douyin.com", "video.example.org"])
    assert parse_link(DOUYIN, rules).platform.name == "抖音"
    with pytest.raises(LinkRefused):
        parse_link(BILIBILI, rules)
    other = parse_link("https://www.video.example.org/v/123?utm_source=x&id=9", rules)
    assert other.platform.name == "video.example.org"
    assert other.canonical == "https://www.video.example.org/v/123"
    assert rules.platform_names == ["抖音"]
    assert LinkRules.from_hosts(None).hosts == DEFAULT_VIDEO_HOSTS


def _corpus_lines() -> list[str]:
    lines = []
    for name in SSRF_FILES:
        path = CORPORA / name
        if path.exists():
            lines += [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return lines


def test_every_ssrf_corpus_url_is_refused_by_the_checks() -> None:
    lines = _corpus_lines()
    assert len(lines) > 100
    for line in lines:
        candidates = find_link_candidates(line)
        assert candidates, line
        for candidate in candidates:
            with pytest.raises(LinkRefused):
                parse_link(candidate, RULES)


# --- properties -----------------------------------------------------------------------------

_ids = st.text("0123456789", min_size=6, max_size=19)
_bv = st.text(
    "0123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", min_size=10, max_size=10
)
_code = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=12
)
_tracking = st.lists(
    st.tuples(
        st.sampled_from(["utm_source", "spm_id_from", "share_from", "ts", "vd_source"]), _code
    ),
    max_size=3,
)


@st.composite
def accepted_links(draw: st.DrawFn) -> str:
    template = draw(
        st.sampled_from(
            [
                "{scheme}://{www}douyin.com/video/{id}",
                "{scheme}://www.iesdouyin.com/share/video/{id}/",
                "{scheme}://{www}kuaishou.com/short-video/{code}x1234",
                "{scheme}://{www}bilibili.com/video/BV{bv}",
                "{scheme}://m.weibo.cn/status/{mid}",
                "{scheme}://weibo.com/123456/{mid}",
                "{scheme}://{www}zhihu.com/zvideo/{id}",
                "{scheme}://{www}ixigua.com/{id}",
                "{scheme}://v.douyin.com/{code}/",
                "{scheme}://b23.tv/{code}",
                "{scheme}://{www}kepuchina.cn/video/{code}",
            ]
        )
    )
    url = template.format(
        scheme=draw(st.sampled_from(["http", "https", "HTTPS"])),
        www=draw(st.sampled_from(["", "www.", "WWW."])),
        id=draw(_ids),
        mid=draw(st.text("0123456789", min_size=16, max_size=16)),
        code=draw(_code),
        bv=draw(_bv),
    )
    params = draw(_tracking)
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params)
    return url + draw(st.sampled_from(["", "#top"]))


@settings(max_examples=300, deadline=None)
@given(accepted_links())
def test_normalizing_is_idempotent(url: str) -> None:
    once = normalize_link(url)
    assert normalize_link(once) == once


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_anything_else(text: str) -> None:
    for candidate in [*find_link_candidates(text), text]:
        with contextlib.suppress(LinkRefused):
            normalize_link(candidate)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"https?://[a-z0-9.:@\[\]%\\-]{0,40}(/[ -~]{0,40})?", fullmatch=True))
def test_url_shaped_text_never_raises_anything_else(text: str) -> None:
    try:
        link = parse_link(text, RULES)
    except LinkRefused:
        return
    assert RULES.allows(link.canonical.split("/")[2].split("?")[0])
