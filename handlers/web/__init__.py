"""The web chat: a mobile-first page and its JSON API, over the Telegram-free services."""
