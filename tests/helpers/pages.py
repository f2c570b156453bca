"""Video pages for tests: a local HTTP server on 127.0.0.1 standing in for every platform.

The fetcher under test is the real `SafeFetcher`; only its resolver (every host -> this
server, unless a test maps a host elsewhere) and its address check (127.0.0.1 allowed on top
of the public addresses) are replaced.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.creators.fetcher import IPAddress, Page, SafeFetcher, SockAddr, is_public_address
from bot.creators.links import LinkRules

LOCAL = ipaddress.ip_address("127.0.0.1")


def video_page(title: str, *, author: str | None = None, description: str = "") -> bytes:
    """A small HTML page with a <title> and og: tags, like the platforms serve."""
    meta = f'<meta property="og:title" content="{title}">'
    if author:
        meta += f'<meta name="author" content="{author}">'
    if description:
        meta += f'<meta property="og:description" content="{description}">'
    html = f"<html><head><title>{title}</title>{meta}</head><body>video</body></html>"
    return html.encode("utf-8")


@dataclass
class Route:
    """What the server answers for one host and path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall_after: int | None = None
    """Send this many body bytes, then hang (until the server stops)."""


class LocalPages:
    """A threaded HTTP server on 127.0.0.1 that answers by Host header and path."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[tuple[str, str]] = []
        self.release = threading.Event()
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                pages.requests.append((host, self.path))
                route = pages.routes.get((host, self.path)) or Route(404, b"not found")
                self.send_response(route.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
                if route.stall_after is None:
                    headers.setdefault("Content-Length", str(len(route.body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may hang up at its cap
                    if route.stall_after is None:
                        self.wfile.write(route.body)
                        return
                    self.wfile.write(route.body[: route.stall_after])
                    self.wfile.flush()
                    pages.release.wait(10)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> LocalPages:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def add(self, url: str, route: Route | None = None, **options: Any) -> None:
        """Serve `url` (http://host/path) with `route`, or a Route made of `options`."""
        host, _, path = url.removeprefix("http://").removeprefix("https://").partition("/")
        self.routes[(host, "/" + path)] = route or Route(**options)

    def redirect(self, url: str, to: str, status: int = 302) -> None:
        self.add(url, Route(status, b"", {"Location": to}))

    def fetcher(
        self,
        rules: LinkRules | None = None,
        *,
        elsewhere: dict[str, str] | None = None,
        **options: Any,
    ) -> SafeFetcher:
        """A SafeFetcher whose hosts all resolve to this server, except those in `elsewhere`
        (host -> the address a test wants it to resolve to, e.g. a private one)."""
        self.resolved: list[tuple[str, int]] = []
        elsewhere = elsewhere or {}

        def resolve(host: str, port: int) -> list[SockAddr]:
            self.resolved.append((host, port))
            if host in elsewhere:
                return [(address, port) for address in elsewhere[host].split(",")]
            return [("127.0.0.1", self.port)]

        return SafeFetcher(
            rules or LinkRules(), resolver=resolve, address_allowed=_local_or_public, **options
        )


def _local_or_public(address: IPAddress) -> bool:
    return address == LOCAL or is_public_address(address)


class OfflineFetcher:
    """The test application's default fetcher: every fetch fails, as with no network."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def fetch(self, url: str) -> Page:
        from bot.creators.fetcher import FetchFailed

        self.urls.append(url)
        raise FetchFailed("offline in tests")


@contextlib.contextmanager
def local_pages() -> Iterator[LocalPages]:
    with LocalPages() as pages:
        yield pages
