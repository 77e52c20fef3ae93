"""Writes for compliance obligations, their evaluations and permit limits (the only writers)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, can
from ims.audit.services import record_change
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record, validate
from ims.core.units import registry
from ims.obligations.models import Evaluation, Kind, Obligation, Permit, Result
from ims.org.models import Site

OBLIGATION_FIELDS = (
    "title",
    "jurisdiction",
    "issuer",
    "citation",
    "kind",
    "requirement",
    "owner",
    "evaluation_frequency_months",
    "standards",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def check_unit(unit: str) -> str:
    """The unit as given, if the shared registry knows it; otherwise a refusal naming what it does not know.

    A permit limit's unit means the same as a meter reading's: "Nm3/h" and "m3" are volumes, "pcs" a count.
    """
    import pint  # imported on first use, not by every process that loads the app

    raw = unit.strip()
    if not raw:
        raise ValidationFailed({"unit": ["Give a unit, e.g. mg/L, kg/day or dB (dimensionless for pH)."]})
    try:
        registry().parse_units(raw)
    except pint.UndefinedUnitError as exc:
        names = ", ".join(f"“{n}”" for n in exc.unit_names) or f"“{raw}”"
        raise ValidationFailed({"unit": [f"“{raw}” is not a unit: {names} is unknown."]}) from None
    except Exception:  # pint raises several types for text that is not a unit expression
        raise ValidationFailed({"unit": [f"“{raw}” is not a unit."]}) from None
    return raw


def _site_names(sites: Iterable[Site]) -> str:
    return ", ".join(sorted(s.code for s in sites)) or "all sites"


def require_sites(by: Any, action: Action, sites: Iterable[Site], what: str = "obligations") -> None:
    """``action`` must be allowed in every site the obligation applies to (all sites: an all-sites role)."""
    sites = list(sites)
    if not sites:
        if not can(by, action):
            raise PermissionRefused(f"You are not allowed to {action.value} {what} that apply to all sites.")
        return
    missing = [s for s in sites if not can(by, action, site_id=s.pk)]
    if missing:
        raise PermissionRefused(f"You are not allowed to {action.value} {what} of {_site_names(missing)}.")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Obligation.objects.values_list("reference", flat=True)
        if r.startswith("OBL-") and r.split("-")[-1].isdigit()
    ]
    return f"OBL-{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(OBLIGATION_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    standards = fields.get("standards")
    if standards is not None and (
        not isinstance(standards, list) or not all(isinstance(s, str) and s.strip() for s in standards)
    ):
        raise ValidationFailed({"standards": ["Give a list of standard codes, e.g. iso14001, iso9001."]})


@transaction.atomic
def obligation_create(
    *, by: Any, sites: Iterable[Site] = (), reference: str = "", today: dt.date | None = None, **fields: Any
) -> Obligation:
    """Register an obligation; it is due for its first evaluation on the day it is registered."""
    site_list = list(sites)
    require_sites(by, Action.CREATE, site_list)
    _check_fields(fields, "Unknown field.")
    obligation = Obligation(reference=reference.strip() or _next_reference(), **fields)
    obligation.next_evaluation_due = today or timezone.localdate()
    obligation._audit_site_ids = [s.pk for s in site_list]  # type: ignore[attr-defined]
    create_record(obligation, by=by, note=f"applies to {_site_names(site_list)}")
    obligation.sites.set(site_list)
    return obligation


@transaction.atomic
def obligation_update(
    *, by: Any, record: Obligation, version: int, sites: Iterable[Site] | None = None, **fields: Any
) -> Obligation:
    obligation = record
    current = list(obligation.sites.all())
    require_sites(by, Action.CHANGE, current)
    if obligation.archived_at is not None:
        raise WorkflowError(f"{obligation.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    new_sites = None if sites is None else list(sites)
    if new_sites is not None and {s.pk for s in new_sites} != {s.pk for s in current}:
        require_sites(by, Action.CHANGE, new_sites)
    else:
        new_sites = None
    if "evaluation_frequency_months" in fields and obligation.last_evaluated_on is not None:
        months = fields["evaluation_frequency_months"]
        if isinstance(months, int) and 1 <= months <= 60:
            fields["next_evaluation_due"] = add_months(obligation.last_evaluated_on, months)
    before_version = obligation.version
    update_record(obligation, by=by, version=version, changes=fields)
    if new_sites is not None:
        if obligation.version == before_version:  # only the sites change: still claim the version
            update_record(obligation, by=by, version=version, changes={"updated_at": timezone.now()})
        obligation.sites.set(new_sites)
        record_change(
            action="update",
            by=by,
            record=obligation,
            changes={"sites": [_site_names(current), _site_names(new_sites)]},
        )
    return obligation


@transaction.atomic
def obligation_archive(*, by: Any, obligation: Obligation, version: int) -> Obligation:
    require_sites(by, Action.CHANGE, obligation.sites.all())
    if obligation.archived_at is not None:
        raise WorkflowError(f"{obligation.reference} is already archived.")
    return update_record(obligation, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


@transaction.atomic
def obligation_evaluate(
    *,
    by: Any,
    obligation: Obligation,
    evaluated_on: dt.date,
    result: str,
    evidence: str = "",
    note: str = "",
    corrective_action: str = "",
    today: dt.date | None = None,
) -> Evaluation:
    """Record an evaluation of compliance; the next one falls due ``frequency`` months later."""
    require_sites(by, Action.CHANGE, obligation.sites.all())
    if obligation.archived_at is not None:
        raise WorkflowError(f"{obligation.reference} is archived; archived obligations are not evaluated.")
    errors: dict[str, list[str]] = {}
    if result not in Result.values:
        errors["result"] = [f"Choose one of: {', '.join(str(label) for label in Result.labels)}."]
    if evaluated_on > (today or timezone.localdate()):
        errors["evaluated_on"] = ["An evaluation cannot be dated in the future."]
    if result == Result.NON_COMPLIANT and not corrective_action.strip():
        errors["corrective_action"] = ["A non-compliance needs a corrective action: say what will be done."]
    if errors:
        raise ValidationFailed(errors)
    evaluation = Evaluation(
        obligation=obligation,
        evaluated_on=evaluated_on,
        result=result,
        evidence=evidence.strip(),
        note=note.strip(),
        corrective_action=corrective_action.strip(),
        evaluated_by=by,
    )
    evaluation.save()
    latest = obligation.evaluations.order_by("-evaluated_on", "-id").first()
    assert latest is not None
    state = {
        "last_result": latest.result,
        "last_evaluated_on": latest.evaluated_on,
        "next_evaluation_due": add_months(latest.evaluated_on, obligation.evaluation_frequency_months),
    }
    before = {k: getattr(obligation, k) for k in state}
    Obligation.objects.filter(pk=obligation.pk).update(**state)
    for key, value in state.items():
        setattr(obligation, key, value)
    changes = {k: [v, state[k]] for k, v in before.items() if v != state[k]}
    record_change(
        action="evaluate",
        by=by,
        record=obligation,
        changes=changes,
        note=f"{evaluated_on:%Y-%m-%d}: {Result(result).label}"
        + (f"; corrective action: {evaluation.corrective_action}" if evaluation.corrective_action else ""),
    )
    return evaluation


@transaction.atomic
def permit_add(
    *,
    by: Any,
    obligation: Obligation,
    parameter: str,
    limit_value: Decimal,
    unit: str,
    averaging_period: str = "",
    expires_on: dt.date | None = None,
) -> Permit:
    """A limit of a permit (the obligation must be of kind permit); the unit is checked with pint."""
    require_sites(by, Action.CHANGE, obligation.sites.all())
    if obligation.archived_at is not None:
        raise WorkflowError(f"{obligation.reference} is archived; archived obligations take no permit limits.")
    if obligation.kind != Kind.PERMIT:
        raise WorkflowError(f"{obligation.reference} is not a permit; only permits carry limit values.")
    errors: dict[str, list[str]] = {}
    if not parameter.strip():
        errors["parameter"] = ["Name the parameter, e.g. COD in effluent."]
    try:
        unit = check_unit(unit)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    permit = Permit(
        obligation=obligation,
        parameter=parameter.strip(),
        limit_value=limit_value,
        unit=unit,
        averaging_period=averaging_period.strip(),
        expires_on=expires_on,
    )
    validate(permit)
    permit.save()
    record_change(
        action="update",
        by=by,
        record=obligation,
        changes={"permit limit": [None, f"{permit.parameter} ≤ {permit.limit_value} {permit.unit}"]},
        note="permit limit added" + (f", expires {expires_on:%Y-%m-%d}" if expires_on else ""),
    )
    return permit
