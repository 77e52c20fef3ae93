"""API of document control (7.5): documents, revisions, review steps, signatures, acknowledgements, files.

Signing needs the signer's password in the request body even with a valid
token: a signature is a re-authenticated act. Downloads are checked against
the SHA-256 recorded at upload and refused (problem ``integrity``) when the
stored file no longer matches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.audit.services import record_change
from ims.core.errors import ValidationFailed
from ims.documents import files, selectors, services
from ims.documents.models import DocType, Document, Revision
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.processes.api import owner_of
from ims.processes.selectors import processes_visible_to
from ims.signatures.services import content_hash, signatures_of
from ims.standards.models import Clause

router = Router(tags=["documents"])


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    size: int
    content_type: str
    sha256: str


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
    invalidated_reason: str


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    role: str
    position: int
    decision: str
    decided_at: dt.datetime | None


class RevisionOut(BaseModel):
    id: int
    document_id: int
    number: int
    status: str
    change_summary: str
    text: str
    file: FileOut | None
    author_id: int
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    effective_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str
    content_sha256: str
    steps: list[StepOut]
    signatures: list[SignatureOut]
    version: int


class DocumentOut(BaseModel):
    id: int
    number: str
    title: str
    doc_type: str
    area: str
    owner_id: int
    site_ids: list[int]
    standards: list[str]
    clause_ids: list[int]
    process_ids: list[int]
    confidentiality: str
    review_months: int | None
    next_review: dt.date | None
    approval_mode: str
    retention_years: int | None
    disposal: str
    corrects_id: int | None
    effective_revision_id: int | None
    open_revision_id: int | None
    acknowledged: int
    asked_to_read: int
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class DocumentPatch(Schema):
    version: int
    title: str | None = None
    area: str | None = None
    owner_id: int | None = None
    site_ids: list[int] | None = None
    standards: list[str] | None = None
    clause_ids: list[int] | None = None
    process_ids: list[int] | None = None
    confidentiality: str | None = None
    review_months: int | None = None
    approval_mode: str | None = None
    retention_years: int | None = None
    disposal: str | None = None


class RevisionPatch(Schema):
    version: int
    text: str | None = None
    change_summary: str | None = None


class StepsIn(Schema):
    reviewer_ids: list[int] = []
    approver_ids: list[int]


class MoveIn(Schema):
    version: int
    operation: str
    reason: str = ""


class SignIn(Schema):
    version: int
    password: str
    meaning: str
    reason: str = ""


class DistributionIn(Schema):
    user_id: int | None = None
    role: str = ""
    site_id: int | None = None


class VersionIn(Schema):
    version: int


def _revision_out(revision: Revision) -> RevisionOut:
    return RevisionOut(
        id=revision.pk,
        document_id=revision.document_id,
        number=revision.number,
        status=revision.status,
        change_summary=revision.change_summary,
        text=revision.text,
        file=FileOut.model_validate(revision.file) if revision.file else None,
        author_id=revision.author_id,
        submitted_at=revision.submitted_at,
        approved_at=revision.approved_at,
        effective_at=revision.effective_at,
        ended_at=revision.ended_at,
        end_reason=revision.end_reason,
        content_sha256=content_hash(revision.signed_content()),
        steps=[StepOut.model_validate(s) for s in revision.steps.all()],
        signatures=[SignatureOut.model_validate(s) for s in signatures_of(revision)],
        version=revision.version,
    )


def _document_out(document: Document) -> DocumentOut:
    [out] = _documents_out([document])
    return out


def _links(through: Any, field: str, ids: list[int]) -> dict[int, list[int]]:
    """Sorted ids of a document's sites, clauses or processes, per document id."""
    links: dict[int, list[int]] = defaultdict(list)
    for document_id, pk in through.objects.filter(document_id__in=ids).values_list("document_id", field):
        links[document_id].append(pk)
    return {d: sorted(pks) for d, pks in links.items()}


def _documents_out(documents: list[Document]) -> list[DocumentOut]:
    """Documents with their revisions in force and in progress and who read them, in a fixed number of queries."""
    ids = [d.pk for d in documents]
    effective = selectors.effective_map(ids)
    open_revs = selectors.open_revision_map(ids)
    completion = selectors.completion_map(ids)
    sites = _links(Document.sites.through, "site_id", ids)
    clauses = _links(Document.clauses.through, "clause_id", ids)
    processes = _links(Document.processes.through, "process_id", ids)
    derived = {"site_ids", "clause_ids", "process_ids", "effective_revision_id", "open_revision_id"}
    derived |= {"acknowledged", "asked_to_read"}
    rows = []
    for document in documents:
        current, open_rev = effective.get(document.pk), open_revs.get(document.pk)
        done, total = completion[document.pk]
        rows.append(
            DocumentOut(
                **{name: getattr(document, name) for name in DocumentOut.model_fields if name not in derived},
                site_ids=sites.get(document.pk, []),
                clause_ids=clauses.get(document.pk, []),
                process_ids=processes.get(document.pk, []),
                effective_revision_id=current.pk if current else None,
                open_revision_id=open_rev.pk if open_rev else None,
                acknowledged=done,
                asked_to_read=total,
            )
        )
    return rows


def _by_ids(model: Any, qs: Any, ids: list[int] | None, field: str) -> list[Any] | None:
    if ids is None:
        return None
    found = list(qs.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise ValidationFailed({field: [f"No {model} with id {', '.join(map(str, missing))} that you may see."]})
    return found


def _relations(request: ApiRequest, fields: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in fields:
        fields["owner"] = owner_of(fields.pop("owner_id"))
    if "site_ids" in fields:
        fields["sites"] = _by_ids("site", sites_visible_to(request.auth), fields.pop("site_ids"), "site_ids")
    if "clause_ids" in fields:
        fields["clauses"] = _by_ids("clause", Clause.objects.all(), fields.pop("clause_ids"), "clause_ids")
    if "process_ids" in fields:
        fields["processes"] = _by_ids(
            "process", processes_visible_to(request.auth), fields.pop("process_ids"), "process_ids"
        )
    return fields


class SchemeOut(BaseModel):
    doc_type: str
    pattern: str
    next_number_example: str


class SchemeIn(Schema):
    pattern: str


def _scheme_out(doc_type: str) -> SchemeOut:
    return SchemeOut(
        doc_type=doc_type,
        pattern=services.pattern_for(doc_type),
        next_number_example=services.next_number(doc_type, "IMS"),
    )


@router.get("/documents/number-schemes", response=list[SchemeOut], summary="How each type of document is numbered")
def list_schemes(request: ApiRequest) -> Any:
    return [_scheme_out(code) for code in DocType.values]


@router.put(
    "/documents/number-schemes/{doc_type}",
    response=SchemeOut,
    summary="Change how new documents of a type are numbered (organisation managers)",
)
def set_scheme(request: ApiRequest, doc_type: str, payload: SchemeIn) -> Any:
    with transaction.atomic():
        services.scheme_set(by=request.auth, doc_type=doc_type, pattern=payload.pattern)
    return _scheme_out(doc_type)


@router.get("/documents", response=Page[DocumentOut])
def list_documents(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    doc_type: str = "",
    status: str = "",
    clause_id: int | None = None,
    standard: str = "",
    review_due: bool | None = None,
    archived: bool = False,
    sort: str = "number",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.document_list(
        request.auth,
        q=q,
        site_id=site_id,
        doc_type=doc_type,
        status=status,
        clause_id=clause_id,
        standard=standard,
        review_due=review_due,
        archived=archived,
        sort=sort,
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = _documents_out(page["items"])
    return page


@router.get(
    "/documents/search", response=list[RevisionOut], summary="Full-text search over numbers, titles and content"
)
def search_documents(request: ApiRequest, q: str, limit: int = 20) -> Any:
    if not 1 <= limit <= 100:
        raise ValidationFailed({"limit": [f"Must be between 1 and 100, got {limit}."]})
    return [_revision_out(r) for r in selectors.search_revisions(request.auth, q, limit=limit)]


@router.get("/documents/{document_id}", response=DocumentOut)
def get_document(request: ApiRequest, document_id: int) -> Any:
    return _document_out(selectors.document_get(request.auth, document_id))


@router.post(
    "/documents",
    response={201: DocumentOut},
    summary="Create a document with revision 1 as a draft (multipart: fields and an optional file)",
)
def create_document(
    request: ApiRequest,
    doc_type: Form[str],
    title: Form[str],
    area: Form[str] = "IMS",
    number: Form[str] = "",
    owner_id: Form[int | None] = None,
    site_ids: Form[list[int]] = [],  # noqa: B006 - ninja reads the default, never mutates it
    clause_ids: Form[list[int]] = [],  # noqa: B006
    process_ids: Form[list[int]] = [],  # noqa: B006
    confidentiality: Form[str] = "internal",
    review_months: Form[int | None] = None,
    approval_mode: Form[str] = "parallel",
    retention_years: Form[int | None] = None,
    disposal: Form[str] = "",
    text: Form[str] = "",
    change_summary: Form[str] = "First issue.",
    file: File[UploadedFile | None] = None,
) -> Status[Any]:
    fields = _relations(
        request,
        {"owner_id": owner_id, "site_ids": site_ids, "clause_ids": clause_ids, "process_ids": process_ids},
    )
    document = services.document_create(
        by=request.auth,
        doc_type=doc_type,
        title=title,
        area=area,
        number=number,
        owner=fields["owner"],
        sites=fields["sites"] or [],
        clauses=fields["clauses"] or [],
        processes=fields["processes"] or [],
        confidentiality=confidentiality,
        review_months=review_months,
        approval_mode=approval_mode,
        retention_years=retention_years,
        disposal=disposal,
        text=text,
        change_summary=change_summary,
        upload=(file, file.name or "file") if file is not None else None,
    )
    return Status(201, _document_out(document))


@router.patch("/documents/{document_id}", response=DocumentOut)
def update_document(request: ApiRequest, document_id: int, payload: DocumentPatch) -> Any:
    fields = _relations(request, payload.dict(exclude_unset=True))
    version = fields.pop("version")
    document = selectors.document_get(request.auth, document_id)
    return _document_out(services.document_update(by=request.auth, document=document, version=version, **fields))


@router.post("/documents/{document_id}/archive", response=DocumentOut)
def archive_document(request: ApiRequest, document_id: int, payload: VersionIn) -> Any:
    document = selectors.document_get(request.auth, document_id)
    return _document_out(services.document_archive(by=request.auth, document=document, version=payload.version))


@router.post("/documents/{document_id}/review", response=DocumentOut, summary="Periodic review: still valid")
def confirm_review(request: ApiRequest, document_id: int, payload: VersionIn) -> Any:
    document = selectors.document_get(request.auth, document_id)
    return _document_out(services.review_confirm(by=request.auth, document=document, version=payload.version))


@router.get("/documents/{document_id}/revisions", response=list[RevisionOut])
def list_revisions(request: ApiRequest, document_id: int) -> Any:
    document = selectors.document_get(request.auth, document_id)
    return [_revision_out(r) for r in selectors.revisions_visible_to(request.auth).filter(document=document)]


@router.post("/documents/{document_id}/revisions", response={201: RevisionOut}, summary="Start the next revision")
def start_revision(request: ApiRequest, document_id: int, change_summary: Form[str] = "") -> Status[Any]:
    document = selectors.document_get(request.auth, document_id)
    return Status(
        201, _revision_out(services.revision_start(by=request.auth, document=document, change_summary=change_summary))
    )


@router.post("/documents/{document_id}/distribution", response={201: dict[str, Any]})
def add_distribution(request: ApiRequest, document_id: int, payload: DistributionIn) -> Status[Any]:
    document = selectors.document_get(request.auth, document_id)
    user = owner_of(payload.user_id) if payload.user_id is not None else None
    site: Site | None = None
    if payload.site_id is not None:
        site = sites_visible_to(request.auth).filter(pk=payload.site_id).first()
        if site is None:
            raise ValidationFailed({"site_id": [f"No site with id {payload.site_id} that you may see."]})
    entry = services.distribution_add(by=request.auth, document=document, user=user, role=payload.role, site=site)
    return Status(201, {"id": entry.pk, "user_id": entry.user_id, "role": entry.role, "site_id": entry.site_id})


@router.get("/document-revisions/{revision_id}", response=RevisionOut)
def get_revision(request: ApiRequest, revision_id: int) -> Any:
    return _revision_out(selectors.revision_get(request.auth, revision_id))


@router.patch("/document-revisions/{revision_id}", response=RevisionOut, summary="Edit a draft's text")
def update_revision(request: ApiRequest, revision_id: int, payload: RevisionPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    revision = selectors.revision_get(request.auth, revision_id)
    return _revision_out(services.draft_update(by=request.auth, revision=revision, version=version, **fields))


@router.post("/document-revisions/{revision_id}/file", response=RevisionOut, summary="Upload a draft's file")
def upload_file(request: ApiRequest, revision_id: int, version: Form[int], file: File[UploadedFile]) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    upload = (file, file.name or "file")
    return _revision_out(services.draft_update(by=request.auth, revision=revision, version=version, upload=upload))


@router.put("/document-revisions/{revision_id}/steps", response=RevisionOut, summary="Name reviewers and approvers")
def set_steps(request: ApiRequest, revision_id: int, payload: StepsIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    users = get_user_model().objects
    people = {u.pk: u for u in users.filter(pk__in=[*payload.reviewer_ids, *payload.approver_ids])}
    missing = sorted({*payload.reviewer_ids, *payload.approver_ids} - set(people))
    if missing:
        raise ValidationFailed({"approver_ids": [f"No user with id {', '.join(map(str, missing))}."]})
    services.steps_set(
        by=request.auth,
        revision=revision,
        reviewers=[people[i] for i in payload.reviewer_ids],
        approvers=[people[i] for i in payload.approver_ids],
    )
    return _revision_out(revision)


MOVES = {
    "submit": services.submit,
    "recall": services.recall,
    "rework": services.rework,
    "publish": services.publish,
}


@router.post(
    "/document-revisions/{revision_id}/transitions",
    response=RevisionOut,
    summary="Move a revision: submit, recall, rework, publish or withdraw (with a reason)",
)
def move_revision(request: ApiRequest, revision_id: int, payload: MoveIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    if payload.operation == "withdraw":
        services.withdraw(by=request.auth, revision=revision, version=payload.version, reason=payload.reason)
    elif payload.operation in MOVES:
        MOVES[payload.operation](by=request.auth, revision=revision, version=payload.version)
    else:
        raise ValidationFailed(
            {
                "operation": [
                    f"“{payload.operation}” is not an operation; use one of: {', '.join([*MOVES, 'withdraw'])}."
                ]
            }
        )
    revision.refresh_from_db()
    return _revision_out(revision)


@router.post(
    "/document-revisions/{revision_id}/sign",
    response=RevisionOut,
    summary="Sign as reviewer or approver (password required): reviewed, approved, or rejected with a reason",
)
def sign_revision(request: ApiRequest, revision_id: int, payload: SignIn) -> Any:
    revision = selectors.revision_get(request.auth, revision_id)
    services.sign_step(
        by=request.auth,
        revision=revision,
        version=payload.version,
        password=payload.password,
        meaning=payload.meaning,
        reason=payload.reason,
    )
    revision.refresh_from_db()
    return _revision_out(revision)


@router.post("/document-revisions/{revision_id}/acknowledge", response={201: dict[str, Any]})
def acknowledge_revision(request: ApiRequest, revision_id: int) -> Status[Any]:
    revision = selectors.revision_get(request.auth, revision_id)
    ack = services.acknowledge(by=request.auth, revision=revision)
    return Status(201, {"revision_id": revision.pk, "user_id": ack.user_id, "acknowledged_at": ack.acknowledged_at})


@router.get("/document-revisions/{revision_id}/download", summary="The revision's file, verified against its SHA-256")
def download(request: ApiRequest, revision_id: int) -> HttpResponse:
    revision = selectors.revision_get(request.auth, revision_id)
    if revision.file is None:
        raise ValidationFailed({"file": [f"{revision} has no file; its content is the text."]})
    try:
        data = files.read_verified(revision.file)
    except files.IntegrityError:
        with transaction.atomic():
            record_change(
                action="integrity_failed",
                by=request.auth,
                record=revision,
                note=f"{revision.file.name} does not match sha256 {revision.file.sha256}",
            )
        raise
    response = HttpResponse(data, content_type=revision.file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{revision.file.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Digest"] = f"sha-256={revision.file.sha256}"
    return response
