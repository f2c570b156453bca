"""The SSRF-safe fetcher against a local server: redirects, addresses, deadline, size cap."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.creators.fetcher import FetchFailed, Page, SafeFetcher, is_public_address, page_info
from bot.creators.links import LinkRefused, LinkRules, Refusal
from tests.helpers.pages import LocalPages, Route, video_page

VIDEO = "http://www.douyin.com/video/7412345678901234567"


@pytest.fixture
def pages() -> Iterator[LocalPages]:
    with LocalPages() as server:
        yield server


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Every address the fetcher connects to."""
    made: list[tuple[Any, ...]] = []
    real = socket.create_connection

    def record(address: tuple[Any, ...], *args: Any, **kwargs: Any) -> socket.socket:
        made.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", record)
    return made


def test_fetches_a_page_and_reads_its_metadata(pages: LocalPages) -> None:
    body = video_page(
        "冬季流感怎么防 - 抖音", author="重庆科协", description="#千万IP创科普# 健康小课堂"
    )
    pages.add(VIDEO, body=body)
    page = pages.fetcher().fetch(VIDEO)
    assert page.status == 200 and page.url == VIDEO
    info = page_info(page, (" - 抖音",))
    assert info.title == "冬季流感怎么防"
    assert info.author == "重庆科协"
    assert info.mentions("#千万IP创科普#")
    assert not info.mentions("#别的话题#")


def test_follows_checked_redirects_of_a_short_link(
    pages: LocalPages, connections: list[tuple[Any, ...]]
) -> None:
    pages.redirect("http://v.douyin.com/iRNBho6/", "http://www.iesdouyin.com/share/video/1234567/")
    pages.redirect("http://www.iesdouyin.com/share/video/1234567/", "/share/video/1234567/?x=1")
    pages.add("http://www.iesdouyin.com/share/video/1234567/?x=1", body=video_page("标题"))
    fetcher = pages.fetcher()
    page = fetcher.fetch("http://v.douyin.com/iRNBho6/")
    assert page.url == "http://www.iesdouyin.com/share/video/1234567/?x=1"
    assert len(page.hops) == 3
    assert [host for host, _ in pages.resolved] == [
        "v.douyin.com",
        "www.iesdouyin.com",
        "www.iesdouyin.com",
    ]
    assert connections == [("127.0.0.1", pages.port)] * 3


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://www.douyin.com@10.0.0.1/",
        "https://evil.example/",
        "gopher://www.douyin.com/_x",
        "file:///etc/passwd",
        "http://www.douyin.com:8080/video/1",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_a_redirect_off_the_checks_is_refused_before_any_connection(
    pages: LocalPages, connections: list[tuple[Any, ...]], location: str
) -> None:
    pages.redirect("http://b23.tv/Ab3dEfG", location)
    with pytest.raises(LinkRefused) as refused:
        pages.fetcher().fetch("http://b23.tv/Ab3dEfG")
    assert refused.value.reason == Refusal.UNSAFE_REDIRECT
    assert connections == [("127.0.0.1", pages.port)]  # only the short-link host
    assert [host for host, _ in pages.requests] == ["b23.tv"]


@pytest.mark.parametrize(
    "address",
    ["10.0.0.1", "192.168.1.1", "172.16.0.5", "127.0.0.2", "100.64.0.1", "169.254.169.254"],
)
def test_a_redirect_to_an_allowlisted_host_on_a_private_address_is_refused(
    pages: LocalPages, connections: list[tuple[Any, ...]], address: str
) -> None:
    pages.redirect("http://b23.tv/Ab3dEfG", "http://www.bilibili.com/video/BV1xx411c7mD")
    fetcher = pages.fetcher(elsewhere={"www.bilibili.com": address})
    with pytest.raises(LinkRefused) as refused:
        fetcher.fetch("http://b23.tv/Ab3dEfG")
    assert refused.value.reason == Refusal.UNSAFE_REDIRECT
    assert connections == [("127.0.0.1", pages.port)]


def test_a_host_with_any_private_address_is_refused(
    pages: LocalPages, connections: list[tuple[Any, ...]]
) -> None:
    fetcher = pages.fetcher(elsewhere={"www.douyin.com": "8.8.8.8,10.1.2.3"})
    with pytest.raises(LinkRefused) as refused:
        fetcher.fetch(VIDEO)
    assert refused.value.reason == Refusal.UNSAFE_ADDRESS
    assert connections == []


def test_the_checked_address_is_the_one_connected_to(
    pages: LocalPages, connections: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the host is resolved once per hop, and the socket goes to that answer."""
    pages.add(VIDEO, body=video_page("x"))
    answers = iter([[("127.0.0.1", pages.port)], [("10.0.0.1", 80)]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[tuple[str, int]]:
        calls.append(host)
        return next(answers)

    real_getaddrinfo = socket.getaddrinfo

    def no_dns(host: str, *args: Any, **kwargs: Any) -> Any:
        ipaddress.ip_address(host)  # a name (not an address) here would be a second lookup
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    fetcher = pages.fetcher()
    fetcher.resolver = rebinding
    assert fetcher.fetch(VIDEO).status == 200
    assert calls == ["www.douyin.com"]
    assert connections == [("127.0.0.1", pages.port)]


def test_https_connects_to_the_pinned_address_too(
    pages: LocalPages, connections: list[tuple[Any, ...]]
) -> None:
    fetcher = pages.fetcher()
    with pytest.raises(FetchFailed):  # the local server speaks no TLS
        fetcher.fetch("https://www.douyin.com/video/7412345678901234567")
    assert pages.resolved == [("www.douyin.com", 443)]
    assert connections == [("127.0.0.1", pages.port)]


def test_more_than_five_redirects_stop(pages: LocalPages) -> None:
    for n in range(7):
        pages.redirect(f"http://b23.tv/hop{n}", f"http://b23.tv/hop{n + 1}")
    with pytest.raises(FetchFailed) as failed:
        pages.fetcher().fetch("http://b23.tv/hop0")
    assert "redirects" in str(failed.value)
    assert len(pages.requests) == 6  # the first request and five redirects


def test_an_oversize_body_is_cut_at_the_cap(pages: LocalPages) -> None:
    pages.add(VIDEO, body=video_page("大视频") + b"x" * 3_000_000)
    page = pages.fetcher(max_bytes=100_000).fetch(VIDEO)
    assert page.truncated and len(page.body) == 100_000
    assert page_info(page).title == "大视频"


def test_a_slow_body_is_cut_at_the_deadline(pages: LocalPages) -> None:
    pages.add(VIDEO, Route(body=video_page("慢") * 10, stall_after=50))
    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        pages.fetcher(deadline=0.3).fetch(VIDEO)
    assert time.monotonic() - started < 2
    assert failed.value.last_url == VIDEO


def test_a_failed_hop_still_reports_how_far_it_got(pages: LocalPages) -> None:
    pages.redirect("http://b23.tv/Ab3dEfG", "http://www.bilibili.com/video/BV1xx411c7mD")
    fetcher = pages.fetcher(elsewhere={"www.bilibili.com": "203.0.113.9"})
    fetcher.address_allowed = lambda ip: True  # an unreachable documentation address

    def unreachable(*args: Any, **kwargs: Any) -> socket.socket:
        raise OSError("unreachable")

    with pytest.MonkeyPatch.context() as patch:
        real = socket.create_connection
        patch.setattr(
            socket,
            "create_connection",
            lambda address, *a, **k: (
                unreachable() if address[0] == "203.0.113.9" else real(address, *a, **k)
            ),
        )
        with pytest.raises(FetchFailed) as failed:
            fetcher.fetch("http://b23.tv/Ab3dEfG")
    assert failed.value.last_url == "http://www.bilibili.com/video/BV1xx411c7mD"


def test_a_slow_dns_lookup_is_cut_at_the_deadline() -> None:
    """getaddrinfo is not under the socket watchdog: a lookup that hangs ran past it."""
    released = threading.Event()

    def hanging(host: str, port: int) -> list[tuple[str, int]]:
        released.wait(30)
        return [("8.8.8.8", port)]

    fetcher = SafeFetcher(LinkRules(), resolver=hanging, deadline=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed, match="deadline"):
            fetcher.fetch("https://www.bilibili.com/video/BV1xx411c7mD")
        assert time.monotonic() - started < 2
    finally:
        released.set()


def test_the_real_resolver_is_the_default() -> None:
    fetcher = SafeFetcher(LinkRules())
    assert fetcher.resolver.__name__ == "system_resolver"
    assert fetcher.address_allowed is is_public_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local (deprecated, never global)
        "feff:ffff::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",
        "64:ff9b::a00:1",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "223.5.5.5", "2400:3200::1", "::ffff:8.8.8.8"])
def test_public_addresses_are(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_page_info_reads_charset_and_drops_control_characters() -> None:
    gbk = '<html><head><meta charset="gbk"><title>科普视频</title></head></html>'
    assert page_info(Page("http://x", 200, gbk.encode("gbk"))).title == "科普视频"
    html = "<title>科普\u202e视频\n\x00标题</title>"
    assert page_info(Page("http://x", 200, html.encode())).title == "科普 视频 标题"
    assert page_info(Page("http://x", 200, b"\xff\xfe<title")).title is None
    assert page_info(Page("http://x", 200, b"<title>" + b"a" * 5000)).title == "a" * 200
