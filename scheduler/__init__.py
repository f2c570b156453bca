"""The clock of the bot: APScheduler wiring (`scheduler.wiring`) and the job callbacks
(`scheduler.jobs`) that call the Telegram-free planning in `bot.outreach.reminders`."""
