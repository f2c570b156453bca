"""Webhook mode: Telegram posts updates to a small tornado server, beside `/healthz` for the
load balancer. Any number of such processes can share one database.

This follows python-telegram-bot's custom-webhook example (`customwebhookbot`): the
Application runs without an Updater and our own server puts each update into its
`update_queue`, so one server also answers the health check. The webhook request handler does
what python-telegram-bot's own does, with a constant-time comparison of the secret.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import tornado.web
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.runtime import http_limits
from bot.telegram.update_queue import DurableQueue
from content.db import ping

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True)
class Health:
    """What `/healthz` reports: 200 when the database answers, else 503."""

    database: bool
    leader: bool | None = None
    """Whether this process runs the scheduled work (None: this process cannot tell)."""

    @property
    def ok(self) -> bool:
        return self.database

    def as_json(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "status": "ok" if self.ok else "unavailable",
            "database": "ok" if self.database else "unreachable",
        }
        if self.leader is not None:
            report["scheduler"] = "leader" if self.leader else "follower"
        return report


def check_health(engine: Engine, leader: Callable[[], bool] | None = None) -> Health:
    """Blocking: ask the database, and whoever knows whether this process leads."""
    try:
        ping(engine)
        database = True
    except Exception:
        log.warning("health check: the database does not answer", exc_info=True)
        database = False
    return Health(database=database, leader=leader() if leader is not None else None)


@tornado.web.stream_request_body
class TelegramUpdateHandler(tornado.web.RequestHandler):
    """POST from Telegram: check the secret (before reading the body), then queue the update
    for the Application. The body is read in chunks and refused past `MAX_BODY_BYTES`."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_application: Application, secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret.encode("utf-8")
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        """Runs once the headers are in, before any of the body is read."""
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request without the right secret from %s", self.request.remote_ip)
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if http_limits.body_too_large(self.request.headers.get("Content-Length")):
            log.warning("webhook request with a body over the limit: refused")
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > http_limits.MAX_BODY_BYTES:  # chunked, so no Content-Length
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self._chunks.append(chunk)

    async def post(self) -> None:
        try:
            body = b"".join(self._chunks).decode("utf-8")
            self._chunks = []
            data = json.loads(body)
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:
                raise TypeError("not a JSON object with an integer update_id")
            update = Update.de_json(data, self.bot_application.bot)
        except RecursionError:  # nested deeper than any update is
            log.warning("webhook request that is not an update: nested too deep")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
            log.warning("webhook request that is not an update: %s", exc)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        queue = self.bot_application.update_queue
        if update is not None and isinstance(queue, DurableQueue):
            await queue.put(update, payload=body)  # kept as it came, not written out again
        elif update is not None:
            await queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


class HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: database reachable (and leadership, where known)."""

    def initialize(self, probe: Callable[[], Health]) -> None:
        self.probe = probe

    async def get(self) -> None:
        health = await asyncio.to_thread(self.probe)
        self.set_status(HTTPStatus.OK if health.ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(health.as_json()))


class _QuietApplication(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Requests are not logged one by one (the webhook path is in every line)."""


def make_web_app(
    application: Application, *, path: str, secret: str, probe: Callable[[], Health]
) -> tornado.web.Application:
    """The tornado app: the webhook at `path`, the health check at /healthz."""
    return _QuietApplication(
        [
            (
                rf"{path.rstrip('/') or ''}/?",
                TelegramUpdateHandler,
                {
                    "bot_application": application,
                    "secret": secret,
                },
            ),
            (HEALTH_PATH, HealthHandler, {"probe": probe}),
        ]
    )


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    path: str
    listen: str
    port: int
    secret: str


async def serve_webhook(
    application: Application,
    config: WebhookConfig,
    probe: Callable[[], Health],
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot behind its webhook until SIGTERM or SIGINT (or `stop` is set).

    The order is python-telegram-bot's own `run_webhook`; shutting down, the server stops
    taking requests first, then the updates already queued are handled, then `post_shutdown`
    stops the outbox dispatcher. The webhook is left set: other processes still serve it.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(
        make_web_app(application, path=config.path, secret=config.secret, probe=probe),
        xheaders=True,
        **http_limits.tornado_server_options(),
    )
    try:
        async with application:  # initialize … shutdown
            if application.post_init is not None:
                await application.post_init(application)
            await application.bot.set_webhook(
                config.url,
                secret_token=config.secret,
                allowed_updates=Update.ALL_TYPES,
            )
            await application.start()
            server.listen(config.port, address=config.listen)
            log.info("webhook server on %s:%s%s", config.listen, config.port, config.path)
            await stop.wait()
            log.info("stopping: no new updates; finishing those already taken in")
            server.stop()
            await server.close_all_connections()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
