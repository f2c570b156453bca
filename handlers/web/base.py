"""What every web chat request shares: security headers, a body limit, JSON in and out, the
visitor's session, and the flood gate per session and per address."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web

from bot import messages
from bot.channels import VISITOR_KEY, Channel
from bot.flood import Verdict
from bot.runtime.http import LimitedBodyHandler
from bot.services import Services

log = logging.getLogger(__name__)

API_BODY_BYTES = 64 * 1024
SESSION_HEADER = "X-Kepubot-Session"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors {ancestors}"
)


class WebError(Exception):
    """A request the API refuses, with the status and the polite line the visitor sees."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class WebHandler(LimitedBodyHandler):
    """A page or API request: no cookies, strict headers, at most `max_body` bytes of body."""

    max_body = API_BODY_BYTES

    def initialize(self, services: Services) -> None:  # type: ignore[override]
        super().initialize()
        self.services = services

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error is JSON with a polite line, never a traceback."""
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, WebError):
            self.set_status(error.status)
            text = error.message
        elif status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            text = messages.WEB_TOO_LARGE
        elif status_code == HTTPStatus.NOT_FOUND:
            text = messages.WEB_NOT_FOUND
        elif status_code >= 500:
            text = messages.ERROR
        else:
            text = messages.WEB_BAD_REQUEST
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": text}, ensure_ascii=False))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, tornado.web.HTTPError | WebError):
            super().log_exception(typ, value, tb)


class ApiHandler(WebHandler):
    """A JSON endpoint of the chat."""

    def json_body(self) -> dict[str, Any]:
        """The request's JSON object; only application/json is taken (a page on another site
        cannot send it without the CORS preflight this server never answers)."""
        content_type = self.request.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/json":
            raise WebError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, messages.WEB_BAD_REQUEST)
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_BAD_REQUEST) from None
        if not isinstance(data, dict):
            raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_BAD_REQUEST)
        return data

    def visitor(self, session: object) -> int:
        """The visitor's id for the page's session; over the flood limit: refused."""
        if not isinstance(session, str) or not VISITOR_KEY.fullmatch(session):
            raise WebError(HTTPStatus.BAD_REQUEST, messages.WEB_NO_SESSION)
        visitor_id = self.services.visitors.visitor_id(Channel.WEB, session)
        self.limit_flood(visitor_id)
        return visitor_id

    def limit_flood(self, visitor_id: int | None = None) -> None:
        """Count the request for its address (and its visitor): the same gate as Telegram's."""
        now = self.services.clock()
        address = ("address", self.request.remote_ip or "")
        verdicts = [self.services.address_flood.check(address, now)]
        if visitor_id is not None:
            verdicts.append(self.services.flood.check(visitor_id, now))
        if any(verdict is not Verdict.ALLOW for verdict in verdicts):
            log.info("web flood limit reached from %s", self.request.remote_ip)
            raise WebError(HTTPStatus.TOO_MANY_REQUESTS, messages.FLOOD_NOTICE)

    def reply(self, data: dict[str, Any], status: HTTPStatus = HTTPStatus.OK) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))


class NotFoundHandler(WebHandler):
    """Any path the server does not serve: a JSON 404."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(HTTPStatus.NOT_FOUND)
