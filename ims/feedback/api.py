"""API of customer feedback (ISO 9001 9.1.2): customers, complaints, surveys and their results, compliments.

A CRM pushes complaints (one by one or as a CSV/XLSX file, all or nothing) —
each raises its improvement event — and a survey tool pushes responses.
Customers are named by their code, as the CRM knows them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import ValidationFailed
from ims.feedback import kpis, selectors, services
from ims.feedback.importing import import_complaints, import_responses
from ims.feedback.models import Complaint, Customer, Survey, SurveyResponse
from ims.org.selectors import site_get
from ims.processes.selectors import processes_visible_to

router = Router(tags=["feedback"])


# --- schemas ---------------------------------------------------------------------------


class CustomerOut(BaseModel):
    id: int
    code: str
    name: str
    contact: str
    site_ids: list[int]
    archived: bool
    version: int


class CustomerIn(Schema):
    code: str
    name: str
    contact: str = ""
    site_ids: list[int] = []


class CustomerPatch(Schema):
    version: int
    name: str | None = None
    contact: str | None = None
    site_ids: list[int] | None = None


class ComplaintOut(BaseModel):
    id: int
    reference: str
    customer: str
    customer_id: int
    site_id: int
    received_on: dt.date
    title: str
    description: str
    order_ref: str
    product_ref: str
    response_due: dt.date
    overdue: bool
    response_sent_on: dt.date | None
    response: str
    status: str
    reason: str
    external_ref: str
    event_id: int | None
    event_reference: str | None
    version: int


class ComplaintIn(Schema):
    customer: str
    received_on: dt.date
    description: str
    site_id: int | None = None
    title: str = ""
    order_ref: str = ""
    product_ref: str = ""
    response_due: dt.date | None = None
    external_ref: str = ""
    process_id: int | None = None


class ComplaintPatch(Schema):
    version: int
    title: str | None = None
    description: str | None = None
    order_ref: str | None = None
    product_ref: str | None = None
    received_on: dt.date | None = None
    response_due: dt.date | None = None


class RespondIn(Schema):
    version: int
    response: str
    sent_on: dt.date | None = None


class ComplaintTransitionIn(Schema):
    version: int
    operation: str
    reason: str = ""


class QuestionIO(Schema):
    code: str
    text: str
    scale_min: int = 1
    scale_max: int = 5
    recommend: bool = False


class SurveyOut(BaseModel):
    id: int
    title: str
    site_id: int | None
    period_start: dt.date
    period_end: dt.date
    description: str
    questions: list[QuestionIO]
    responses: int
    version: int


class SurveyIn(Schema):
    title: str
    period_start: dt.date
    period_end: dt.date
    questions: list[QuestionIO]
    site_id: int | None = None
    description: str = ""


class SurveyPatch(Schema):
    version: int
    title: str | None = None
    description: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    questions: list[QuestionIO] | None = None


class ResponseOut(BaseModel):
    id: int
    survey_id: int
    customer: str
    answered_on: dt.date
    respondent: str
    comment: str
    external_ref: str
    scores: dict[str, int]


class ResponseIn(Schema):
    customer: str
    answered_on: dt.date
    scores: dict[str, int | Decimal | str]
    respondent: str = ""
    comment: str = ""
    external_ref: str = ""


class ComplimentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    site_id: int
    received_on: dt.date
    description: str


class ComplimentIn(Schema):
    customer: str
    site_id: int
    received_on: dt.date
    description: str


class VolumeIn(Schema):
    site_id: int
    month: dt.date
    units: int


class VolumeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    site_id: int
    month: dt.date
    units: int
    version: int


class KpiOut(BaseModel):
    period: str
    start: dt.date
    end: dt.date
    responses: int
    scores: int
    csat: Decimal | None
    recommend_answers: int
    promoters: int
    passives: int
    detractors: int
    nps: Decimal | None
    complaints: int
    compliments: int
    units_shipped: int | None
    complaints_per_million: Decimal | None


# --- building the answers --------------------------------------------------------------


def _customer_out(c: Customer) -> CustomerOut:
    return CustomerOut(
        id=c.pk,
        code=c.code,
        name=c.name,
        contact=c.contact,
        site_ids=sorted(s.pk for s in c.sites.all()),
        archived=c.archived_at is not None,
        version=c.version,
    )


def _complaint_out(c: Complaint) -> ComplaintOut:
    return ComplaintOut(
        id=c.pk,
        reference=c.reference,
        customer=c.customer.code,
        customer_id=c.customer_id,
        site_id=c.site_id,
        received_on=c.received_on,
        title=c.title,
        description=c.description,
        order_ref=c.order_ref,
        product_ref=c.product_ref,
        response_due=c.response_due,
        overdue=c.status == "open" and c.response_due < timezone.localdate(),
        response_sent_on=c.response_sent_on,
        response=c.response,
        status=c.status,
        reason=c.reason,
        external_ref=c.external_ref,
        event_id=c.event_id,
        event_reference=c.event.reference if c.event is not None else None,
        version=c.version,
    )


def _survey_out(s: Survey) -> SurveyOut:
    return SurveyOut(
        id=s.pk,
        title=s.title,
        site_id=s.site_id,
        period_start=s.period_start,
        period_end=s.period_end,
        description=s.description,
        questions=[
            QuestionIO(code=q.code, text=q.text, scale_min=q.scale_min, scale_max=q.scale_max, recommend=q.recommend)
            for q in s.questions.all()
        ],
        responses=s.responses.count(),
        version=s.version,
    )


def _response_out(r: SurveyResponse) -> ResponseOut:
    return ResponseOut(
        id=r.pk,
        survey_id=r.survey_id,
        customer=r.customer.code,
        answered_on=r.answered_on,
        respondent=r.respondent,
        comment=r.comment,
        external_ref=r.external_ref,
        scores={s.question.code: s.value for s in r.scores.select_related("question")},
    )


def _sites(request: ApiRequest, ids: list[int]) -> list[Any]:
    return [site_get(request.auth, pk) for pk in ids]


def _process(request: ApiRequest, process_id: int | None) -> Any:
    if process_id is None:
        return None
    found = processes_visible_to(request.auth).filter(pk=process_id).first()
    if found is None:
        raise ValidationFailed({"process_id": [f"No process with id {process_id} that you may see."]})
    return found


def _questions(items: list[QuestionIO]) -> list[services.QuestionSpec]:
    return [services.QuestionSpec(q.code, q.text, q.scale_min, q.scale_max, q.recommend) for q in items]


# --- customers -------------------------------------------------------------------------
# Fixed paths (import, kpis) come before the /{id} routes: Ninja matches in order.


@router.get("/customers", response=Page[CustomerOut])
def list_customers(request: ApiRequest, q: str = "", limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.customers_visible_to(request.auth).prefetch_related("sites")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    page = paginate(request, qs.order_by("code"), limit=limit, offset=offset)
    page["items"] = [_customer_out(c) for c in page["items"]]
    return page


@router.post("/customers", response={201: CustomerOut})
def create_customer(request: ApiRequest, payload: CustomerIn) -> Status[Any]:
    data = payload.dict()
    sites = _sites(request, data.pop("site_ids"))
    return Status(201, _customer_out(services.customer_create(by=request.auth, sites=sites, **data)))


@router.get("/customers/{customer_id}", response=CustomerOut)
def get_customer(request: ApiRequest, customer_id: int) -> Any:
    return _customer_out(selectors.customer_get(request.auth, customer_id))


@router.patch("/customers/{customer_id}", response=CustomerOut)
def update_customer(request: ApiRequest, customer_id: int, payload: CustomerPatch) -> Any:
    customer = selectors.customer_get(request.auth, customer_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    ids = fields.pop("site_ids", None)
    sites = _sites(request, ids) if ids is not None else None
    services.customer_update(by=request.auth, customer=customer, version=version, sites=sites, **fields)
    return _customer_out(selectors.customer_get(request.auth, customer_id))


# --- complaints ------------------------------------------------------------------------


@router.get("/complaints", response=Page[ComplaintOut])
def list_complaints(
    request: ApiRequest,
    q: str = "",
    status: str = "",
    customer: str = "",
    site_id: int | None = None,
    overdue: bool = False,
    sort: str = "-received",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    customer_id = selectors.customer_by_code(request.auth, customer).pk if customer else None
    qs = selectors.complaint_list(
        request.auth,
        q=q,
        status=status,
        customer_id=customer_id,
        site_id=site_id,
        overdue_only=overdue,
        sort=sort,
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [_complaint_out(c) for c in page["items"]]
    return page


@router.post("/complaints", response={201: ComplaintOut}, summary="Record a complaint; it raises its improvement event")
def create_complaint(request: ApiRequest, payload: ComplaintIn) -> Status[Any]:
    data = payload.dict()
    customer = selectors.customer_by_code(request.auth, data.pop("customer"))
    site_id = data.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    process = _process(request, data.pop("process_id"))
    complaint = services.complaint_create(by=request.auth, customer=customer, site=site, process=process, **data)
    return Status(201, _complaint_out(selectors.complaint_get(request.auth, complaint.pk)))


@router.post("/complaints/import", response=ImportOut, summary="Import complaints from CSV or XLSX (all or nothing)")
def import_complaint_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_complaints(by=request.auth, stream=file.open("rb")))


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def get_complaint(request: ApiRequest, complaint_id: int) -> Any:
    return _complaint_out(selectors.complaint_get(request.auth, complaint_id))


@router.patch("/complaints/{complaint_id}", response=ComplaintOut)
def update_complaint(request: ApiRequest, complaint_id: int, payload: ComplaintPatch) -> Any:
    complaint = selectors.complaint_get(request.auth, complaint_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    services.complaint_update(by=request.auth, complaint=complaint, version=version, **fields)
    return _complaint_out(selectors.complaint_get(request.auth, complaint_id))


@router.post("/complaints/{complaint_id}/response", response=ComplaintOut, summary="Record the response sent")
def respond_complaint(request: ApiRequest, complaint_id: int, payload: RespondIn) -> Any:
    complaint = selectors.complaint_get(request.auth, complaint_id)
    services.complaint_respond(by=request.auth, complaint=complaint, **payload.dict())
    return _complaint_out(selectors.complaint_get(request.auth, complaint_id))


@router.post("/complaints/{complaint_id}/transitions", response=ComplaintOut, summary="Close, reopen or withdraw")
def move_complaint(request: ApiRequest, complaint_id: int, payload: ComplaintTransitionIn) -> Any:
    complaint = selectors.complaint_get(request.auth, complaint_id)
    services.complaint_transition(by=request.auth, complaint=complaint, **payload.dict())
    return _complaint_out(selectors.complaint_get(request.auth, complaint_id))


# --- surveys ---------------------------------------------------------------------------


@router.get("/surveys", response=Page[SurveyOut])
def list_surveys(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.surveys_visible_to(request.auth).filter(archived_at__isnull=True).prefetch_related("questions")
    page = paginate(request, qs.order_by("-period_end", "-id"), limit=limit, offset=offset)
    page["items"] = [_survey_out(s) for s in page["items"]]
    return page


@router.post("/surveys", response={201: SurveyOut})
def create_survey(request: ApiRequest, payload: SurveyIn) -> Status[Any]:
    data = payload.dict()
    site_id = data.pop("site_id")
    survey = services.survey_create(
        by=request.auth,
        site=site_get(request.auth, site_id) if site_id is not None else None,
        questions=_questions(payload.questions),
        **{k: v for k, v in data.items() if k != "questions"},
    )
    return Status(201, _survey_out(survey))


@router.get("/surveys/{survey_id}", response=SurveyOut)
def get_survey(request: ApiRequest, survey_id: int) -> Any:
    return _survey_out(selectors.survey_get(request.auth, survey_id))


@router.patch("/surveys/{survey_id}", response=SurveyOut)
def update_survey(request: ApiRequest, survey_id: int, payload: SurveyPatch) -> Any:
    survey = selectors.survey_get(request.auth, survey_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    questions = fields.pop("questions", None)
    services.survey_update(
        by=request.auth,
        survey=survey,
        version=version,
        questions=_questions(payload.questions or []) if questions is not None else None,
        **fields,
    )
    return _survey_out(selectors.survey_get(request.auth, survey_id))


@router.get("/surveys/{survey_id}/responses", response=Page[ResponseOut])
def list_responses(request: ApiRequest, survey_id: int, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    survey = selectors.survey_get(request.auth, survey_id)
    qs = (
        survey.responses.select_related("customer").prefetch_related("scores__question").order_by("-answered_on", "-id")
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [_response_out(r) for r in page["items"]]
    return page


@router.post("/surveys/{survey_id}/responses", response={201: ResponseOut}, summary="Record one customer's answers")
def add_response(request: ApiRequest, survey_id: int, payload: ResponseIn) -> Status[Any]:
    survey = selectors.survey_get(request.auth, survey_id)
    data = payload.dict()
    customer = selectors.customer_by_code(request.auth, data.pop("customer"))
    response = services.response_add(by=request.auth, survey=survey, customer=customer, **data)
    return Status(201, _response_out(response))


@router.post(
    "/surveys/{survey_id}/responses/import",
    response=ImportOut,
    summary="Import survey results from CSV or XLSX: one row per response, one column per question (all or nothing)",
)
def import_response_file(request: ApiRequest, survey_id: int, file: File[UploadedFile]) -> Any:
    survey = selectors.survey_get(request.auth, survey_id)
    return ImportOut.of(import_responses(by=request.auth, survey=survey, stream=file.open("rb")))


@router.get("/survey-responses/{response_id}", response=ResponseOut)
def get_response(request: ApiRequest, response_id: int) -> Any:
    return _response_out(selectors.response_get(request.auth, response_id))


# --- compliments, volumes, KPIs --------------------------------------------------------


@router.get("/compliments", response=Page[ComplimentOut])
def list_compliments(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.compliments_visible_to(request.auth).order_by("-received_on", "-id")
    return paginate(request, qs, limit=limit, offset=offset)


@router.post("/compliments", response={201: ComplimentOut})
def add_compliment(request: ApiRequest, payload: ComplimentIn) -> Status[Any]:
    customer = selectors.customer_by_code(request.auth, payload.customer)
    site = site_get(request.auth, payload.site_id)
    compliment = services.compliment_add(
        by=request.auth, customer=customer, site=site, received_on=payload.received_on, description=payload.description
    )
    return Status(201, compliment)


@router.get("/shipment-volumes", response=Page[VolumeOut])
def list_volumes(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.volumes_visible_to(request.auth).order_by("-month", "site_id")
    return paginate(request, qs, limit=limit, offset=offset)


@router.put("/shipment-volumes", response=VolumeOut, summary="Record the units a site shipped in a month")
def save_volume(request: ApiRequest, payload: VolumeIn) -> Any:
    site = site_get(request.auth, payload.site_id)
    return services.shipment_volume_save(by=request.auth, site=site, month=payload.month, units=payload.units)


@router.get("/customer-satisfaction", response=list[KpiOut], summary="CSAT, NPS and complaint rate per period")
def satisfaction_kpis(request: ApiRequest, period: str = "quarter", count: int = 8, site_id: int | None = None) -> Any:
    rows = kpis.satisfaction(request.auth, granularity=period, count=count, site_id=site_id)
    return [
        KpiOut(
            period=k.period.label,
            start=k.period.start,
            end=k.period.end,
            **{name: getattr(k, name) for name in KpiOut.model_fields if name not in ("period", "start", "end")},
        )
        for k in rows
    ]
