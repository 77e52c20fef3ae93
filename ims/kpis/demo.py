"""Demo data of KPIs, control charts, energy baselines and measuring equipment on the demo series.

Runs after the monitoring step (:mod:`ims.monitoring.demo`, whose stories these
records make visible) and the objectives step (KPIs feed the progress of the
objectives they measure). Adds two demo-only series at Lyon: the bore diameter
of a machined part measured daily, whose last ten days shift upwards so that
the control chart shows a special cause on the day the demo is loaded, and a
machining-hall sub-meter installed twelve weeks ago.

* Brno's energy baseline (electricity against assemblies, weekly) covers the
  year before the energy-saving project and reports the savings since;
* Lyon's gas baseline (gas against heating degree days from the outside
  temperature) shows a model that holds, with no savings claimed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from ims.kpis import services
from ims.kpis.models import ChartKind, ChartSignal, ControlChart, DegreeDays, Subgrouping
from ims.monitoring.demo import milestones
from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Frequency, Reading, Series, Source
from ims.monitoring.services import series_create
from ims.objectives.models import Objective

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

SEED = 20261128
BORE_DAYS = 60
SHIFT_DAYS = 10  # the last days, after a tool change, run 0.02 mm high


def _kpis(by: Any, site: Any, refs: dict[str, Series]) -> None:
    if "LYO-DEF-SCRAP" in refs and "LYO-PROD-PARTS" in refs:
        services.kpi_create_from_template(
            by=by,
            template="defect_rate",
            fill={"defects": [refs["LYO-DEF-SCRAP"]], "production": [refs["LYO-PROD-PARTS"]]},
            reference="LYO-KPI-DEFECTS",
            name="Scrap rate, machined parts",
            site=site,
            target=2.5,
            at_risk=3.5,
        )
    if "LYO-ELEC-MAIN" in refs and "LYO-PROD-PARTS" in refs:
        services.kpi_create_from_template(
            by=by,
            template="energy_intensity",
            fill={"energy": [refs["LYO-ELEC-MAIN"]], "production": [refs["LYO-PROD-PARTS"]]},
            reference="LYO-KPI-ENERGY",
            name="Electricity per machined part",
            unit="kWh/part",
            site=site,
            target=3.0,
            at_risk=3.3,
        )
    waste = [s for s in refs.values() if s.category == Category.WASTE and s.waste_route]
    diverted = [s for s in waste if s.diverted]
    if diverted:
        services.kpi_create_from_template(
            by=by,
            template="waste_diversion_rate",
            fill={"diverted": diverted, "waste": waste},
            reference="LYO-KPI-DIVERSION",
            site=site,
            target=85.0,
            at_risk=75.0,
        )


def _bore(by: Any, site: Any, today: dt.date) -> Series:
    series = series_create(
        by=by,
        site=site,
        reference="LYO-QC-BORE",
        name="Bore diameter, part 4711 (first part of the day)",
        category=Category.OTHER,
        unit="mm",
        expected_frequency=Frequency.DAY,
        source=Source.IMPORT,
        equipment="Bore gauge BG-07",
    )
    rng = random.Random(SEED)  # noqa: S311 (deterministic demo data, not security)
    items = []
    for back in range(BORE_DAYS, 0, -1):
        shift = 0.02 if back <= SHIFT_DAYS else 0.0
        value = round(25.00 + shift + rng.gauss(0, 0.008), 3)
        items.append({"series": series.reference, "ts": f"{today - dt.timedelta(days=back)}T07:00", "value": value})
    import_reading_items(by=by, items=items, source="demo", channel=Source.IMPORT)
    return series


def _scrap_chart(by: Any, refs: dict[str, Series], today: dt.date) -> ControlChart | None:
    """A p chart of the day's scrap against the parts made, limits from four months; only rule 1 is on."""
    scrap, parts = refs.get("LYO-DEF-SCRAP"), refs.get("LYO-PROD-PARTS")
    if scrap is None or parts is None:
        return None
    zone = ZoneInfo(scrap.site.time_zone)
    start = dt.datetime.combine(today - dt.timedelta(days=150), dt.time(0), zone)
    return services.chart_create(
        by=by,
        series=scrap,
        size_series=parts,
        kind=ChartKind.P,
        reference="LYO-SPC-SCRAP",
        name="Scrap fraction of machined parts, daily",
        subgrouping=Subgrouping.DAY,
        baseline_from=start,
        baseline_to=start + dt.timedelta(days=120),
        rules=["WE1"],
    )


def _open_breakage_event(by: Any, chart: ControlChart) -> None:
    """The quality engineer opens a nonconformity from the scrap chart's signal on the day of the tool breakage."""
    zone = ZoneInfo(chart.series.site.time_zone)
    day = milestones().tool_breakage
    for signal in ChartSignal.objects.filter(chart=chart, rule="WE1"):
        if signal.point_ts.astimezone(zone).date() == day:
            services.signal_open_event(by=by, signal=signal)


def _baseline(by: Any, site: Any, parts: Series, today: dt.date) -> None:
    """A machining-hall sub-meter that follows the parts made, 6 % lower since an improvement 4 weeks ago."""
    hall = series_create(
        by=by,
        site=site,
        reference="LYO-ELEC-HALL",
        name="Electricity, machining hall sub-meter",
        category=Category.ELECTRICITY,
        unit="kWh",
        source=Source.IMPORT,
        parent=Series.objects.filter(site=site, reference="LYO-ELEC-MAIN").first(),
    )
    monday = today - dt.timedelta(days=today.weekday())
    improved = monday - dt.timedelta(weeks=4)
    rng = random.Random(SEED + 1)  # noqa: S311 (deterministic demo data, not security)
    zone = ZoneInfo(site.time_zone)
    made = {r.ts.astimezone(zone).date(): r.value for r in Reading.objects.filter(series=parts)}
    items = []
    first = monday - dt.timedelta(weeks=12)
    for back in range((today - first).days, 0, -1):
        day = today - dt.timedelta(days=back)
        use = (150.0 + 1.5 * made.get(day, 0.0)) * rng.uniform(0.99, 1.01) * (0.94 if day >= improved else 1.0)
        items.append({"series": hall.reference, "ts": day.isoformat(), "value": round(use, 1)})
    import_reading_items(by=by, items=items, source="demo", channel=Source.IMPORT)
    services.baseline_create(
        by=by,
        energy=hall,
        production=parts,
        reference="LYO-ENB-HALL",
        name="Machining hall electricity against parts made, weekly",
        baseline_from=monday - dt.timedelta(weeks=12),
        baseline_to=improved,
        reporting_from=improved,
        reporting_to=monday,
    )


def _brno(by: Any, site: Any) -> None:
    """Brno's electricity per assembly and its energy baseline around the energy-saving project."""
    refs = {s.reference: s for s in Series.objects.filter(site=site, archived_at__isnull=True)}
    energy, assemblies = refs.get("BRQ-ELEC-MAIN"), refs.get("BRQ-PROD-ASSY")
    if energy is None or assemblies is None:
        return
    services.kpi_create_from_template(
        by=by,
        template="energy_intensity",
        fill={"energy": [energy], "production": [assemblies]},
        reference="BRQ-KPI-ENERGY",
        name="Electricity per assembly",
        unit="kWh/unit",
        site=site,
        target=9.5,
        at_risk=10.5,
    )
    when = milestones()
    project = when.energy_project
    services.baseline_create(
        by=by,
        energy=energy,
        production=assemblies,
        reference="BRQ-ENB-MAIN",
        name="Brno electricity against assemblies, weekly, before the compressed-air and lighting project",
        baseline_from=project - dt.timedelta(weeks=52),
        baseline_to=project,
        reporting_from=project,
        reporting_to=when.today - dt.timedelta(days=when.today.weekday()),
    )


def _gas_baseline(by: Any, refs: dict[str, Series]) -> None:
    gas, outside = refs.get("LYO-GAS-MAIN"), refs.get("LYO-TEMP-OUT")
    if gas is None or outside is None:
        return
    when = milestones()
    first = when.start + dt.timedelta(days=7 - when.start.weekday())
    services.baseline_create(
        by=by,
        energy=gas,
        temperature=outside,
        degree_days=DegreeDays.HEATING,
        degree_day_base=15.5,
        reference="LYO-ENB-GAS",
        name="Lyon gas against heating degree days (base 15.5 °C), weekly",
        baseline_from=first,
        baseline_to=first + dt.timedelta(weeks=52),
        reporting_from=first + dt.timedelta(weeks=52),
        reporting_to=when.today - dt.timedelta(days=when.today.weekday()),
    )


# KPI reference → the title of the objective it measures (see ims.objectives.demo)
OBJECTIVES = {
    "LYO-KPI-DEFECTS": "Cut the scrap rate of machined parts",
    "LYO-KPI-DIVERSION": "Divert more waste from landfill",
    "BRQ-KPI-ENERGY": "Reduce electricity per assembled unit",
}


def _link_objectives(by: Any) -> None:
    from ims.kpis.models import Kpi

    for kpi in Kpi.objects.filter(reference__in=list(OBJECTIVES)):
        objective = Objective.objects.filter(title=OBJECTIVES[kpi.reference]).first()
        if objective is not None:
            services.kpi_link(by=by, kpi=kpi, objectives=[objective])


def step_kpis(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    if "BRQ" in ctx.sites:
        _brno(by, ctx.sites["BRQ"])
    site = ctx.sites.get("LYO")
    if site is None:
        _link_objectives(by)
        return
    today = timezone.localdate()
    refs = {s.reference: s for s in Series.objects.filter(site=site, archived_at__isnull=True)}
    _kpis(by, site, refs)
    _gas_baseline(by, refs)
    bore = _bore(by, site, today)
    start = timezone.now() - dt.timedelta(days=BORE_DAYS + 1)
    chart = services.chart_create(
        by=by,
        series=bore,
        reference="LYO-SPC-BORE",
        name="Bore diameter, part 4711",
        subgrouping=Subgrouping.NONE,
        baseline_from=start,
        baseline_to=start + dt.timedelta(days=40),
        lsl=24.95,
        usl=25.05,
    )
    scrap = _scrap_chart(by, refs, today)
    services.scan_charts([chart] + ([scrap] if scrap else []))
    if scrap is not None:
        _open_breakage_event(by, scrap)
    services.equipment_create(
        by=by,
        site=site,
        series=[bore],
        reference="LYO-EQ-BG07",
        name="Bore gauge BG-07",
        interval_months=12,
        last_calibrated_on=today - dt.timedelta(days=400),
        certificate="Cal. cert. 2024-118 (due date passed)",
    )
    if "LYO-PROD-PARTS" in refs:
        _baseline(by, site, refs["LYO-PROD-PARTS"], today)
    if "LYO-ELEC-MAIN" in refs:
        services.equipment_create(
            by=by,
            site=site,
            series=[refs["LYO-ELEC-MAIN"]],
            reference="LYO-EQ-METER",
            name="Main electricity meter, Itron ACE6000",
            interval_months=60,
            last_calibrated_on=today - dt.timedelta(days=200),
            certificate="Utility verification report",
        )
    _link_objectives(by)
