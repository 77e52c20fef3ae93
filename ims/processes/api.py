"""API of the processes register (4.4): list, detail, create, update, archive, links, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.core.errors import ValidationFailed
from ims.org.selectors import site_get
from ims.processes import selectors, services
from ims.processes.importing import import_processes
from ims.processes.models import Process, ProcessLink
from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params

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


def _sites(request: ApiRequest, fields: dict[str, Any]) -> None:
    if "site_ids" in fields:
        ids = fields.pop("site_ids")
        fields["sites"] = None if ids is None else [site_get(request.auth, pk) for pk in ids]


PROCESSES = RegisterApi(
    module=__name__,
    path="/processes",
    singular="process",
    plural="processes",
    out=ProcessOut,
    create_in=ProcessIn,
    patch_in=ProcessPatch,
    filters=list_params(("kind", str, ""), ("overdue", bool | None, None), org_wide=False),
    list_records=selectors.process_list,
    get_record=selectors.process_get,
    create=services.process_create,
    update=services.process_update,
    archive=services.process_archive,
    record_arg="process",
    prepare=[active_user("owner_id", "owner"), _sites],
    present=_out,
    import_records=import_processes,
    import_name="import_process_file",
    import_summary="Import processes from CSV or XLSX (all or nothing)",
)

add_register_routes(router, PROCESSES)


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
