"""Writes for the objectives register (6.2) and its progress entries.

An organisation-wide objective (no site) may be seen by everyone, but only an
all-sites role may create or change it. Progress is entered by hand for now;
when the monitoring register lands, it will come from a KPI.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record, validate
from ims.objectives.models import Direction, Objective, Progress
from ims.obligations.services import check_unit

OBJECTIVE_FIELDS = (
    "title",
    "standards",
    "baseline_value",
    "baseline_date",
    "target_value",
    "unit",
    "direction",
    "deadline",
    "plan_what",
    "plan_resources",
    "owner",
    "evaluation",
)


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any) -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"objectives {_where(site)}")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Objective.objects.filter(reference__startswith="OBJ-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"OBJ-{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(OBJECTIVE_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    standards = fields.get("standards")
    if isinstance(standards, (list, tuple, set)) and all(isinstance(s, str) for s in standards):
        order = {code: i for i, code in enumerate(StandardServed.values)}
        fields["standards"] = sorted(set(standards), key=lambda s: order.get(s, len(order)))
    if "unit" in fields:
        fields["unit"] = check_unit(str(fields["unit"] or ""))


def _check_target(objective: Objective) -> None:
    """The target must lie in the stated direction from the baseline, after the baseline date."""
    errors: dict[str, list[str]] = {}
    baseline, target = objective.baseline_value, objective.target_value
    if baseline is not None and target is not None:
        b, t = Decimal(str(baseline)), Decimal(str(target))
        if objective.direction == Direction.INCREASE and not t > b:
            errors["target_value"] = ["To increase, the target must be above the baseline."]
        elif objective.direction == Direction.DECREASE and not t < b:
            errors["target_value"] = ["To decrease, the target must be below the baseline."]
    if objective.deadline and objective.baseline_date and objective.deadline <= objective.baseline_date:
        errors["deadline"] = ["The deadline must come after the baseline date."]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def objective_create(*, by: Any, site: Any = None, reference: str = "", **fields: Any) -> Objective:
    _require(by, Action.CREATE, site)
    _check_fields(fields, "Unknown field.")
    fields.setdefault("baseline_date", timezone.localdate())
    objective = Objective(site=site, reference=reference.strip() or _next_reference(), **fields)
    validate(objective)
    _check_target(objective)
    return create_record(objective, by=by)


@transaction.atomic
def objective_update(*, by: Any, objective: Objective, version: int, **fields: Any) -> Objective:
    _require(by, Action.CHANGE, objective.site)
    if objective.archived_at is not None:
        raise WorkflowError(f"{objective.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    proposed = Objective(**{f.attname: getattr(objective, f.attname) for f in Objective._meta.concrete_fields})
    for name, value in fields.items():
        setattr(proposed, name, value)
    validate(proposed, exclude=["id", "reference"])
    _check_target(proposed)
    return update_record(objective, by=by, version=version, changes=fields)


@transaction.atomic
def objective_archive(*, by: Any, objective: Objective, version: int) -> Objective:
    _require(by, Action.CHANGE, objective.site)
    if objective.archived_at is not None:
        raise WorkflowError(f"{objective.reference} is already archived.")
    return update_record(objective, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


@transaction.atomic
def progress_add(*, by: Any, objective: Objective, value: Any, date: dt.date | None = None, note: str = "") -> Progress:
    """Record a measured value; the objective's latest value follows the most recent entry."""
    _require(by, Action.CHANGE, objective.site)
    if objective.archived_at is not None:
        raise WorkflowError(f"{objective.reference} is archived; archived objectives take no progress.")
    day = date or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed({"date": ["Progress cannot be entered for a future date."]})
    entry = Progress(objective=objective, date=day, value=value, note=(note or "").strip(), entered_by=by)
    validate(entry)
    entry.save(force_insert=True)
    latest = objective.progress_entries.order_by("-date", "-id").first()
    assert latest is not None
    before = {"latest_value": objective.latest_value, "latest_on": objective.latest_on}
    Objective.objects.filter(pk=objective.pk).update(latest_value=latest.value, latest_on=latest.date)
    objective.latest_value, objective.latest_on = Decimal(str(latest.value)), latest.date
    record_change(
        action="progress",
        by=by,
        record=objective,
        changes={k: [v, getattr(objective, k)] for k, v in before.items() if v != getattr(objective, k)},
        note=f"progress {entry.value} {objective.unit} on {day:%Y-%m-%d}" + (f": {entry.note}" if entry.note else ""),
    )
    return entry
