"""Control charts on a series: signals recorded once, a nonconformity opened once and linked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ims.improvement.models import Event
from ims.kpis import analysis, services
from ims.kpis.models import ChartSignal, ControlChart
from ims.monitoring.models import Category
from tests.kpis.conftest import put

# 20 in-control daily diameters, then the same pattern again with one point far above the limits
PATTERN = [
    10.0,
    10.2,
    9.9,
    10.1,
    9.8,
    10.0,
    10.3,
    9.9,
    10.1,
    10.0,
    9.8,
    10.2,
    10.0,
    9.9,
    10.1,
    10.0,
    10.2,
    9.8,
    10.0,
    10.1,
]


def _day(i: int) -> str:
    return (dt.datetime(2026, 1, 1, 8) + dt.timedelta(days=i)).isoformat()


@pytest.fixture
def diameter(make_series: Any, north: Any) -> Any:
    series = make_series(north, "N-DIAM", Category.OTHER, "mm", expected_frequency="irregular")
    values = PATTERN + PATTERN[:4] + [12.0] + PATTERN[5:10]
    put(series, *((_day(i), v) for i, v in enumerate(values)))
    return series


@pytest.fixture
def chart(manager: Any, diameter: Any) -> ControlChart:
    return services.chart_create(
        by=manager,
        series=diameter,
        reference="N-DIAM-I",
        name="Shaft diameter",
        baseline_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        baseline_to=dt.datetime(2026, 1, 21, tzinfo=dt.UTC),
        rules=["WE1"],
        lsl=9.0,
        usl=11.0,
    )


def test_the_chart_finds_the_point_beyond_the_limits(chart: ControlChart) -> None:
    result = analysis.analyse(chart)
    assert result.pair is not None
    assert result.pair.location.baseline == tuple(range(20))
    assert result.pair.location.center == pytest.approx(10.02)  # 200.4 / 20
    assert [(v.rule.value, v.index) for v in result.violations] == [("WE1", 24)]
    assert result.capability is None
    assert result.problem == "Capability needs at least 30 measurements to be meaningful; there are 20."


def test_capability_of_the_baseline(chart: ControlChart) -> None:
    chart.baseline_to = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)  # all 30 readings
    result = analysis.analyse(chart)
    assert result.capability is not None
    assert result.capability.n == 30
    sigma = result.pair.location.sigma if result.pair else 0
    assert result.capability.cp == pytest.approx(2.0 / (6 * sigma))


def test_a_chart_uses_western_electric_rules_by_default(manager: Any, diameter: Any) -> None:
    chart = services.chart_create(
        by=manager,
        series=diameter,
        reference="N-DIAM-WE",
        name="Shaft diameter",
        baseline_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        baseline_to=dt.datetime(2026, 1, 21, tzinfo=dt.UTC),
    )
    assert chart.rules == ["WE1", "WE2", "WE3", "WE4"]


def test_it_refuses_an_unknown_rule(manager: Any, diameter: Any) -> None:
    from ims.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.chart_create(
            by=manager,
            series=diameter,
            reference="N-DIAM-X",
            name="x",
            baseline_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            baseline_to=dt.datetime(2026, 1, 21, tzinfo=dt.UTC),
            rules=["WE9"],
        )
    assert caught.value.errors["rules"][0].startswith("Unknown run rule 'WE9'")


def test_a_signal_is_recorded_once(chart: ControlChart) -> None:
    assert services.scan_charts() == 1
    assert services.scan_charts() == 0
    (signal,) = ChartSignal.objects.filter(chart=chart)
    assert signal.rule == "WE1"
    assert signal.point_ts == dt.datetime(2026, 1, 25, 8, tzinfo=dt.UTC)
    assert signal.description.startswith("Point 25 is above the upper control limit")


def test_a_nonconformity_is_opened_once_and_linked(manager: Any, chart: ControlChart) -> None:
    services.scan_charts()
    signal = ChartSignal.objects.get(chart=chart)
    first = services.signal_open_event(by=manager, signal=signal)
    second = services.signal_open_event(by=manager, signal=signal)
    assert first.pk == second.pk
    events = Event.objects.filter(source_type="kpis.chartsignal", source_id=str(signal.pk))
    assert events.count() == 1
    assert first.type == "process_nc"
    assert first.site_id == chart.series.site_id
    signal.refresh_from_db()
    assert signal.event_id == first.pk


def test_the_chart_page_opens_the_nonconformity(manager: Any, chart: ControlChart, web: Any) -> None:
    services.scan_charts()
    signal = ChartSignal.objects.get(chart=chart)
    client = web(manager)
    page = client.get(f"/kpis/charts/{chart.pk}/")
    assert page.status_code == 200
    assert "Open a nonconformity" in page.content.decode()
    assert "<svg" in page.content.decode()
    for _ in range(2):
        response = client.post(f"/kpis/signals/{signal.pk}/event")
        assert response.status_code == 302
    assert Event.objects.filter(source_type="kpis.chartsignal").count() == 1
    signal.refresh_from_db()
    assert signal.event is not None
    assert signal.event.reference in client.get(f"/kpis/charts/{chart.pk}/").content.decode()


def test_the_chart_is_hidden_from_another_site(outsider: Any, chart: ControlChart, web: Any) -> None:
    assert web(outsider).get(f"/kpis/charts/{chart.pk}/").status_code == 404


def test_the_scan_command_is_idempotent(chart: ControlChart) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("scan_charts", stdout=out)
    call_command("scan_charts", stdout=out)
    assert out.getvalue().splitlines() == ["1 new signal recorded.", "0 new signals recorded."]


def test_the_api_lists_signals_and_opens_their_nonconformity_once(manager: Any, chart: ControlChart, api: Any) -> None:
    services.scan_charts()
    client = api(manager)
    (signal,) = client.get(f"/charts/{chart.pk}/signals").json()
    assert signal["rule"] == "WE1"
    assert signal["event_id"] is None
    first = client.post(f"/signals/{signal['id']}/event").json()["event_id"]
    second = client.post(f"/signals/{signal['id']}/event").json()["event_id"]
    assert first is not None
    assert first == second
    assert "/api/v1/kpis/{kpi_id}/values" in client.get("/openapi.json").json()["paths"]
