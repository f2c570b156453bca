"""The HTTP server of the public channels (web chat, WeChat): tornado with limits on header
size, idle and body time. Per-path body limits are the request handlers' own."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

import tornado.web
from tornado.httpserver import HTTPServer

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 1024 * 1024
"""The most any path takes (WeChat's XML); the JSON API takes far less."""
IDLE_SECONDS = 30.0
"""A connection idle this long is closed; it is also the time allowed for a request's headers."""
BODY_SECONDS = 10.0


@dataclass(frozen=True)
class HttpLimits:
    max_header_bytes: int = MAX_HEADER_BYTES
    max_body_bytes: int = MAX_BODY_BYTES
    idle_seconds: float = IDLE_SECONDS
    body_seconds: float = BODY_SECONDS


@tornado.web.stream_request_body
class LimitedBodyHandler(tornado.web.RequestHandler):
    """A request handler that takes at most `max_body` bytes of body (413 beyond), checked on
    the declared length before any of it is read, and again as it arrives."""

    max_body = 64 * 1024

    def initialize(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(self.max_body)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self.max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self._chunks.append(chunk)

    @property
    def body(self) -> bytes:
        """The request's body, as read so far (all of it once the method runs)."""
        return b"".join(self._chunks)


class QuietApplication(tornado.web.Application):
    """A tornado app that logs errors but not every request (questions are counted, not
    logged one by one)."""

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        if handler.get_status() >= 500:
            super().log_request(handler)


def http_server(app: tornado.web.Application, limits: HttpLimits | None = None) -> HTTPServer:
    """A server for `app` with the limits; behind a reverse proxy, X-Real-IP / X-Forwarded-For
    name the visitor's address (for the per-address flood limit)."""
    limits = limits or HttpLimits()
    return HTTPServer(
        app,
        xheaders=True,
        max_header_size=limits.max_header_bytes,
        max_body_size=limits.max_body_bytes,
        idle_connection_timeout=limits.idle_seconds,
        body_timeout=limits.body_seconds,
    )
