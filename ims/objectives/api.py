"""API of the objectives register (6.2): list, detail, create, update, archive, progress, import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import ValidationFailed
from ims.objectives import selectors, services
from ims.objectives.importing import import_objectives
from ims.objectives.models import Objective, Progress
from ims.org.selectors import site_get

router = Router(tags=["objectives"])


class ObjectiveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    title: str
    standards: list[str]
    baseline_value: Decimal
    baseline_date: dt.date
    target_value: Decimal
    unit: str
    direction: str
    deadline: dt.date
    plan_what: str
    plan_resources: str
    owner_id: int | None
    evaluation: str
    latest_value: Decimal | None = Field(
        description="From the progress entries; once the monitoring register lands, it will come from a KPI."
    )
    latest_on: dt.date | None
    progress: Decimal = Field(description="Per cent of the way from baseline to target, with the latest value")
    elapsed: Decimal = Field(description="Per cent of the time from the baseline date to the deadline")
    status: str = Field(description="achieved, on_track, at_risk or off_track")
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class ObjectiveIn(Schema):
    site_id: int | None = None
    reference: str = ""
    title: str
    standards: list[str] = ["iso9001", "iso14001"]
    baseline_value: Decimal
    baseline_date: dt.date | None = None
    target_value: Decimal
    unit: str
    direction: str
    deadline: dt.date
    plan_what: str
    plan_resources: str = ""
    owner_id: int | None = None
    evaluation: str = ""


class ObjectivePatch(Schema):
    version: int
    title: str | None = None
    standards: list[str] | None = None
    baseline_value: Decimal | None = None
    baseline_date: dt.date | None = None
    target_value: Decimal | None = None
    unit: str | None = None
    direction: str | None = None
    deadline: dt.date | None = None
    plan_what: str | None = None
    plan_resources: str | None = None
    owner_id: int | None = None
    evaluation: str | None = None


class ProgressIn(Schema):
    value: Decimal
    date: dt.date | None = None
    note: str = ""


class ProgressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    objective_id: int
    date: dt.date
    value: Decimal
    note: str
    entered_by_id: int


class VersionIn(Schema):
    version: int


def _owner(fields: dict[str, Any]) -> None:
    if "owner_id" in fields:
        pk = fields.pop("owner_id")
        owner = None
        if pk is not None:
            owner = get_user_model().objects.filter(pk=pk, is_active=True).first()
            if owner is None:
                raise ValidationFailed({"owner_id": [f"No active user with id {pk}."]})
        fields["owner"] = owner


def _out(objective: Objective) -> Objective:
    selectors.with_status([objective], timezone.localdate())
    return objective


# The import route comes before the /{id} routes: Ninja matches in order.


@router.get("/objectives", response=Page[ObjectiveOut])
def list_objectives(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    standard: str = "",
    status: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.objective_list(
        request.auth, q=q, site_id=site_id, org_wide=org_wide, standard=standard, archived=archived, sort=sort
    )
    today = timezone.localdate()
    if status:  # depends on today's date: computed, then narrowed in SQL so that pagination stays exact
        qs = qs.filter(pk__in=[o.pk for o in selectors.with_status(qs, today, status)])
    page = paginate(request, qs, limit=limit, offset=offset)
    selectors.with_status(page["items"], today)
    return page


@router.post("/objectives/import", response=ImportOut, summary="Import objectives from CSV or XLSX (all or nothing)")
def import_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    report = import_objectives(by=request.auth, stream=file.open("rb"))
    return ImportOut.of(report)


@router.get("/objectives/{objective_id}", response=ObjectiveOut)
def get_objective(request: ApiRequest, objective_id: int) -> Objective:
    return _out(selectors.objective_get(request.auth, objective_id))


@router.post("/objectives", response={201: ObjectiveOut})
def create_objective(request: ApiRequest, payload: ObjectiveIn) -> Status[Objective]:
    fields = payload.dict()
    site_id = fields.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    if fields.get("baseline_date") is None:
        fields.pop("baseline_date")
    _owner(fields)
    return Status(201, _out(services.objective_create(by=request.auth, site=site, **fields)))


@router.patch("/objectives/{objective_id}", response=ObjectiveOut)
def update_objective(request: ApiRequest, objective_id: int, payload: ObjectivePatch) -> Objective:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    _owner(fields)
    objective = selectors.objective_get(request.auth, objective_id)
    return _out(services.objective_update(by=request.auth, objective=objective, version=version, **fields))


@router.post("/objectives/{objective_id}/archive", response=ObjectiveOut)
def archive_objective(request: ApiRequest, objective_id: int, payload: VersionIn) -> Objective:
    objective = selectors.objective_get(request.auth, objective_id)
    return _out(services.objective_archive(by=request.auth, objective=objective, version=payload.version))


@router.get("/objectives/{objective_id}/progress", response=list[ProgressOut])
def list_progress(request: ApiRequest, objective_id: int) -> Any:
    return list(selectors.objective_get(request.auth, objective_id).progress_entries.all())


@router.post("/objectives/{objective_id}/progress", response={201: ProgressOut})
def add_progress(request: ApiRequest, objective_id: int, payload: ProgressIn) -> Status[Progress]:
    objective = selectors.objective_get(request.auth, objective_id)
    return Status(201, services.progress_add(by=request.auth, objective=objective, **payload.dict()))
