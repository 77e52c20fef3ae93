"""Reads of the GHG inventory, limited to the sites a person may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from ims.accounts.permissions import visible
from ims.core.errors import NotFound, ValidationFailed
from ims.factors.models import EmissionFactor, GasBasis
from ims.factors.units import IncompatibleUnits, convert
from ims.ghg.inventory import factor_unit
from ims.ghg.models import ContractualInstrument, EmissionSource
from ims.monitoring.models import Series
from ims.org.models import Site


def visible_sites(user: Any) -> QuerySet[Site]:
    return visible(Site.objects.order_by("code"), user, site_field="pk")


def site_ids_for(user: Any, site_id: int | None = None) -> list[int]:
    """The sites a figure may add up: the one asked for (if visible) or every visible one."""
    ids = list(visible_sites(user).values_list("pk", flat=True))
    if site_id is None:
        return ids
    if site_id not in ids:
        raise NotFound("No such site.")
    return [site_id]


def sources_visible_to(user: Any) -> QuerySet[EmissionSource]:
    qs = EmissionSource.objects.select_related("series__site", "factor__source", "market_factor__source")
    return visible(qs, user, site_field="series__site")


def source_get(user: Any, pk: int) -> EmissionSource:
    source = sources_visible_to(user).filter(pk=pk).first()
    if source is None:
        raise NotFound("No such emission source.")
    return source


def instruments_visible_to(user: Any) -> QuerySet[ContractualInstrument]:
    return visible(ContractualInstrument.objects.select_related("site"), user)


def instrument_get(user: Any, pk: int) -> ContractualInstrument:
    instrument = instruments_visible_to(user).filter(pk=pk).first()
    if instrument is None:
        raise NotFound("No such contractual instrument.")
    return instrument


def factors_for(factors: QuerySet[EmissionFactor], series: Series, *, gwp: str) -> list[EmissionFactor]:
    """The factors ``series`` can take in an inventory with ``gwp`` GWPs, newest year first.

    Organisation-wide factors and the series' own site's, in a unit the series
    converts to, on the inventory's GWP set (or per gas).
    """
    factors = factors.filter(Q(site__isnull=True) | Q(site_id=series.site_id))
    unit = series.unit
    other_gwp = Q(gas_basis=GasBasis.CO2E) & ~Q(gwp_set__in=["", gwp])
    usable = factors.filter(archived_at__isnull=True).exclude(other_gwp)
    wanted = factor_unit(unit)
    units = []
    for candidate in usable.order_by().values_list("activity_unit", flat=True).distinct():
        try:
            convert(Decimal(1), wanted, candidate)
        except (IncompatibleUnits, ValidationFailed):  # another dimension, or a unit pint cannot read
            continue
        units.append(candidate)
    chosen = usable.filter(activity_unit__in=units).select_related("source")
    return list(chosen.order_by("-year", "activity", "source_unit", "id"))
