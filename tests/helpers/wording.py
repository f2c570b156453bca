"""Finding internal words in what the bot says (every user-facing word is Chinese wording
from bot.messages, apart from names and what the user typed)."""

from __future__ import annotations

import re

from bot.telegram.local_api import FakeBotAPI

ALLOWED_WORDS = frozenset({"HTML", "Telegram", "kepubot", "unanswered", "bilibili", "ID", "MB"})
"""Latin words a user may see: names of things, and the one command-line hint."""


def untranslated(text: str) -> list[str]:
    """Latin words left in a text once links, commands, markup and examples are taken out."""
    text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", " ", text, flags=re.DOTALL)
    text = re.sub(r"https?://\S*|</?[a-z]+[^>]*>|&[a-z]+;|/[a-z_]+|#\S+#", " ", text)
    text = re.sub(r"[\w.-]+\.(?:ya?ml|csv)\b", " ", text)  # the organizer's file name
    return [w for w in re.findall(r"[A-Za-z_]{3,}", text) if w not in ALLOWED_WORDS]


def shown_texts(bot_api: FakeBotAPI, since: int = 0) -> list[str]:
    """Every text, caption and button notice the bot showed after call number `since`."""
    texts = []
    for call in bot_api.calls[since:]:
        if call.method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            texts.append(str(call.params.get("text", "")))
        markup = call.params.get("reply_markup") or {}
        if isinstance(markup, dict):
            texts += [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
    return texts


def untranslated_in(bot_api: FakeBotAPI, since: int = 0) -> dict[str, list[str]]:
    """Texts the bot showed that hold internal words, with those words."""
    return {t: words for t in shown_texts(bot_api, since) if (words := untranslated(t))}
