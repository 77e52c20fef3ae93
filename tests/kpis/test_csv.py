"""CSV downloads beside every quality chart: a KPI's values, a control chart's points, the dashboard's KPI table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from ims.kpis import services
from ims.kpis.models import ControlChart, Kpi


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def kpi(manager: Any, north: Any, defects: Any, production: Any) -> Kpi:
    return services.kpi_create_from_template(
        by=manager,
        template="defect_rate",
        fill={"defects": [defects], "production": [production]},
        reference="N-DEFECT-RATE",
        site=north,
        target=2.0,
        at_risk=4.0,
    )


@pytest.fixture
def chart(manager: Any, defects: Any) -> ControlChart:
    """A c chart of the defect counts per day: 2, 3, 5, 4, 26, 50 — c̄ = 15, UCL = 15 + 3√15."""
    return services.chart_create(
        by=manager,
        series=defects,
        reference="N-DEF-C",
        name="Defects per day",
        kind="c",
        subgrouping="day",
        baseline_from=dt.datetime(2026, 1, 1),
        baseline_to=dt.datetime(2026, 3, 31),
        rules=["WE1"],
    )


def test_a_kpis_values_per_period_as_csv(kpi: Kpi, manager: Any, web: Any, settings: Any) -> None:
    rows = {r["Period"]: r for r in _rows(web(manager).get(f"/kpis/{kpi.pk}/values.csv"))}
    # January: 10 defects in 1,000 parts; February: 30 in 1,000 (one reading at 00:30 Berlin on 1 February).
    assert (rows["2026-01"]["Value"], rows["2026-01"]["Status"]) == ("1.0", "On track")
    assert (rows["2026-02"]["Value"], rows["2026-02"]["Status"]) == ("3.0", "At risk")
    assert (rows["2026-03"]["Value"], rows["2026-03"]["Status"]) == ("5.0", "Off track")
    assert rows["2026-03"]["Unit"] == "%"
    assert rows["2026-03"]["Period start"] == "2026-03-01"


def test_a_control_charts_points_as_csv(chart: ControlChart, manager: Any, web: Any) -> None:
    rows = _rows(web(manager).get(f"/kpis/charts/{chart.pk}/data.csv"))
    assert [r["Value"] for r in rows] == ["2", "3", "5", "4", "26", "50"]
    assert {r["Centre line"] for r in rows} == {"15.00"}
    assert float(rows[-1]["UCL"]) == pytest.approx(15 + 3 * 15**0.5, abs=0.01)
    assert [r["Rules broken"] for r in rows] == ["WE1", "WE1", "", "", "", "WE1"]  # LCL = 15 - 3√15 ≈ 3.38


def test_the_dashboards_kpi_table_as_csv(kpi: Kpi, manager: Any, web: Any) -> None:
    rows = _rows(web(manager).get("/kpis/dashboard/kpis.csv"))
    assert [(r["Reference"], r["Site"]) for r in rows] == [("N-DEFECT-RATE", kpi.site.name)]


def test_the_csvs_are_refused_to_another_sites_reader(kpi: Kpi, chart: ControlChart, outsider: Any, web: Any) -> None:
    client = web(outsider)
    assert client.get(f"/kpis/{kpi.pk}/values.csv").status_code == 404
    assert client.get(f"/kpis/charts/{chart.pk}/data.csv").status_code == 404
    assert _rows(client.get("/kpis/dashboard/kpis.csv")) == []
