"""API of the aspects register: list, detail, create, update, archive, evaluate, import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.aspects import selectors, services
from ims.aspects.importing import import_aspects
from ims.registers.api import RegisterApi, add_register_routes, list_params, site

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


ASPECTS = RegisterApi(
    module=__name__,
    path="/aspects",
    singular="aspect",
    plural="aspects",
    out=AspectOut,
    create_in=AspectIn,
    patch_in=AspectPatch,
    filters=list_params(("significant", bool | None, None), ("condition", str, ""), org_wide=False),
    list_records=selectors.aspect_list,
    get_record=selectors.aspect_get,
    create=services.aspect_create,
    update=services.aspect_update,
    archive=services.aspect_archive,
    record_arg="aspect",
    update_record_arg="record",
    prepare=[site],
    import_records=import_aspects,
    import_summary="Import aspects from CSV or XLSX (all or nothing)",
)

add_register_routes(router, ASPECTS, ["list"])


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


# The method and import routes come before the /{id} routes: Ninja matches in order.
add_register_routes(router, ASPECTS, ["import", "detail", "create", "update", "archive"])


@router.post("/aspects/{aspect_id}/evaluations", response={201: EvaluationOut})
def evaluate_aspect(request: ApiRequest, aspect_id: int, payload: EvaluationIn) -> Status[Any]:
    aspect = selectors.aspect_get(request.auth, aspect_id)
    return Status(201, services.aspect_evaluate(by=request.auth, aspect=aspect, scores=payload.scores))
