"""A quality engineer sees a special cause on the p chart of scrap and opens its nonconformity from the signal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ims.improvement.models import Event
from ims.kpis import services
from ims.kpis.models import ChartSignal
from ims.monitoring.importing import import_reading_items
from ims.monitoring.services import series_create
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_p_chart_signal_becomes_a_nonconformity_from_the_dashboard(
    page: Any, live_server: Any, manager: Any, north: Any, org: Any
):
    scrap = series_create(by=manager, site=north, reference="N-SCRAP", name="Scrap", category="defects", unit="piece")
    made = series_create(by=manager, site=north, reference="N-MADE", name="Made", category="production", unit="piece")
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=d) for d in range(20)]
    items = [{"series": "N-MADE", "ts": d.isoformat(), "value": 1000} for d in days]
    # About 2 % scrap a day; on 18 March a tool breaks and 9 % of the day's parts are scrapped.
    items += [{"series": "N-SCRAP", "ts": d.isoformat(), "value": 90 if d.day == 18 else 18 + d.day % 5} for d in days]
    import_reading_items(by=manager, items=items)
    chart = services.chart_create(
        by=manager,
        series=scrap,
        size_series=made,
        kind="p",
        reference="N-SCRAP-P",
        name="Scrap fraction, daily",
        subgrouping="day",
        baseline_from=dt.datetime(2026, 3, 2),
        baseline_to=dt.datetime(2026, 3, 16),
        rules=["WE1"],
    )
    services.scan_charts([chart])
    assert ChartSignal.objects.filter(chart=chart).count() == 1

    sign_in(page, live_server.url, "manager", PASSWORD)
    page.goto(f"{live_server.url}/kpis/dashboard")
    assert page.get_by_text("1 rule violation").is_visible()
    page.get_by_role("link", name="N-SCRAP-P Scrap fraction, daily").click()
    page.wait_for_url(f"**/kpis/charts/{chart.pk}/")
    assert page.locator("#sig-h").is_visible()
    page.get_by_role("button", name="Open a nonconformity").click()
    event = Event.objects.get()
    assert event.source_type == "kpis.chartsignal"
    assert page.get_by_text(f"Nonconformity {event.reference} opened for this signal.").is_visible()
    page.get_by_role("link", name=event.reference).click()
    page.wait_for_url(f"**/{event.pk}/")
    assert page.get_by_text("N-SCRAP-P: WE1 signal").first.is_visible()
