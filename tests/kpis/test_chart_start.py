"""A control chart starts at its baseline window: earlier readings are not points and raise no signals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ims.kpis import analysis, services
from ims.monitoring.models import Category, Series
from tests.kpis.conftest import put


def test_readings_before_the_baseline_are_not_plotted(manager: Any, make_series: Callable[..., Series], north: Any):
    series = make_series(north, "N-GAP", Category.OTHER, "mm")
    # An old value far off the later process: before the chart's window, it must not be a point or a WE1 signal.
    put(series, ("2025-12-01T08:00", 50.0), *((f"2026-01-{d:02d}T08:00", 10.0 + (d % 3) / 10) for d in range(2, 20)))
    chart = services.chart_create(
        by=manager,
        series=series,
        reference="N-GAP-I",
        name="Gap",
        baseline_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        baseline_to=dt.datetime(2026, 1, 31, tzinfo=dt.UTC),
        rules=["WE1"],
    )
    result = analysis.analyse(chart)
    assert result.labels[0] == "2026-01-02"
    assert len(result.labels) == 18
    assert result.violations == []
    assert services.scan_chart(chart) == []


def test_an_attribute_chart_starts_with_the_period_of_its_baseline(
    manager: Any, make_series: Callable[..., Series], north: Any
):
    scrap = make_series(north, "N-SCRAP", Category.DEFECTS, "piece")
    made = make_series(north, "N-MADE", Category.PRODUCTION, "piece")
    days = range(5, 15)
    put(scrap, ("2026-02-02T09:00", 90), *((f"2026-02-{d:02d}T09:00", 2 + d % 2) for d in days))
    put(made, ("2026-02-02T09:00", 100), *((f"2026-02-{d:02d}T09:00", 100) for d in days))
    chart = services.chart_create(
        by=manager,
        series=scrap,
        size_series=made,
        kind="p",
        reference="N-SCRAP-P",
        name="Scrap",
        subgrouping="day",
        baseline_from=dt.datetime(2026, 2, 4, tzinfo=dt.UTC),
        baseline_to=dt.datetime(2026, 2, 28, tzinfo=dt.UTC),
        rules=["WE1"],
    )
    result = analysis.analyse(chart)
    assert result.labels == [f"2026-02-{d:02d}" for d in days]
    assert result.pair is not None
    assert result.pair.location.center == 25 / 1000  # 2+3+2+3+… over ten days of 100 parts
