"""API of the risks and opportunities register (6.1): list, detail, create, update, archive, treatments, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.core.errors import ValidationFailed
from ims.registers.api import RegisterApi, active_user, add_register_routes, list_params, site
from ims.risks import selectors, services
from ims.risks.importing import import_risks
from ims.risks.models import RiskMatrix, Treatment

router = Router(tags=["risks and opportunities"])


class RiskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int | None
    title: str
    description: str
    kind: str
    source_kind: str
    source_record_type: str
    source_record_id: str
    standards: list[str]
    likelihood: int
    consequence: int
    residual_likelihood: int | None
    residual_consequence: int | None
    inherent_score: int | None
    inherent_band: str
    residual_score: int | None
    residual_band: str
    owner_id: int | None
    review_date: dt.date | None
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class RiskIn(Schema):
    site_id: int | None = None
    reference: str = ""
    title: str
    description: str = ""
    kind: str = "risk"
    source_kind: str = "other"
    source_record_type: str = ""
    source_record_id: str = ""
    standards: list[str] = ["iso9001", "iso14001"]
    likelihood: int
    consequence: int
    residual_likelihood: int | None = None
    residual_consequence: int | None = None
    owner_id: int | None = None
    review_date: dt.date | None = None


class RiskPatch(Schema):
    version: int
    title: str | None = None
    description: str | None = None
    kind: str | None = None
    source_kind: str | None = None
    source_record_type: str | None = None
    source_record_id: str | None = None
    standards: list[str] | None = None
    likelihood: int | None = None
    consequence: int | None = None
    residual_likelihood: int | None = None
    residual_consequence: int | None = None
    owner_id: int | None = None
    review_date: dt.date | None = None


class TreatmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    risk_id: int
    action: str
    owner_id: int | None
    due_date: dt.date | None
    status: str
    done_on: dt.date | None


class TreatmentIn(Schema):
    action: str
    owner_id: int | None = None
    due_date: dt.date | None = None


class TreatmentPatch(Schema):
    status: str = "done"
    done_on: dt.date | None = None


class MatrixOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    size: int
    likelihood_labels: list[str]
    consequence_labels: list[str]
    bands: list[dict[str, Any]]
    description: str
    created_at: dt.datetime


class MatrixIn(Schema):
    size: int
    likelihood_labels: list[str]
    consequence_labels: list[str]
    bands: list[dict[str, Any]]
    description: str = ""


owner = active_user("owner_id", "owner")

RISKS = RegisterApi(
    module=__name__,
    path="/risks",
    singular="risk",
    plural="risks",
    out=RiskOut,
    create_in=RiskIn,
    patch_in=RiskPatch,
    filters=list_params(("kind", str, ""), ("source_kind", str, ""), ("band", str, ""), ("overdue", bool, False)),
    list_records=selectors.risk_list,
    get_record=selectors.risk_get,
    create=services.risk_create,
    update=services.risk_update,
    archive=services.risk_archive,
    record_arg="risk",
    prepare=[site, owner],
    import_records=import_risks,
    import_summary="Import risks and opportunities from CSV or XLSX",
)

# The matrix and import routes come before the /{id} routes: Ninja matches in order.
add_register_routes(router, RISKS, ["list"])


@router.get("/risks/matrix", response=MatrixOut, summary="The risk matrix in force (documented information)")
def get_matrix(request: ApiRequest) -> RiskMatrix:
    return services.current_matrix()


@router.post("/risks/matrix", response={201: MatrixOut}, summary="Adopt a new version of the risk matrix")
def new_matrix(request: ApiRequest, payload: MatrixIn) -> Status[RiskMatrix]:
    return Status(201, services.matrix_save(by=request.auth, **payload.dict()))


add_register_routes(router, RISKS, ["import", "detail", "create", "update", "archive"])


@router.get("/risks/{risk_id}/treatments", response=list[TreatmentOut])
def list_treatments(request: ApiRequest, risk_id: int) -> Any:
    return list(selectors.risk_get(request.auth, risk_id).treatments.all())


@router.post("/risks/{risk_id}/treatments", response={201: TreatmentOut})
def add_treatment(request: ApiRequest, risk_id: int, payload: TreatmentIn) -> Status[Treatment]:
    risk = selectors.risk_get(request.auth, risk_id)
    fields = payload.dict()
    owner(request, fields)
    return Status(201, services.treatment_add(by=request.auth, risk=risk, **fields))


@router.patch("/risks/{risk_id}/treatments/{treatment_id}", response=TreatmentOut, summary="Mark a treatment done")
def update_treatment(request: ApiRequest, risk_id: int, treatment_id: int, payload: TreatmentPatch) -> Treatment:
    if payload.status != "done":
        raise ValidationFailed({"status": ["A treatment can only be marked done."]})
    risk = selectors.risk_get(request.auth, risk_id)
    treatment = selectors.treatment_get(request.auth, risk, treatment_id)
    return services.treatment_done(by=request.auth, treatment=treatment, done_on=payload.done_on)
