"""Attribute charts count zero where a sample had nothing recorded; edits keep links to series archived since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from ims.core.errors import ValidationFailed
from ims.kpis import analysis, services
from ims.kpis.models import ControlChart, Equipment
from ims.monitoring import services as monitoring
from ims.monitoring.models import Category, Series
from tests.kpis.conftest import put

BASELINE = {"baseline_from": dt.datetime(2026, 3, 1), "baseline_to": dt.datetime(2026, 3, 31)}


@pytest.fixture
def scrap(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-SCRAP", Category.DEFECTS, "piece")


@pytest.fixture
def made(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-MADE", Category.PRODUCTION, "piece")


def _p_chart(manager: Any, scrap: Series, made: Series) -> ControlChart:
    return services.chart_create(
        by=manager,
        series=scrap,
        size_series=made,
        kind="p",
        reference="N-SCRAP-P",
        name="Scrap",
        subgrouping="day",
        rules=["WE1"],
        **BASELINE,
    )


def test_a_day_with_parts_made_and_no_scrap_reading_counts_zero_scrap(manager, scrap, made):
    """Ten days of 100 parts; scrap recorded only on the two days it happened: p̄ = 10/1000, not 10/200."""
    put(made, *((f"2026-03-{d:02d}T09:00", 100) for d in range(2, 12)))
    put(scrap, ("2026-03-03T09:00", 5), ("2026-03-07T09:00", 5))
    result = analysis.analyse(_p_chart(manager, scrap, made))
    assert result.pair is not None
    assert result.pair.location.center == 10 / 1000
    assert len(result.labels) == 10
    assert result.skipped == []


def test_a_c_chart_still_skips_a_day_without_a_count(manager, scrap):
    put(scrap, ("2026-03-03T09:00", 5), ("2026-03-07T09:00", 3))
    chart = services.chart_create(
        by=manager, series=scrap, kind="c", reference="N-SCRAP-C", name="Scrap", subgrouping="day", **BASELINE
    )
    assert analysis.analyse(chart).labels == ["2026-03-03", "2026-03-07"]


def test_a_chart_with_a_bad_reading_since_can_be_renamed_but_not_moved(manager, scrap, made):
    put(made, *((f"2026-03-{d:02d}T09:00", 100) for d in range(2, 12)))
    chart = _p_chart(manager, scrap, made)
    put(scrap, ("2026-03-05T09:00", 150))  # more scrapped than made: the page explains it, the chart is unplottable
    renamed = services.chart_update(by=manager, chart=chart, version=chart.version, changes={"name": "Scrap, line 2"})
    assert renamed.name == "Scrap, line 2"
    with pytest.raises(ValidationFailed) as refused:
        services.chart_update(
            by=manager, chart=renamed, version=renamed.version, changes={"baseline_to": dt.datetime(2026, 3, 20)}
        )
    assert "the count cannot exceed the sample size" in refused.value.errors["size_series"][0]


def test_editing_a_chart_whose_series_was_archived_since(manager, scrap, made, web):
    put(made, *((f"2026-03-{d:02d}T09:00", 100) for d in range(2, 12)))
    chart = _p_chart(manager, scrap, made)
    monitoring.series_archive(by=manager, series=made, version=made.version)
    response = web(manager).post(
        f"/kpis/charts/{chart.pk}/edit",
        {
            "version": chart.version,
            "name": "Scrap, old line",
            "series": scrap.pk,
            "kind": "p",
            "size_series": made.pk,
            "subgrouping": "day",
            "subgroup_size": "",
            "baseline_from": "2026-03-01T00:00",
            "baseline_to": "2026-03-31T00:00",
            "rules": ["WE1"],
            "lsl": "",
            "usl": "",
        },
    )
    assert response.status_code == 302
    chart.refresh_from_db()
    assert (chart.name, chart.size_series_id) == ("Scrap, old line", made.pk)


def test_editing_equipment_keeps_a_series_archived_since(manager, north, scrap, made, web):
    item = services.equipment_create(
        by=manager, site=north, series=[scrap, made], reference="N-GAUGE", name="Gauge", interval_months=12
    )
    monitoring.series_archive(by=manager, series=made, version=made.version)
    response = web(manager).post(
        f"/kpis/equipment/{item.pk}/edit",
        {"version": item.version, "name": "Gauge, renamed", "series": [scrap.pk, made.pk], "interval_months": "12"},
    )
    assert response.status_code == 302
    item = Equipment.objects.get(pk=item.pk)
    assert item.name == "Gauge, renamed"
    assert sorted(s.reference for s in item.series.all()) == ["N-MADE", "N-SCRAP"]
