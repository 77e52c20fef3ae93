"""A person opens the environmental dashboard and follows a CO2e figure to its calculation."""

from __future__ import annotations

from typing import Any

import pytest

from ims.core.context import Channel, acting
from ims.factors.loader import load
from ims.ghg import services
from ims.monitoring.importing import import_reading_items
from ims.monitoring.services import series_create
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factors.conftest import factor

pytestmark = pytest.mark.browser


def test_a_co2e_figure_on_the_dashboard_opens_its_calculation(
    page: Any, live_server: Any, manager: Any, north: Any, org: Any
):
    with acting(Channel.CLI):
        load()
    elec = series_create(
        by=manager, site=north, reference="N-ELEC-MAIN", name="Main meter", category="electricity", unit="kWh"
    )
    import_reading_items(by=manager, items=[{"series": "N-ELEC-MAIN", "ts": "2025-01-10", "value": 12000}])
    services.source_create(by=manager, series=elec, year=2025, scope="2", factor=factor("7_400_4000_5_1", 2025))

    sign_in(page, live_server.url, "manager", PASSWORD)
    page.goto(f"{live_server.url}/ghg/dashboard?year=2025")
    assert page.get_by_role("heading", name="Environmental performance 2025").is_visible()
    assert page.locator("figure.chart svg").count() == 2
    page.locator("#table-latest a.co2e").first.click()
    page.wait_for_url("**/ghg/calculation?*")
    assert page.locator("#calculation-result").inner_text() == "2124 kg CO2e"
    assert page.get_by_text("Total: 12000 kWh × 0.177 kg CO2e/kWh = 2124 kg CO2e").is_visible()
    assert page.get_by_role("link", name="7_400_4000_5_1").is_visible()
