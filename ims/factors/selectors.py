"""Reads of the factor library: the register's list, one factor, the sources, and the lookup of a factor.

Shipped factors and organisation-wide own factors are seen by everyone who may
see a site; a site's own factors by the people of that site.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed
from ims.factors.models import Category, EmissionFactor, FactorSource, GwpValue, Scope
from ims.factors.units import IncompatibleUnits, convert

OWN = "own"  # the "source" filter value for the organisation's own factors

SORTS = {
    "activity": "activity",
    "-activity": "-activity",
    "year": "year",
    "-year": "-year",
    "region": "region",
    "-region": "-region",
    "category": "category",
    "-category": "-category",
    "scope": "scope",
    "-scope": "-scope",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def factors_visible_to(user: Any) -> QuerySet[EmissionFactor]:
    return visible_with_org_wide(EmissionFactor.objects.select_related("source", "site"), user)


def factor_list(
    user: Any,
    *,
    q: str = "",
    source: str = "",
    year: int | None = None,
    region: str = "",
    scope: str = "",
    category: str = "",
    site_id: int | None = None,
    market_based: bool | None = None,
    archived: bool = False,
    sort: str = "activity",
) -> QuerySet[EmissionFactor]:
    problems: dict[str, list[str]] = {}
    if sort not in SORTS:
        problems["sort"] = [f"Sort by one of: {', '.join(SORTS)}."]
    if scope and scope not in Scope.values:
        problems["scope"] = [f"Filter by one of: {', '.join(Scope.values)}."]
    if category and category not in Category.values:
        problems["category"] = [f"Filter by one of: {', '.join(Category.values)}."]
    if problems:
        raise ValidationFailed(problems)
    qs = factors_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(activity__icontains=q)
            | Q(external_id__icontains=q)
            | Q(source_unit__icontains=q)
            | Q(notes__icontains=q)
            | Q(citation__icontains=q)
        )
    if source == OWN:
        qs = qs.filter(source__isnull=True)
    elif source:
        qs = qs.filter(source__key=source)
    if year is not None:
        qs = qs.filter(year=year)
    if region:
        qs = qs.filter(region__iexact=region)
    if scope:
        qs = qs.filter(scope=scope)
    if category:
        qs = qs.filter(category=category)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if market_based is not None:
        qs = qs.filter(market_based=market_based)
    return qs.order_by(SORTS[sort], "source_unit", "id")


def factor_get(user: Any, pk: int) -> EmissionFactor:
    factor = factors_visible_to(user).filter(pk=pk).first()
    if factor is None:
        raise NotFound(f"No emission factor with id {pk} that you may see.")
    return factor


def sources() -> QuerySet[FactorSource]:
    return FactorSource.objects.order_by("publisher", "-year", "key")


def source_get(key: str) -> FactorSource:
    source = FactorSource.objects.filter(key=key).first()
    if source is None:
        raise NotFound(f"No factor source “{key}”.")
    return source


def years() -> list[int]:
    return list(EmissionFactor.objects.order_by("-year").values_list("year", flat=True).distinct())


def regions() -> list[str]:
    return list(EmissionFactor.objects.order_by("region").values_list("region", flat=True).distinct())


def gwp_values(gwp_set: str = "") -> QuerySet[GwpValue]:
    qs = GwpValue.objects.select_related("source")
    return qs.filter(gwp_set=gwp_set) if gwp_set else qs


def _unit_matches(candidates: list[EmissionFactor], unit: str) -> list[EmissionFactor]:
    """Factors quoted in ``unit`` as the publisher wrote it or as pint names it, else any convertible one."""
    wanted = unit.strip().lower()
    exact = [f for f in candidates if wanted in (f.source_unit.lower(), f.activity_unit.lower())]
    if exact:
        return exact
    convertible = []
    for factor in candidates:
        try:
            convert(Decimal(1), unit, factor.activity_unit)
        except IncompatibleUnits:
            continue
        convertible.append(factor)
    return convertible


def _most_specific(candidates: list[EmissionFactor], site: Any) -> list[EmissionFactor]:
    """The site's own factors win over organisation-wide own factors, which win over published ones."""
    for rank in (
        lambda f: site is not None and f.site_id == site.pk,
        lambda f: f.source_id is None and f.site_id is None,
        lambda f: f.source_id is not None,
    ):
        chosen = [f for f in candidates if rank(f)]
        if chosen:
            return chosen
    return []


def find_factor(
    *,
    category: str,
    region: str,
    year: int,
    unit: str = "",
    scope: str = "",
    activity: str = "",
    source: str = "",
    market_based: bool = False,
    site: Any = None,
    on: dt.date | None = None,
) -> EmissionFactor:
    """The one factor for an activity, or a refusal that says how to narrow the choice.

    ``activity`` matches the whole label or its last parts (“Natural gas”
    matches “Fuels › Gaseous fuels › Natural gas”); ``unit`` matches the
    publisher's unit text (“kWh (Gross CV)”) or the pint unit (“kWh”), and
    otherwise any factor whose unit the quantity converts to. A site's own
    factor is preferred to an organisation-wide one, and both to a published one.
    """
    qs = EmissionFactor.objects.select_related("source").filter(
        category=category, region__iexact=region, year=year, market_based=market_based, archived_at__isnull=True
    )
    qs = qs.filter(Q(site__isnull=True) | Q(site=site)) if site is not None else qs.filter(site__isnull=True)
    if scope:
        qs = qs.filter(scope=scope)
    if source:
        qs = qs.filter(source__key=source)
    if activity:
        qs = qs.filter(Q(activity__iexact=activity) | Q(activity__iendswith=f" › {activity}"))
    if on is not None:
        qs = qs.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    candidates = list(qs.order_by("id"))
    if unit:
        candidates = _unit_matches(candidates, unit)
    candidates = _most_specific(candidates, site)
    wanted = ", ".join(
        f"{k} {v}"
        for k, v in (
            ("category", category),
            ("region", region),
            ("year", year),
            ("unit", unit),
            ("scope", scope),
            ("activity", activity),
        )
        if v
    )
    if not candidates:
        raise NotFound(f"No emission factor for {wanted}.")
    if len(candidates) > 1:
        listed = "; ".join(f"{f.external_id} {f.activity} ({f.source_unit})" for f in candidates[:5])
        more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
        raise ValidationFailed(
            {
                "__all__": [
                    f"{len(candidates)} emission factors match {wanted}: {listed}{more}. "
                    "Say which activity, unit or scope."
                ]
            }
        )
    return candidates[0]
