"""API of policies (5.2): the register, revisions, electronic signatures and communications.

Signing (approve or reject) needs the signer's password in the request body,
even with a valid token: a signature is a re-authenticated act.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.policies import commitments, selectors, services
from ims.policies.importing import import_policies
from ims.policies.models import Policy, PolicyCommunication, PolicyRevision
from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params, site
from ims.signatures.models import Signature
from ims.signatures.services import content_hash, signatures_of

router = Router(tags=["policies"])


class SignatureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    signer_id: int
    signer_name: str
    meaning: str
    reason: str
    content_sha256: str
    signed_at: dt.datetime
    valid: bool
    invalidated_at: dt.datetime | None
    invalidated_reason: str


class CommunicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    communicated_on: dt.date
    audience: str
    method: str
    notes: str
    recorded_by_id: int
    recorded_at: dt.datetime


class RevisionOut(BaseModel):
    id: int
    policy_id: int
    number: int
    state: str
    status: str
    text: str
    change_summary: str
    effective_from: dt.date | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    content_sha256: str
    missing_commitments: list[str]
    signatures: list[SignatureOut]
    communications: list[CommunicationOut]
    version: int


class PolicyOut(BaseModel):
    id: int
    reference: str
    site_id: int | None
    kind: str
    standards: list[str]
    title: str
    owner_id: int | None
    review_date: dt.date | None
    in_force_revision_id: int | None
    draft_revision_id: int | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class PolicyIn(Schema):
    site_id: int | None = None
    reference: str = ""
    kind: str
    title: str
    owner_id: int | None = None
    review_date: dt.date | None = None
    text: str
    change_summary: str = ""
    effective_from: dt.date | None = None


class PolicyPatch(Schema):
    version: int
    kind: str | None = None
    title: str | None = None
    owner_id: int | None = None
    review_date: dt.date | None = None


class RevisionIn(Schema):
    text: str | None = None
    change_summary: str = ""


class RevisionPatch(Schema):
    version: int
    text: str | None = None
    change_summary: str | None = None
    effective_from: dt.date | None = None


class ApproveIn(Schema):
    version: int
    password: str
    effective_from: dt.date | None = None


class RejectIn(Schema):
    version: int
    password: str
    reason: str


class WithdrawIn(Schema):
    version: int
    reason: str


class CommunicationIn(Schema):
    communicated_on: dt.date
    audience: str
    method: str
    notes: str = ""


def _policy_out(policy: Policy) -> PolicyOut:
    return _policy_row(policy, current=selectors.in_force(policy), draft=selectors.draft_of(policy))


def _policy_rows(policies: list[Policy]) -> list[PolicyOut]:
    """A page of the register: the revisions in force and the drafts read once for all rows."""
    current = selectors.in_force_map(policies)
    drafts = selectors.draft_map(policies)
    return [_policy_row(p, current=current.get(p.pk), draft=drafts.get(p.pk)) for p in policies]


def _policy_row(policy: Policy, *, current: PolicyRevision | None, draft: PolicyRevision | None) -> PolicyOut:
    return PolicyOut(
        **{name: getattr(policy, name) for name in PolicyOut.model_fields if hasattr(policy, name)},
        in_force_revision_id=current.pk if current else None,
        draft_revision_id=draft.pk if draft else None,
    )


def _revision_out(revision: PolicyRevision) -> RevisionOut:
    current = selectors.in_force(revision.policy)
    content = revision.signed_content()
    signatures: list[Signature] = list(signatures_of(revision))
    communications: list[PolicyCommunication] = list(revision.communications.all())
    return RevisionOut(
        id=revision.pk,
        policy_id=revision.policy_id,
        number=revision.number,
        state=revision.state(timezone.localdate(), current.pk if current else None),
        status=revision.status,
        text=revision.text,
        change_summary=revision.change_summary,
        effective_from=revision.effective_from,
        approved_by_id=revision.approved_by_id,
        approved_at=revision.approved_at,
        content_sha256=content_hash(content),
        missing_commitments=[c.code for c in commitments.missing(revision.policy.kind, revision.text)],
        signatures=[SignatureOut.model_validate(s) for s in signatures],
        communications=[CommunicationOut.model_validate(c) for c in communications],
        version=revision.version,
    )


POLICIES = RegisterApi(
    module=__name__,
    path="/policies",
    singular="policy",
    plural="policies",
    out=PolicyOut,
    create_in=PolicyIn,
    patch_in=PolicyPatch,
    filters=list_params(("kind", str, ""), ("overdue", bool | None, None)),
    list_records=selectors.policy_list,
    get_record=selectors.policy_get,
    create=services.policy_create,
    update=services.policy_update,
    archive=services.policy_archive,
    record_arg="policy",
    prepare=[active_user("owner_id", "owner"), site],
    present=_policy_out,
    present_page=_policy_rows,
    import_records=import_policies,
    import_name="import_policy_file",
    import_summary="Import policies as drafts from CSV or XLSX (all or nothing)",
    create_summary="Create a policy with its first revision as a draft",
)

add_register_routes(router, POLICIES)


@router.get("/policies/{policy_id}/revisions", response=list[RevisionOut])
def list_revisions(request: ApiRequest, policy_id: int) -> Any:
    policy = selectors.policy_get(request.auth, policy_id)
    return [_revision_out(r) for r in policy.revisions.order_by("number")]


@router.post(
    "/policies/{policy_id}/revisions",
    response={201: RevisionOut},
    summary="Start the next revision as a draft (from the text in force unless a text is given)",
)
def start_revision(request: ApiRequest, policy_id: int, payload: RevisionIn) -> Status[Any]:
    policy = selectors.policy_get(request.auth, policy_id)
    revision = services.draft_start(
        by=request.auth, policy=policy, text=payload.text, change_summary=payload.change_summary
    )
    return Status(201, _revision_out(revision))


@router.get("/policy-revisions/{revision_id}", response=RevisionOut)
def get_revision(request: ApiRequest, revision_id: int) -> Any:
    return _revision_out(selectors.revision_get(request.auth, revision_id))


@router.patch("/policy-revisions/{revision_id}", response=RevisionOut, summary="Edit a draft")
def update_revision(request: ApiRequest, revision_id: int, payload: RevisionPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    revision = selectors.revision_get(request.auth, revision_id)
    return _revision_out(services.draft_update(by=request.auth, revision=revision, version=version, **fields))


@router.post(
    "/policy-revisions/{revision_id}/approve",
    response=RevisionOut,
    summary="Approve a draft: an electronic signature by top management (password required)",
)
def approve_revision(request: ApiRequest, revision_id: int, payload: ApproveIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    services.revision_approve(
        by=request.auth,
        revision=revision,
        version=payload.version,
        password=payload.password,
        effective_from=payload.effective_from,
    )
    return _revision_out(revision)


@router.post(
    "/policy-revisions/{revision_id}/reject",
    response=RevisionOut,
    summary="Send a draft back: an electronic signature with the changes needed (password required)",
)
def reject_revision(request: ApiRequest, revision_id: int, payload: RejectIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    services.revision_reject(
        by=request.auth, revision=revision, version=payload.version, password=payload.password, reason=payload.reason
    )
    return _revision_out(revision)


@router.post("/policy-revisions/{revision_id}/withdraw", response=RevisionOut)
def withdraw_revision(request: ApiRequest, revision_id: int, payload: WithdrawIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    return _revision_out(
        services.revision_withdraw(by=request.auth, revision=revision, version=payload.version, reason=payload.reason)
    )


@router.post("/policy-revisions/{revision_id}/communications", response={201: CommunicationOut})
def add_communication(request: ApiRequest, revision_id: int, payload: CommunicationIn) -> Status[Any]:
    revision = selectors.revision_get(request.auth, revision_id)
    communication = services.communication_record(by=request.auth, revision=revision, **payload.dict())
    return Status(201, CommunicationOut.model_validate(communication))
