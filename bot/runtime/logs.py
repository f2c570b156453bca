"""Logging set-up that keeps secrets (the bot token) out of every log line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

REDACTED = "[REDACTED]"

# httpx logs each request URL at INFO, and Bot API URLs contain the token.
NOISY_LOGGERS = ("httpx", "httpcore")


class RedactingFilter(logging.Filter):
    """Replaces every known secret in a record's message, exception and stack text."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (KEPUBOT_LOG_FORMAT=json), for log shippers.

    Secrets are redacted here as well, for handlers the redacting filter was not put on.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _FILTER.redact(record.getMessage()),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = _FILTER.redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = _FILTER.redact(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


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


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, secret: str | None = None, log_format: str = "text") -> None:
    """Log to standard error at `level` as text or JSON lines, with secrets redacted and noisy
    loggers quiet."""
    logging.basicConfig(level=level, stream=sys.stderr, format=TEXT_FORMAT)
    root = logging.getLogger()
    root.setLevel(level)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:  # ours, not a test runner's capture
            handler.setFormatter(formatter)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    redact_secret(secret)
