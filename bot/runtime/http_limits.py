"""Limits for every HTTP server the bot runs (the webhook, /healthz, metrics; web channels).

Tornado's defaults buffer bodies of up to 100 MB and hold a half-sent request for an hour:
anyone who can reach the port could fill the memory or the connection table before any
check runs. Telegram's updates are a few kilobytes, so the limits here are tight; a
handler that checks a secret header does so before it reads the body
(`tornado.web.stream_request_body`, see `bot.telegram.webhook`).
"""

from __future__ import annotations

from typing import Any

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body accepted (Telegram's updates are far smaller)."""
MAX_HEADER_BYTES = 16 * 1024
"""Request line and headers together."""
HEADER_SECONDS = 10.0
"""How long a connection may take to send its headers, or stay idle between requests."""
BODY_SECONDS = 10.0
"""How long a request may take to send its body."""
CHUNK_BYTES = 64 * 1024
"""How much of a body is read at a time."""


def tornado_server_options() -> dict[str, Any]:
    """Keyword arguments of `tornado.httpserver.HTTPServer` that apply the limits."""
    return {
        "max_body_size": MAX_BODY_BYTES,
        "max_buffer_size": MAX_BODY_BYTES + CHUNK_BYTES,
        "max_header_size": MAX_HEADER_BYTES,
        # Tornado uses the idle timeout for the headers of each request as well.
        "idle_connection_timeout": HEADER_SECONDS,
        "body_timeout": BODY_SECONDS,
        "chunk_size": CHUNK_BYTES,
        "decompress_request": False,  # no gzip bombs
    }


def body_too_large(content_length: str | None, limit: int = MAX_BODY_BYTES) -> bool:
    """Whether a request's Content-Length header announces more than `limit` bytes (a value
    that is not a number counts as too large)."""
    if content_length is None:
        return False
    try:
        return int(content_length) > limit
    except ValueError:
        return True
