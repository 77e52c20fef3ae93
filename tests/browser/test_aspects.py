"""A process owner records an environmental aspect, scores it and sees it flagged, in a real browser."""

from __future__ import annotations

import pytest

from ims.accounts.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_process_owner_adds_an_aspect_evaluates_it_and_sees_it_significant(page, live_server, make_user, north, org):
    from playwright.sync_api import expect

    make_user("po", (Role.PROCESS_OWNER, north))
    sign_in(page, live_server.url, "po", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Environmental aspects").click()
    expect(page.get_by_role("heading", level=1, name="Environmental aspects")).to_be_visible()
    expect(page.get_by_text("No aspects match.")).to_be_visible()

    page.get_by_role("link", name="New aspect").click()
    expect(page.get_by_role("heading", level=1, name="New aspect")).to_be_visible()
    page.get_by_role("main").get_by_label("Site").select_option(label="North plant")
    page.get_by_label("Activity, product or service").fill("Spray painting")
    page.get_by_label("Environmental aspect").fill("Solvent emissions")
    page.get_by_label("Environmental impact").fill("Air pollution (VOC)")
    page.get_by_label("Operating condition").select_option("normal")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("ASP-001 Solvent emissions")
    expect(page.get_by_role("status")).to_contain_text("Aspect ASP-001 created.")

    page.get_by_role("link", name="Evaluate significance").click()
    expect(page.get_by_text("A weighted total of 13 or more is significant.")).to_be_visible()
    page.get_by_label("Severity of the impact").fill("5")
    page.get_by_label("Frequency or probability").fill("5")
    page.get_by_label("Scale (how far it reaches)").fill("5")
    page.get_by_label("Legal requirement applies (1 no, 2 yes)").fill("1")
    page.get_by_label("Concern of interested parties").fill("3")
    page.get_by_role("button", name="Save evaluation").click()

    expect(page.get_by_role("status")).to_contain_text(
        "ASP-001 evaluated. Significant: total 23 reaches the threshold 13."
    )

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Environmental aspects").click()
    row = page.get_by_role("row").filter(has_text="ASP-001")
    expect(row.locator(".badge.bad")).to_have_text("significant")
    expect(row).to_contain_text("23")
    expect(page.get_by_role("alert")).to_contain_text(
        "Each significant aspect needs a control, an objective or a reason."
    )
