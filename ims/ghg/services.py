"""The only writers of the GHG inventory: its GWP set, emission sources and contractual instruments.

A source's factor is checked against the inventory's GWP set when it is
chosen: a CO2e factor stated with another set (the EPA's AR4 waste factors
in an AR5 inventory) is refused naming the factor; a factor given as mass of
each gas is accepted, since its gases are weighed with the inventory's set.
A sub-meter is never a source: its consumption is inside its main meter's.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ims.accounts.permissions import Action, require
from ims.audit.services import record_delete, snapshot
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.core.versioning import claim_version
from ims.factors.models import EmissionFactor
from ims.ghg.inventory import gwp_set, rate
from ims.ghg.models import ContractualInstrument, EmissionSource, InventorySettings, Scope
from ims.monitoring.models import Series

SOURCE_FIELDS = ("scope", "scope3_category", "factor", "market_factor", "notes")
INSTRUMENT_FIELDS = ("kind", "reference", "period_from", "period_to", "mwh", "kg_co2e_per_kwh", "evidence")


@transaction.atomic
def settings_update(*, by: Any, gwp: str) -> InventorySettings:
    """Choose the inventory's GWP set; every source's factors must still fit it."""
    require(by, Action.MANAGE_ORG, what="the GHG inventory settings")
    settings = InventorySettings.objects.select_for_update().order_by("pk").first() or InventorySettings()
    settings.gwp_set = gwp
    for source in EmissionSource.objects.select_related("series", "factor", "market_factor"):
        _check_factors(source, gwp)
    settings.full_clean()
    settings.save()
    return settings


def _check_factors(source: EmissionSource, gwp: str) -> None:
    problems: dict[str, list[str]] = {}
    for name in ("factor", "market_factor"):
        factor: EmissionFactor | None = getattr(source, name)
        if factor is None:
            continue
        if factor.site_id is not None and factor.site_id != source.series.site_id:
            problems[name] = [
                f"This factor is {factor.site}'s own; {source.series.reference} is at {source.series.site}."
            ]
            continue
        try:
            rate(factor, source.series.unit, gwp)
        except ValidationFailed as exc:
            problems[name] = [m for messages in exc.errors.values() for m in messages]
    if problems:
        raise ValidationFailed(problems)


def series_rules(series: Series) -> dict[str, list[str]]:
    """A series that is an emission source cannot become a sub-meter (registered as a monitoring series rule)."""
    if series.pk is None or series.parent_id is None:
        return {}
    years = sorted(EmissionSource.objects.filter(series_id=series.pk).values_list("year", flat=True))
    if not years:
        return {}
    listed = ", ".join(str(y) for y in years)
    return {
        "parent": [
            f"{series.reference} is an emission source of the inventory ({listed}); as a sub-meter its "
            "consumption would be counted twice. Take it out of the inventory first."
        ]
    }


def _source_rules(source: EmissionSource) -> None:
    parent = source.series.parent
    if parent is not None:
        # The main meter's consumption already includes the sub-meter's: counting both doubles it.
        raise ValidationFailed(
            {
                "series": [
                    f"{source.series.reference} is a sub-meter of {parent.reference}, whose consumption includes "
                    f"it: make {parent.reference} the emission source."
                ]
            }
        )
    if source.scope == Scope.SCOPE_3 and source.scope3_category is None:
        raise ValidationFailed({"scope3_category": ["Say which scope 3 category (1–15) this source belongs to."]})
    if source.scope != Scope.SCOPE_3 and source.scope3_category is not None:
        raise ValidationFailed({"scope3_category": ["Only scope 3 sources have a scope 3 category."]})
    if source.scope != Scope.SCOPE_2 and source.market_factor_id is not None:
        raise ValidationFailed({"market_factor": ["Only scope 2 sources have a market-based factor."]})
    _check_factors(source, gwp_set())


@transaction.atomic
def source_create(*, by: Any, series: Series, year: int, **fields: Any) -> EmissionSource:
    require(by, Action.CREATE, site_id=series.site_id, what=f"emission sources of {series.site}")
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    if EmissionSource.objects.filter(series=series, year=year).exists():
        raise WorkflowError(f"{series.reference} is already an emission source for {year}.")
    source = EmissionSource(series=series, year=year, **fields)
    _source_rules(source)
    return create_record(source, by=by)


@transaction.atomic
def source_update(*, by: Any, source: EmissionSource, version: int, **fields: Any) -> EmissionSource:
    require(by, Action.CHANGE, site_id=source.series.site_id, what=f"emission sources of {source.series.site}")
    probe = EmissionSource(series=source.series, year=source.year, scope=source.scope)
    for name in SOURCE_FIELDS:
        setattr(probe, name, fields.get(name, getattr(source, name)))
    _source_rules(probe)
    return update_record(source, by=by, version=version, changes=fields)


@transaction.atomic
def source_delete(*, by: Any, source: EmissionSource, version: int | None = None) -> None:
    """Take a source out of the inventory; with ``version``, only if nobody changed it meanwhile."""
    require(by, Action.DELETE, site_id=source.series.site_id, what=f"emission sources of {source.series.site}")
    before, record_id = snapshot(source), str(source.pk)
    if version is not None:
        claim_version(source, expected=version)
    record_delete(record=source, by=by, before=before, record_id=record_id)
    source.delete()


def _instrument_rules(instrument: ContractualInstrument) -> None:
    if instrument.period_to < instrument.period_from:
        raise ValidationFailed({"period_to": ["The period ends before it starts."]})
    if instrument.mwh is not None and instrument.mwh <= 0:
        raise ValidationFailed({"mwh": ["An instrument covers a positive number of MWh."]})
    if instrument.kg_co2e_per_kwh is not None and instrument.kg_co2e_per_kwh < 0:
        raise ValidationFailed({"kg_co2e_per_kwh": ["An emission factor cannot be negative."]})


@transaction.atomic
def instrument_create(*, by: Any, site: Any, **fields: Any) -> ContractualInstrument:
    require(by, Action.CREATE, site_id=site.pk, what=f"contractual instruments of {site}")
    unknown = set(fields) - set(INSTRUMENT_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    instrument = ContractualInstrument(site=site, **fields)
    _instrument_rules(instrument)
    return create_record(instrument, by=by)


@transaction.atomic
def instrument_update(
    *, by: Any, instrument: ContractualInstrument, version: int, **fields: Any
) -> ContractualInstrument:
    require(by, Action.CHANGE, site_id=instrument.site_id, what=f"contractual instruments of {instrument.site}")
    probe = ContractualInstrument(site=instrument.site)
    for name in INSTRUMENT_FIELDS:
        setattr(probe, name, fields.get(name, getattr(instrument, name)))
    _instrument_rules(probe)
    return update_record(instrument, by=by, version=version, changes=fields)


@transaction.atomic
def instrument_delete(*, by: Any, instrument: ContractualInstrument, version: int | None = None) -> None:
    """Withdraw an instrument; with ``version``, only if nobody changed it meanwhile."""
    require(by, Action.DELETE, site_id=instrument.site_id, what=f"contractual instruments of {instrument.site}")
    before, record_id = snapshot(instrument), str(instrument.pk)
    if version is not None:
        claim_version(instrument, expected=version)
    record_delete(record=instrument, by=by, before=before, record_id=record_id)
    instrument.delete()
