"""Taking updates in exactly once: the ledger that keeps each update on arrival and marks its
handling started (ledger), and the intake step that records the sender with it (updates).
Telegram-free: `bot.telegram.update_queue` feeds it python-telegram-bot's updates."""
