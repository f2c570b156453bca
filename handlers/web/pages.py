"""The chat page and its assets, shipped inside the package (no CDN, no build step)."""

from __future__ import annotations

from importlib import resources

import tornado.web

from bot.services import Services
from handlers.web.base import PAGE_CSP, WebHandler

STATIC_DIR = resources.files("handlers.web") / "static"


class ChatPageHandler(WebHandler):
    """GET /chat: the mobile-first chat page."""

    def initialize(  # type: ignore[override]
        self, services: Services, page: bytes, ancestors: str
    ) -> None:
        super().initialize(services)
        self.page = page
        self.ancestors = ancestors

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", PAGE_CSP.format(ancestors=self.ancestors))
        self.finish(self.page)


class AssetHandler(tornado.web.StaticFileHandler):
    """The page's scripts and styles, and widget.js for other sites to include."""

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("X-Content-Type-Options", "nosniff")
        # widget.js is loaded by a <script> on the campaign's own site.
        self.set_header("Cross-Origin-Resource-Policy", "cross-origin")


def chat_page() -> bytes:
    return (STATIC_DIR / "chat.html").read_bytes()


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """Who may show the page in a frame: itself, and the sites that embed the widget."""
    return " ".join(["'self'", *origins])
