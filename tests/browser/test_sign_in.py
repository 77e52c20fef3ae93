"""Signing in with a real headless Chromium against the live server.

Needs Chromium at /usr/bin/chromium (or IMS_CHROMIUM). Without it the tests skip,
unless IMS_REQUIRE_BROWSER is set, when they fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ims.accounts.services import GENERIC_LOGIN_FAILURE
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/ims-dashboard.png")


def test_a_viewer_signs_in_sees_the_dashboard_and_is_refused_a_new_site(page, live_server, north_viewer):
    from playwright.sync_api import expect

    posted = sign_in(page, live_server.url, "nviewer", PASSWORD)
    assert posted.status == 302
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sites", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Users and access")).to_have_count(0)
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
