"""Fetching video pages without server-side request forgery, and reading their metadata.

Every hop of a redirect chain is checked on its own: the URL by `links.check_url` (http/https,
allowlisted host, default port, no userinfo or IP literal), then every address its host
resolves to (no loopback, private, link-local, CGNAT, multicast, reserved or unspecified
address; IPv4-mapped IPv6 unwrapped). The connection goes to the checked address itself, so a
second DNS answer cannot switch it (DNS rebinding). Redirects are limited, the whole fetch has
one deadline, and the body a size cap. Blocking: call it off the event loop.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Protocol
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from bot.creators.links import LinkRefused, LinkRules, Refusal, check_url

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SockAddr = tuple[str, int]
Resolver = Callable[[str, int], Sequence[SockAddr]]
"""(host, port) -> the socket addresses to connect to, like `socket.getaddrinfo`."""

DEADLINE_SECONDS = 5.0
MAX_BODY_BYTES = 1_000_000
MAX_REDIRECTS = 5
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Mobile Safari/537.36 kepubot/0.1"
)
_REDIRECTS = {301, 302, 303, 307, 308}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class FetchFailed(Exception):
    """The page could not be fetched (network, deadline, status); `last_url` is the last hop
    that passed the checks, so a short link may still be resolved."""

    def __init__(self, message: str, last_url: str | None = None) -> None:
        super().__init__(message)
        self.last_url = last_url


@dataclass(frozen=True)
class Page:
    """What a fetch found: where the redirects ended, and the page (first MAX_BODY_BYTES)."""

    url: str
    status: int
    body: bytes = b""
    encoding: str | None = None
    truncated: bool = False
    hops: tuple[str, ...] = ()


class PageFetcher(Protocol):
    """Anything that can fetch a page safely (the real one, or a fake in tests)."""

    def fetch(self, url: str) -> Page: ...


def system_resolver(host: str, port: int) -> list[SockAddr]:
    """Resolve with the system resolver (getaddrinfo), keeping each address once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[SockAddr, None] = {}
    for info in infos:
        seen[(str(info[4][0]), int(info[4][1]))] = None
    return list(seen)


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address; IPv4 inside IPv6 is checked as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None:
            return is_public_address(embedded)
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    ):
        return False
    return address.is_global


@dataclass
class SafeFetcher:
    """Fetches allowlisted pages with `requests`, checking every hop (see the module doc).

    `resolver` and `address_allowed` are replaceable for tests only, which point the
    platforms' hosts at a local server.
    """

    rules: LinkRules
    resolver: Resolver = system_resolver
    address_allowed: Callable[[IPAddress], bool] = is_public_address
    deadline: float = DEADLINE_SECONDS
    max_bytes: int = MAX_BODY_BYTES
    max_redirects: int = MAX_REDIRECTS

    def fetch(self, url: str) -> Page:
        """Fetch `url`, following at most `max_redirects` checked redirects.

        Raises LinkRefused (reason UNSAFE_REDIRECT after the first hop) when a hop fails a
        check, FetchFailed when the network, the deadline or the size cap stops it.
        """
        watchdog = _Watchdog(self.deadline)
        hops: list[str] = []
        current = url
        try:
            for _ in range(self.max_redirects + 1):
                try:
                    target = check_url(current, self.rules)
                except LinkRefused as refused:
                    if not hops:
                        raise
                    log.warning("refused redirect from %s to %r", hops[-1], current[:200])
                    raise LinkRefused(Refusal.UNSAFE_REDIRECT, current) from refused
                addresses = self._checked_addresses(
                    target.host, target.port, current, hops, watchdog
                )
                hops.append(target.url)
                with _pinned_session(addresses[0], watchdog) as session:
                    response = self._request(session, target.url, watchdog)
                    with response:
                        location = response.headers.get("location")
                        if response.status_code in _REDIRECTS and location:
                            current = urljoin(target.url, location.strip())
                            continue
                        body, truncated = self._read_body(response, watchdog)
                        encoding = requests.utils.get_encoding_from_headers(response.headers)
                        status = response.status_code
                return Page(target.url, status, body, encoding, truncated, tuple(hops))
            raise FetchFailed(f"more than {self.max_redirects} redirects", hops[-1])
        except requests.RequestException as exc:
            reason = "deadline" if watchdog.expired else exc.__class__.__name__
            raise FetchFailed(f"fetch failed: {reason}", hops[-1] if hops else None) from exc
        except OSError as exc:
            raise FetchFailed(f"fetch failed: {exc}", hops[-1] if hops else None) from exc
        finally:
            watchdog.cancel()

    def _checked_addresses(
        self, host: str, port: int, url: str, hops: list[str], watchdog: _Watchdog
    ) -> list[SockAddr]:
        try:
            resolved = _resolve_within(self.resolver, host, port, watchdog.remaining())
        except TimeoutError:
            raise FetchFailed(
                "deadline (resolving the host)", hops[-1] if hops else None
            ) from None
        except OSError as exc:
            raise FetchFailed(f"cannot resolve {host}: {exc}", hops[-1] if hops else None) from exc
        if not resolved:
            raise FetchFailed(f"no address for {host}", hops[-1] if hops else None)
        for address, _port in resolved:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not self.address_allowed(ip):
                log.warning("refused %s: %s resolves to %s", url[:200], host, ip)
                raise LinkRefused(Refusal.UNSAFE_REDIRECT if hops else Refusal.UNSAFE_ADDRESS, url)
        return resolved

    def _request(
        self, session: requests.Session, url: str, watchdog: _Watchdog
    ) -> requests.Response:
        remaining = watchdog.remaining()
        if remaining <= 0:
            raise FetchFailed("deadline", url)
        return session.get(
            url,
            allow_redirects=False,
            stream=True,
            timeout=(remaining, remaining),
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"},
        )

    def _read_body(self, response: requests.Response, watchdog: _Watchdog) -> tuple[bytes, bool]:
        body = bytearray()
        for chunk in response.iter_content(chunk_size=16_384):
            body.extend(chunk)
            if len(body) > self.max_bytes:
                return bytes(body[: self.max_bytes]), True
            if watchdog.expired:
                break
        if watchdog.expired:  # the socket was shut down: what was read may be cut anywhere
            raise FetchFailed("deadline", response.url)
        return bytes(body), False


def _resolve_within(resolver: Resolver, host: str, port: int, seconds: float) -> list[SockAddr]:
    """`resolver(host, port)` within `seconds`, else TimeoutError. getaddrinfo cannot be
    interrupted, so it runs in a daemon thread of its own, left to finish by itself."""
    if seconds <= 0:
        raise TimeoutError
    outcome: Future[list[SockAddr]] = Future()

    def resolve() -> None:
        try:
            outcome.set_result(list(resolver(host, port)))
        except BaseException as exc:  # handed to the waiting caller
            outcome.set_exception(exc)

    threading.Thread(target=resolve, name=f"resolve {host}", daemon=True).start()
    try:
        return outcome.result(timeout=seconds)
    except FutureTimeout:
        raise TimeoutError from None


def _pinned_session(address: SockAddr, watchdog: _Watchdog) -> requests.Session:
    """A session for one hop whose connections all go to `address`."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    adapter = _PinnedAdapter(address, watchdog.watch)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _Watchdog:
    """One deadline for a whole fetch: when it passes, the open sockets are shut down, which
    ends any read in progress (a server dripping one byte a second gets no longer)."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _PinnedAdapter(HTTPAdapter):
    """An adapter whose connections go to one checked socket address, whatever DNS says now.

    TLS still verifies the certificate for the URL's host name (SNI and Host header unchanged).
    """

    def __init__(self, address: SockAddr, on_socket: Callable[[socket.socket], None]) -> None:
        self._address = address
        self._on_socket = on_socket
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        address, on_socket = self._address, self._on_socket

        def new_conn(connection: HTTPConnection) -> socket.socket:
            timeout = connection.timeout if isinstance(connection.timeout, int | float) else None
            sock = socket.create_connection(address, timeout)
            on_socket(sock)
            return sock

        class PinnedHTTP(HTTPConnection):
            _new_conn = new_conn

        class PinnedHTTPS(HTTPSConnection):
            _new_conn = new_conn

        class PinnedHTTPPool(HTTPConnectionPool):
            ConnectionCls = PinnedHTTP

        class PinnedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = PinnedHTTPS

        self.poolmanager.pool_classes_by_scheme = {
            "http": PinnedHTTPPool,
            "https": PinnedHTTPSPool,
        }


# --- page metadata --------------------------------------------------------------------------


@dataclass(frozen=True)
class PageInfo:
    """What a video page says about itself."""

    title: str | None = None
    author: str | None = None
    description: str | None = None

    def mentions(self, hashtag: str) -> bool:
        """Whether the title or description carries the topic tag (with or without #)."""
        word = hashtag.strip("#").casefold()
        text = f"{self.title or ''} {self.description or ''}".casefold()
        return bool(word) and word in text


MAX_FIELD_CHARS = 200
_TITLE_KEYS = ("og:title", "twitter:title")
_AUTHOR_KEYS = ("author", "og:author", "article:author", "video:director", "og:video:director")
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "keywords")


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < 4 * MAX_FIELD_CHARS:
            self.title += data


def page_info(page: Page, title_suffixes: Sequence[str] = ()) -> PageInfo:
    """Title, author and description from a page's <title> and meta (og:) tags."""
    text = _decode(page.body, page.encoding)
    parser = _HeadParser()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:  # pragma: no cover - html.parser on badly broken markup
        pass
    title = _first(parser.meta, _TITLE_KEYS) or _clean(parser.title)
    for suffix in title_suffixes:
        if title and title.endswith(suffix) and len(title) > len(suffix):
            title = title.removesuffix(suffix).strip()
    return PageInfo(
        title=title or None,
        author=_first(parser.meta, _AUTHOR_KEYS),
        description=_first(parser.meta, _DESCRIPTION_KEYS),
    )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]{1,40})""", re.IGNORECASE)


def _decode(body: bytes, encoding: str | None) -> str:
    if encoding is None or encoding.lower() == "iso-8859-1":  # requests' default for text/*
        found = _META_CHARSET.search(body[:4096])
        encoding = found[1].decode("ascii") if found else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _first(meta: dict[str, str], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = _clean(meta.get(key, ""))
        if value:
            return value
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def _clean(text: str) -> str:
    """One line, no control or direction characters, at most MAX_FIELD_CHARS."""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_FIELD_CHARS]
