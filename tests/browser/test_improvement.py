"""An employee reports a nonconformity from a phone; the IMS manager closes it, signed, on the phone too."""

from __future__ import annotations

import re

import pytest

from ims.accounts.roles import Role
from ims.improvement.models import Event, EventStatus
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import PASSWORD
from tests.improvement.conftest import advance, fresh, verify
from tests.improvement.test_report import PNG

pytestmark = pytest.mark.browser
S = EventStatus


def test_a_nonconformity_is_reported_on_a_phone_and_closed_with_a_signature(phone, live_server, make_user, north, org):
    from playwright.sync_api import expect

    make_user("lucas", (Role.CONTRIBUTOR, north))
    manager = make_user("marie", (Role.IMS_MANAGER, None))
    page = phone
    sign_in(page, live_server.url, "lucas", PASSWORD)

    page.goto(live_server.url + "/improvement/report")
    expect(page.get_by_role("heading", level=1, name="Report a problem or an idea")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form is {width}px wide on a {PHONE['width']}px screen"
    page.get_by_label("What kind of problem or idea?").select_option(label="A part or service is not right")
    page.get_by_label("What happened?").fill("Burrs on 120 brackets from press 3")
    expect(page.get_by_role("main").get_by_label("Site")).to_have_value(str(north.pk))  # the reporter's only site
    page.get_by_label("Where?").fill("Press 3")
    page.get_by_label("Photo (optional)").set_input_files(
        files=[{"name": "burrs.png", "mimeType": "image/png", "buffer": PNG}]
    )
    send = page.get_by_role("button", name="Send report")
    assert send.bounding_box()["height"] >= 48  # a thumb-sized target
    send.click()

    event = Event.objects.get()
    expect(page.get_by_role("status")).to_contain_text(f"Thank you. Reported as {event.reference}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{event.reference} Burrs on 120 brackets")
    expect(page.get_by_role("img", name=f"Photo reported with {event.reference}")).to_be_visible()
    assert event.status == S.REPORTED
    assert event.location == "Press 3"

    # Triage, containment, root cause, action and its effectiveness check, done by the services.
    for target in (S.TRIAGED, S.CONTAINMENT, S.ROOT_CAUSE, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS):
        advance(event, target, manager)
    for action in fresh(event).actions.filter(status="done"):
        verify(action, manager)
    assert fresh(event).status == S.EFFECTIVENESS

    page.context.clear_cookies()
    sign_in(page, live_server.url, "marie", PASSWORD)
    page.goto(live_server.url + f"/improvement/{event.pk}/")
    closure = page.get_by_role("region", name="Closure")
    expect(closure).to_contain_text("Signing as Marie, with the meaning “approved”")
    closure.get_by_label("Your password").fill("not my password")
    closure.get_by_role("button", name="Sign and close").click()
    expect(page.get_by_role("region", name="Closure")).to_contain_text(
        "The password is not correct; nothing was signed."
    )
    assert fresh(event).status == S.EFFECTIVENESS

    closure = page.get_by_role("region", name="Closure")
    closure.get_by_label("Your password").fill(PASSWORD)
    closure.get_by_role("button", name="Sign and close").click()
    expect(page.get_by_role("status")).to_contain_text(f"{event.reference} closed and signed.")
    expect(page.get_by_role("region", name="Closure")).to_contain_text(re.compile(r"Closed and signed by Marie on"))
    expect(page.get_by_role("region", name="Closure")).to_contain_text("valid: content unchanged")
    closed = fresh(event)
    assert closed.status == S.CLOSED
    assert closed.closure_signature.signer == manager
