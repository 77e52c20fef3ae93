"""Writes for applicability decisions, assessments and evidence links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ims.accounts.models import User
from ims.accounts.permissions import Action, require
from ims.audit.services import record_change
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.readiness import evidence
from ims.readiness.checks import Status, run_all
from ims.readiness.models import Applicability, Assessment, EvidenceLink
from ims.readiness.selectors import checks_for, is_applicable
from ims.standards.models import Clause

WHAT = "readiness assessments"


@dataclass(frozen=True)
class ApplicabilityResult:
    decision: Applicability
    warnings: list[str]


@transaction.atomic
def applicability_set(
    *, by: Any, clause: Clause, applicable: bool, justification: str = "", version: int | None = None
) -> ApplicabilityResult:
    """Declare a clause (not) applicable. ISO 14001 allows no exclusions; ISO 9001 only narrow ones."""
    require(by, Action.APPROVE, what=WHAT)
    warnings: list[str] = []
    if not applicable:
        if not clause.edition.allows_exclusions:
            raise WorkflowError(
                f"{clause.edition.label} allows no exclusions: every requirement applies within the scope. "
                "Narrow the scope's boundaries instead."
            )
        if not clause.requirements:
            raise ValidationFailed({"clause": [f"{clause.number} is a heading without requirements of its own."]})
        if not justification.strip():
            raise ValidationFailed(
                {"justification": ["Say why the requirement cannot be applied (it goes in the scope)."]}
            )
        if not clause.excludable:
            warnings.append(
                f"{clause.number} is rarely excludable: {clause.edition.label} permits non-applicability only "
                "where it does not affect the conformity of products and services or customer satisfaction."
            )
    decision = Applicability.objects.filter(clause=clause).first()
    fields = {"applicable": applicable, "justification": justification.strip()}
    if decision is None:
        decision = create_record(Applicability(clause=clause, **fields), by=by)
    else:
        if version is None:
            raise ValidationFailed({"version": ["Send the version you read to change an existing decision."]})
        decision = update_record(decision, by=by, version=version, changes=fields)
    return ApplicabilityResult(decision, warnings)


def assessment_for(clause: Clause) -> Assessment | None:
    """The assessment that answers a clause: the shared one for a common requirement."""
    if clause.common and clause.hs_number:
        return Assessment.objects.filter(hs_number=clause.hs_number).first()
    return Assessment.objects.filter(clause=clause).first()


@transaction.atomic
def assessment_save(
    *,
    by: Any,
    clause: Clause,
    version: int | None = None,
    status: str | None = None,
    owner: User | None = None,
    notes: str | None = None,
    due_date: dt.date | None = None,
) -> Assessment:
    """Record where a requirement stands. A common requirement is one assessment for every standard."""
    require(by, Action.CHANGE, what=WHAT)
    if not clause.requirements:
        raise ValidationFailed({"clause": [f"{clause.number} is a heading; assess its sub-clauses."]})
    if not is_applicable(clause):
        raise WorkflowError(f"{clause.ref} is declared not applicable; it is not assessed.")
    if status is not None and status not in Assessment.Status.values:
        raise ValidationFailed(
            {"status": [f"Unknown status “{status}”; use one of {', '.join(Assessment.Status.values)}."]}
        )
    if status == Assessment.Status.VERIFIED:
        _require_checks_pass(clause)
    changes = {
        k: v
        for k, v in {"status": status, "owner": owner, "notes": notes, "due_date": due_date}.items()
        if v is not None
    }
    existing = assessment_for(clause)
    if existing is None:
        if clause.common and clause.hs_number:
            return create_record(Assessment(hs_number=clause.hs_number, **changes), by=by)
        return create_record(Assessment(clause=clause, **changes), by=by)
    if version is None:
        raise ValidationFailed({"version": ["Send the version you read to update an existing assessment."]})
    return update_record(existing, by=by, version=version, changes=changes)


def _require_checks_pass(clause: Clause) -> None:
    failing = [o for o in checks_for(clause, run_all()) if o.result.status == Status.FAIL]
    if failing:
        reasons = "; ".join(f"{o.check.title}: {o.result.explanation}" for o in failing)
        raise WorkflowError(f"{clause.ref} cannot be marked verified while a check fails — {reasons}")


@transaction.atomic
def evidence_link(*, by: Any, clause: Clause, record_type: str, record_id: str) -> EvidenceLink:
    """Link a record the person may see as evidence for a requirement."""
    require(by, Action.CHANGE, what=WHAT)
    record = evidence.resolve(by, record_type, str(record_id))
    assessment = assessment_for(clause) or assessment_save(by=by, clause=clause)
    if assessment.evidence.filter(record_type=record_type, record_id=str(record_id)).exists():
        raise ValidationFailed({"record_id": ["This record is already linked as evidence."]})
    link = EvidenceLink.objects.create(
        assessment=assessment, record_type=record_type, record_id=str(record_id), label=str(record)[:300], added_by=by
    )
    record_change(
        action="link_evidence", by=by, record=assessment, changes={"evidence": [None, f"{record_type}:{record_id}"]}
    )
    return link


@transaction.atomic
def evidence_unlink(*, by: Any, link: EvidenceLink) -> None:
    """Remove a piece of evidence from a requirement (the record itself is untouched)."""
    require(by, Action.CHANGE, what=WHAT)
    record_change(
        action="unlink_evidence",
        by=by,
        record=link.assessment,
        changes={"evidence": [f"{link.record_type}:{link.record_id}", None]},
    )
    link.delete()
