"""API of the aspects register: list, detail, create, update, archive, evaluate, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.aspects import selectors, services
from ims.aspects.importing import import_aspects
from ims.aspects.models import Aspect
from ims.org.selectors import site_get

router = Router(tags=["environmental aspects"])


class AspectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int
    activity: str
    aspect: str
    impact: str
    condition: str
    stage: str
    controls: str
    no_action_reason: str
    owner_id: int | None
    review_date: dt.date | None
    significant: bool | None
    score: int | None
    evaluated_at: dt.datetime | None
    archived_at: dt.datetime | None
    version: int


class AspectIn(Schema):
    site_id: int
    reference: str = ""
    activity: str
    aspect: str
    impact: str
    condition: str = "normal"
    stage: str = "production"
    controls: str = ""
    no_action_reason: str = ""
    review_date: dt.date | None = None


class AspectPatch(Schema):
    version: int
    activity: str | None = None
    aspect: str | None = None
    impact: str | None = None
    condition: str | None = None
    stage: str | None = None
    controls: str | None = None
    no_action_reason: str | None = None
    review_date: dt.date | None = None


class EvaluationIn(Schema):
    scores: dict[str, int] = Field(description="One score per criterion of the current method")


class EvaluationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int
    significant: bool
    reason: str
    scores: dict[str, Any]
    evaluated_at: dt.datetime


@router.get("/aspects", response=Page[AspectOut])
def list_aspects(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    significant: bool | None = None,
    condition: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.aspect_list(
        request.auth, q=q, site_id=site_id, significant=significant, condition=condition, archived=archived, sort=sort
    )
    return paginate(request, qs, limit=limit, offset=offset)


class MethodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    criteria: list[dict[str, Any]]
    threshold: int
    description: str
    created_at: dt.datetime


class MethodIn(Schema):
    criteria: list[dict[str, Any]]
    threshold: int
    description: str = ""


@router.get("/aspects/method", response=MethodOut, summary="The significance method in force (documented information)")
def get_method(request: ApiRequest) -> Any:
    return services.current_method()


@router.post("/aspects/method", response={201: MethodOut}, summary="Adopt a new version of the significance method")
def new_method(request: ApiRequest, payload: MethodIn) -> Status[Any]:
    method = services.method_save(
        by=request.auth, criteria=payload.criteria, threshold=payload.threshold, description=payload.description
    )
    return Status(201, method)


@router.post("/aspects/import", response=ImportOut, summary="Import aspects from CSV or XLSX (all or nothing)")
def import_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    report = import_aspects(by=request.auth, stream=file.open("rb"))
    return ImportOut.of(report)


@router.get("/aspects/{aspect_id}", response=AspectOut)
def get_aspect(request: ApiRequest, aspect_id: int) -> Aspect:
    return selectors.aspect_get(request.auth, aspect_id)


@router.post("/aspects", response={201: AspectOut})
def create_aspect(request: ApiRequest, payload: AspectIn) -> Status[Aspect]:
    fields = payload.dict()
    site = site_get(request.auth, fields.pop("site_id"))
    return Status(201, services.aspect_create(by=request.auth, site=site, **fields))


@router.patch("/aspects/{aspect_id}", response=AspectOut)
def update_aspect(request: ApiRequest, aspect_id: int, payload: AspectPatch) -> Aspect:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    aspect = selectors.aspect_get(request.auth, aspect_id)
    return services.aspect_update(by=request.auth, record=aspect, version=version, **fields)


class VersionIn(Schema):
    version: int


@router.post("/aspects/{aspect_id}/archive", response=AspectOut)
def archive_aspect(request: ApiRequest, aspect_id: int, payload: VersionIn) -> Aspect:
    aspect = selectors.aspect_get(request.auth, aspect_id)
    return services.aspect_archive(by=request.auth, aspect=aspect, version=payload.version)


@router.post("/aspects/{aspect_id}/evaluations", response={201: EvaluationOut})
def evaluate_aspect(request: ApiRequest, aspect_id: int, payload: EvaluationIn) -> Status[Any]:
    aspect = selectors.aspect_get(request.auth, aspect_id)
    return Status(201, services.aspect_evaluate(by=request.auth, aspect=aspect, scores=payload.scores))
