"""Fixtures for the browser tests: one headless Chromium per module, a page per test.

Needs Chromium at /usr/bin/chromium (or IMS_CHROMIUM). Without it the tests skip,
unless IMS_REQUIRE_BROWSER is set, when they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ims.accounts.roles import Role

# Playwright's sync API runs an asyncio event loop in this thread, which makes Django
# refuse ORM calls from the test itself; this is Django's documented escape hatch.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("IMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
SCREENSHOT = Path("/tmp/ims-dashboard.png")
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str) -> None:
    if os.environ.get("IMS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (IMS_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        _unavailable(f"no headless Chromium at {CHROMIUM}: install the 'chromium' package or set IMS_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed in this environment")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def north_viewer(make_user, north, org) -> Any:
    return make_user("nviewer", (Role.VIEWER, north))


def sign_in(page: Any, base_url: str, username: str, password: str) -> Any:
    """Open /, follow the redirect to the form, fill the labelled fields, press Sign in."""
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST" and "/accounts/login/" in r.url) as posted:
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    return posted.value
