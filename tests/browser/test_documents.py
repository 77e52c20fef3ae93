"""A procedure goes from draft to effective and is read by an employee, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ims.accounts.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def person(browser: Any, base_url: str, username: str) -> Any:
    """A separate browser session signed in as ``username``."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before publishing
    sign_in(page, base_url, username, PASSWORD)
    return page


def test_a_procedure_is_drafted_signed_published_and_acknowledged(browser, page, live_server, make_user, north, org):
    from playwright.sync_api import expect

    make_user("po", (Role.PROCESS_OWNER, north))
    make_user("quinn", (Role.IMS_MANAGER, None), last_name="Manager")
    make_user("emp", (Role.CONTRIBUTOR, north))
    base = live_server.url

    # The process owner drafts the procedure, names the approver and the readers, and submits it.
    sign_in(page, base, "po", PASSWORD)
    page.goto(base + "/documents/")
    page.get_by_role("link", name="New document").click()
    expect(page.get_by_role("heading", level=1, name="New document")).to_be_visible()
    page.get_by_label("Type").select_option(label="Procedure")
    page.get_by_label("Area").fill("ENV")
    page.get_by_label("Title", exact=False).first.fill("Spill response")
    page.get_by_role("checkbox", name="North plant").check()
    page.get_by_label("Content (Markdown)").fill("# Spill response\n\n1. Stop the leak.\n2. Contain it.\n3. Report it.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PRO-ENV-001 Spill response")
    expect(page.get_by_role("status")).to_contain_text("Document PRO-ENV-001 created; revision 1 is a draft.")

    page.get_by_label("Everyone at the site").select_option(label="North plant")
    page.get_by_role("button", name="Add to the distribution").click()
    expect(page.get_by_role("status")).to_contain_text("North plant asked to read PRO-ENV-001.")

    page.get_by_role("link", name="Reviewers and approvers").click()
    page.get_by_label("Approver 1").select_option(label="Quinn Manager")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Review and approval")).to_contain_text("Quinn Manager")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In review")

    # The manager reads exactly what is signed, signs with the password, and publishes.
    manager = person(browser, base, "quinn")
    manager.goto(base + "/documents/to-read")
    waiting = manager.get_by_role("region", name="Waiting for your signature")
    waiting.get_by_role("link", name="Review and sign").click()
    expect(manager.get_by_role("region", name="What you sign")).to_contain_text("Contain it.")
    expect(manager.get_by_label("Approved")).to_be_checked()
    manager.get_by_label("Your password").fill(PASSWORD)
    manager.get_by_role("button", name="Sign", exact=True).click()
    expect(manager.get_by_role("status")).to_contain_text("it is now approved")
    manager.get_by_role("button", name="Publish: make effective").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Effective")
    expect(manager.get_by_role("region", name="Signatures")).to_contain_text("valid: content unchanged")

    # An employee of the site finds it on their reading list, reads it and confirms.
    employee = person(browser, base, "emp")
    employee.goto(base + "/documents/to-read")
    employee.get_by_role("link", name=re.compile("PRO-ENV-001 Spill response")).click()
    expect(employee.get_by_role("region", name="Content")).to_contain_text("Report it.")
    employee.get_by_role("button", name="I have read and understood").click()
    expect(employee.get_by_role("status")).to_contain_text(
        "Recorded: you have read and understood PRO-ENV-001 revision 1."
    )
    employee.goto(base + "/documents/to-read")
    expect(employee.get_by_text("Nothing to read")).to_be_visible()

    page.goto(base + "/documents/")
    page.get_by_role("link", name="PRO-ENV-001").click()
    expect(page.get_by_role("region", name="Distribution")).to_contain_text("Read and understood: 1 of 2 (50 %).")
    for who in (page, manager, employee):
        assert [text for text in who.console_errors if "Content Security Policy" in text] == []
    manager.context.close()
    employee.context.close()
