"""kepubot: the composition root (app), the entry points (cli, chat), settings, and the
Telegram-free services of the bot's flows, grouped by capability: creators, outreach,
organizers, intake, store, runtime; `bot.telegram` is the Telegram transport below the
handlers. Shared at this level: the clock, the bot's own wording (messages), message
formatting, people and roles, flood control, and the question service (services)."""
