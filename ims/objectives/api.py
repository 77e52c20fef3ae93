"""API of the objectives register (6.2): list, detail, create, update, archive, progress, import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.objectives import selectors, services
from ims.objectives.importing import import_objectives
from ims.objectives.models import Objective, Progress
from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params, site

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


def _out(objective: Objective) -> Objective:
    selectors.with_status([objective], timezone.localdate())
    return objective


def _objective_list(user: Any, *, status: str, **filters: Any) -> QuerySet[Objective]:
    qs = selectors.objective_list(user, **filters)
    if status:  # depends on today's date: computed, then narrowed in SQL so that pagination stays exact
        qs = qs.filter(pk__in=[o.pk for o in selectors.with_status(qs, timezone.localdate(), status)])
    return qs


def _page(objectives: list[Objective]) -> list[Objective]:
    return selectors.with_status(objectives, timezone.localdate())


def _no_baseline_date(request: ApiRequest, fields: dict[str, Any]) -> None:
    """Without a baseline date, the service's default applies."""
    if fields.get("baseline_date") is None:
        fields.pop("baseline_date")


OBJECTIVES = RegisterApi(
    module=__name__,
    path="/objectives",
    singular="objective",
    plural="objectives",
    out=ObjectiveOut,
    create_in=ObjectiveIn,
    patch_in=ObjectivePatch,
    filters=list_params(("standard", str, ""), ("status", str, "")),
    list_records=_objective_list,
    get_record=selectors.objective_get,
    create=services.objective_create,
    update=services.objective_update,
    archive=services.objective_archive,
    record_arg="objective",
    prepare=[site, active_user("owner_id", "owner")],
    prepare_create=[_no_baseline_date],
    present=_out,
    present_page=_page,
    import_records=import_objectives,
    import_summary="Import objectives from CSV or XLSX (all or nothing)",
)

add_register_routes(router, OBJECTIVES)


@router.get("/objectives/{objective_id}/progress", response=list[ProgressOut])
def list_progress(request: ApiRequest, objective_id: int) -> Any:
    return list(selectors.objective_get(request.auth, objective_id).progress_entries.all())


@router.post("/objectives/{objective_id}/progress", response={201: ProgressOut})
def add_progress(request: ApiRequest, objective_id: int, payload: ProgressIn) -> Status[Progress]:
    objective = selectors.objective_get(request.auth, objective_id)
    return Status(201, services.progress_add(by=request.auth, objective=objective, **payload.dict()))
