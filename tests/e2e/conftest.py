"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Chromium comes from the distribution (``apt-get install chromium``); Playwright's own browser
download is never used. Where /usr/bin/chromium is absent the tests are skipped with the reason
printed, unless SMARTUNION_REQUIRE_BROWSER=true (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
TIMEOUT_MS = 10_000


def _browser_required() -> bool:
    return os.environ.get("SMARTUNION_REQUIRE_BROWSER", "").lower() == "true"


@pytest.fixture
def browser():
    """One Chromium per test (about half a second to start), so that the setting below lives only
    as long as the browser does."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is absent: install Debian's chromium package to run the browser tests"
        if _browser_required():
            pytest.fail(f"SMARTUNION_REQUIRE_BROWSER=true but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses database access from
    # a thread with a running loop unless told it is safe (it is: the loop only drives the browser).
    # Set only while the browser runs: a test that spawns `manage.py check --deploy` must not
    # inherit it (the check rightly warns about it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
                # Connections opened while Playwright's loop ran are kept in that loop's context;
                # close them here, or PostgreSQL cannot drop the test database at the end.
                connections.close_all()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, **options):
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # A CSP violation or a script error shows up as a console error; a failed load is
        # reported with its address by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", on_response)
    page.console_errors = errors
    return context, page


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = _new_page(browser, viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save the page as var/screenshots/<name>.png (gitignored) for a person to look at."""

    def take(page, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": hiding the caret makes Playwright inject a <style>, which the strict CSP
        # (rightly) blocks and reports as a console error the tests would then see.
        page.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    return take
