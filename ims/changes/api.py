"""API of planned changes (6.3): list, detail, create, update, archive, transitions, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.changes import selectors, services
from ims.changes.importing import import_changes
from ims.changes.models import PlannedChange
from ims.org.selectors import site_get
from ims.processes.api import owner_of

router = Router(tags=["planned changes"])


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    title: str
    purpose: str
    consequences: str
    resources: str
    owner_id: int | None
    responsibilities: str
    standards: list[str]
    process_ids: list[int]
    status: str
    cancel_reason: str
    approved_by_id: int | None
    approved_at: dt.datetime | None
    completed_at: dt.datetime | None
    planned_date: dt.date | None
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class ChangeIn(Schema):
    site_id: int | None = None
    reference: str = ""
    title: str
    purpose: str
    consequences: str = ""
    resources: str = ""
    owner_id: int | None = None
    responsibilities: str = ""
    standards: list[str] = ["iso9001", "iso14001"]
    process_ids: list[int] = []
    planned_date: dt.date | None = None
    review_date: dt.date | None = None


class ChangePatch(Schema):
    version: int
    title: str | None = None
    purpose: str | None = None
    consequences: str | None = None
    resources: str | None = None
    owner_id: int | None = None
    responsibilities: str | None = None
    standards: list[str] | None = None
    process_ids: list[int] | None = None
    planned_date: dt.date | None = None
    review_date: dt.date | None = None


class TransitionIn(Schema):
    version: int
    to: str
    reason: str = ""


class VersionIn(Schema):
    version: int


def _out(change: PlannedChange) -> ChangeOut:
    data = {name: getattr(change, name) for name in ChangeOut.model_fields if name != "process_ids"}
    return ChangeOut(**data, process_ids=sorted(p.pk for p in change.processes.all()))


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in fields:
        fields["owner"] = owner_of(fields.pop("owner_id"))
    if "process_ids" in fields:
        fields["processes"] = fields.pop("process_ids")
    return fields


# The import route comes before the /{id} routes: Ninja matches in order.


@router.get("/changes", response=Page[ChangeOut])
def list_changes(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    status: str = "",
    process_id: int | None = None,
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.change_list(
        request.auth,
        q=q,
        site_id=site_id,
        org_wide=org_wide,
        status=status,
        process_id=process_id,
        overdue=overdue,
        archived=archived,
        sort=sort,
    )
    page = paginate(request, qs.prefetch_related("processes"), limit=limit, offset=offset)
    page["items"] = [_out(c) for c in page["items"]]
    return page


@router.post("/changes/import", response=ImportOut, summary="Import planned changes from CSV or XLSX (all or nothing)")
def import_change_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_changes(by=request.auth, stream=file.open("rb")))


@router.get("/changes/{change_id}", response=ChangeOut)
def get_change(request: ApiRequest, change_id: int) -> Any:
    return _out(selectors.change_get(request.auth, change_id))


@router.post("/changes", response={201: ChangeOut})
def create_change(request: ApiRequest, payload: ChangeIn) -> Status[Any]:
    fields = _fields(payload.dict())
    site_id = fields.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    return Status(201, _out(services.change_create(by=request.auth, site=site, **fields)))


@router.patch("/changes/{change_id}", response=ChangeOut)
def update_change(request: ApiRequest, change_id: int, payload: ChangePatch) -> Any:
    fields = _fields(payload.dict(exclude_unset=True))
    version = fields.pop("version")
    change = selectors.change_get(request.auth, change_id)
    return _out(services.change_update(by=request.auth, change=change, version=version, **fields))


@router.post("/changes/{change_id}/transitions", response=ChangeOut)
def transition_change(request: ApiRequest, change_id: int, payload: TransitionIn) -> Any:
    change = selectors.change_get(request.auth, change_id)
    moved = services.change_transition(
        by=request.auth, change=change, version=payload.version, to=payload.to, reason=payload.reason
    )
    return _out(moved)


@router.post("/changes/{change_id}/archive", response=ChangeOut)
def archive_change(request: ApiRequest, change_id: int, payload: VersionIn) -> Any:
    change = selectors.change_get(request.auth, change_id)
    return _out(services.change_archive(by=request.auth, change=change, version=payload.version))
