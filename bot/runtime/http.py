"""The HTTP server of the public channels (web chat, WeChat): tornado with the limits every
server of the bot has (`bot.runtime.http_limits`). Per-path body limits are the request
handlers' own (`LimitedBodyHandler.max_body`)."""

from __future__ import annotations

from http import HTTPStatus

import tornado.web
from tornado.httpserver import HTTPServer

from bot.runtime.http_limits import body_too_large, tornado_server_options


@tornado.web.stream_request_body
class LimitedBodyHandler(tornado.web.RequestHandler):
    """A request handler that takes at most `max_body` bytes of body (413 beyond), checked on
    the declared length before any of it is read, and again as it arrives."""

    max_body = 64 * 1024

    def initialize(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        if body_too_large(self.request.headers.get("Content-Length"), self.max_body):
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


def http_server(app: tornado.web.Application) -> HTTPServer:
    """A server for `app` with the limits; behind a reverse proxy, X-Real-IP / X-Forwarded-For
    name the visitor's address (for the per-address flood limit)."""
    return HTTPServer(app, xheaders=True, **tornado_server_options())
