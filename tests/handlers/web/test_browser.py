"""The web chat in a real browser: Debian's chromium, headless, driven by selenium.

Without chromium and chromedriver these tests skip locally, and fail under CI (CI=true),
where .ci/run installs them.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image

from bot import messages
from bot.services import Services
from content.answers import Answerer
from tests.conftest import NOW, Send
from tests.handlers.web.test_api import CAMPAIGN_DATES, LINK

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ORGANIZER = 7
WAIT_SECONDS = 15
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=375,667",
)
NAUGHTY = '<img src=x onerror="document.body.dataset.pwned=1">&amp;<script>alert(1)</script>'

T = TypeVar("T")


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver; .ci/run does)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kepubot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    # A phone's screen, exactly (the window's size includes no browser chrome when headless).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 667, "deviceScaleFactor": 1, "mobile": True},
    )
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Page:
    """The chat page in the browser; each browser call runs in a thread, so the server on
    this test's event loop keeps serving."""

    def __init__(self, driver: Any, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(call, *args)

    async def open(self) -> None:
        def _open() -> None:
            self.driver.get(f"{self.base_url}/chat")
            self.driver.execute_script("window.localStorage.clear()")
            self.driver.get(f"{self.base_url}/chat")
            self._wait(lambda d: d.find_element("css selector", "body[data-ready]"))

        await self.run(_open)

    def _wait(self, condition: Callable[[Any], T]) -> T:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_SECONDS).until(condition)

    async def wait(self, condition: Callable[[Any], T]) -> T:
        return await self.run(self._wait, condition)

    async def texts(self, selector: str) -> list[str]:
        def _texts() -> list[str]:
            return [e.text for e in self.driver.find_elements("css selector", selector)]

        return await self.run(_texts)

    async def ask(self, question: str) -> None:
        def _ask() -> None:
            before = len(self.driver.find_elements("css selector", ".msg.bot, .msg.error"))
            field = self.driver.find_element("id", "question")
            field.clear()
            field.send_keys(question)
            self.driver.find_element("id", "ask-button").click()
            self._wait(
                lambda d: len(d.find_elements("css selector", ".msg.bot, .msg.error")) > before
            )

        await self.run(_ask)


@pytest.fixture
async def page(browser: Any, base_url: str) -> Page:
    page = Page(browser, base_url)
    await page.open()
    return page


def _plain(text: str) -> str:
    return " ".join(text.split())


async def test_ask_and_see_the_fact(page: Page, answerer: Answerer) -> None:
    await page.ask(CAMPAIGN_DATES)
    expected = answerer.answer(CAMPAIGN_DATES, NOW).text
    assert (await page.texts(".msg.user"))[-1] == CAMPAIGN_DATES
    assert _plain((await page.texts(".msg.bot"))[-1]) == _plain(expected)


async def test_tap_a_suggestion(page: Page, answerer: Answerer) -> None:
    starters = await page.texts(".suggestions button")
    assert starters == list(messages.WEB_STARTERS)
    tapped = starters[1]

    def _tap() -> None:
        page.driver.find_elements("css selector", ".suggestions button")[1].click()
        page._wait(lambda d: len(d.find_elements("css selector", ".msg.bot")) >= 2)

    await page.run(_tap)
    assert (await page.texts(".msg.user"))[-1] == tapped
    expected = answerer.answer(tapped, NOW)
    assert _plain((await page.texts(".msg.bot"))[-1]) == _plain(expected.text)
    assert await page.texts(".suggestions button") == list(expected.suggestions[:3])


async def test_a_naughty_string_renders_as_text(page: Page) -> None:
    await page.ask(NAUGHTY)
    assert (await page.texts(".msg.user"))[-1] == NAUGHTY

    def _injected() -> tuple[int, int, object]:
        driver = page.driver
        return (
            len(driver.find_elements("css selector", "#messages img")),
            len(driver.find_elements("css selector", "#messages script")),
            driver.execute_script("return document.body.dataset.pwned || null"),
        )

    assert await page.run(_injected) == (0, 0, None)


async def test_a_submission_lands_in_review(
    page: Page, web_services: Services, send: Send
) -> None:
    def _submit() -> str:
        driver = page.driver
        driver.find_element("id", "tab-submit").click()
        driver.find_element("id", "submit-link").send_keys(LINK)
        driver.find_element("id", "submit-title").send_keys("流感怎么防")
        driver.find_element("id", "submit-contact").send_keys("kepu@example.org")
        driver.find_element("id", "submit-button").click()
        page._wait(lambda d: d.find_element("id", "submit-result").text.strip())
        page._wait(lambda d: "待审核" in d.find_element("id", "mine").text)
        return str(driver.find_element("id", "submit-result").text)

    result = await page.run(_submit)
    assert "流感怎么防" in result and messages.WEB_SUBMIT_STATUS in result
    web_services.people.grant(ORGANIZER, by=1)
    [card] = await send("/review", user_id=ORGANIZER)
    text = card.params["text"]
    assert "《流感怎么防》" in text
    assert "网页访客，联系方式：kepu@example.org" in text


async def test_a_phone_screenshot_shows_the_chat(page: Page, tmp_path: Path) -> None:
    await page.ask(CAMPAIGN_DATES)
    png = await page.run(page.driver.get_screenshot_as_png)
    (tmp_path / "chat-375x667.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (375, 667)
    colors = image.getcolors(maxcolors=375 * 667) or []
    most = max(count for count, _ in colors)
    assert len(colors) > 50, "the page looks blank"
    assert most < 0.9 * 375 * 667, "one colour fills the screen"
    # The header's blue band is at the top, a message bubble below it.
    assert image.getpixel((5, 5)) == (11, 98, 201)
    widths = await page.run(
        page.driver.execute_script, "return document.documentElement.scrollWidth"
    )
    assert widths <= 375, "the page scrolls sideways on a phone"
