"""The web chat's routes, for the composition root to serve."""

from __future__ import annotations

from typing import Any

import tornado.web

from bot.services import Services
from handlers.web import api, pages
from handlers.web.base import NotFoundHandler


def web_routes(services: Services) -> list[Any]:
    """The page, its assets, widget.js and the JSON API."""
    shared = {"services": services}
    page = {
        "services": services,
        "page": pages.chat_page(),
        "ancestors": pages.frame_ancestors(services.settings.web_embed_origins),
    }
    static = {"path": str(pages.STATIC_DIR)}
    return [
        (r"/", tornado.web.RedirectHandler, {"url": "/chat"}),
        (r"/chat/?", pages.ChatPageHandler, page),
        (r"/static/(chat\.js|chat\.css)", pages.AssetHandler, static),
        (r"/(widget\.js)", pages.AssetHandler, static),
        (r"/api/ask", api.AskHandler, shared),
        (r"/api/start", api.StartHandler, shared),
        (r"/api/events", api.EventsHandler, shared),
        (r"/api/submit", api.SubmitHandler, shared),
        (r"/api/mine", api.MineHandler, shared),
    ]


def not_found(services: Services) -> dict[str, Any]:
    """The tornado settings that answer an unknown path with the chat's JSON 404."""
    return {
        "default_handler_class": NotFoundHandler,
        "default_handler_args": {"services": services},
    }
