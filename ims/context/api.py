"""API of the context registers: issues (4.1) and interested parties (4.2) — list, detail, create, update, archive,
import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.context import selectors, services
from ims.context.importing import import_issues, import_parties
from ims.context.models import InterestedParty, Issue
from ims.org.selectors import site_get

router = Router(tags=["context of the organisation"])


class IssueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    title: str
    description: str
    category: str
    origin: str
    effect: str
    related_processes: str
    standards: list[str]
    owner_id: int | None
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class IssueIn(Schema):
    site_id: int | None = None
    reference: str = ""
    title: str
    description: str = ""
    category: str
    origin: str
    effect: str = "negative"
    related_processes: str = ""
    standards: list[str] = ["iso9001", "iso14001"]
    review_date: dt.date | None = None


class IssuePatch(Schema):
    version: int
    title: str | None = None
    description: str | None = None
    category: str | None = None
    origin: str | None = None
    effect: str | None = None
    related_processes: str | None = None
    standards: list[str] | None = None
    review_date: dt.date | None = None


class PartyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    name: str
    kind: str
    needs: str
    compliance_obligation: bool
    customer_requirement: bool
    monitoring: str
    standards: list[str]
    owner_id: int | None
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class PartyIn(Schema):
    site_id: int | None = None
    reference: str = ""
    name: str
    kind: str
    needs: str
    compliance_obligation: bool = False
    customer_requirement: bool = False
    monitoring: str = ""
    standards: list[str] = ["iso9001", "iso14001"]
    review_date: dt.date | None = None


class PartyPatch(Schema):
    version: int
    name: str | None = None
    kind: str | None = None
    needs: str | None = None
    compliance_obligation: bool | None = None
    customer_requirement: bool | None = None
    monitoring: str | None = None
    standards: list[str] | None = None
    review_date: dt.date | None = None


class VersionIn(Schema):
    version: int


def _site(request: ApiRequest, site_id: int | None) -> Any:
    return site_get(request.auth, site_id) if site_id is not None else None


# Issues (4.1). The import route comes before the /{id} routes: Ninja matches in order.


@router.get("/context/issues", response=Page[IssueOut])
def list_issues(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    category: str = "",
    origin: str = "",
    standard: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.issue_list(
        request.auth,
        q=q,
        site_id=site_id,
        org_wide=org_wide,
        category=category,
        origin=origin,
        standard=standard,
        archived=archived,
        sort=sort,
    )
    return paginate(request, qs, limit=limit, offset=offset)


@router.post("/context/issues/import", response=ImportOut, summary="Import issues from CSV or XLSX (all or nothing)")
def import_issue_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_issues(by=request.auth, stream=file.open("rb")))


@router.get("/context/issues/{issue_id}", response=IssueOut)
def get_issue(request: ApiRequest, issue_id: int) -> Issue:
    return selectors.issue_get(request.auth, issue_id)


@router.post("/context/issues", response={201: IssueOut})
def create_issue(request: ApiRequest, payload: IssueIn) -> Status[Issue]:
    fields = payload.dict()
    site = _site(request, fields.pop("site_id"))
    return Status(201, services.issue_create(by=request.auth, site=site, **fields))


@router.patch("/context/issues/{issue_id}", response=IssueOut)
def update_issue(request: ApiRequest, issue_id: int, payload: IssuePatch) -> Issue:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    issue = selectors.issue_get(request.auth, issue_id)
    return services.issue_update(by=request.auth, issue=issue, version=version, **fields)


@router.post("/context/issues/{issue_id}/archive", response=IssueOut)
def archive_issue(request: ApiRequest, issue_id: int, payload: VersionIn) -> Issue:
    issue = selectors.issue_get(request.auth, issue_id)
    return services.issue_archive(by=request.auth, issue=issue, version=payload.version)


# Interested parties (4.2)


@router.get("/context/parties", response=Page[PartyOut])
def list_parties(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    kind: str = "",
    standard: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.party_list(
        request.auth,
        q=q,
        site_id=site_id,
        org_wide=org_wide,
        kind=kind,
        standard=standard,
        archived=archived,
        sort=sort,
    )
    return paginate(request, qs, limit=limit, offset=offset)


@router.post(
    "/context/parties/import", response=ImportOut, summary="Import interested parties from CSV or XLSX (all or nothing)"
)
def import_party_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_parties(by=request.auth, stream=file.open("rb")))


@router.get("/context/parties/{party_id}", response=PartyOut)
def get_party(request: ApiRequest, party_id: int) -> InterestedParty:
    return selectors.party_get(request.auth, party_id)


@router.post("/context/parties", response={201: PartyOut})
def create_party(request: ApiRequest, payload: PartyIn) -> Status[InterestedParty]:
    fields = payload.dict()
    site = _site(request, fields.pop("site_id"))
    return Status(201, services.party_create(by=request.auth, site=site, **fields))


@router.patch("/context/parties/{party_id}", response=PartyOut)
def update_party(request: ApiRequest, party_id: int, payload: PartyPatch) -> InterestedParty:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    party = selectors.party_get(request.auth, party_id)
    return services.party_update(by=request.auth, party=party, version=version, **fields)


@router.post("/context/parties/{party_id}/archive", response=PartyOut)
def archive_party(request: ApiRequest, party_id: int, payload: VersionIn) -> InterestedParty:
    party = selectors.party_get(request.auth, party_id)
    return services.party_archive(by=request.auth, party=party, version=payload.version)
