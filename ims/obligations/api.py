"""API of the compliance obligations register: CRUD, archive, evaluations, permit limits, import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import NotFound
from ims.obligations import selectors, services
from ims.obligations.importing import import_obligations
from ims.obligations.models import Evaluation, Obligation, Permit
from ims.org.models import Site
from ims.org.selectors import sites_visible_to

router = Router(tags=["compliance obligations"])


class ObligationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    title: str
    jurisdiction: str
    issuer: str
    citation: str
    kind: str
    site_ids: list[int]
    requirement: str
    owner_id: int | None
    evaluation_frequency_months: int
    standards: list[str]
    next_evaluation_due: dt.date | None
    last_result: str
    last_evaluated_on: dt.date | None
    archived_at: dt.datetime | None
    version: int


def _out(obligation: Obligation) -> ObligationOut:
    data = {name: getattr(obligation, name) for name in ObligationOut.model_fields if name != "site_ids"}
    return ObligationOut(**data, site_ids=sorted(s.pk for s in obligation.sites.all()))


class ObligationIn(Schema):
    reference: str = ""
    title: str
    kind: str = "regulation"
    jurisdiction: str = ""
    issuer: str = ""
    citation: str = ""
    site_ids: list[int] = []
    requirement: str = ""
    evaluation_frequency_months: int = 12
    standards: list[str] = ["iso14001"]


class ObligationPatch(Schema):
    version: int
    title: str | None = None
    kind: str | None = None
    jurisdiction: str | None = None
    issuer: str | None = None
    citation: str | None = None
    site_ids: list[int] | None = None
    requirement: str | None = None
    evaluation_frequency_months: int | None = None
    standards: list[str] | None = None


class EvaluationIn(Schema):
    evaluated_on: dt.date
    result: str
    evidence: str = ""
    note: str = ""
    corrective_action: str = ""


class EvaluationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    evaluated_on: dt.date
    result: str
    evidence: str
    note: str
    corrective_action: str
    evaluated_by_id: int


class PermitIn(Schema):
    parameter: str
    limit_value: Decimal
    unit: str
    averaging_period: str = ""
    expires_on: dt.date | None = None


class PermitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parameter: str
    limit_value: Decimal
    unit: str
    averaging_period: str
    expires_on: dt.date | None


class VersionIn(Schema):
    version: int


def _sites(request: ApiRequest, ids: list[int]) -> list[Site]:
    found = {s.pk: s for s in sites_visible_to(request.auth).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No site with id {missing[0]} that you may see.")
    return [found[i] for i in dict.fromkeys(ids)]


@router.get("/obligations", response=Page[ObligationOut])
def list_obligations(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    kind: str = "",
    jurisdiction: str = "",
    overdue: bool | None = None,
    result: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.obligation_list(
        request.auth,
        q=q,
        site_id=site_id,
        kind=kind,
        jurisdiction=jurisdiction,
        overdue=overdue,
        result=result,
        archived=archived,
        sort=sort,
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [_out(o) for o in page["items"]]
    return page


@router.post("/obligations/import", response=ImportOut, summary="Import obligations from CSV or XLSX (all or nothing)")
def import_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    report = import_obligations(by=request.auth, stream=file.open("rb"))
    return ImportOut.of(report)


@router.get("/obligations/{obligation_id}", response=ObligationOut)
def get_obligation(request: ApiRequest, obligation_id: int) -> ObligationOut:
    return _out(selectors.obligation_get(request.auth, obligation_id))


@router.post("/obligations", response={201: ObligationOut})
def create_obligation(request: ApiRequest, payload: ObligationIn) -> Status[ObligationOut]:
    fields = payload.dict()
    sites = _sites(request, fields.pop("site_ids"))
    return Status(201, _out(services.obligation_create(by=request.auth, sites=sites, **fields)))


@router.patch("/obligations/{obligation_id}", response=ObligationOut)
def update_obligation(request: ApiRequest, obligation_id: int, payload: ObligationPatch) -> ObligationOut:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    obligation = selectors.obligation_get(request.auth, obligation_id)
    site_ids = fields.pop("site_ids", None)
    sites = None if site_ids is None else _sites(request, site_ids)
    updated = services.obligation_update(by=request.auth, record=obligation, version=version, sites=sites, **fields)
    return _out(updated)


@router.post("/obligations/{obligation_id}/archive", response=ObligationOut)
def archive_obligation(request: ApiRequest, obligation_id: int, payload: VersionIn) -> ObligationOut:
    obligation = selectors.obligation_get(request.auth, obligation_id)
    return _out(services.obligation_archive(by=request.auth, obligation=obligation, version=payload.version))


@router.get("/obligations/{obligation_id}/evaluations", response=list[EvaluationOut])
def list_evaluations(request: ApiRequest, obligation_id: int) -> list[Evaluation]:
    obligation = selectors.obligation_get(request.auth, obligation_id)
    return list(obligation.evaluations.all()[:500])


@router.post("/obligations/{obligation_id}/evaluations", response={201: EvaluationOut})
def evaluate_obligation(request: ApiRequest, obligation_id: int, payload: EvaluationIn) -> Status[Evaluation]:
    obligation = selectors.obligation_get(request.auth, obligation_id)
    return Status(201, services.obligation_evaluate(by=request.auth, obligation=obligation, **payload.dict()))


@router.post("/obligations/{obligation_id}/permits", response={201: PermitOut})
def add_permit(request: ApiRequest, obligation_id: int, payload: PermitIn) -> Status[Permit]:
    obligation = selectors.obligation_get(request.auth, obligation_id)
    return Status(201, services.permit_add(by=request.auth, obligation=obligation, **payload.dict()))
