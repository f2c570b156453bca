"""The clock of the bot: APScheduler wiring and job callbacks that call into the services."""
