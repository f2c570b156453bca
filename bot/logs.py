"""Logging set-up that keeps secrets (the bot token) out of every log line."""

from __future__ import annotations

import logging
import sys

REDACTED = "[REDACTED]"

# httpx logs each request URL at INFO, and Bot API URLs contain the token.
NOISY_LOGGERS = ("httpx", "httpcore")


class RedactingFilter(logging.Filter):
    """Replaces every known secret in a record's message, exception and stack text."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def redact_secret(secret: str | None) -> None:
    """Keep `secret` out of the logs: filter it on every handler of the root logger."""
    if secret:
        _FILTER.secrets.add(secret)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def configure_logging(level: str, secret: str | None = None) -> None:
    """Log to standard error at `level`, with secrets redacted and noisy loggers quiet."""
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger().setLevel(level)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    redact_secret(secret)
