"""The demo step on the demo monitoring series."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ims.demo.loader import DemoContext
from ims.kpis.demo import step_kpis
from ims.kpis.energy import analyse
from ims.kpis.models import ChartSignal, EnergyBaseline, Equipment, Kpi
from ims.monitoring.demo import milestones, step_monitoring
from ims.monitoring.models import Series
from ims.org.models import Site

PARIS = ZoneInfo("Europe/Paris")


def test_demo_step(admin: Any, org: Any) -> None:
    lyon = Site.objects.create(code="LYO", name="Lyon", country="FR", time_zone="Europe/Paris")
    ctx = DemoContext(admin=admin, sites={"LYO": lyon})
    step_monitoring(ctx)
    step_kpis(ctx)
    assert sorted(Kpi.objects.values_list("reference", flat=True)) == [
        "LYO-KPI-DEFECTS",
        "LYO-KPI-DIVERSION",
        "LYO-KPI-ENERGY",
    ]
    result = analyse(EnergyBaseline.objects.get(reference="LYO-ENB-HALL"))
    assert len(result.reporting.labels) == 4
    assert result.model is not None, result.refusal
    assert result.comparison is not None
    assert result.comparison.savings > 0
    assert ChartSignal.objects.filter(chart__reference="LYO-SPC-BORE").exists()
    breakage = milestones().tool_breakage
    scrap = [
        s
        for s in ChartSignal.objects.filter(chart__reference="LYO-SPC-SCRAP")
        if s.point_ts.astimezone(PARIS).date() == breakage
    ]
    assert [s.rule for s in scrap] == ["WE1"]
    assert scrap[0].event is not None
    assert scrap[0].event.source_type == "kpis.chartsignal"
    from django.utils import timezone

    today = timezone.localdate()
    assert [e.reference for e in Equipment.objects.all() if e.overdue(today)] == ["LYO-EQ-BG07"]
    hall = Series.objects.get(reference="LYO-ELEC-HALL")
    assert hall.parent is not None
    assert hall.parent.reference == "LYO-ELEC-MAIN"  # a sub-meter: not counted twice in the site's energy
