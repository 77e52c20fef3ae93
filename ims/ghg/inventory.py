"""The inventory's figures: monthly activity × the source's factor, in the inventory's GWP set.

Each source's factor is linear, so its kg CO2e per unit of the series is
worked out once with :func:`ims.factors.calculation.co2e_for` and applied to
each month's activity (exact Decimal arithmetic). The "show calculation" page
(:mod:`ims.ghg.tracing`) redoes one figure step by step with the same functions.

Scope 2 is reported twice (GHG Protocol Scope 2 Guidance): location-based
with the grid factor; market-based with the contractual instruments of the
site first — each instrument covers electricity in time order within its
period until its MWh are used — and the supplier or residual-mix factor for
the rest. A source without a market factor falls back to its location-based
factor, and the calculation says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from ims.factors.calculation import co2e_for
from ims.factors.models import EmissionFactor
from ims.factors.units import convert
from ims.ghg.activity import months_between, next_month
from ims.ghg.models import ContractualInstrument, EmissionSource, InventorySettings, MonthlyActivity, Scope
from ims.monitoring.models import Category

LOCATION, MARKET = "location", "market"
KWH = "kWh"


def gwp_set() -> str:
    settings = InventorySettings.objects.order_by("pk").first()
    return settings.gwp_set if settings is not None else InventorySettings._meta.get_field("gwp_set").default


# Units metering writes that the factor library spells another way.
METERING_SPELLINGS = {"m3": "m**3", "Nm3": "m**3", "Sm3": "m**3"}


def factor_unit(unit: str) -> str:
    """A series' unit as the factor library's unit registry reads it."""
    return METERING_SPELLINGS.get(unit.strip(), unit)


_rates: dict[tuple[int, int, dt.datetime, str, str], Decimal] = {}


def rate(factor: EmissionFactor, unit: str, gwp: str) -> Decimal:
    """kg CO2e per one ``unit`` of activity; refuses a factor of another GWP set than ``gwp``.

    Remembered per factor version and change time, so an edited factor gets a new rate.
    """
    key = (factor.pk, factor.version, factor.updated_at, unit, gwp)
    found = _rates.get(key)
    if found is None:
        if len(_rates) > 10_000:
            _rates.clear()
        found = _rates[key] = co2e_for(Decimal(1), factor_unit(unit), factor, gwp_set=gwp).kg_co2e
    return found


@cache
def _kwh_per(unit: str) -> Decimal:
    return convert(Decimal(1), factor_unit(unit), KWH)


def decimal(quantity: float) -> Decimal:
    return Decimal(repr(float(quantity)))


@dataclass
class Cover:
    """Electricity of one source and month covered by one instrument."""

    instrument: ContractualInstrument
    kwh: Decimal


@dataclass
class Figure:
    source: EmissionSource
    month: dt.date
    method: str  # LOCATION for scopes 1 and 3 too
    quantity: Decimal
    kg_co2e: Decimal
    covers: list[Cover] = field(default_factory=list)
    fallback: bool = False  # market-based without a market factor: the location factor was used

    @property
    def scope_key(self) -> str:
        return f"2-{self.method}" if self.source.scope == Scope.SCOPE_2 else self.source.scope


def sources(*, year: int, site_ids: list[int] | None = None, scope: str = "") -> list[EmissionSource]:
    qs = EmissionSource.objects.select_related("series__site").filter(year=year)
    if site_ids is not None:
        qs = qs.filter(series__site_id__in=site_ids)
    if scope:
        qs = qs.filter(scope=scope)
    chosen = list(qs.order_by("scope", "series__reference"))
    # Many sources share a few factors: each factor is read once.
    ids = {s.factor_id for s in chosen} | {s.market_factor_id for s in chosen if s.market_factor_id}
    factors = EmissionFactor.objects.select_related("source").in_bulk(ids)
    for s in chosen:
        s.factor = factors[s.factor_id]
        if s.market_factor_id:
            s.market_factor = factors[s.market_factor_id]
    return chosen


def _is_electricity(source: EmissionSource) -> bool:
    return source.scope == Scope.SCOPE_2 and source.series.category == Category.ELECTRICITY


def figures(*, year: int, site_ids: list[int] | None = None, scope: str = "") -> list[Figure]:
    """Every monthly figure of the year: one per source and month, two for scope 2 (location, market)."""
    chosen = sources(year=year, site_ids=site_ids, scope=scope)
    if not chosen:
        return []
    gwp = gwp_set()
    activity = _activity([s.series_id for s in chosen], dt.date(year, 1, 1), dt.date(year, 12, 1))
    covers = _covers(chosen, year, activity)
    result = []
    for source in chosen:
        unit = source.series.unit
        location = rate(source.factor, unit, gwp)
        market = rate(source.market_factor, unit, gwp) if source.market_factor is not None else None
        for month, quantity in sorted(activity.get(source.series_id, {}).items()):
            result.append(Figure(source, month, LOCATION, quantity, quantity * location))
            if source.scope == Scope.SCOPE_2:
                result.append(_market(source, month, quantity, location, market, covers.get((source.pk, month), [])))
    return result


def _market(
    source: EmissionSource,
    month: dt.date,
    quantity: Decimal,
    location: Decimal,
    market: Decimal | None,
    covers: list[Cover],
) -> Figure:
    per_unit = _kwh_per(source.series.unit)
    covered_kwh = sum((c.kwh for c in covers), Decimal(0))
    rest = quantity - covered_kwh / per_unit
    kg = sum((c.kwh * c.instrument.kg_co2e_per_kwh for c in covers), Decimal(0))
    kg += rest * (market if market is not None else location)
    return Figure(source, month, MARKET, quantity, kg, covers=covers, fallback=market is None)


def _activity(series_ids: list[int], first: dt.date, last: dt.date) -> dict[int, dict[dt.date, Decimal]]:
    result: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    rows = MonthlyActivity.objects.filter(series_id__in=series_ids, month__gte=first, month__lte=last)
    for sid, month, quantity in rows.values_list("series_id", "month", "quantity"):
        result[sid][month] = decimal(quantity)
    return result


def _covers(
    chosen: list[EmissionSource], year: int, activity: dict[int, dict[dt.date, Decimal]]
) -> dict[tuple[int, dt.date], list[Cover]]:
    """How the site's instruments cover electricity: in time order within each instrument's period.

    An instrument reaching back before the year has first covered the earlier
    months' electricity, so its allocation is worked out from its own start.
    """
    electricity = [s for s in chosen if _is_electricity(s)]
    sites = {s.series.site_id for s in electricity}
    if not sites:
        return {}
    instruments = list(
        ContractualInstrument.objects.filter(
            site_id__in=sites, period_from__lte=dt.date(year, 12, 31), period_to__gte=dt.date(year, 1, 1)
        ).order_by("period_from", "pk")
    )
    if not instruments:
        return {}
    first = min(i.period_from for i in instruments).replace(day=1)
    every = electricity
    if first.year < year:  # earlier years' sources and activity take their share first
        every = list(
            EmissionSource.objects.select_related("series").filter(
                series__site_id__in=sites,
                scope=Scope.SCOPE_2,
                series__category=Category.ELECTRICITY,
                year__gte=first.year,
            )
        )
        activity = _activity([s.series_id for s in every], first, dt.date(year, 12, 1))
    # per site and year: (source id, series id, kWh per unit), by series reference
    by_site_year: dict[tuple[int, int], list[tuple[int, int, Decimal]]] = defaultdict(list)
    for s in sorted(every, key=lambda s: s.series.reference):
        by_site_year[(s.series.site_id, s.year)].append((s.pk, s.series_id, _kwh_per(s.series.unit)))
    used: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    result: dict[tuple[int, dt.date], list[Cover]] = defaultdict(list)
    for instrument in instruments:
        remaining = instrument.mwh * 1000
        last = min(instrument.period_to, dt.date(year, 12, 31)).replace(day=1)
        for month in months_between(instrument.period_from.replace(day=1), last):
            for pk, series_id, kwh_per in by_site_year.get((instrument.site_id, month.year), []):
                if remaining <= 0:
                    break
                kwh = activity.get(series_id, {}).get(month, Decimal(0)) * kwh_per
                take = min(remaining, kwh - used[(pk, month)])
                if take > 0:
                    used[(pk, month)] += take
                    remaining -= take
                    result[(pk, month)].append(Cover(instrument, take))
    return result


def monthly(*, year: int, site_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """CO2e per month, site and scope (scope 2 twice: "2-location", "2-market"), in kg."""
    totals: dict[tuple[dt.date, int, str], Decimal] = defaultdict(Decimal)
    for f in figures(year=year, site_ids=site_ids):
        totals[(f.month, f.source.series.site_id, f.scope_key)] += f.kg_co2e
    return [
        {"month": month.isoformat()[:7], "site_id": site, "scope": scope, "kg_co2e": kg}
        for (month, site, scope), kg in sorted(totals.items())
    ]


def year_months(year: int) -> list[dt.date]:
    return months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))


__all__ = ["figures", "monthly", "next_month", "rate", "year_months"]
