"""Browser fixtures: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

    pytestmark = pytest.mark.browser

    def test_it_...(page, live_server, world, login):
        login(page, live_server, world.user("street_staff"))

`page` is a desktop-sized page, `phone_page` a 375×812 one; each test gets a fresh browser context
(cookies, storage) in one Chromium started per session. Chromium comes from Debian (/usr/bin/chromium,
installed by ./dev test); Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from dangjian.test import PASSWORD

# The sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# --no-sandbox: tests run as root in CI. The rest keep Chromium off the (closed) network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (./dev test does)")
    # launch() gives every browser a fresh, empty user-data dir of its own and removes it on close.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _page(browser: Browser, viewport: dict[str, int], **options: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A desktop-sized page; requesting it starts the live server (with a transactional database)."""
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    yield from _page(browser, PHONE, is_mobile=True, has_touch=True)


def log_in(page: Page, live_server: Any, user: Any) -> Page:
    """Logs `user` in through the real login form (every persona's password is dangjian.test.PASSWORD)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


@pytest.fixture
def login() -> Callable[[Page, Any, Any], Page]:
    """`login(page, live_server, user)`: see log_in."""
    return log_in
