"""From the dashboard to a failing readiness check and the reason it fails, in a real browser."""

from __future__ import annotations

import pytest

from ims.accounts.roles import Role
from ims.standards.loader import DATA_DIR, load
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_manager_walks_from_the_dashboard_to_a_failing_check_and_its_explanation(page, live_server, make_user, org):
    from playwright.sync_api import expect

    load(DATA_DIR)
    make_user("qm", (Role.IMS_MANAGER, None))  # no scope statement yet: the 4.3 check fails
    sign_in(page, live_server.url, "qm", PASSWORD)

    readiness = page.get_by_role("region", name="Certification readiness")
    expect(readiness.get_by_text("1 failing check").first).to_be_visible()
    readiness.get_by_role("link").first.click()

    expect(page.get_by_role("heading", level=1, name="Certification readiness")).to_be_visible()
    checks = page.get_by_role("region", name="Automatic evidence checks")
    failing = checks.get_by_role("row").filter(has_text="A scope statement exists for each standard in scope")
    expect(failing).to_contain_text("fail")
    expect(failing).to_contain_text("No standard is in scope yet")

    page.get_by_role("link", name="4.3", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("4.3 Determining the scope")
    expect(page.locator("#check-scope")).to_contain_text("No standard is in scope yet")

    page.get_by_label("Status").select_option("verified")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be marked verified while a check fails")
