"""API for applicability, assessments, evidence links, checks and readiness scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status
from pydantic import BaseModel

from ims.accounts.models import User
from ims.api.auth import ApiRequest
from ims.core.errors import NotFound, ValidationFailed
from ims.readiness import selectors, services
from ims.readiness.checks import run_all
from ims.readiness.models import Applicability
from ims.standards.selectors import clause_get, edition_get

router = Router(tags=["readiness"])


class CheckOut(BaseModel):
    key: str
    title: str
    clauses: list[str]
    status: str
    explanation: str


@router.get("/readiness/checks", response=list[CheckOut], summary="Run every automatic evidence check now")
def list_checks(request: ApiRequest) -> Any:
    return [
        CheckOut(
            key=o.check.key,
            title=o.check.title,
            clauses=[str(c) for c in o.check.clauses],
            status=o.result.status,
            explanation=o.result.explanation,
        )
        for o in run_all()
    ]


class ScoreOut(BaseModel):
    edition: str
    label: str
    score: float
    groups: dict[str, float]
    requirements: int
    not_applicable: int
    failing_checks: list[str]


@router.get("/readiness/scores", response=list[ScoreOut], summary="Readiness per standard and clause group")
def scores(request: ApiRequest) -> Any:
    outcomes = run_all()
    result = []
    for edition in selectors.editions_in_scope():
        state = selectors.edition_readiness(edition, outcomes)
        failing = sorted({f"{r.clause.number}: {o.check.title}" for r in state.requirements for o in r.failing})
        result.append(
            ScoreOut(
                edition=edition.key,
                label=edition.label,
                score=state.score,
                groups=state.by_group(),
                requirements=sum(1 for r in state.requirements if r.applicable),
                not_applicable=sum(1 for r in state.requirements if not r.applicable),
                failing_checks=failing,
            )
        )
    return result


class AssessmentIn(Schema):
    version: int | None = None
    status: str | None = None
    owner_id: int | None = None
    notes: str | None = None
    due_date: dt.date | None = None


class AssessmentOut(BaseModel):
    requirement: str
    common: bool
    status: str
    owner_id: int | None
    notes: str
    due_date: dt.date | None
    version: int
    evidence: list[str]


def _out(clause: Any) -> AssessmentOut:
    a = services.assessment_for(clause)
    return AssessmentOut(
        requirement=f"hs:{a.hs_number}" if a and a.hs_number else clause.ref,
        common=bool(a and a.hs_number),
        status=a.status if a else "not_started",
        owner_id=a.owner_id if a else None,
        notes=a.notes if a else "",
        due_date=a.due_date if a else None,
        version=a.version if a else 0,
        evidence=[f"{e.record_type}:{e.record_id}" for e in a.evidence.all()] if a else [],
    )


@router.get("/readiness/{standard}/{edition}/{number}", response=AssessmentOut, summary="A requirement's assessment")
def get_assessment(request: ApiRequest, standard: str, edition: str, number: str) -> Any:
    return _out(clause_get(edition_get(f"{standard}:{edition}"), number))


@router.put("/readiness/{standard}/{edition}/{number}", response=AssessmentOut)
def put_assessment(request: ApiRequest, standard: str, edition: str, number: str, payload: AssessmentIn) -> Any:
    clause = clause_get(edition_get(f"{standard}:{edition}"), number)
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise ValidationFailed({"owner_id": [f"No active user with id {payload.owner_id}."]})
    services.assessment_save(
        by=request.auth,
        clause=clause,
        version=payload.version,
        status=payload.status,
        owner=owner,
        notes=payload.notes,
        due_date=payload.due_date,
    )
    return _out(clause)


class EvidenceIn(Schema):
    record_type: str
    record_id: str


@router.post("/readiness/{standard}/{edition}/{number}/evidence", response={201: AssessmentOut})
def add_evidence(request: ApiRequest, standard: str, edition: str, number: str, payload: EvidenceIn) -> Any:
    clause = clause_get(edition_get(f"{standard}:{edition}"), number)
    services.evidence_link(by=request.auth, clause=clause, record_type=payload.record_type, record_id=payload.record_id)
    return Status(201, _out(clause))


class ApplicabilityIn(Schema):
    version: int | None = None
    applicable: bool
    justification: str = ""


class ApplicabilityOut(BaseModel):
    clause: str
    version: int
    applicable: bool
    justification: str
    warnings: list[str]


@router.put("/applicability/{standard}/{edition}/{number}", response=ApplicabilityOut)
def put_applicability(request: ApiRequest, standard: str, edition: str, number: str, payload: ApplicabilityIn) -> Any:
    clause = clause_get(edition_get(f"{standard}:{edition}"), number)
    result = services.applicability_set(
        by=request.auth,
        clause=clause,
        applicable=payload.applicable,
        justification=payload.justification,
        version=payload.version,
    )
    return ApplicabilityOut(
        clause=clause.ref,
        version=result.decision.version,
        applicable=result.decision.applicable,
        justification=result.decision.justification,
        warnings=result.warnings,
    )


@router.delete("/readiness/{standard}/{edition}/{number}/evidence/{record_type}/{record_id}", response=AssessmentOut)
def remove_evidence(
    request: ApiRequest, standard: str, edition: str, number: str, record_type: str, record_id: str
) -> Any:
    clause = clause_get(edition_get(f"{standard}:{edition}"), number)
    assessment = services.assessment_for(clause)
    link = assessment.evidence.filter(record_type=record_type, record_id=record_id).first() if assessment else None
    if link is None:
        raise NotFound(f"{record_type}:{record_id} is not linked as evidence for {clause.ref}.")
    services.evidence_unlink(by=request.auth, link=link)
    return _out(clause)


@router.get("/applicability", response=list[ApplicabilityOut], summary="Clauses declared not applicable")
def list_applicability(request: ApiRequest) -> Any:
    decisions = Applicability.objects.filter(applicable=False).select_related("clause__edition__standard")
    return [
        ApplicabilityOut(
            clause=d.clause.ref, version=d.version, applicable=d.applicable, justification=d.justification, warnings=[]
        )
        for d in decisions.order_by("clause__edition__standard__code", "clause__sort_key")
    ]
