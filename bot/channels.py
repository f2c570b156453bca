"""The channels the public reaches the bot through, and who a visitor is on the channels that
have no Telegram user id (Telegram-free)."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

VISITOR_KEY = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
"""A web session or a WeChat openid: what a visitor's identity is made from."""


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WEB = "web"
    WECHAT = "wechat"


class Visitors:
    """Stable ids for visitors of the web chat and the WeChat account.

    A visitor's id is a salted hash of the channel and its key (the page's random session, the
    WeChat openid), as a negative 63-bit number: it fits where a Telegram user id goes
    (`Submission.creator_id`, the flood gate), can never be one (those are positive), and the
    key itself is never stored.
    """

    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    def visitor_id(self, channel: Channel, key: str) -> int:
        digest = hashlib.sha256(self._salt + f"{channel}:{key}".encode()).digest()
        return -(int.from_bytes(digest[:8], "big") >> 1) - 1


def is_visitor(creator_id: int) -> bool:
    """Whether a creator id is a web or WeChat visitor's rather than a Telegram user's."""
    return creator_id < 0
