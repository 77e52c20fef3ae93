"""The environmental performance dashboard's figures (ISO 14001 9.1.1): energy, water, waste, CO2e, intensities.

Everything is read from the monthly activity and the inventory, never from
the readings, except the waste diversion rate, which
:func:`ims.monitoring.selectors.diversion` works out per route.
Each table is what its chart shows, so the page, the CSV and a PDF agree.

Site totals count each unit of consumption once: a sub-meter is left out of
a month in which a meter above it, in the same total, recorded consumption. The year-on-year comparison is
like for like: in the year still running, only the months that have ended,
against the same months of the year before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ims.ghg import inventory
from ims.ghg.activity import month_bounds, next_month
from ims.ghg.models import MonthlyActivity
from ims.monitoring import units
from ims.monitoring.models import Category, Series
from ims.monitoring.selectors import diversion

# The dashboard's resources, each in one unit.
RESOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "energy": ((Category.ELECTRICITY, Category.NATURAL_GAS), "kWh"),
    "water": ((Category.WATER,), "m**3"),
    "waste": ((Category.WASTE,), "kg"),
}
UNIT_LABELS = {"kWh": "kWh", "m**3": "m³", "kg": "kg"}
SCOPES = (("1", "Scope 1"), ("2-location", "Scope 2 (location)"), ("2-market", "Scope 2 (market)"), ("3", "Scope 3"))


@dataclass
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Any]]


def _convert(value: float, unit: str, target: str) -> float | None:
    try:
        return float(units.conversion(unit, target).apply(value))
    except Exception:
        return None


def counted_series(*, site_ids: list[int], categories: tuple[str, ...]) -> list[int]:
    """The series of these categories whose consumption counts in a site total.

    A sub-meter is left out when any meter above it is of these categories too,
    since that meter's consumption already includes it. Under a meter that the
    total leaves out (a heat meter over an electricity sub-meter, say), it counts.
    """
    rows = list(Series.objects.filter(site_id__in=site_ids).values_list("pk", "parent_id", "category"))
    parent_of: dict[int, int | None] = {pk: parent for pk, parent, _category in rows}
    category_of = {pk: category for pk, _parent, category in rows}
    counted = []
    for pk, first_parent, category in rows:
        if category not in categories:
            continue
        seen = {pk}
        parent: int | None = first_parent
        while parent is not None and parent not in seen and category_of.get(parent) not in categories:
            seen.add(parent)
            parent = parent_of.get(parent)
        if parent is None or parent in seen:
            counted.append(pk)
    return counted


def _meters_above(site_ids: list[int], categories: tuple[str, ...]) -> dict[int, list[int]]:
    """For each series of these categories, the meters of these categories above it, nearest first."""
    rows = list(Series.objects.filter(site_id__in=site_ids).values_list("pk", "parent_id", "category"))
    parent_of: dict[int, int | None] = {pk: parent for pk, parent, _category in rows}
    category_of = {pk: category for pk, _parent, category in rows}
    above: dict[int, list[int]] = {}
    for pk, first_parent, category in rows:
        if category not in categories:
            continue
        chain: list[int] = []
        seen = {pk}
        parent: int | None = first_parent
        while parent is not None and parent not in seen:
            if category_of.get(parent) in categories:
                chain.append(parent)
            seen.add(parent)
            parent = parent_of.get(parent)
        above[pk] = chain
    return above


def resource_by_month(*, year: int, site_ids: list[int], resource: str) -> list[float]:
    """A resource's total in each month of ``year``, in the resource's unit, each sub-meter counted once.

    A sub-meter is left out of a month in which a meter above it recorded
    consumption, which includes the sub-meter's. Months before its main meter
    was installed (no activity there) count the sub-meter itself, so an older
    year does not lose what only the sub-meter measured then.
    """
    categories, target = RESOURCES[resource]
    above = _meters_above(site_ids, categories)
    totals = [0.0] * 12
    rows = list(
        MonthlyActivity.objects.filter(
            series_id__in=list(above), month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
        ).values_list("series_id", "series__unit", "month", "quantity")
    )
    active = {(series_id, month) for series_id, _unit, month, _quantity in rows}
    for series_id, unit, month, quantity in rows:
        if any((meter, month) in active for meter in above[series_id]):
            continue
        converted = _convert(quantity, unit, target)
        if converted is not None:
            totals[month.month - 1] += converted
    return totals


@dataclass(frozen=True)
class Left:
    """A series of a resource's categories that its total cannot include: its unit does not convert."""

    reference: str
    unit: str
    resource: str
    target: str


def left_out(*, site_ids: list[int]) -> list[Left]:
    """Series the resource totals leave out because their unit is not one of the resource's (gas in m³ for kWh)."""
    found = []
    for resource, (categories, target) in RESOURCES.items():
        counted = counted_series(site_ids=site_ids, categories=categories)
        for reference, unit in (
            Series.objects.filter(pk__in=counted).order_by("reference").values_list("reference", "unit")
        ):
            if _convert(1.0, unit, target) is None:
                found.append(Left(reference, unit, resource, UNIT_LABELS[target]))
    return found


def production_by_month(*, year: int, series: Series | None) -> list[float]:
    totals = [0.0] * 12
    if series is None:
        return totals
    rows = MonthlyActivity.objects.filter(
        series=series, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
    )
    for month, quantity in rows.values_list("month", "quantity"):
        totals[month.month - 1] += quantity
    return totals


def co2e_by_scope(*, year: int, site_ids: list[int]) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {key: [0.0] * 12 for key, _label in SCOPES}
    for row in inventory.monthly(year=year, site_ids=site_ids):
        month = int(str(row["month"])[5:7])
        result[str(row["scope"])][month - 1] += float(row["kg_co2e"])
    return result


def co2e_by_site(*, year: int, site_ids: list[int]) -> dict[int, float]:
    """kg CO2e per site over the year (scope 2 market-based, the figure reported against targets)."""
    result: dict[int, float] = defaultdict(float)
    for row in inventory.monthly(year=year, site_ids=site_ids):
        if row["scope"] != "2-location":
            result[int(row["site_id"])] += float(row["kg_co2e"])
    return dict(result)


def diversion_rate(*, year: int, site_ids: list[int]) -> float | None:
    series = list(Series.objects.select_related("site").filter(site_id__in=site_ids, category=Category.WASTE))
    if not series:
        return None
    tz = ZoneInfo(series[0].site.time_zone)
    start = month_bounds(dt.date(year, 1, 1), tz)[0]
    end = month_bounds(dt.date(year, 12, 1), tz)[1]
    return diversion(series, start=start, end=end).rate


def latest_figures(*, year: int, site_ids: list[int]) -> list[inventory.Figure]:
    """Each source's figure in the latest month with activity: the entry points to “show calculation”."""
    latest: dict[tuple[int, str], inventory.Figure] = {}
    for f in inventory.figures(year=year, site_ids=site_ids):
        key = (f.source.pk, f.method)
        if key not in latest or latest[key].month < f.month:
            latest[key] = f
    return sorted(latest.values(), key=lambda f: (f.source.scope, f.source.series.reference, f.method))


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def yoy(current: float, previous: float) -> float | None:
    """Change against the previous year, in percent."""
    return 100 * (current - previous) / previous if previous else None


def ended_months(*, year: int, today: dt.date) -> int:
    """How many months of ``year`` have ended by ``today``: 12 for a past year, 0 for a future one."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def months_span(months: int, year: int) -> str:
    """The months compared, for a caption: “January to October, 2026 against 2025”."""
    if months >= 12:
        return f"whole year, {year} against {year - 1}"
    if months <= 0:
        return f"no month of {year} has ended yet"
    first, last = dt.date(year, 1, 1), dt.date(year, months, 1)
    span = f"{first:%B}" if months == 1 else f"{first:%B} to {last:%B}"
    return f"{span}, {year} against {year - 1}"


def month_labels(year: int) -> list[str]:
    month, labels = dt.date(year, 1, 1), []
    for _ in range(12):
        labels.append(f"{month:%b}")
        month = next_month(month)
    return labels


def kg(value: Decimal | float) -> str:
    return f"{float(value):,.1f}"
