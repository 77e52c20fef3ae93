"""Writes for aspects, their evaluations and the significance method."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.aspects import significance
from ims.aspects.models import Aspect, Evaluation, SignificanceMethod
from ims.audit.services import record_change, record_create
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record

ASPECT_FIELDS = (
    "activity",
    "aspect",
    "impact",
    "condition",
    "stage",
    "controls",
    "no_action_reason",
    "owner",
    "review_date",
)


@transaction.atomic
def method_save(
    *, by: Any, criteria: list[dict[str, Any]], threshold: int, description: str = ""
) -> SignificanceMethod:
    """A new version of the significance method (the earlier ones stay, as evaluations refer to them)."""
    require(by, Action.APPROVE, what="the significance method")
    significance.check_criteria(criteria)
    if threshold < 1:
        raise ValidationFailed({"threshold": ["The threshold must be at least 1."]})
    latest = SignificanceMethod.objects.aggregate(v=Max("version"))["v"] or 0
    method = SignificanceMethod.objects.create(
        version=latest + 1, criteria=criteria, threshold=threshold, description=description, created_by=by
    )
    record_create(record=method, by=by)
    return method


def current_method() -> SignificanceMethod:
    """The method in force; the documented default until the organisation sets its own."""
    method = SignificanceMethod.objects.order_by("-version").first()
    if method is None:
        with transaction.atomic():
            method = SignificanceMethod.objects.create(
                version=1,
                criteria=significance.DEFAULT_CRITERIA,
                threshold=significance.DEFAULT_THRESHOLD,
                description=significance.DEFAULT_DESCRIPTION,
            )
            record_create(record=method, by=None, note="default significance method")
    return method


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Aspect.objects.values_list("reference", flat=True)
        if r.startswith("ASP-") and r.split("-")[-1].isdigit()
    ]
    return f"ASP-{(max(numbers) if numbers else 0) + 1:03d}"


@transaction.atomic
def aspect_create(*, by: Any, site: Any, reference: str = "", **fields: Any) -> Aspect:
    require(by, Action.CREATE, site_id=site.pk, what=f"aspects of {site}")
    unknown = sorted(set(fields) - set(ASPECT_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in unknown})
    aspect = Aspect(site=site, reference=reference.strip() or _next_reference(), **fields)
    return create_record(aspect, by=by)


@transaction.atomic
def aspect_update(*, by: Any, record: Aspect, version: int, **fields: Any) -> Aspect:
    """Change an aspect (``record``: its own field named ``aspect`` may be among the changes)."""
    aspect = record
    require(by, Action.CHANGE, site_id=aspect.site_id, what=f"aspects of {aspect.site}")
    if aspect.archived_at is not None:
        raise WorkflowError(f"{aspect.reference} is archived; restore it before changing it.")
    unknown = sorted(set(fields) - set(ASPECT_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    return update_record(aspect, by=by, version=version, changes=fields)


@transaction.atomic
def aspect_archive(*, by: Any, aspect: Aspect, version: int) -> Aspect:
    require(by, Action.CHANGE, site_id=aspect.site_id, what=f"aspects of {aspect.site}")
    if aspect.archived_at is not None:
        raise WorkflowError(f"{aspect.reference} is already archived.")
    return update_record(aspect, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


@transaction.atomic
def aspect_evaluate(*, by: Any, aspect: Aspect, scores: dict[str, Any], at: dt.datetime | None = None) -> Evaluation:
    """Score an aspect with the current method; the aspect is flagged significant or not."""
    require(by, Action.CHANGE, site_id=aspect.site_id, what=f"aspects of {aspect.site}")
    if aspect.archived_at is not None:
        raise WorkflowError(f"{aspect.reference} is archived; archived aspects are not evaluated.")
    method = current_method()
    outcome = significance.evaluate(method.criteria, method.threshold, scores)
    moment = at or timezone.now()
    evaluation = Evaluation.objects.create(
        aspect=aspect,
        method=method,
        scores=scores,
        total=outcome.total,
        significant=outcome.significant,
        reason=outcome.reason,
        evaluated_at=moment,
        evaluated_by=by,
    )
    before = {"significant": aspect.significant, "score": aspect.score}
    Aspect.objects.filter(pk=aspect.pk).update(
        significant=outcome.significant, score=outcome.total, evaluated_at=moment
    )
    aspect.significant, aspect.score, aspect.evaluated_at = outcome.significant, outcome.total, moment
    record_change(
        action="evaluate",
        by=by,
        record=aspect,
        changes={k: [v, getattr(aspect, k)] for k, v in before.items() if v != getattr(aspect, k)},
        note=f"{outcome.reason} (method v{method.version})",
    )
    return evaluation
