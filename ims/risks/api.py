"""API of the risks and opportunities register (6.1): list, detail, create, update, archive, treatments, import."""

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
from ims.risks import selectors, services
from ims.risks.importing import import_risks
from ims.risks.models import Risk, RiskMatrix, Treatment

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


# The matrix and import routes come before the /{id} routes: Ninja matches in order.


@router.get("/risks", response=Page[RiskOut])
def list_risks(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    kind: str = "",
    source_kind: str = "",
    band: str = "",
    overdue: bool = False,
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.risk_list(
        request.auth,
        q=q,
        site_id=site_id,
        org_wide=org_wide,
        kind=kind,
        source_kind=source_kind,
        band=band,
        overdue=overdue,
        archived=archived,
        sort=sort,
    )
    return paginate(request, qs, limit=limit, offset=offset)


@router.get("/risks/matrix", response=MatrixOut, summary="The risk matrix in force (documented information)")
def get_matrix(request: ApiRequest) -> RiskMatrix:
    return services.current_matrix()


@router.post("/risks/matrix", response={201: MatrixOut}, summary="Adopt a new version of the risk matrix")
def new_matrix(request: ApiRequest, payload: MatrixIn) -> Status[RiskMatrix]:
    return Status(201, services.matrix_save(by=request.auth, **payload.dict()))


@router.post("/risks/import", response=ImportOut, summary="Import risks and opportunities from CSV or XLSX")
def import_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    report = import_risks(by=request.auth, stream=file.open("rb"))
    return ImportOut.of(report)


@router.get("/risks/{risk_id}", response=RiskOut)
def get_risk(request: ApiRequest, risk_id: int) -> Risk:
    return selectors.risk_get(request.auth, risk_id)


@router.post("/risks", response={201: RiskOut})
def create_risk(request: ApiRequest, payload: RiskIn) -> Status[Risk]:
    fields = payload.dict()
    site_id = fields.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    _owner(fields)
    return Status(201, services.risk_create(by=request.auth, site=site, **fields))


@router.patch("/risks/{risk_id}", response=RiskOut)
def update_risk(request: ApiRequest, risk_id: int, payload: RiskPatch) -> Risk:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    _owner(fields)
    risk = selectors.risk_get(request.auth, risk_id)
    return services.risk_update(by=request.auth, risk=risk, version=version, **fields)


@router.post("/risks/{risk_id}/archive", response=RiskOut)
def archive_risk(request: ApiRequest, risk_id: int, payload: VersionIn) -> Risk:
    risk = selectors.risk_get(request.auth, risk_id)
    return services.risk_archive(by=request.auth, risk=risk, version=payload.version)


@router.get("/risks/{risk_id}/treatments", response=list[TreatmentOut])
def list_treatments(request: ApiRequest, risk_id: int) -> Any:
    return list(selectors.risk_get(request.auth, risk_id).treatments.all())


@router.post("/risks/{risk_id}/treatments", response={201: TreatmentOut})
def add_treatment(request: ApiRequest, risk_id: int, payload: TreatmentIn) -> Status[Treatment]:
    risk = selectors.risk_get(request.auth, risk_id)
    fields = payload.dict()
    _owner(fields)
    return Status(201, services.treatment_add(by=request.auth, risk=risk, **fields))


@router.patch("/risks/{risk_id}/treatments/{treatment_id}", response=TreatmentOut, summary="Mark a treatment done")
def update_treatment(request: ApiRequest, risk_id: int, treatment_id: int, payload: TreatmentPatch) -> Treatment:
    if payload.status != "done":
        raise ValidationFailed({"status": ["A treatment can only be marked done."]})
    risk = selectors.risk_get(request.auth, risk_id)
    treatment = selectors.treatment_get(request.auth, risk, treatment_id)
    return services.treatment_done(by=request.auth, treatment=treatment, done_on=payload.done_on)
