"""Typed settings, loaded once from the environment and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/kepubot.db"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_HOST = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_AES_KEY = re.compile(r"[A-Za-z0-9]{43}")
QUIET_START, QUIET_END = "22:00", "08:00"
"""No creator prompt goes out between these local times."""


MAX_TELEGRAM_USER_ID = 2**52
"""Telegram user ids have at most 52 significant bits and are positive."""


def is_telegram_user_id(value: int) -> bool:
    return 0 < value < MAX_TELEGRAM_USER_ID


def redact_url(url: str) -> str:
    """A database URL fit for a message: its password replaced by ***."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.password is None:
            return url
        return parsed.render_as_string(hide_password=True)
    except Exception:  # not even a URL: blank whatever sits between "user:" and "@"
        return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def redact_password(url: str, text: str) -> str:
    """`text` (an error message) with the password of database URL `url` blanked out."""
    try:
        from sqlalchemy.engine import make_url

        password = make_url(url).password
    except Exception:
        match = re.search(r"://[^/@:]*:([^/@]*)@", url)
        password = match.group(1) if match else None
    if password:
        text = text.replace(str(password), "***")
    return text.replace(url, redact_url(url))


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot can be configured with; see the README for each variable."""

    model_config = SettingsConfigDict(
        env_prefix="KEPUBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str = DEFAULT_DATABASE_URL
    telegram_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("KEPUBOT_TELEGRAM_TOKEN", "TELEGRAM_BOT_TOKEN"),
    )
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str | None = None
    """Where files are downloaded from (None: derived from `telegram_base_url`)."""
    telegram_local_mode: bool = False
    """A local Bot API server started with --local: `file_path` is a path on this machine."""
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    jieba_cache_dir: Path = Path("data/cache")
    content_dir: Path | None = None
    user_hash_salt: SecretStr | None = None
    flood_messages: int = Field(default=20, ge=0)
    """Messages one user may send per flood window; 0 turns flood control off."""
    flood_seconds: float = Field(default=10.0, gt=0)
    video_hosts: Annotated[tuple[str, ...] | None, NoDecode] = None
    """Hosts accepted for video submissions (None: the built-in platforms' hosts)."""
    broadcast_rate: float = Field(default=25.0, gt=0, le=30)
    """Outbox messages per second over all chats (Telegram allows about 30)."""
    webhook_url: str | None = None
    """The public HTTPS address Telegram posts updates to (None: long polling)."""
    webhook_listen: str = "127.0.0.1"
    """Where the webhook server listens (the load balancer or reverse proxy forwards here)."""
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    """Sent by Telegram in X-Telegram-Bot-Api-Secret-Token; the same for every process."""
    run_dispatcher: bool = True
    """Take part in choosing the sending process: the holder of the database lease drains the
    outbox and runs the scheduled jobs. False: this process only handles updates."""
    orphan_update_seconds: float = Field(default=30.0, gt=0)
    """An update kept this long and never started belonged to a process that died: another
    process handles it."""
    telegram_connections: int = Field(default=32, ge=1, le=256)
    """HTTP connections to the Bot API for sending (python-telegram-bot's HTTPXRequest, its
    `connection_pool_size`: `bot.telegram.delivery.bot_api_request`)."""
    concurrent_updates: int = Field(default=256, ge=1, le=4096)
    """Updates handled at the same time (one user's always one after another); 1: in turn.
    An update mostly waits (for its writes, for its sendMessage), so many run at once."""
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    """Serve Prometheus metrics on this port (None: no metrics server)."""
    metrics_listen: str = "127.0.0.1"
    log_format: Literal["text", "json"] = "text"

    # --- the web chat and the WeChat Official Account (README, "Web chat and WeChat") ---
    web_listen: str = "127.0.0.1"
    """Where the web chat's server listens (`kepubot web`; `kepubot run` with web_port)."""
    web_port: int | None = Field(default=None, ge=1, le=65535)
    """The web chat's port; `kepubot run` serves it beside Telegram only when set
    (`kepubot web` uses 8080 without it)."""
    web_address_flood_messages: int = Field(default=120, ge=0)
    """Web chat requests one network address may make per flood window (many visitors can
    share an address behind a carrier's NAT); 0 turns it off. WeChat's requests all come from
    WeChat's servers: only its per-user limit applies."""
    web_embed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    """Sites allowed to show the chat in a frame (the widget), e.g. https://www.kepuri.cn."""
    wechat_token: SecretStr | None = None
    """The Official Account's server token: with it, /wechat takes WeChat's messages."""
    wechat_appid: str | None = None
    wechat_aes_key: SecretStr | None = None
    """EncodingAESKey (43 characters): with the appid, safe (encrypted) mode."""

    # --- scheduled messages (README, "Scheduled messages") ---
    scheduler_enabled: bool = True
    """Run the daily digests, creator prompts and deadline reminders in this process."""
    creator_prompt_every_days: int = Field(default=3, ge=1, le=11)
    """Creator prompts go out on the campaign's first day and every this many days after."""
    creator_prompt_time: str = "19:00"
    """Local time of the creator prompts; never in the quiet hours (22:00—08:00)."""
    creator_prompt_pause_days: int = Field(default=3, ge=0)
    """A creator who submitted a video within this many days is not prompted."""
    deadline_reminder_days: Annotated[tuple[int, ...], NoDecode] = (3, 1)
    """Days before a reporting deadline to remind organizers (and on the day itself)."""
    deadline_reminder_time: str = "10:00"
    """Local time of the deadline reminders."""
    organizer_report_time: str = "08:30"
    """Local time of the organizers' daily report (yesterday's figures and the chart)."""
    scheduler_lease_seconds: int = Field(default=20, ge=8)
    """How long the lease lasts unless renewed; every process renews or tries it every
    quarter of this, so another takes over from a dead holder within 1.25 times it."""

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError(
                    "must be comma-separated Telegram user ids, e.g. 12345,67890"
                ) from None
        return value

    @field_validator("admin_ids")
    @classmethod
    def _check_admin_ids(cls, value: frozenset[int]) -> frozenset[int]:
        bad = sorted(i for i in value if not is_telegram_user_id(i))
        if bad:
            raise ValueError(
                f"{bad[0]} is not a Telegram user id (a positive whole number below 2^52; "
                "groups and channels, whose ids are negative, cannot be organizers)"
            )
        return value

    @field_validator("video_hosts", mode="before")
    @classmethod
    def _parse_video_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p.strip().lower() for p in value.replace(";", ",").split(",") if p.strip()]
        if isinstance(value, list | tuple):
            hosts = tuple(str(host).strip().lower().rstrip(".") for host in value)
            bad = [h for h in hosts if not _HOST.fullmatch(h) or h.rsplit(".")[-1].isdigit()]
            if bad or not hosts:
                raise ValueError(
                    "must be comma-separated host names, e.g. douyin.com,v.douyin.com,b23.tv"
                    + (f" (not a host name: {', '.join(bad)})" if bad else "")
                )
            return hosts
        return value

    @field_validator("web_embed_origins", mode="before")
    @classmethod
    def _parse_embed_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        if isinstance(value, list | tuple):
            origins = tuple(str(origin).strip().rstrip("/") for origin in value)
            bad = [o for o in origins if not _ORIGIN.fullmatch(o)]
            if bad:
                raise ValueError(
                    "must be comma-separated origins, e.g. https://www.kepuri.cn"
                    f" (not an origin: {', '.join(bad)})"
                )
            return origins
        return value

    @field_validator("wechat_aes_key")
    @classmethod
    def _check_aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _AES_KEY.fullmatch(value.get_secret_value()):
            raise ValueError("must be the 43-character EncodingAESKey of the Official Account")
        return value

    @field_validator("deadline_reminder_days", mode="before")
    @classmethod
    def _parse_reminder_days(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                days = {int(p) for p in parts}
            except ValueError:
                raise ValueError("must be comma-separated numbers of days, e.g. 3,1") from None
            if any(day < 0 for day in days):
                raise ValueError("days before a deadline cannot be negative")
            return tuple(sorted(days, reverse=True))
        return value

    @field_validator("creator_prompt_time", "deadline_reminder_time", "organizer_report_time")
    @classmethod
    def _check_time_of_day(cls, value: str) -> str:
        hour, _, minute = value.strip().partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"not a time of day: {value!r}, e.g. 19:00")
        return f"{int(hour):02d}:{int(minute):02d}"

    @field_validator("creator_prompt_time")
    @classmethod
    def _outside_quiet_hours(cls, value: str) -> str:
        if not QUIET_END <= value < QUIET_START:
            raise ValueError(f"must be between {QUIET_END} and {QUIET_START} (quiet hours)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise ValueError("must be the bot's public address, e.g. https://bot.example.org/tg")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
            )
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Shanghai") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a SQLAlchemy URL, e.g. sqlite:///data/kepubot.db")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def tz(self) -> ZoneInfo:
        """The campaign time zone."""
        return ZoneInfo(self.timezone)

    @property
    def webhook_path(self) -> str:
        """The path of the webhook URL, where the webhook server takes updates."""
        path = urlsplit(self.webhook_url or "").path.rstrip("/")
        return path or "/"

    @property
    def file_base_url(self) -> str:
        """The file download base: the setting, or the base URL with /bot made /file/bot."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        base = self.telegram_base_url
        if base.rstrip("/").endswith("/bot"):
            return base.rstrip("/").removesuffix("/bot") + "/file/bot"
        return base.rstrip("/") + "/file/bot"

    @property
    def wechat_enabled(self) -> bool:
        """Whether /wechat is served (a token is set)."""
        return self.wechat_token is not None

    @property
    def token(self) -> str | None:
        """The bot token in clear, or None when the bot runs locally."""
        return self.telegram_token.get_secret_value() if self.telegram_token else None


_ENV_NAMES = {
    "telegram_token": "TELEGRAM_BOT_TOKEN / KEPUBOT_TELEGRAM_TOKEN",
}


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one readable `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            name = _ENV_NAMES.get(field, f"KEPUBOT_{field.upper()}")
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise SettingsError("invalid setting: " + "; ".join(lines)) from None
