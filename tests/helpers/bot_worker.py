"""`kepubot run` as the kill tests need it: the real application long-polling a Bot API
stand-in, with video platforms offline and, optionally, a clock that starts at a given moment.

    python -m tests.helpers.bot_worker [START_ISO_DATETIME]

Settings come from the environment, as for `kepubot run`.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

from telegram import Update

from bot.app import build_application
from bot.clock import Clock
from bot.settings import load_settings
from tests.helpers.pages import OfflineFetcher


def moving_clock(start: datetime) -> Clock:
    """Time that starts at `start` and runs as the real one does."""
    began = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    return now


def main() -> None:
    settings = load_settings()
    clock = moving_clock(datetime.fromisoformat(sys.argv[1])) if len(sys.argv) > 1 else None
    application = build_application(settings, clock=clock, fetcher=OfflineFetcher())  # type: ignore[arg-type]
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
