"""Signing in with a real headless Chromium against the live server.

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
from ims.accounts.services import GENERIC_LOGIN_FAILURE
from tests.conftest import PASSWORD

# Playwright's sync API runs an asyncio event loop in this thread, which makes Django
# refuse ORM calls from the test itself; this is Django's documented escape hatch.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

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


def test_a_viewer_signs_in_sees_the_dashboard_and_is_refused_a_new_site(page, live_server, north_viewer):
    from playwright.sync_api import expect

    posted = sign_in(page, live_server.url, "nviewer", PASSWORD)
    assert posted.status == 302
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sites", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Roles and people")).to_have_count(0)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load from /static/"
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    response = page.goto(live_server.url + "/organisation/sites/new")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="Not allowed")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_visible()
    assert [text for text in page.console_errors if "Content Security Policy" in text] == []


def test_a_wrong_password_shows_the_generic_message_and_stays_on_the_form(page, live_server, north_viewer):
    from playwright.sync_api import expect

    posted = sign_in(page, live_server.url, "nviewer", "not the password")
    assert posted.status == 401
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)
    expect(page.get_by_role("heading", level=1, name="Sign in to IMS")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("nviewer")
    expect(page.get_by_label("Password")).to_have_value("")


def test_on_a_phone_the_menu_button_reveals_the_navigation(phone, live_server, north_viewer):
    from playwright.sync_api import expect

    sign_in(phone, live_server.url, "nviewer", PASSWORD)
    expect(phone.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    menu = phone.get_by_role("button", name="Menu")
    nav = phone.locator("#mainnav")
    expect(menu).to_be_visible()
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")

    menu.click()
    expect(nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Sites", exact=True)).to_be_visible()

    menu.click()
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
