"""Writes of the organisation's own emission factors — the only writers.

Published factors (UK DESNZ, US EPA) are reference data: loaded by
``ims load-factors`` and never edited here. Own factors (a supplier's
electricity contract, a site's measured fuel) belong to a site or to the
whole organisation; an organisation-wide factor needs an all-sites role.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.factors.models import EmissionFactor, GasBasis
from ims.factors.units import check_unit

FACTOR_FIELDS = (
    "year",
    "region",
    "scope",
    "category",
    "activity",
    "activity_unit",
    "source_unit",
    "co2e",
    "co2",
    "ch4",
    "n2o",
    "gwp_set",
    "market_based",
    "valid_from",
    "valid_to",
    "citation",
    "notes",
)
PREFIX = "EF-"


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any) -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"emission factors {_where(site)}")


def _refuse_shipped(factor: EmissionFactor) -> None:
    if factor.source_id is not None:
        raise WorkflowError(
            f"{factor.external_id} is published reference data ({factor.origin_label}) and cannot be changed; "
            "add your own factor instead."
        )


def _next_reference() -> str:
    numbers = [
        int(r[len(PREFIX) :])
        for r in EmissionFactor.objects.filter(source__isnull=True, external_id__startswith=PREFIX).values_list(
            "external_id", flat=True
        )
        if r[len(PREFIX) :].isdigit()
    ]
    return f"{PREFIX}{(max(numbers) if numbers else 0) + 1:03d}"


def _check(fields: dict[str, Any], message: str) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(FACTOR_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    return fields


def _rules(factor: EmissionFactor) -> None:
    """What the model cannot check on its own."""
    problems: dict[str, list[str]] = {}
    try:
        factor.activity_unit = check_unit(factor.activity_unit, field="activity_unit")
    except ValidationFailed as exc:
        problems.update(exc.errors)
    if factor.co2e is None:
        problems["co2e"] = ["Give the kg CO2e per unit of activity."]
    for name in ("co2e", "co2", "ch4", "n2o"):
        value = getattr(factor, name)
        if isinstance(value, Decimal) and value < 0:
            problems[name] = ["Must not be negative."]
    if factor.co2e is not None and not factor.gwp_set:
        problems["gwp_set"] = ["Say which GWP set the CO2e figures use (AR4, AR5 or AR6)."]
    if factor.valid_from and factor.valid_to and factor.valid_to < factor.valid_from:
        problems["valid_to"] = ["Must not be before the start of validity."]
    if problems:
        raise ValidationFailed(problems)


@transaction.atomic
def factor_create(*, by: Any, site: Any = None, external_id: str = "", **fields: Any) -> EmissionFactor:
    """Add an own factor (supplier-specific, market-based, measured); its figures are kg CO2e per unit."""
    _require(by, Action.CREATE, site)
    _check(fields, "Unknown field.")
    fields.setdefault("source_unit", "")
    factor = EmissionFactor(
        site=site,
        external_id=external_id.strip() or _next_reference(),
        gas_basis=GasBasis.CO2E,
        **fields,
    )
    if not factor.source_unit:
        factor.source_unit = factor.activity_unit
    _rules(factor)
    return create_record(factor, by=by)


@transaction.atomic
def factor_update(*, by: Any, factor: EmissionFactor, version: int, **fields: Any) -> EmissionFactor:
    _refuse_shipped(factor)
    _require(by, Action.CHANGE, factor.site)
    if factor.archived_at is not None:
        raise WorkflowError(f"{factor.external_id} is archived; it cannot be changed.")
    _check(fields, "This field cannot be changed here.")
    if "activity_unit" in fields:
        fields["activity_unit"] = check_unit(fields["activity_unit"], field="activity_unit")
    if fields.get("source_unit") == "":
        fields["source_unit"] = fields.get("activity_unit", factor.activity_unit)
    probe = EmissionFactor(**{**{f: getattr(factor, f) for f in FACTOR_FIELDS}, **fields})
    _rules(probe)
    return update_record(factor, by=by, version=version, changes=fields)


@transaction.atomic
def factor_archive(*, by: Any, factor: EmissionFactor, version: int) -> EmissionFactor:
    _refuse_shipped(factor)
    _require(by, Action.CHANGE, factor.site)
    if factor.archived_at is not None:
        raise WorkflowError(f"{factor.external_id} is already archived.")
    return update_record(factor, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")
