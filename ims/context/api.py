"""API of the context registers: issues (4.1) and interested parties (4.2) — list, detail, create, update, archive,
import."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict

from ims.context import selectors, services
from ims.context.importing import import_issues, import_parties
from ims.registers.api import RegisterApi, add_register_routes, list_params, site

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


ISSUES = RegisterApi(
    module=__name__,
    path="/context/issues",
    singular="issue",
    plural="issues",
    out=IssueOut,
    create_in=IssueIn,
    patch_in=IssuePatch,
    filters=list_params(("category", str, ""), ("origin", str, ""), ("standard", str, "")),
    list_records=selectors.issue_list,
    get_record=selectors.issue_get,
    create=services.issue_create,
    update=services.issue_update,
    archive=services.issue_archive,
    record_arg="issue",
    prepare=[site],
    import_records=import_issues,
    import_name="import_issue_file",
    import_summary="Import issues from CSV or XLSX (all or nothing)",
)

PARTIES = RegisterApi(
    module=__name__,
    path="/context/parties",
    singular="party",
    plural="parties",
    out=PartyOut,
    create_in=PartyIn,
    patch_in=PartyPatch,
    filters=list_params(("kind", str, ""), ("standard", str, "")),
    list_records=selectors.party_list,
    get_record=selectors.party_get,
    create=services.party_create,
    update=services.party_update,
    archive=services.party_archive,
    record_arg="party",
    prepare=[site],
    import_records=import_parties,
    import_name="import_party_file",
    import_summary="Import interested parties from CSV or XLSX (all or nothing)",
)

add_register_routes(router, ISSUES)  # issues (4.1)
add_register_routes(router, PARTIES)  # interested parties (4.2)
