"""Attribute control charts (p, np, c, u) on counts per day, and the forms that define control charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ims.core.errors import ValidationFailed
from ims.improvement.models import Event
from ims.kpis import analysis, services
from ims.kpis.models import ChartSignal, ControlChart
from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Series
from tests.kpis.conftest import put

BERLIN = ZoneInfo("Europe/Berlin")


def _import(by: Any, series: str, *rows: tuple[str, float]) -> None:
    """Readings through the real importer; moments without an offset are the site's local time."""
    import_reading_items(by=by, items=[{"series": series, "ts": ts, "value": value} for ts, value in rows])


@pytest.fixture
def scrap(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-SCRAP", Category.DEFECTS, "piece", expected_frequency="irregular")


@pytest.fixture
def made(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-MADE", Category.PRODUCTION, "piece", expected_frequency="irregular")


@pytest.fixture
def scrap_days(manager: Any, scrap: Series, made: Series) -> None:
    """Scrapped and produced parts, Monday 5 to Tuesday 13 January 2026 (Berlin).

    Baseline (5–9 Jan): 3/100, 8/400, 1/100, 8/400 and a day without
    production (skipped): p̄ = 20/1000 = 0.02.
    """
    _import(
        manager,
        "N-SCRAP",
        ("2026-01-05T08:00", 2),
        ("2026-01-05T15:00", 1),
        ("2026-01-06T10:00", 8),
        ("2026-01-06T23:30:00+00:00", 1),  # 00:30 on 7 January in Berlin
        ("2026-01-08T10:00", 8),
        ("2026-01-09T10:00", 0),
        ("2026-01-12T10:00", 7),
        ("2026-01-13T10:00", 50),
    )
    _import(
        manager,
        "N-MADE",
        ("2026-01-05T12:00", 60),
        ("2026-01-05T20:00", 40),
        ("2026-01-06T20:00", 400),
        ("2026-01-07T20:00", 100),
        ("2026-01-08T20:00", 400),
        ("2026-01-09T20:00", 0),
        ("2026-01-12T20:00", 100),
        ("2026-01-13T20:00", 2500),
    )


def _window(**fields: Any) -> dict[str, Any]:
    return {
        "baseline_from": dt.datetime(2026, 1, 5, tzinfo=BERLIN),
        "baseline_to": dt.datetime(2026, 1, 10, tzinfo=BERLIN),
        "subgrouping": "day",
        **fields,
    }


def _p_chart(manager: Any, scrap: Series, made: Series, **fields: Any) -> ControlChart:
    return services.chart_create(
        by=manager,
        series=scrap,
        size_series=made,
        reference="N-SCRAP-P",
        name="Scrap rate",
        **_window(**{"kind": "p", "rules": ["WE1"], **fields}),
    )


def test_a_p_chart_has_limits_for_each_days_size(manager: Any, scrap: Series, made: Series, scrap_days: None) -> None:
    result = analysis.analyse(_p_chart(manager, scrap, made))
    assert result.pair is not None
    chart = result.pair.location
    assert result.labels == ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-12", "2026-01-13"]
    assert [s.label for s in result.skipped] == ["2026-01-09"]
    assert result.skipped[0].reason == "sample size 0"
    assert chart.baseline == (0, 1, 2, 3)
    assert [p.value for p in chart.points] == pytest.approx([0.03, 0.02, 0.01, 0.02, 0.07, 0.02])
    assert [p.size for p in chart.points] == [100, 400, 100, 400, 100, 2500]
    assert chart.limits_vary  # so the chart-level limits are None and each point holds its own
    assert [p.center for p in chart.points] == pytest.approx([0.02] * 6)
    # σ of one item √(0.02·0.98) = 0.14; limits 0.02 ± 3·0.14/√n, cut at 0
    assert chart.sigma == pytest.approx(0.14)
    assert [p.ucl for p in chart.points] == pytest.approx([0.062, 0.041, 0.062, 0.041, 0.062, 0.0284])
    assert [p.lcl for p in chart.points] == pytest.approx([0.0, 0.0, 0.0, 0.0, 0.0, 0.0116])
    assert [(v.rule.value, result.labels[v.index]) for v in result.violations] == [("WE1", "2026-01-12")]
    assert result.moment_of(result.violations[0]) == dt.datetime(2026, 1, 12, tzinfo=BERLIN)
    assert result.capability is None


def test_a_weekly_p_chart_adds_up_each_week(manager: Any, scrap: Series, made: Series, scrap_days: None) -> None:
    chart = _p_chart(manager, scrap, made, subgrouping="week", baseline_to=dt.datetime(2026, 1, 19, tzinfo=BERLIN))
    result = analysis.analyse(chart)
    assert result.labels == ["2026-W02", "2026-W03"]
    assert result.pair is not None
    assert [(p.value, p.size) for p in result.pair.location.points] == [(20 / 1000, 1000), (57 / 2600, 2600)]


def test_the_chart_page_shows_skipped_days_and_no_capability(
    manager: Any, scrap: Series, made: Series, scrap_days: None, web: Any
) -> None:
    chart = _p_chart(manager, scrap, made)
    page = web(manager).get(f"/kpis/charts/{chart.pk}/").content.decode()
    assert "1 period is not plotted" in page
    assert "2026-01-09: sample size 0" in page
    assert "fraction nonconforming" in page  # the vertical axis
    assert "Capability" not in page
    assert f'href="/kpis/charts/{chart.pk}/edit"' in page


@pytest.fixture
def complaints(manager: Any, make_series: Callable[..., Series], north: Any) -> Series:
    """Complaints per day: 20 in the 10 baseline days (c̄ = 2, UCL = 2 + 3√2 ≈ 6.24), then a day with 9."""
    series = make_series(north, "N-COMPL", Category.OTHER, "piece", expected_frequency="irregular")
    counts = [2, 3, 1, 2, 4, 2, 3, 1, 2, 0, 9, 2]
    _import(manager, "N-COMPL", *((f"2026-02-{day:02d}T09:00", c) for day, c in enumerate(counts, start=2)))
    return series


@pytest.fixture
def c_chart(manager: Any, complaints: Series) -> ControlChart:
    return services.chart_create(
        by=manager,
        series=complaints,
        reference="N-COMPL-C",
        name="Complaints per day",
        kind="c",
        subgrouping="day",
        baseline_from=dt.datetime(2026, 2, 2),
        baseline_to=dt.datetime(2026, 2, 12),
        rules=["WE1", "WE4"],
    )


def test_a_c_chart_signal_opens_one_nonconformity_once(manager: Any, complaints: Series, c_chart: ControlChart) -> None:
    result = analysis.analyse(c_chart)
    assert result.pair is not None
    assert result.pair.location.center == pytest.approx(2.0)
    assert result.pair.location.ucl == pytest.approx(2 + 3 * 2**0.5)
    assert services.scan_charts() == 1
    # a later complaint of the same day changes the point, not its identity: no second signal
    _import(manager, "N-COMPL", ("2026-02-12T17:00", 1))
    assert services.scan_charts() == 0
    (signal,) = ChartSignal.objects.filter(chart=c_chart)
    assert (signal.rule, signal.point_ts) == ("WE1", dt.datetime(2026, 2, 12, tzinfo=BERLIN))
    assert signal.description.startswith("Point 11 is above the upper control limit")
    first = services.signal_open_event(by=manager, signal=signal)
    second = services.signal_open_event(by=manager, signal=signal)
    assert first.pk == second.pk
    assert Event.objects.filter(source_type="kpis.chartsignal", source_id=str(signal.pk)).count() == 1


def test_an_np_chart_refuses_sizes_that_vary_in_the_baseline(
    manager: Any, scrap: Series, made: Series, scrap_days: None
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _p_chart(manager, scrap, made, kind="np")
    assert caught.value.errors == {
        "kind": [
            "An np chart needs the same sample size in every period; in the baseline the sizes vary "
            "from 100 to 400. Use a p chart."
        ]
    }
    assert not ControlChart.objects.exists()


def test_an_np_chart_says_why_it_cannot_plot_sizes_that_vary_later(
    manager: Any, scrap: Series, made: Series, request: pytest.FixtureRequest, web: Any
) -> None:
    chart = _p_chart(manager, scrap, made, kind="np")  # defined before any reading
    request.getfixturevalue("scrap_days")
    result = analysis.analyse(chart)
    assert result.pair is None
    assert result.problem == (
        "An np chart needs the same sample size in every period; in the baseline the sizes vary from 100 to 400. "
        "Use a p chart."
    )
    assert result.problem in web(manager).get(f"/kpis/charts/{chart.pk}/").content.decode()


@pytest.mark.parametrize(
    ("kind", "with_sizes", "field", "message"),
    [
        ("p", False, "size_series", "A p chart takes its sample sizes from a size series (e.g. parts produced)."),
        ("u", False, "size_series", "A u chart takes its sample sizes from a size series (e.g. parts produced)."),
        ("c", True, "size_series", "A c chart has no sample sizes; leave the size series empty."),
        ("I", True, "size_series", "An I-MR chart has no sample sizes; leave the size series empty."),
    ],
)
def test_the_size_series_is_required_for_p_np_u_and_refused_otherwise(
    manager: Any, scrap: Series, made: Series, kind: str, with_sizes: bool, field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.chart_create(
            by=manager,
            series=scrap,
            size_series=made if with_sizes else None,
            reference="N-X",
            name="x",
            kind=kind,
            **_window(),
        )
    assert caught.value.errors == {field: [message]}
    assert not ControlChart.objects.exists()


def test_more_nonconforming_than_made_is_refused(manager: Any, scrap: Series, made: Series, scrap_days: None) -> None:
    _import(manager, "N-SCRAP", ("2026-01-07T12:00", 200))  # 201 scrapped of 100 made
    with pytest.raises(ValidationFailed) as caught:
        _p_chart(manager, scrap, made)
    assert caught.value.errors == {
        "size_series": [
            "2026-01-07: 201 nonconforming out of a sample of 100; the count cannot exceed the sample size."
        ]
    }


def test_a_negative_count_is_refused(manager: Any, scrap: Series, made: Series, scrap_days: None) -> None:
    put(scrap, ("2026-01-08T11:00", -20))  # the importer refuses this; a correction written around it
    with pytest.raises(ValidationFailed) as caught:
        _p_chart(manager, scrap, made)
    assert caught.value.errors == {"series": ["2026-01-08: the count is -12; counts cannot be negative."]}


def test_an_attribute_chart_has_no_specification_limits(manager: Any, scrap: Series, made: Series) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _p_chart(manager, scrap, made, usl=0.05)
    assert caught.value.errors == {
        "usl": ["Specification limits apply to measurements; an attribute chart has no capability."]
    }


def _form(scrap: Series, made: Series | None, **fields: Any) -> dict[str, Any]:
    return {
        "reference": "n-scrap-p",
        "name": "Scrap rate",
        "series": scrap.pk,
        "kind": "p",
        "size_series": made.pk if made else "",
        "subgrouping": "day",
        "subgroup_size": "",
        "baseline_from": "2026-01-05T00:00",
        "baseline_to": "2026-01-10T00:00",
        "rules": ["WE1", "WE2"],
        "lsl": "",
        "usl": "",
        **fields,
    }


def test_the_form_creates_a_p_chart(manager: Any, scrap: Series, made: Series, scrap_days: None, web: Any) -> None:
    client = web(manager)
    assert client.get("/kpis/charts/new").status_code == 200
    response = client.post("/kpis/charts/new", _form(scrap, made))
    chart = ControlChart.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/charts/{chart.pk}/"
    assert (chart.reference, chart.kind, chart.size_series_id, chart.subgrouping) == ("N-SCRAP-P", "p", made.pk, "day")
    assert chart.rules == ["WE1", "WE2"]
    assert chart.baseline_from == dt.datetime(2026, 1, 5, tzinfo=BERLIN)  # the site's local time
    assert chart.baseline_to == dt.datetime(2026, 1, 10, tzinfo=BERLIN)
    assert (chart.lsl, chart.usl, chart.subgroup_size) == (None, None, None)


def test_the_form_shows_the_errors_and_writes_nothing(manager: Any, scrap: Series, made: Series, web: Any) -> None:
    client = web(manager)
    response = client.post("/kpis/charts/new", _form(scrap, None))
    assert response.status_code == 422
    assert "A p chart takes its sample sizes from a size series (e.g. parts produced)." in response.content.decode()
    response = client.post("/kpis/charts/new", _form(scrap, made, rules=[], baseline_to="tomorrow"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Switch on at least one run rule, or the chart can never signal." in page
    assert "Enter a valid date/time." in page
    assert not ControlChart.objects.exists()


def test_the_edit_form_changes_the_chart_and_archive_stops_it(
    manager: Any, scrap: Series, made: Series, scrap_days: None, web: Any
) -> None:
    chart = _p_chart(manager, scrap, made)
    client = web(manager)
    assert 'value="2026-01-05T00:00"' in client.get(f"/kpis/charts/{chart.pk}/edit").content.decode()
    fields = _form(scrap, made, kind="np", version=chart.version)
    del fields["reference"]
    response = client.post(f"/kpis/charts/{chart.pk}/edit", fields)
    assert response.status_code == 422
    assert "in the baseline the sizes vary from 100 to 400" in response.content.decode()
    fields.update(kind="u", name="Scrap per part")
    assert client.post(f"/kpis/charts/{chart.pk}/edit", fields).status_code == 302
    chart.refresh_from_db()
    assert (chart.kind, chart.name, chart.version) == ("u", "Scrap per part", 2)
    assert client.post(f"/kpis/charts/{chart.pk}/archive", {"version": 2}).status_code == 302
    chart.refresh_from_db()
    assert chart.archived_at is not None
    assert services.scan_charts() == 0


def test_the_outsider_can_neither_see_nor_edit_the_chart(
    manager: Any, outsider: Any, scrap: Series, made: Series, web: Any
) -> None:
    chart = _p_chart(manager, scrap, made)
    client = web(outsider)
    assert client.get(f"/kpis/charts/{chart.pk}/edit").status_code == 404
    assert client.post(f"/kpis/charts/{chart.pk}/archive", {"version": 1}).status_code == 404
    response = client.post("/kpis/charts/new", _form(scrap, made))
    assert response.status_code == 422  # north's series are not among the outsider's choices
    assert "Select a valid choice." in response.content.decode()
    assert list(ControlChart.objects.values_list("pk", flat=True)) == [chart.pk]


def test_the_api_creates_and_reads_an_attribute_chart(
    manager: Any, scrap: Series, made: Series, scrap_days: None, api: Any
) -> None:
    client = api(manager)
    body = {
        "series_id": scrap.pk,
        "size_series_id": made.pk,
        "reference": "N-SCRAP-U",
        "name": "Scrap per part",
        "kind": "u",
        "subgrouping": "day",
        "baseline_from": "2026-01-05T00:00:00+01:00",
        "baseline_to": "2026-01-10T00:00:00+01:00",
    }
    created = client.post("/charts", body)
    assert created.status_code == 201
    chart_id = created.json()["id"]
    read = client.get(f"/charts/{chart_id}").json()
    assert (read["kind"], read["size_series_id"], read["rules"]) == ("u", made.pk, ["WE1", "WE2", "WE3", "WE4"])
    refused = client.post("/charts", {**body, "reference": "N-SCRAP-C", "kind": "c"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"size_series": ["A c chart has no sample sizes; leave the size series empty."]}
