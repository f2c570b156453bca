"""The public channels' server (web chat, WeChat's /wechat, /healthz): the channel adapters
wired onto the services, on an HTTP server with the bot's limits. Served alone by `kepubot
web` (`bot.app.serve_public`) or beside Telegram when KEPUBOT_WEB_PORT is set."""

from __future__ import annotations

import functools
import logging

import tornado.netutil
import tornado.web

from bot.runtime.http import QuietApplication, http_server
from bot.runtime.logs import redact_secret
from bot.services import Services
from bot.settings import Settings, SettingsError
from bot.telegram.webhook import HEALTH_PATH, HealthHandler, check_health
from handlers.web.routes import not_found, web_routes
from handlers.wechat.endpoint import WeChatConfig, wechat_routes

log = logging.getLogger(__name__)

DEFAULT_WEB_PORT = 8080


def build_public_app(services: Services) -> tornado.web.Application:
    """The channels Telegram cannot reach: the web chat, WeChat's /wechat when its token is
    set, and /healthz."""
    settings = services.settings
    routes = web_routes(services)
    if settings.wechat_enabled:
        routes += wechat_routes(services, wechat_config(settings))
    probe = functools.partial(check_health, services.engine, None)
    routes.append((HEALTH_PATH, HealthHandler, {"probe": probe}))
    return QuietApplication(routes, **not_found(services))


def wechat_config(settings: Settings) -> WeChatConfig:
    """The Official Account's settings (safe mode needs the appid with the AES key)."""
    assert settings.wechat_token is not None
    aes_key = settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else None
    if aes_key is not None and not settings.wechat_appid:
        raise SettingsError("KEPUBOT_WECHAT_APPID: not set; safe mode (an AES key) needs it")
    token = settings.wechat_token.get_secret_value()
    redact_secret(token)
    if aes_key is not None:
        redact_secret(aes_key)
    return WeChatConfig(token=token, appid=settings.wechat_appid, aes_key=aes_key)


class PublicServer:
    """The web chat's HTTP server (with its limits) on `listen`:`port` (0: any free port)."""

    def __init__(self, services: Services, listen: str, port: int) -> None:
        self._server = http_server(build_public_app(services))
        self._listen = listen
        self._port = port
        self.port: int | None = None

    def start(self) -> None:
        """Listen (from the event loop that serves it)."""
        sockets = tornado.netutil.bind_sockets(self._port, address=self._listen)
        self.port = int(sockets[0].getsockname()[1])
        self._server.add_sockets(sockets)
        log.info("web chat on http://%s:%s/chat", self._listen, self.port)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
