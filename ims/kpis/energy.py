"""An energy baseline worked out from its series: period totals, the model and its validity, the comparison.

Energy and production are summed per day in the database, temperatures
averaged per day; days are gathered into whole weeks or months inside each
window (a period cut by the window's edge is left out, as are periods
missing a day of temperature, which would understate their degree days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ims.energy import baseline as method
from ims.energy.regression import Regression
from ims.kpis.models import EnergyBaseline, Granularity
from ims.kpis.selectors import series_period_totals

PRODUCTION = "production"


@dataclass(frozen=True)
class Periods:
    labels: list[str]
    energy: list[float]
    variables: dict[str, list[float]]
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EnergyResult:
    record: EnergyBaseline
    baseline: Periods
    reporting: Periods
    model: Regression | None
    refusal: tuple[str, ...] = ()  # why the model may not be used, each rule in words
    comparison: method.Comparison | None = None
    problem: str = ""  # why no comparison could be made


def degree_day_name(record: EnergyBaseline) -> str:
    return "HDD" if record.degree_days == "heating" else "CDD"


def _period_start(day: dt.date, granularity: str) -> dt.date:
    return day.replace(day=1) if granularity == Granularity.MONTH else day - dt.timedelta(days=day.weekday())


def _period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == Granularity.WEEK:
        return start + dt.timedelta(days=7)
    return (start + dt.timedelta(days=32)).replace(day=1)


def _label(start: dt.date, granularity: str) -> str:
    if granularity == Granularity.MONTH:
        return f"{start:%Y-%m}"
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def periods(record: EnergyBaseline, *, start: dt.date, end: dt.date) -> Periods:
    """Energy and each variable per whole period in [start, end)."""
    tz = ZoneInfo(record.energy.site.time_zone)
    g = record.granularity
    energy = series_period_totals(record.energy, period="day", tz=tz, start=start, end=end)
    production = (
        series_period_totals(record.production, period="day", tz=tz, start=start, end=end) if record.production else {}
    )
    means = (
        series_period_totals(record.temperature, period="day", tz=tz, start=start, end=end, mean=True)
        if record.temperature
        else {}
    )
    degree = method.degree_days(temperatures=means, base=record.degree_day_base, kind=record.degree_days)  # type: ignore[arg-type]
    result = Periods([], [], {})
    names = ([PRODUCTION] if record.production else []) + ([degree_day_name(record)] if record.temperature else [])
    for name in names:
        result.variables[name] = []
    first = _period_start(start, g)
    current = first if first >= start else _period_end(first, g)
    while _period_end(current, g) <= end:
        after = _period_end(current, g)
        days = [current + dt.timedelta(days=i) for i in range((after - current).days)]
        label = _label(current, g)
        if record.temperature and any(d not in degree for d in days):
            result.skipped.append(f"{label}: a day without temperature readings")
        elif not any(d in energy for d in days):
            result.skipped.append(f"{label}: no energy readings")
        else:
            result.labels.append(label)
            result.energy.append(sum(energy.get(d, 0.0) for d in days))
            if record.production:
                result.variables[PRODUCTION].append(sum(production.get(d, 0.0) for d in days))
            if record.temperature:
                result.variables[degree_day_name(record)].append(sum(degree[d] for d in days))
        current = after
    return result


def analyse(record: EnergyBaseline) -> EnergyResult:
    """The model over the baseline period, refused in words when invalid, and the reporting period against it."""
    base = periods(record, start=record.baseline_from, end=record.baseline_to)
    report = periods(record, start=record.reporting_from, end=record.reporting_to)
    try:
        model = method.energy_baseline(energy=base.energy, variables=base.variables)
    except method.BaselineRefused as refused:
        return EnergyResult(record, base, report, None, refusal=refused.reasons)
    except ValueError as exc:
        return EnergyResult(record, base, report, None, refusal=(str(exc),))
    try:
        comparison = method.compare(model, actual=report.energy, variables=report.variables, labels=report.labels)
    except ValueError as exc:
        return EnergyResult(record, base, report, model, problem=str(exc))
    return EnergyResult(record, base, report, model, comparison=comparison)
