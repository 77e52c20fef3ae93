"""Writes for the risks and opportunities register (6.1), its matrix and treatment actions.

The ratings are never typed in: the service computes them from the matrix in
force (score = likelihood × consequence → band). An organisation-wide risk
(no site) may be seen by everyone, but only an all-sites role may create or
change it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change, record_create
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record, validate
from ims.readiness.evidence import resolve
from ims.risks import rating
from ims.risks.models import Risk, RiskMatrix, Treatment, TreatmentStatus

RISK_FIELDS = (
    "title",
    "description",
    "kind",
    "source_kind",
    "source_record_type",
    "source_record_id",
    "standards",
    "likelihood",
    "consequence",
    "residual_likelihood",
    "residual_consequence",
    "owner",
    "review_date",
)


# The matrix (documented information)


@transaction.atomic
def matrix_save(
    *,
    by: Any,
    size: int,
    likelihood_labels: list[str],
    consequence_labels: list[str],
    bands: list[dict[str, Any]],
    description: str = "",
) -> RiskMatrix:
    """A new version of the risk matrix; earlier ones stay, as ratings refer to them."""
    require(by, Action.APPROVE, what="the risk matrix")
    rating.check_matrix(size, likelihood_labels, consequence_labels, bands)
    latest = RiskMatrix.objects.aggregate(v=Max("version"))["v"] or 0
    matrix = RiskMatrix.objects.create(
        version=latest + 1,
        size=size,
        likelihood_labels=likelihood_labels,
        consequence_labels=consequence_labels,
        bands=bands,
        description=description,
        created_by=by,
    )
    record_create(record=matrix, by=by)
    return matrix


def current_matrix() -> RiskMatrix:
    """The matrix in force; the documented 5×5 default until the organisation sets its own."""
    matrix = RiskMatrix.objects.order_by("-version").first()
    if matrix is None:
        with transaction.atomic():
            matrix = RiskMatrix.objects.create(
                version=1,
                size=rating.DEFAULT_SIZE,
                likelihood_labels=rating.DEFAULT_LIKELIHOOD_LABELS,
                consequence_labels=rating.DEFAULT_CONSEQUENCE_LABELS,
                bands=rating.DEFAULT_BANDS,
                description=rating.DEFAULT_DESCRIPTION,
            )
            record_create(record=matrix, by=None, note="default risk matrix")
    return matrix


# Risks and opportunities


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any) -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"risks and opportunities {_where(site)}")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Risk.objects.filter(reference__startswith="RSK-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"RSK-{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(RISK_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    standards = fields.get("standards")
    if isinstance(standards, (list, tuple, set)) and all(isinstance(s, str) for s in standards):
        order = {code: i for i, code in enumerate(StandardServed.values)}
        fields["standards"] = sorted(set(standards), key=lambda s: order.get(s, len(order)))
    for name in ("source_record_type", "source_record_id"):
        if name in fields:
            fields[name] = str(fields[name] or "").strip()


def _check_source(by: Any, risk: Risk) -> None:
    """An optional source record, as a (record type, id) pair the person may see."""
    kind, pk = risk.source_record_type, risk.source_record_id
    if not kind and not pk:
        return
    if not kind or not pk:
        raise ValidationFailed({"source_record_type": ["Give both the source record type and its id, or neither."]})
    try:
        resolve(by, kind, pk)
    except ValidationFailed as exc:
        raise ValidationFailed({f"source_{name}": msgs for name, msgs in exc.errors.items()}) from None


def _rate(risk: Risk) -> dict[str, Any]:
    """The computed columns for the risk's levels, with the matrix in force."""
    matrix = current_matrix()
    inherent = rating.rate(risk.likelihood, risk.consequence, size=matrix.size, bands=matrix.bands)
    computed: dict[str, Any] = {
        "matrix": matrix,
        "inherent_score": inherent.score,
        "inherent_band": inherent.band,
        "residual_score": None,
        "residual_band": "",
    }
    if risk.residual_likelihood is not None or risk.residual_consequence is not None:
        residual = rating.rate(
            risk.residual_likelihood,
            risk.residual_consequence,
            size=matrix.size,
            bands=matrix.bands,
            prefix="residual_",
        )
        computed.update(residual_score=residual.score, residual_band=residual.band)
    return computed


@transaction.atomic
def risk_create(*, by: Any, site: Any = None, reference: str = "", **fields: Any) -> Risk:
    _require(by, Action.CREATE, site)
    _check_fields(fields, "Unknown field.")
    risk = Risk(site=site, reference=reference.strip() or _next_reference(), **fields)
    _check_source(by, risk)
    for name, value in _rate(risk).items():
        setattr(risk, name, value)
    return create_record(risk, by=by)


@transaction.atomic
def risk_update(*, by: Any, risk: Risk, version: int, **fields: Any) -> Risk:
    _require(by, Action.CHANGE, risk.site)
    if risk.archived_at is not None:
        raise WorkflowError(f"{risk.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    proposed = Risk(**{f.attname: getattr(risk, f.attname) for f in Risk._meta.concrete_fields})
    for name, value in fields.items():
        setattr(proposed, name, value)
    if {"source_record_type", "source_record_id"} & set(fields):
        _check_source(by, proposed)
    changes = dict(fields)
    if {"likelihood", "consequence", "residual_likelihood", "residual_consequence"} & set(fields):
        computed = _rate(proposed)
        changes.update({k: v for k, v in computed.items() if k != "matrix" or v.pk != risk.matrix_id})
    return update_record(risk, by=by, version=version, changes=changes)


@transaction.atomic
def risk_archive(*, by: Any, risk: Risk, version: int) -> Risk:
    _require(by, Action.CHANGE, risk.site)
    if risk.archived_at is not None:
        raise WorkflowError(f"{risk.reference} is already archived.")
    return update_record(risk, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


# Treatment actions


@transaction.atomic
def treatment_add(*, by: Any, risk: Risk, action: str, owner: Any = None, due_date: dt.date | None = None) -> Treatment:
    _require(by, Action.CHANGE, risk.site)
    if risk.archived_at is not None:
        raise WorkflowError(f"{risk.reference} is archived; archived risks get no new treatment.")
    if not str(action or "").strip():
        raise ValidationFailed({"action": ["Say what will be done."]})
    treatment = Treatment(risk=risk, action=str(action).strip(), owner=owner, due_date=due_date)
    validate(treatment)
    treatment.save(force_insert=True)
    record_change(
        action="treatment",
        by=by,
        record=risk,
        changes={"treatment": [None, treatment.action]},
        note=f"treatment added{f', due {due_date:%Y-%m-%d}' if due_date else ''}",
    )
    return treatment


@transaction.atomic
def treatment_done(*, by: Any, treatment: Treatment, done_on: dt.date | None = None) -> Treatment:
    risk = treatment.risk
    _require(by, Action.CHANGE, risk.site)
    if treatment.status == TreatmentStatus.DONE:
        raise WorkflowError("This treatment is already done.")
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed({"done_on": ["A treatment cannot be done in the future."]})
    Treatment.objects.filter(pk=treatment.pk).update(status=TreatmentStatus.DONE, done_on=day)
    treatment.status, treatment.done_on = TreatmentStatus.DONE, day
    record_change(
        action="treatment",
        by=by,
        record=risk,
        changes={"treatment status": ["open", "done"]},
        note=f"treatment done on {day:%Y-%m-%d}: {treatment.action[:200]}",
    )
    return treatment
