"""API of the improvement register (ISO 9001 8.7 and 10; ISO 14001 10).

An inspection system, a SCADA alarm or an ERP pushes events here (one by one
or as a CSV/XLSX file, all or nothing); people move them through the workflow.
Closing is an electronic signature: the body carries the signer's password,
even with a valid token.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import NotFound, ValidationFailed
from ims.improvement import actions as action_services
from ims.improvement import configuration, investigation, selectors, services, workflow
from ims.improvement.cost_api import router as cost_router
from ims.improvement.importing import import_events
from ims.improvement.models import Action, CauseCategory, Event, Severity
from ims.org.selectors import site_get
from ims.processes.api import owner_of
from ims.processes.selectors import processes_visible_to
from ims.standards.models import Clause

router = Router(tags=["improvement"])
router.add_router("", cost_router)  # the cost of poor quality, the analysis, the effectiveness checks due


# --- schemas ---------------------------------------------------------------------------


class SeverityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    rank: int
    step_days: int
    active: bool
    version: int


class CauseCategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    branch: str
    shallow: bool
    active: bool
    version: int


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str
    owner_id: int | None
    due: dt.date | None
    started_at: dt.datetime
    finished_at: dt.datetime | None


class ContainmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    quantity: Decimal | None
    unit: str
    mass_kg: Decimal | None
    disposition: str
    concession: str
    done_at: dt.datetime
    done_by_id: int


class WhyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    why: str
    because: str


class CauseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    branch: str
    text: str
    is_root: bool


class CheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    criterion: str
    due: dt.date
    result: str
    evidence: str
    checked_by_id: int | None
    checked_at: dt.datetime | None


class LinkOut(BaseModel):
    record_type: str
    record_id: str


class ActionOut(BaseModel):
    id: int
    event_id: int
    number: int
    kind: str
    description: str
    owner_id: int
    due: dt.date
    status: str
    criterion: str
    check_after_days: int
    follow_up_of_id: int | None
    done_on: dt.date | None
    done_note: str
    cancel_reason: str
    links: list[LinkOut]
    checks: list[CheckOut]
    version: int


class SignatureOut(BaseModel):
    signer_id: int
    signer_name: str
    meaning: str
    signed_at: dt.datetime
    content_sha256: str
    valid: bool


class EventSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    type: str
    title: str
    site_id: int
    occurred_at: dt.datetime
    process_id: int | None
    severity: str | None
    status: str
    owner_id: int | None
    updated_at: dt.datetime
    version: int


class EventOut(EventSummary):
    description: str
    location: str
    standards: list[str]
    clause_ids: list[int]
    source_type: str
    source_id: str
    external_ref: str
    has_photo: bool
    reporter_id: int
    step: StepOut | None
    overdue: bool
    next: list[str]
    root_cause: str
    cause_category: str | None
    reason: str
    duplicate_of_id: int | None
    recurrence_ids: list[int]
    containment: list[ContainmentOut]
    whys: list[WhyOut]
    fishbone: list[CauseOut]
    actions: list[ActionOut]
    closed_at: dt.datetime | None
    closed_by_id: int | None
    closure_signature: SignatureOut | None
    warnings: list[str]
    created_at: dt.datetime


class EventIn(Schema):
    site_id: int
    type: str
    description: str
    title: str = ""
    occurred_at: dt.datetime | None = None
    location: str = ""
    process_id: int | None = None
    source_type: str = ""
    source_id: str = ""
    standards: list[str] | None = None
    clause_ids: list[int] = []
    external_ref: str = ""


class EventPatch(Schema):
    version: int
    type: str | None = None
    title: str | None = None
    description: str | None = None
    occurred_at: dt.datetime | None = None
    location: str | None = None
    process_id: int | None = None
    severity: str | None = None
    standards: list[str] | None = None
    clause_ids: list[int] | None = None
    owner_id: int | None = None
    root_cause: str | None = None
    cause_category: str | None = None
    source_type: str | None = None
    source_id: str | None = None


class TriageIn(Schema):
    version: int
    owner_id: int
    severity: str
    due: dt.date | None = None
    type: str | None = None
    process_id: int | None = None


class TransitionIn(Schema):
    version: int
    to: str
    reason: str = ""
    duplicate_of_id: int | None = None
    due: dt.date | None = None
    owner_id: int | None = None
    password: str = ""


class CloseIn(Schema):
    version: int
    password: str


class StepIn(Schema):
    version: int
    due: dt.date | None = None
    owner_id: int | None = None


class ContainmentIn(Schema):
    description: str
    quantity: Decimal | None = None
    unit: str = ""
    mass_kg: Decimal | None = None
    disposition: str = ""
    concession: str = ""
    done_at: dt.datetime | None = None


class WhyIn(Schema):
    why: str
    because: str


class WhysIn(Schema):
    version: int
    steps: list[WhyIn]


class CauseIn(Schema):
    branch: str
    text: str
    is_root: bool = False


class FishboneIn(Schema):
    version: int
    causes: list[CauseIn]


class LinkIn(Schema):
    record_type: str
    record_id: str


class ActionIn(Schema):
    description: str
    owner_id: int
    due: dt.date
    criterion: str
    kind: str = "corrective"
    check_after_days: int = 90
    follow_up_of_id: int | None = None
    links: list[LinkIn] = []


class ActionPatch(Schema):
    version: int
    description: str | None = None
    owner_id: int | None = None
    due: dt.date | None = None
    criterion: str | None = None
    check_after_days: int | None = None
    kind: str | None = None


class CompleteIn(Schema):
    version: int
    done_on: dt.date | None = None
    note: str = ""


class CancelIn(Schema):
    version: int
    reason: str


class CheckIn(Schema):
    version: int
    result: str
    evidence: str


class SeverityIn(Schema):
    code: str
    label: str
    rank: int
    step_days: int = 14
    active: bool = True
    version: int | None = None


class CauseCategoryIn(Schema):
    code: str
    label: str
    branch: str
    shallow: bool = False
    active: bool = True
    version: int | None = None


class CauseCountOut(BaseModel):
    code: str
    label: str
    branch: str
    events: int


# --- building the answers --------------------------------------------------------------


def _action_out(action: Action) -> ActionOut:
    return ActionOut(
        id=action.pk,
        event_id=action.event_id,
        number=action.number,
        kind=action.kind,
        description=action.description,
        owner_id=action.owner_id,
        due=action.due,
        status=action.status,
        criterion=action.criterion,
        check_after_days=action.check_after_days,
        follow_up_of_id=action.follow_up_of_id,
        done_on=action.done_on,
        done_note=action.done_note,
        cancel_reason=action.cancel_reason,
        links=[LinkOut(record_type=link.record_type, record_id=link.record_id) for link in action.links.all()],
        checks=[CheckOut.model_validate(c) for c in action.checks.all()],
        version=action.version,
    )


def _summary_fields(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "reference": event.reference,
        "type": event.type,
        "title": event.title,
        "site_id": event.site_id,
        "occurred_at": event.occurred_at,
        "process_id": event.process_id,
        "severity": event.severity.code if event.severity else None,
        "status": event.status,
        "owner_id": event.owner_id,
        "updated_at": event.updated_at,
        "version": event.version,
    }


def _signature_out(event: Event) -> SignatureOut | None:
    s = event.closure_signature
    if s is None:
        return None
    return SignatureOut(
        signer_id=s.signer_id,
        signer_name=s.signer_name,
        meaning=s.meaning,
        signed_at=s.signed_at,
        content_sha256=s.content_sha256,
        valid=s.matches(selectors.closure_content(event)),
    )


def _out(event: Event) -> EventOut:
    step = selectors.current_step(event)
    actions = event.actions.select_related("owner").prefetch_related("links", "checks").order_by("number")
    return EventOut(
        **_summary_fields(event),
        description=event.description,
        location=event.location,
        standards=list(event.standards),
        clause_ids=sorted(event.clauses.values_list("pk", flat=True)),
        source_type=event.source_type,
        source_id=event.source_id,
        external_ref=event.external_ref,
        has_photo=event.photo_id is not None,
        reporter_id=event.reporter_id,
        step=StepOut.model_validate(step) if step else None,
        overdue=selectors.is_overdue(event),
        next=workflow.targets_from(event.status),
        root_cause=event.root_cause,
        cause_category=event.cause_category.code if event.cause_category else None,
        reason=event.reason,
        duplicate_of_id=event.duplicate_of_id,
        recurrence_ids=sorted(event.recurrences.values_list("pk", flat=True)),
        containment=[ContainmentOut.model_validate(c) for c in event.containments.all()],
        whys=[WhyOut.model_validate(w) for w in event.whys.all()],
        fishbone=[CauseOut.model_validate(c) for c in event.fishbone.all()],
        actions=[_action_out(a) for a in actions],
        closed_at=event.closed_at,
        closed_by_id=event.closed_by_id,
        closure_signature=_signature_out(event),
        warnings=selectors.warnings_for(event),
        created_at=event.created_at,
    )


def _fresh(request: ApiRequest, event_id: int) -> EventOut:
    return _out(selectors.event_get(request.auth, event_id))


def _severity(code: str | None) -> Severity | None:
    if code is None or code == "":
        return None
    found = selectors.severities().filter(code=code).first()
    if found is None:
        codes = ", ".join(selectors.severities().values_list("code", flat=True))
        raise ValidationFailed({"severity": [f"“{code}” is not a severity; use one of: {codes}."]})
    return found


def _cause(code: str | None) -> CauseCategory | None:
    if code is None or code == "":
        return None
    found = selectors.cause_categories().filter(code=code).first()
    if found is None:
        raise ValidationFailed({"cause_category": [f"“{code}” is not a cause category; see /cause-categories."]})
    return found


def _process(request: ApiRequest, process_id: int | None) -> Any:
    if process_id is None:
        return None
    found = processes_visible_to(request.auth).filter(pk=process_id).first()
    if found is None:
        raise ValidationFailed({"process_id": [f"No process with id {process_id} that you may see."]})
    return found


def _clauses(ids: list[int]) -> list[Clause]:
    found = list(Clause.objects.filter(pk__in=ids).select_related("edition__standard"))
    missing = sorted(set(ids) - {c.pk for c in found})
    if missing:
        raise ValidationFailed({"clause_ids": [f"No clause with id {', '.join(map(str, missing))}."]})
    return found


def _event_fields(request: ApiRequest, fields: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in fields:
        fields["owner"] = owner_of(fields.pop("owner_id"))
    if "process_id" in fields:
        fields["process"] = _process(request, fields.pop("process_id"))
    if "severity" in fields:
        fields["severity"] = _severity(fields["severity"])
    if "cause_category" in fields:
        fields["cause_category"] = _cause(fields["cause_category"])
    if "clause_ids" in fields:
        ids = fields.pop("clause_ids")
        fields["clauses"] = _clauses(ids) if ids is not None else None
    return fields


# --- events ----------------------------------------------------------------------------
# Fixed paths (import, causes) come before the /{id} routes: Ninja matches in order.


@router.get("/events", response=Page[EventSummary])
def list_events(
    request: ApiRequest,
    q: str = "",
    type: str = "",
    status: str = "",
    open_only: bool = False,
    site_id: int | None = None,
    process_id: int | None = None,
    severity: str = "",
    overdue: bool | None = None,
    sort: str = "-occurred",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.event_list(
        request.auth,
        q=q,
        type=type,
        status=status,
        open_only=open_only,
        site_id=site_id,
        process_id=process_id,
        severity=severity,
        overdue_only=overdue,
        sort=sort,
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [EventSummary(**_summary_fields(e)) for e in page["items"]]
    return page


@router.post("/events", response={201: EventOut}, summary="Report an event; it waits for triage")
def report_event(request: ApiRequest, payload: EventIn) -> Status[Any]:
    data = payload.dict()
    site = site_get(request.auth, data.pop("site_id"))
    process = _process(request, data.pop("process_id"))
    clauses = _clauses(data.pop("clause_ids"))
    event = services.event_report(by=request.auth, site=site, process=process, clauses=clauses, **data)
    return Status(201, _out(event))


@router.post("/events/import", response=ImportOut, summary="Import events from CSV or XLSX (all or nothing)")
def import_event_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_events(by=request.auth, stream=file.open("rb")))


@router.get("/events/causes", response=list[CauseCountOut], summary="Events per cause category (trend)")
def cause_counts(request: ApiRequest, since: dt.date | None = None, site_id: int | None = None) -> Any:
    return [CauseCountOut(**vars(c)) for c in selectors.cause_trend(request.auth, since=since, site_id=site_id)]


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: ApiRequest, event_id: int) -> Any:
    return _fresh(request, event_id)


@router.patch("/events/{event_id}", response=EventOut)
def update_event(request: ApiRequest, event_id: int, payload: EventPatch) -> Any:
    event = selectors.event_get(request.auth, event_id)
    fields = _event_fields(request, payload.dict(exclude_unset=True))
    version = fields.pop("version")
    services.event_update(by=request.auth, event=event, version=version, **fields)
    return _fresh(request, event_id)


@router.post("/events/{event_id}/triage", response=EventOut)
def triage_event(request: ApiRequest, event_id: int, payload: TriageIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    fields = _event_fields(request, payload.dict(exclude_unset=True))
    if fields.get("type") is None:
        fields.pop("type", None)
    services.event_triage(by=request.auth, event=event, **fields)
    return _fresh(request, event_id)


@router.post("/events/{event_id}/transitions", response=EventOut, summary="Move along the workflow")
def transition_event(request: ApiRequest, event_id: int, payload: TransitionIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    duplicate_of = (
        selectors.event_get(request.auth, payload.duplicate_of_id) if payload.duplicate_of_id is not None else None
    )
    services.event_transition(
        by=request.auth,
        event=event,
        version=payload.version,
        to=payload.to,
        reason=payload.reason,
        duplicate_of=duplicate_of,
        due=payload.due,
        owner=owner_of(payload.owner_id),
        password=payload.password,
    )
    return _fresh(request, event_id)


@router.post("/events/{event_id}/close", response=EventOut, summary="Close with an electronic signature")
def close_event(request: ApiRequest, event_id: int, payload: CloseIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    services.event_close(by=request.auth, event=event, version=payload.version, password=payload.password)
    return _fresh(request, event_id)


@router.patch("/events/{event_id}/step", response=EventOut, summary="Re-plan the current step")
def update_step(request: ApiRequest, event_id: int, payload: StepIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    services.step_update(
        by=request.auth, event=event, version=payload.version, due=payload.due, owner=owner_of(payload.owner_id)
    )
    return _fresh(request, event_id)


@router.get("/events/{event_id}/photo", summary="The photo, verified against its SHA-256")
def get_photo(request: ApiRequest, event_id: int) -> HttpResponse:
    from ims.documents import files

    event = selectors.event_get(request.auth, event_id)
    if event.photo is None:
        raise NotFound(f"{event.reference} has no photo.")
    response = HttpResponse(files.read_verified(event.photo), content_type=event.photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/events/{event_id}/photo", response=EventOut, summary="Attach or replace the photo (JPEG or PNG)")
def upload_photo(request: ApiRequest, event_id: int, version: Form[int], file: File[UploadedFile]) -> Any:
    event = selectors.event_get(request.auth, event_id)
    services.event_attach_photo(
        by=request.auth, event=event, version=version, upload=file.open("rb"), name=file.name or "photo"
    )
    return _fresh(request, event_id)


@router.post("/events/{event_id}/containment", response={201: ContainmentOut})
def add_containment(request: ApiRequest, event_id: int, payload: ContainmentIn) -> Status[Any]:
    event = selectors.event_get(request.auth, event_id)
    record = investigation.containment_add(by=request.auth, event=event, **payload.dict())
    return Status(201, ContainmentOut.model_validate(record))


@router.put("/events/{event_id}/whys", response=EventOut, summary="Replace the 5 Whys chain")
def save_whys(request: ApiRequest, event_id: int, payload: WhysIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    steps = [(s.why, s.because) for s in payload.steps]
    investigation.whys_save(by=request.auth, event=event, version=payload.version, steps=steps)
    return _fresh(request, event_id)


@router.put("/events/{event_id}/fishbone", response=EventOut, summary="Replace the fishbone diagram")
def save_fishbone(request: ApiRequest, event_id: int, payload: FishboneIn) -> Any:
    event = selectors.event_get(request.auth, event_id)
    causes = [(c.branch, c.text, c.is_root) for c in payload.causes]
    investigation.fishbone_save(by=request.auth, event=event, version=payload.version, causes=causes)
    return _fresh(request, event_id)


@router.post("/events/{event_id}/actions", response={201: ActionOut})
def add_action(request: ApiRequest, event_id: int, payload: ActionIn) -> Status[Any]:
    event = selectors.event_get(request.auth, event_id)
    data = payload.dict()
    follow = data.pop("follow_up_of_id")
    follow_up_of = event.actions.filter(pk=follow).first() if follow is not None else None
    if follow is not None and follow_up_of is None:
        raise ValidationFailed({"follow_up_of_id": [f"{event.reference} has no action with id {follow}."]})
    action = action_services.action_add(
        by=request.auth,
        event=event,
        owner=owner_of(data.pop("owner_id")),
        follow_up_of=follow_up_of,
        links=[(link["record_type"], link["record_id"]) for link in data.pop("links")],
        **data,
    )
    return Status(201, _action_out(action))


# --- actions ---------------------------------------------------------------------------


@router.get("/event-actions/{action_id}", response=ActionOut)
def get_action(request: ApiRequest, action_id: int) -> Any:
    return _action_out(selectors.action_get(request.auth, action_id))


@router.patch("/event-actions/{action_id}", response=ActionOut)
def update_action(request: ApiRequest, action_id: int, payload: ActionPatch) -> Any:
    action = selectors.action_get(request.auth, action_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    if "owner_id" in fields:
        fields["owner"] = owner_of(fields.pop("owner_id"))
    action_services.action_update(by=request.auth, action=action, version=version, **fields)
    return _action_out(selectors.action_get(request.auth, action_id))


@router.post("/event-actions/{action_id}/links", response=ActionOut)
def link_action(request: ApiRequest, action_id: int, payload: LinkIn) -> Any:
    action = selectors.action_get(request.auth, action_id)
    action_services.action_link(by=request.auth, action=action, **payload.dict())
    return _action_out(selectors.action_get(request.auth, action_id))


@router.post("/event-actions/{action_id}/complete", response=ActionOut, summary="Mark done; schedules its check")
def complete_action(request: ApiRequest, action_id: int, payload: CompleteIn) -> Any:
    action = selectors.action_get(request.auth, action_id)
    action_services.action_complete(by=request.auth, action=action, **payload.dict())
    return _action_out(selectors.action_get(request.auth, action_id))


@router.post("/event-actions/{action_id}/cancel", response=ActionOut)
def cancel_action(request: ApiRequest, action_id: int, payload: CancelIn) -> Any:
    action = selectors.action_get(request.auth, action_id)
    action_services.action_cancel(by=request.auth, action=action, **payload.dict())
    return _action_out(selectors.action_get(request.auth, action_id))


@router.post("/event-actions/{action_id}/check", response=ActionOut, summary="Record the effectiveness check")
def check_action(request: ApiRequest, action_id: int, payload: CheckIn) -> Any:
    action = selectors.action_get(request.auth, action_id)
    action_services.check_record(by=request.auth, action=action, **payload.dict())
    return _action_out(selectors.action_get(request.auth, action_id))


# --- configuration ---------------------------------------------------------------------


@router.get("/severities", response=list[SeverityOut])
def list_severities(request: ApiRequest) -> Any:
    return list(selectors.severities(active_only=False))


@router.post("/severities", response=SeverityOut, summary="Add or change a severity (all-sites change permission)")
def save_severity(request: ApiRequest, payload: SeverityIn) -> Any:
    return configuration.severity_save(by=request.auth, **payload.dict())


@router.get("/cause-categories", response=list[CauseCategoryOut])
def list_cause_categories(request: ApiRequest) -> Any:
    return list(selectors.cause_categories(active_only=False))


@router.post("/cause-categories", response=CauseCategoryOut, summary="Add or change a cause category")
def save_cause_category(request: ApiRequest, payload: CauseCategoryIn) -> Any:
    return configuration.cause_category_save(by=request.auth, **payload.dict())
