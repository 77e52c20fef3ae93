"""API of planned changes (6.3): list, detail, create, update, archive, transitions, import."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.changes import selectors, services
from ims.changes.importing import import_changes
from ims.changes.models import PlannedChange
from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params, rename, site

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


def _out(change: PlannedChange) -> ChangeOut:
    data = {name: getattr(change, name) for name in ChangeOut.model_fields if name != "process_ids"}
    return ChangeOut(**data, process_ids=sorted(p.pk for p in change.processes.all()))


CHANGES = RegisterApi(
    module=__name__,
    path="/changes",
    singular="change",
    plural="changes",
    out=ChangeOut,
    create_in=ChangeIn,
    patch_in=ChangePatch,
    filters=list_params(("status", str, ""), ("process_id", int | None, None), ("overdue", bool | None, None)),
    list_records=selectors.change_list,
    get_record=selectors.change_get,
    create=services.change_create,
    update=services.change_update,
    archive=services.change_archive,
    record_arg="change",
    prepare=[active_user("owner_id", "owner"), rename("process_ids", "processes"), site],
    present=_out,
    prefetch=("processes",),
    import_records=import_changes,
    import_name="import_change_file",
    import_summary="Import planned changes from CSV or XLSX (all or nothing)",
)

# The workflow transitions sit between the edit and the archive routes.
add_register_routes(router, CHANGES, ["list", "import", "detail", "create", "update"])


@router.post("/changes/{change_id}/transitions", response=ChangeOut)
def transition_change(request: ApiRequest, change_id: int, payload: TransitionIn) -> ChangeOut:
    change = selectors.change_get(request.auth, change_id)
    moved = services.change_transition(
        by=request.auth, change=change, version=payload.version, to=payload.to, reason=payload.reason
    )
    return _out(moved)


add_register_routes(router, CHANGES, ["archive"])
