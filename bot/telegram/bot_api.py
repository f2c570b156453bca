"""The HTTP client of the Bot API: python-telegram-bot's request interface on aiohttp.

python-telegram-bot ships an httpx client and lets a bot bring another (`BaseRequest`). Under
load the httpx path (httpcore's pool, anyio and sniffio on every request) cost more CPU than
all of the bot's own work per update: in `bench/load.py` a sendMessage through it cost about
twice a whole update through this client. aiohttp is the asyncio HTTP client most used in
production; here it sends what python-telegram-bot hands over (form fields, or multipart
with files) and maps its failures onto python-telegram-bot's errors, so the library's
handling of 429, 403 and the rest is unchanged.

`connections` caps the requests in flight (and so the connections); a request waits its turn
first-come-first-served, up to `turn_seconds`, then fails as `TimedOut`.

A proxy in the environment (`HTTPS_PROXY`, `NO_PROXY` and the like, as python-telegram-bot's
own client reads them) is looked up once per origin. aiohttp's `trust_env` would look it up,
and read `~/.netrc`, in a worker thread on every request: two thread hops a sendMessage, which
under load cost more than the rest of the request.
"""

from __future__ import annotations

import asyncio
import urllib.request
from base64 import b64encode
from typing import Any, NamedTuple
from urllib.parse import SplitResult, unquote, urlencode, urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

READ_SECONDS = 5.0
"""python-telegram-bot's default read timeout (getUpdates adds its long-poll time to it)."""
CONNECT_SECONDS = 5.0
MEDIA_WRITE_SECONDS = 20.0
FORM_TYPE = "application/x-www-form-urlencoded"
TURN_SECONDS = 10.0
"""How long a request waits for a free connection before it fails as timed out."""


class NoTurn(Exception):
    """No connection to the Bot API came free in time: the request never left."""


NOT_SENT = (
    NoTurn,
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.InvalidURL,
)
"""Causes (`__cause__`) of this client's errors for a request that never left this machine:
it is safe to send again. Any other failure may have reached Telegram."""


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most `connections` connections."""

    def __init__(self, connections: int, *, turn_seconds: float = TURN_SECONDS) -> None:
        self._connections = connections
        self._turn_seconds = turn_seconds
        self._session: aiohttp.ClientSession | None = None
        self._turns = asyncio.Semaphore(connections)
        self._proxies: dict[tuple[str, str], Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return READ_SECONDS

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                trust_env=False,  # the environment's proxy is looked up once: `_proxy`
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _given(read_timeout, READ_SECONDS)
        if files:  # aiohttp has no write timeout: an upload gets the media one to be read
            read = max(read or 0.0, _given(write_timeout, MEDIA_WRITE_SECONDS) or 0.0)
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=_given(connect_timeout, CONNECT_SECONDS), sock_read=read
        )
        data = _form(request_data, files) if request_data else None
        proxy = self._proxy(url)
        headers = proxy.request_headers
        if isinstance(data, bytes):
            headers = {**(headers or {}), "Content-Type": FORM_TYPE}
        try:
            async with asyncio.timeout(_given(pool_timeout, self._turn_seconds)):
                await self._turns.acquire()
        except TimeoutError:
            raise TimedOut("no free connection to the Bot API in time") from NoTurn()
        try:
            async with self._session.request(
                method,
                url,
                data=data,
                timeout=timeout,
                headers=headers,
                proxy=proxy.url,
                proxy_headers=proxy.tunnel_headers,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut() from exc
        except aiohttp.InvalidURL as exc:  # its text is the URL, which holds the token
            raise NetworkError("aiohttp.InvalidURL") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            self._turns.release()

    def _proxy(self, url: str) -> Proxy:
        """The environment's proxy for `url`, looked up once per origin."""
        target = urlsplit(url)
        origin = (target.scheme, target.netloc)
        proxy = self._proxies.get(origin)
        if proxy is None:
            proxy = self._proxies[origin] = proxy_for(target)
        return proxy


class Proxy(NamedTuple):
    url: str | None = None
    tunnel_headers: dict[str, str] | None = None
    """The proxy's credentials for an HTTPS target (on the CONNECT request)."""
    request_headers: dict[str, str] | None = None
    """The proxy's credentials for a plain HTTP target (on the request itself)."""


def proxy_for(target: SplitResult) -> Proxy:
    """The environment's proxy for `target` (none when `NO_PROXY` exempts its host), with
    its credentials where aiohttp sends them to the proxy."""
    if not target.hostname or urllib.request.proxy_bypass(target.hostname):
        return Proxy()
    given = urllib.request.getproxies().get(target.scheme)
    if not given:
        return Proxy()
    proxy = urlsplit(given if "://" in given else f"http://{given}")
    if proxy.username is None:
        return Proxy(proxy.geturl())
    bare = proxy._replace(netloc=proxy.netloc.rsplit("@", 1)[1]).geturl()
    credentials = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
    header = {"Proxy-Authorization": f"Basic {b64encode(credentials).decode()}"}
    if target.scheme == "https":
        return Proxy(bare, tunnel_headers=header)
    return Proxy(bare, request_headers=header)


def _given(value: Any, default: float | None) -> float | None:
    return default if value is BaseRequest.DEFAULT_NONE else value


def _form(request_data: RequestData, files: dict[str, Any] | None) -> bytes | aiohttp.FormData:
    """Form fields as python-telegram-bot encodes them, URL-encoded (aiohttp's own form for a
    plain dict builds a multipart writer first); multipart when there are files."""
    fields = request_data.json_parameters
    if not files:
        return urlencode(fields).encode("ascii")
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, upload in files.items():
        filename, content, mimetype = upload
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
