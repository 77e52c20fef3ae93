"""Reads of the GHG inventory, limited to the sites a person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ims.accounts.permissions import visible
from ims.core.errors import NotFound
from ims.ghg.models import ContractualInstrument, EmissionSource
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
