"""A process owner imports a file of readings in a real browser: upload progress, then the report."""

from __future__ import annotations

import pytest

from ims.accounts.roles import Role
from ims.monitoring.models import Reading
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GOOD = b"series;timestamp;value;unit\nN-ELEC-MAIN;01/03/2024 00:00;1,5;MWh\nN-ELEC-MAIN;02/03/2024 00:00;1600;kWh\n"
BAD = b"series;timestamp;value\nN-ELEC-MAIN;03/03/2024 00:00;lots\n"


def test_an_upload_shows_its_report_then_its_problems(page, live_server, make_user, elec, north, org):
    from playwright.sync_api import expect

    make_user("po", (Role.PROCESS_OWNER, north))
    sign_in(page, live_server.url, "po", PASSWORD)
    page.goto(live_server.url + "/monitoring/")
    page.locator("main").get_by_role("link", name="Import readings").click()
    expect(page.get_by_role("heading", level=1, name="Import readings")).to_be_visible()

    page.get_by_label("CSV or XLSX file").set_input_files({"name": "meter.csv", "mimeType": "text/csv", "buffer": GOOD})
    sent_by_script = page.expect_request(
        lambda r: r.method == "POST" and r.headers.get("x-requested-with") == "XMLHttpRequest"
    )
    with sent_by_script:  # the upload goes through the script that shows its progress
        page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#import-report")).to_contain_text(
        "2 readings from 2 rows for 1 series: 2 new, 0 updated, 0 unchanged"
    )
    assert sorted(Reading.objects.values_list("value", flat=True)) == [1500.0, 1600.0]

    page.get_by_label("CSV or XLSX file").set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD})
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#import-problems")).to_contain_text("Row 2, column “value”: “lots” is not a number")
    assert Reading.objects.count() == 2
    # The browser logs the refused upload's 422 (and a missing favicon) as failed loads; no script error.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []
