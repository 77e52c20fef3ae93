"""API of roles, responsibilities and authorities (5.3): list, detail, create, update, archive, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import ValidationFailed
from ims.org.selectors import site_get
from ims.responsibilities import selectors, services
from ims.responsibilities.importing import import_responsibilities
from ims.responsibilities.models import Responsibility

router = Router(tags=["responsibilities"])


class ResponsibilityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    title: str
    responsibilities: str
    authorities: str
    holder_ids: list[int]
    deputy_id: int | None
    process_ids: list[int]
    standards: list[str]
    duties: list[str]
    top_management: bool
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class ResponsibilityIn(Schema):
    site_id: int | None = None
    reference: str = ""
    title: str
    responsibilities: str
    authorities: str = ""
    holder_ids: list[int] = []
    deputy_id: int | None = None
    process_ids: list[int] = []
    standards: list[str] = ["iso9001", "iso14001"]
    duties: list[str] = []
    top_management: bool = False
    review_date: dt.date | None = None


class ResponsibilityPatch(Schema):
    version: int
    title: str | None = None
    responsibilities: str | None = None
    authorities: str | None = None
    holder_ids: list[int] | None = None
    deputy_id: int | None = None
    process_ids: list[int] | None = None
    standards: list[str] | None = None
    duties: list[str] | None = None
    top_management: bool | None = None
    review_date: dt.date | None = None


class VersionIn(Schema):
    version: int


def _out(record: Responsibility) -> ResponsibilityOut:
    linked = {"holder_ids", "process_ids"}
    data = {name: getattr(record, name) for name in ResponsibilityOut.model_fields if name not in linked}
    return ResponsibilityOut(
        **data,
        holder_ids=sorted(u.pk for u in record.holders.all()),
        process_ids=sorted(p.pk for p in record.processes.all()),
    )


def _deputy(deputy_id: int | None) -> Any:
    if deputy_id is None:
        return None
    deputy = get_user_model().objects.filter(pk=deputy_id, is_active=True).first()
    if deputy is None:
        raise ValidationFailed({"deputy_id": [f"No active user with id {deputy_id}."]})
    return deputy


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "deputy_id" in fields:
        fields["deputy"] = _deputy(fields.pop("deputy_id"))
    if "holder_ids" in fields:
        fields["holders"] = fields.pop("holder_ids")
    if "process_ids" in fields:
        fields["processes"] = fields.pop("process_ids")
    return fields


# The import route comes before the /{id} routes: Ninja matches in order.


@router.get("/responsibilities", response=Page[ResponsibilityOut])
def list_responsibilities(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    holder_id: int | None = None,
    process_id: int | None = None,
    duty: str = "",
    top_management: bool | None = None,
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.responsibility_list(
        request.auth,
        q=q,
        site_id=site_id,
        org_wide=org_wide,
        holder_id=holder_id,
        process_id=process_id,
        duty=duty,
        top_management=top_management,
        overdue=overdue,
        archived=archived,
        sort=sort,
    )
    page = paginate(request, qs.prefetch_related("holders", "processes"), limit=limit, offset=offset)
    page["items"] = [_out(r) for r in page["items"]]
    return page


@router.post(
    "/responsibilities/import",
    response=ImportOut,
    summary="Import roles and responsibilities from CSV or XLSX (all or nothing)",
)
def import_responsibility_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_responsibilities(by=request.auth, stream=file.open("rb")))


@router.get("/responsibilities/{responsibility_id}", response=ResponsibilityOut)
def get_responsibility(request: ApiRequest, responsibility_id: int) -> Any:
    return _out(selectors.responsibility_get(request.auth, responsibility_id))


@router.post("/responsibilities", response={201: ResponsibilityOut})
def create_responsibility(request: ApiRequest, payload: ResponsibilityIn) -> Status[Any]:
    fields = _fields(payload.dict())
    site_id = fields.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    return Status(201, _out(services.responsibility_create(by=request.auth, site=site, **fields)))


@router.patch("/responsibilities/{responsibility_id}", response=ResponsibilityOut)
def update_responsibility(request: ApiRequest, responsibility_id: int, payload: ResponsibilityPatch) -> Any:
    fields = _fields(payload.dict(exclude_unset=True))
    version = fields.pop("version")
    record = selectors.responsibility_get(request.auth, responsibility_id)
    return _out(services.responsibility_update(by=request.auth, responsibility=record, version=version, **fields))


@router.post("/responsibilities/{responsibility_id}/archive", response=ResponsibilityOut)
def archive_responsibility(request: ApiRequest, responsibility_id: int, payload: VersionIn) -> Any:
    record = selectors.responsibility_get(request.auth, responsibility_id)
    return _out(services.responsibility_archive(by=request.auth, responsibility=record, version=payload.version))
