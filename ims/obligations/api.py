"""API of the compliance obligations register: CRUD, archive, evaluations, permit limits, import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.core.errors import NotFound
from ims.obligations import selectors, services
from ims.obligations.importing import import_obligations
from ims.obligations.models import Evaluation, Obligation, Permit
from ims.org.models import Site
from ims.org.selectors import sites_visible_to
from ims.registers.api import RegisterApi, add_register_routes, list_params

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


def _sites(user: Any, ids: list[int]) -> list[Site]:
    found = {s.pk: s for s in sites_visible_to(user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No site with id {missing[0]} that you may see.")
    return [found[i] for i in dict.fromkeys(ids)]


def _create(*, by: Any, site_ids: list[int], **fields: Any) -> Obligation:
    return services.obligation_create(by=by, sites=_sites(by, site_ids), **fields)


def _update(*, by: Any, record: Obligation, version: int, site_ids: list[int] | None = None, **fields: Any) -> Any:
    sites = None if site_ids is None else _sites(by, site_ids)
    return services.obligation_update(by=by, record=record, version=version, sites=sites, **fields)


OBLIGATIONS = RegisterApi(
    module=__name__,
    path="/obligations",
    singular="obligation",
    plural="obligations",
    out=ObligationOut,
    create_in=ObligationIn,
    patch_in=ObligationPatch,
    filters=list_params(
        ("kind", str, ""),
        ("jurisdiction", str, ""),
        ("overdue", bool | None, None),
        ("result", str, ""),
        org_wide=False,
    ),
    list_records=selectors.obligation_list,
    get_record=selectors.obligation_get,
    create=_create,
    update=_update,
    archive=services.obligation_archive,
    record_arg="obligation",
    update_record_arg="record",
    present=_out,
    import_records=import_obligations,
    import_summary="Import obligations from CSV or XLSX (all or nothing)",
)

add_register_routes(router, OBLIGATIONS)


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
