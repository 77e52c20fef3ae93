"""API of the processes register (4.4): list, detail, create, update, archive, links, import."""

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
from ims.processes import selectors, services
from ims.processes.importing import import_processes
from ims.processes.models import Process, ProcessLink

router = Router(tags=["processes"])


class ProcessOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    name: str
    kind: str
    owner_id: int | None
    site_ids: list[int]
    purpose: str
    inputs: str
    outputs: str
    customers: str
    resources: str
    standards: list[str]
    related_records: str
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class ProcessIn(Schema):
    reference: str = ""
    name: str
    kind: str
    owner_id: int | None = None
    site_ids: list[int] = []
    purpose: str = ""
    inputs: str = ""
    outputs: str = ""
    customers: str = ""
    resources: str = ""
    standards: list[str] = ["iso9001", "iso14001"]
    related_records: str = ""
    review_date: dt.date | None = None


class ProcessPatch(Schema):
    version: int
    name: str | None = None
    kind: str | None = None
    owner_id: int | None = None
    site_ids: list[int] | None = None
    purpose: str | None = None
    inputs: str | None = None
    outputs: str | None = None
    customers: str | None = None
    resources: str | None = None
    standards: list[str] | None = None
    related_records: str | None = None
    review_date: dt.date | None = None


class LinkIn(Schema):
    to_process_id: int
    label: str


class LinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_process_id: int
    to_process_id: int
    label: str


class VersionIn(Schema):
    version: int


def _out(process: Process) -> ProcessOut:
    data = {name: getattr(process, name) for name in ProcessOut.model_fields if name != "site_ids"}
    return ProcessOut(**data, site_ids=sorted(s.pk for s in process.sites.all()))


def owner_of(owner_id: int | None) -> Any:
    if owner_id is None:
        return None
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise ValidationFailed({"owner_id": [f"No active user with id {owner_id}."]})
    return owner


def _fields(request: ApiRequest, fields: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in fields:
        fields["owner"] = owner_of(fields.pop("owner_id"))
    if "site_ids" in fields:
        ids = fields.pop("site_ids")
        fields["sites"] = None if ids is None else [site_get(request.auth, pk) for pk in ids]
    return fields


# The import route comes before the /{id} routes: Ninja matches in order.


@router.get("/processes", response=Page[ProcessOut])
def list_processes(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    kind: str = "",
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.process_list(
        request.auth, q=q, site_id=site_id, kind=kind, overdue=overdue, archived=archived, sort=sort
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [_out(p) for p in page["items"]]
    return page


@router.post("/processes/import", response=ImportOut, summary="Import processes from CSV or XLSX (all or nothing)")
def import_process_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_processes(by=request.auth, stream=file.open("rb")))


@router.get("/processes/{process_id}", response=ProcessOut)
def get_process(request: ApiRequest, process_id: int) -> Any:
    return _out(selectors.process_get(request.auth, process_id))


@router.post("/processes", response={201: ProcessOut})
def create_process(request: ApiRequest, payload: ProcessIn) -> Status[Any]:
    fields = _fields(request, payload.dict())
    return Status(201, _out(services.process_create(by=request.auth, **fields)))


@router.patch("/processes/{process_id}", response=ProcessOut)
def update_process(request: ApiRequest, process_id: int, payload: ProcessPatch) -> Any:
    fields = _fields(request, payload.dict(exclude_unset=True))
    version = fields.pop("version")
    process = selectors.process_get(request.auth, process_id)
    return _out(services.process_update(by=request.auth, process=process, version=version, **fields))


@router.post("/processes/{process_id}/archive", response=ProcessOut)
def archive_process(request: ApiRequest, process_id: int, payload: VersionIn) -> Any:
    process = selectors.process_get(request.auth, process_id)
    return _out(services.process_archive(by=request.auth, process=process, version=payload.version))


def _link_out(link: ProcessLink) -> LinkOut:
    return LinkOut(id=link.pk, from_process_id=link.source_id, to_process_id=link.target_id, label=link.label)


@router.get("/processes/{process_id}/links", response=list[LinkOut])
def list_links(request: ApiRequest, process_id: int) -> Any:
    process = selectors.process_get(request.auth, process_id)
    out, into = selectors.links_of(request.auth, process)
    return [_link_out(link) for link in [*out, *into]]


@router.post("/processes/{process_id}/links", response={201: LinkOut})
def add_link(request: ApiRequest, process_id: int, payload: LinkIn) -> Status[Any]:
    source = selectors.process_get(request.auth, process_id)
    target = selectors.process_get(request.auth, payload.to_process_id)
    link = services.link_add(by=request.auth, source=source, target=target, label=payload.label)
    return Status(201, _link_out(link))


@router.delete("/processes/{process_id}/links/{link_id}", response={204: None})
def remove_link(request: ApiRequest, process_id: int, link_id: int) -> Status[None]:
    source = selectors.process_get(request.auth, process_id)
    services.link_remove(by=request.auth, source=source, link_id=link_id)
    return Status(204, None)
