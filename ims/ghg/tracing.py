"""“Show calculation”: one inventory figure redone step by step, from readings to kg CO2e.

The steps are what an auditor checks (ISO 14064-1 traceability): the
readings of the series in the month, the monthly activity they add up to,
the factor with its source, year and licence, the GWP set, and the arithmetic
of :func:`ims.factors.calculation.co2e_for`; for scope 2 market-based, the
instruments covering the month and the factor applied to the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min
from django.urls import reverse

from ims.core.errors import NotFound, ValidationFailed
from ims.factors.calculation import co2e_for
from ims.factors.models import EmissionFactor
from ims.factors.units import plain
from ims.ghg import inventory
from ims.ghg.activity import month_bounds
from ims.ghg.models import EmissionSource, MonthlyActivity, Scope
from ims.monitoring.models import Reading


@dataclass
class Step:
    title: str
    lines: list[str]
    link: str = ""
    link_text: str = ""


@dataclass
class Trace:
    source: EmissionSource
    month: dt.date
    method: str
    kg_co2e: Decimal
    gwp_set: str
    steps: list[Step] = field(default_factory=list)

    @property
    def kg_text(self) -> str:
        return plain(self.kg_co2e)

    @property
    def text(self) -> str:
        return "\n".join(f"{s.title}: " + " / ".join(s.lines) for s in self.steps)


def _factor_step(title: str, factor: EmissionFactor) -> Step:
    lines = [f"{factor.external_id}: {factor.activity} ({factor.source_unit}), {factor.region} {factor.year}"]
    if factor.source is not None:
        lines.append(f"{factor.source.publisher}, {factor.source.title} ({factor.source.edition})")
        lines.append(f"Licence: {factor.source.licence}. {factor.source.attribution}".strip())
    else:
        lines.append(f"Own factor. {factor.citation}".strip())
    return Step(title, lines, reverse("factors:detail", args=[factor.pk]), factor.external_id)


def trace(*, source: EmissionSource, month: dt.date, method: str = inventory.LOCATION) -> Trace:
    """The figure of ``source`` in ``month`` (first day) by ``method``, with every step shown."""
    if method not in (inventory.LOCATION, inventory.MARKET):
        raise ValidationFailed({"method": ["Use location or market."]})
    if method == inventory.MARKET and source.scope != Scope.SCOPE_2:
        raise ValidationFailed({"method": ["Only scope 2 has a market-based figure."]})
    if month.year != source.year:
        raise NotFound(f"The source is in the {source.year} inventory, not {month.year}.")
    wanted = [
        f for f in inventory.figures(year=source.year, site_ids=[source.series.site_id]) if f.source.pk == source.pk
    ]
    figure = next((f for f in wanted if f.month == month and f.method == method), None)
    if figure is None:
        raise NotFound(f"{source.series.reference} has no activity in {month:%Y-%m}.")
    gwp = inventory.gwp_set()
    series = source.series
    steps = [_readings_step(source, month), _activity_step(source, month, figure.quantity)]
    if method == inventory.LOCATION:
        steps.append(
            _factor_step("Factor (location-based)" if source.scope == Scope.SCOPE_2 else "Factor", source.factor)
        )
        calc = co2e_for(figure.quantity, inventory.factor_unit(series.unit), source.factor, gwp_set=gwp)
        steps.append(Step(f"GWP set {gwp}", [f"The inventory states CO2e with {gwp} GWPs; {calc.gwp_set} applied."]))
        steps.append(Step("Calculation", list(calc.steps[:-1])))
    else:
        steps.extend(_market_steps(figure, gwp))
    steps.append(Step("Result", [f"{plain(figure.kg_co2e)} kg CO2e"]))
    return Trace(source, month, method, figure.kg_co2e, gwp, steps)


def _readings_step(source: EmissionSource, month: dt.date) -> Step:
    series = source.series
    start, end = month_bounds(month, ZoneInfo(series.site.time_zone))
    agg = Reading.objects.filter(series=series, ts__gte=start, ts__lt=end).aggregate(
        n=Count("ts"), a=Min("ts"), b=Max("ts")
    )
    what = "consumption between register readings" if series.is_register else "values"
    lines = [
        f"{agg['n']} readings of {series.reference} ({series.name}) in {month:%B %Y} ({series.site.time_zone})",
        f"from {agg['a']:%Y-%m-%d %H:%M} to {agg['b']:%Y-%m-%d %H:%M} UTC; their {what} are added up"
        if agg["n"]
        else "no readings",
    ]
    return Step("Readings", lines, reverse("monitoring:series_detail", args=[series.pk]), series.reference)


def _activity_step(source: EmissionSource, month: dt.date, quantity: Decimal) -> Step:
    row = MonthlyActivity.objects.filter(series=source.series, month=month).first()
    count = row.readings if row is not None else 0
    return Step("Monthly activity", [f"{plain(quantity)} {source.series.unit} from {count} readings"])


def _market_steps(figure: inventory.Figure, gwp: str) -> list[Step]:
    source = figure.source
    unit = source.series.unit
    kwh_per = inventory._kwh_per(unit)
    steps = []
    rest = figure.quantity * kwh_per
    for cover in figure.covers:
        i = cover.instrument
        kg = cover.kwh * i.kg_co2e_per_kwh
        rest -= cover.kwh
        steps.append(
            Step(
                f"Instrument {i.get_kind_display()} {i.reference}",
                [
                    f"{i.period_from} to {i.period_to}, {plain(i.mwh)} MWh; evidence: {i.evidence}",
                    f"covers {plain(cover.kwh)} kWh × {plain(i.kg_co2e_per_kwh)} kg CO2e/kWh = {plain(kg)} kg CO2e",
                ],
            )
        )
    factor = source.market_factor
    if factor is None:
        steps.append(
            Step(
                "No supplier or residual-mix factor",
                [
                    "No market-based factor is configured for this source, so the location-based factor is used "
                    "for the uncovered electricity (GHG Protocol Scope 2 Guidance, hierarchy of emission factors)."
                ],
            )
        )
        factor = source.factor
    else:
        steps.append(_factor_step("Factor for uncovered electricity (supplier or residual mix)", factor))
    if rest > 0:
        calc = co2e_for(rest / kwh_per, inventory.factor_unit(unit), factor, gwp_set=gwp)
        steps.append(Step(f"Uncovered electricity, GWP set {gwp}", list(calc.steps[:-1])))
    return steps
