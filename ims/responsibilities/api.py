"""API of roles, responsibilities and authorities (5.3): list, detail, create, update, archive, import."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict

from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params, rename, site
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


def _out(record: Responsibility) -> ResponsibilityOut:
    linked = {"holder_ids", "process_ids"}
    data = {name: getattr(record, name) for name in ResponsibilityOut.model_fields if name not in linked}
    return ResponsibilityOut(
        **data,
        holder_ids=sorted(u.pk for u in record.holders.all()),
        process_ids=sorted(p.pk for p in record.processes.all()),
    )


RESPONSIBILITIES = RegisterApi(
    module=__name__,
    path="/responsibilities",
    singular="responsibility",
    plural="responsibilities",
    out=ResponsibilityOut,
    create_in=ResponsibilityIn,
    patch_in=ResponsibilityPatch,
    filters=list_params(
        ("holder_id", int | None, None),
        ("process_id", int | None, None),
        ("duty", str, ""),
        ("top_management", bool | None, None),
        ("overdue", bool | None, None),
    ),
    list_records=selectors.responsibility_list,
    get_record=selectors.responsibility_get,
    create=services.responsibility_create,
    update=services.responsibility_update,
    archive=services.responsibility_archive,
    record_arg="responsibility",
    prepare=[
        active_user("deputy_id", "deputy"),
        rename("holder_ids", "holders"),
        rename("process_ids", "processes"),
        site,
    ],
    present=_out,
    prefetch=("holders", "processes"),
    import_records=import_responsibilities,
    import_name="import_responsibility_file",
    import_summary="Import roles and responsibilities from CSV or XLSX (all or nothing)",
)

add_register_routes(router, RESPONSIBILITIES)
