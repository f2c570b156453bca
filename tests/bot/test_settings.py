from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Shanghai"
    assert settings.token is None
    assert settings.admin_ids == frozenset()


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPUBOT_ADMIN_IDS", "12345, 67890")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("KEPUBOT_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.admin_ids == {12345, 67890}
    assert settings.token == "1:abc"
    assert settings.log_level == "DEBUG"


def test_the_web_and_wechat_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "KEPUBOT_WEB_EMBED_ORIGINS", "https://www.kepuri.cn/, http://127.0.0.1:8000"
    )
    monkeypatch.setenv("KEPUBOT_WECHAT_TOKEN", "token")
    settings = load_settings()
    assert settings.web_embed_origins == ("https://www.kepuri.cn", "http://127.0.0.1:8000")
    assert settings.web_port is None and settings.wechat_enabled


def test_kepubot_token_name_also_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPUBOT_TELEGRAM_TOKEN", "2:def")
    assert load_settings().token == "2:def"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEPUBOT_ADMIN_IDS", "12345,alice"),
        ("KEPUBOT_ADMIN_IDS", "-5"),  # a group's id, not a user's
        ("KEPUBOT_ADMIN_IDS", "12345,0"),
        ("KEPUBOT_ADMIN_IDS", "12345678901234567890"),  # 20 digits: over 52 bits
        ("KEPUBOT_TIMEZONE", "Mars/Olympus"),
        ("KEPUBOT_LOG_LEVEL", "LOUD"),
        ("KEPUBOT_DATABASE_URL", "data/kepubot.db"),
        ("KEPUBOT_WEB_PORT", "70000"),
        ("KEPUBOT_WEB_EMBED_ORIGINS", "kepuri.cn/page"),
        ("KEPUBOT_WECHAT_AES_KEY", "too-short"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


@pytest.mark.parametrize(
    "command", ["ask", "chat", "web", "run", "import", "export", "unanswered"]
)
def test_cli_reports_bad_settings_without_traceback(
    monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("KEPUBOT_ADMIN_IDS", "not-a-number")
    args = [command]
    if command == "import":
        Path("events.yaml").touch()  # the test runs in its own tmp dir
        args.append("events.yaml")
    result = CliRunner().invoke(main, args, input="")
    assert result.exit_code == 2
    assert "KEPUBOT_ADMIN_IDS" in result.stderr
    assert "Traceback" not in result.output


def test_run_without_token_exits_2(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_video_hosts_are_read_from_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().video_hosts is None  # the built-in platforms
    monkeypatch.setenv("KEPUBOT_VIDEO_HOSTS", " Douyin.com, v.douyin.com.;b23.tv ")
    assert load_settings().video_hosts == ("douyin.com", "v.douyin.com", "b23.tv")


@pytest.mark.parametrize("value", ["", "https://douyin.com", "127.0.0.1", "douyin", "a b.com"])
def test_bad_video_hosts_name_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KEPUBOT_VIDEO_HOSTS", value)
    with pytest.raises(SettingsError, match="KEPUBOT_VIDEO_HOSTS"):
        load_settings()


def test_webhook_and_observability_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPUBOT_WEBHOOK_URL", "https://bot.example.org/tg/hook/")
    monkeypatch.setenv("KEPUBOT_WEBHOOK_SECRET", "s3cret_-X")
    monkeypatch.setenv("KEPUBOT_METRICS_PORT", "9108")
    monkeypatch.setenv("KEPUBOT_LOG_FORMAT", "JSON")
    monkeypatch.setenv("KEPUBOT_RUN_DISPATCHER", "false")
    settings = load_settings()
    assert settings.webhook_path == "/tg/hook"
    assert settings.webhook_port == 8443 and settings.webhook_listen == "127.0.0.1"
    assert settings.metrics_port == 9108 and settings.log_format == "json"
    assert settings.run_dispatcher is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KEPUBOT_WEBHOOK_URL", "bot.example.org/hook"),
        ("KEPUBOT_WEBHOOK_SECRET", "has spaces"),
        ("KEPUBOT_LOG_FORMAT", "xml"),
    ],
)
def test_bad_webhook_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_a_webhook_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    result = CliRunner().invoke(main, ["run", "--webhook-url", "https://bot.example.org/hook"])
    assert result.exit_code == 2
    assert "KEPUBOT_WEBHOOK_SECRET" in result.output


def test_file_downloads_follow_the_bot_api_base_url() -> None:
    assert load_settings().file_base_url == "https://api.telegram.org/file/bot"
    local = load_settings(telegram_base_url="http://127.0.0.1:8081/bot")
    assert local.file_base_url == "http://127.0.0.1:8081/file/bot"
    chosen = load_settings(
        telegram_base_url="http://127.0.0.1:8081/bot",
        telegram_base_file_url="http://files.example:9000/file/bot",
    )
    assert chosen.file_base_url == "http://files.example:9000/file/bot"


def test_the_largest_telegram_user_id_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPUBOT_ADMIN_IDS", f"1,{2**52 - 1}")
    assert load_settings().admin_ids == frozenset({1, 2**52 - 1})
