"""Writes of customer feedback — the only writers of customers, complaints, surveys and their results.

A complaint is recorded at the site that handles it and raises, in the same
transaction, an improvement event of type *customer complaint* through
:func:`ims.improvement.services.event_raise_from`: the event links back to the
complaint (its source) and the complaint to the event. The complaint's own
lifecycle is the customer's side of it (:data:`TRANSITIONS`):

    open ──respond (response, date sent)──▶ responded ──close──▶ closed
    responded ──reopen (reason: the customer is not satisfied)──▶ open
    open ──withdraw (reason)──▶ withdrawn

Survey scores are checked against each question's scale; a survey's questions
are fixed once it has responses, so every score keeps its meaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can, require
from ims.audit.services import record_change
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.core.versioning import claim_version
from ims.feedback.models import (
    Complaint,
    ComplaintStatus,
    Compliment,
    Customer,
    Score,
    ShipmentVolume,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from ims.org.models import Site

C = ComplaintStatus
COMPLAINT_FIELDS = ("title", "description", "order_ref", "product_ref", "received_on", "response_due")
CUSTOMER_FIELDS = ("name", "contact")
SURVEY_FIELDS = ("title", "description", "period_start", "period_end")
MAX_QUESTIONS = 40
RESERVED_CODES = frozenset({"customer", "respondent", "comment", "comments", "date"})  # columns of the import

# (status, operation) -> the status it leads to; the operations needing a reason
TRANSITIONS: dict[tuple[str, str], str] = {
    (C.OPEN, "respond"): C.RESPONDED,
    (C.RESPONDED, "close"): C.CLOSED,
    (C.RESPONDED, "reopen"): C.OPEN,
    (C.OPEN, "withdraw"): C.WITHDRAWN,
}
NEEDS_REASON = {"reopen": "reopened", "withdraw": "withdrawn"}


def response_days() -> int:
    """Days allowed to answer a complaint unless a due date is given (``IMS_COMPLAINT_RESPONSE_DAYS``)."""
    return int(getattr(settings, "IMS_COMPLAINT_RESPONSE_DAYS", 10))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _not_future(day: dt.date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationFailed({field: [f"{day:%Y-%m-%d} is in the future; give the day {what}."]})


# --- customers -------------------------------------------------------------------------


def _require_sites(by: Any, action: Permission, sites: Sequence[Site], what: str) -> None:
    if not sites:
        require(by, action, site_id=None, what=f"{what} of the whole organisation")
    for site in sites:
        require(by, action, site_id=site.pk, what=f"{what} served by {site}")


@transaction.atomic
def customer_create(*, by: Any, code: str, name: str, sites: Iterable[Site] = (), contact: str = "") -> Customer:
    """Add a customer under the code the ERP or CRM uses; a customer served by no site in particular is org-wide."""
    served = list(sites)
    _require_sites(by, Permission.CREATE, served, "customers")
    code = _text(code).upper()
    if not code:
        raise ValidationFailed({"code": ["Give the customer's code, as in the ERP or CRM."]})
    if Customer.objects.filter(code__iexact=code).exists():
        raise ValidationFailed({"code": [f"The customer code “{code}” is taken."]})
    if not _text(name):
        raise ValidationFailed({"name": ["Give the customer's name."]})
    customer = create_record(Customer(code=code, name=_text(name), contact=_text(contact)), by=by)
    if served:
        customer.sites.set(served)
    return customer


@transaction.atomic
def customer_update(
    *, by: Any, customer: Customer, version: int, sites: Iterable[Site] | None = None, **fields: Any
) -> Customer:
    before = list(customer.sites.all())
    _require_sites(by, Permission.CHANGE, before, "customers")
    unknown = sorted(set(fields) - set(CUSTOMER_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    fields = {k: _text(v) for k, v in fields.items()}
    if "name" in fields and not fields["name"]:
        raise ValidationFailed({"name": ["Give the customer's name."]})
    start = customer.version
    update_record(customer, by=by, version=version, changes=fields)
    wanted = list(sites) if sites is not None else before
    if {s.pk for s in wanted} != {s.pk for s in before}:
        _require_sites(by, Permission.CHANGE, wanted, "customers")
        if customer.version == start:
            claim_version(customer, expected=version)
            customer.save(update_fields=["version", "updated_at"])
        customer.sites.set(wanted)
        names = ", ".join(sorted(s.code for s in wanted)) or "all"
        record_change(action="update", by=by, record=customer, changes={"sites": [len(before), names]})
    return customer


@transaction.atomic
def customer_archive(*, by: Any, customer: Customer, version: int) -> Customer:
    _require_sites(by, Permission.CHANGE, list(customer.sites.all()), "customers")
    if customer.archived_at is not None:
        raise WorkflowError(f"{customer} is already archived.")
    return update_record(customer, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


# --- complaints ------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    prefix = f"CMP-{year}-"
    numbers = [
        int(r[len(prefix) :])
        for r in Complaint.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if r[len(prefix) :].isdigit()
    ]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:04d}"


def _handling_site(customer: Customer, site: Site | None) -> Site:
    if site is not None:
        return site
    served = list(customer.sites.all()[:2])
    if len(served) == 1:
        return served[0]
    raise ValidationFailed({"site": [f"Say which site handles the complaint; {customer} is served by several sites."]})


def _received_at(day: dt.date, site: Site) -> dt.datetime:
    """When the event occurred, for the improvement register: noon of the day received, never later than now."""
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)), ZoneInfo(site.time_zone))
    return min(noon, timezone.now())


def _save_numbered(complaint: Complaint, *, by: Any, attempts: int = 5) -> None:
    for attempt in range(attempts):
        complaint.reference = _next_reference(complaint.received_on.year)
        try:
            with transaction.atomic():  # a savepoint: a reference taken meanwhile is retried
                create_record(complaint, by=by, note=f"from {complaint.customer}")
            return
        except (IntegrityError, ValidationFailed) as exc:
            taken = isinstance(exc, IntegrityError) or "reference" in exc.errors
            if not taken or attempt == attempts - 1:
                raise


@transaction.atomic
def complaint_create(
    *,
    by: Any,
    customer: Customer,
    received_on: dt.date,
    description: str,
    site: Site | None = None,
    title: str = "",
    order_ref: str = "",
    product_ref: str = "",
    response_due: dt.date | None = None,
    external_ref: str = "",
    process: Any = None,
) -> Complaint:
    """Record a complaint and raise its improvement event (type customer complaint), linked both ways."""
    from ims.improvement.models import EventType
    from ims.improvement.services import event_raise_from

    where = _handling_site(customer, site)
    require(by, Permission.CREATE, site_id=where.pk, what=f"complaints at {where}")
    if customer.archived_at is not None:
        raise ValidationFailed({"customer": [f"{customer} is archived."]})
    description = _text(description)
    if not description:
        raise ValidationFailed({"description": ["Say what the customer complains about."]})
    _not_future(received_on, "received_on", "it was received")
    due = response_due or received_on + dt.timedelta(days=response_days())
    if due < received_on:
        raise ValidationFailed({"response_due": ["The response cannot be due before the complaint was received."]})
    external_ref = _text(external_ref)
    earlier = Complaint.objects.filter(external_ref=external_ref).first() if external_ref else None
    if earlier is not None:
        raise ValidationFailed({"external_ref": [f"“{external_ref}” was already recorded as {earlier.reference}."]})
    first_line = description.splitlines()[0].strip()
    complaint = Complaint(
        customer=customer,
        site=where,
        received_on=received_on,
        title=_text(title) or (first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…"),
        description=description,
        order_ref=_text(order_ref),
        product_ref=_text(product_ref),
        response_due=due,
        external_ref=external_ref,
    )
    _save_numbered(complaint, by=by)
    refs = ", ".join(f"{label} {value}" for label, value in (("order", order_ref), ("product", product_ref)) if value)
    event = event_raise_from(
        by=by,
        record_type="feedback.complaint",
        record_id=complaint.pk,
        type=EventType.CUSTOMER_COMPLAINT,
        site=where,
        title=f"{customer.name}: {complaint.title}"[:200],
        description=f"Complaint {complaint.reference} from {customer}"
        + (f" ({refs})" if refs else "")
        + f":\n{description}",
        occurred_at=_received_at(received_on, where),
        process=process,
    )
    complaint.event = event
    complaint.save(update_fields=["event"])
    record_change(action="link", by=by, record=complaint, changes={"event": [None, event.reference]})
    return complaint


@transaction.atomic
def complaint_update(*, by: Any, complaint: Complaint, version: int, **fields: Any) -> Complaint:
    """Correct a complaint's details (title, description, references, dates)."""
    require(by, Permission.CHANGE, site_id=complaint.site_id, what=f"complaints at {complaint.site}")
    unknown = sorted(set(fields) - set(COMPLAINT_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if complaint.status in (C.CLOSED, C.WITHDRAWN):
        raise WorkflowError(f"{complaint.reference} is {complaint.get_status_display().lower()}; it cannot change.")
    for name in ("title", "description", "order_ref", "product_ref"):
        if name in fields:
            fields[name] = _text(fields[name])
    for name in ("title", "description"):
        if name in fields and not fields[name]:
            raise ValidationFailed({name: ["This cannot be empty."]})
    received = fields.get("received_on", complaint.received_on)
    if "received_on" in fields:
        _not_future(received, "received_on", "it was received")
    if fields.get("response_due", complaint.response_due) < received:
        raise ValidationFailed({"response_due": ["The response cannot be due before the complaint was received."]})
    return update_record(complaint, by=by, version=version, changes=fields)


@transaction.atomic
def complaint_respond(
    *, by: Any, complaint: Complaint, version: int, response: str, sent_on: dt.date | None = None
) -> Complaint:
    """Record the response sent to the customer, and when."""
    require(by, Permission.CHANGE, site_id=complaint.site_id, what=f"complaints at {complaint.site}")
    target = _target(complaint, "respond")
    response = _text(response)
    if not response:
        raise ValidationFailed({"response": ["Say what was answered to the customer."]})
    day = sent_on or timezone.localdate()
    _not_future(day, "sent_on", "it was sent")
    if day < complaint.received_on:
        raise ValidationFailed({"sent_on": ["The response cannot be sent before the complaint was received."]})
    late = (day - complaint.response_due).days
    note = f"responded on {day:%Y-%m-%d}" + (f", {late} days late" if late > 0 else "")
    changes = {"status": target, "response": response, "response_sent_on": day, "reason": ""}
    return update_record(complaint, by=by, version=version, changes=changes, note=note)


def _target(complaint: Complaint, operation: str) -> str:
    target = TRANSITIONS.get((complaint.status, operation))
    if target is None:
        possible = [op for (status, op) in TRANSITIONS if status == complaint.status]
        then = f"it can: {', '.join(possible)}." if possible else "nothing more can be done."
        raise WorkflowError(f"{complaint.reference} is {complaint.get_status_display().lower()}; {then}")
    return target


@transaction.atomic
def complaint_transition(*, by: Any, complaint: Complaint, version: int, operation: str, reason: str = "") -> Complaint:
    """Close a responded complaint, reopen it (the customer is not satisfied) or withdraw an open one."""
    require(by, Permission.CHANGE, site_id=complaint.site_id, what=f"complaints at {complaint.site}")
    if operation == "respond":
        raise ValidationFailed({"operation": ["Record the response itself, with what was answered."]})
    if operation not in {op for _, op in TRANSITIONS}:
        raise ValidationFailed({"operation": ["Use one of: close, reopen, withdraw."]})
    target = _target(complaint, operation)
    reason = _text(reason)
    if operation in NEEDS_REASON and not reason:
        raise ValidationFailed({"reason": [f"Say why {complaint.reference} is {NEEDS_REASON[operation]}."]})
    changes: dict[str, Any] = {"status": target}
    if operation in NEEDS_REASON:
        changes["reason"] = reason
    return update_record(complaint, by=by, version=version, changes=changes, note=f"{operation}: {reason}".rstrip(": "))


# --- surveys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    scale_min: int = 1
    scale_max: int = 5
    recommend: bool = False


def _questions(specs: Sequence[QuestionSpec]) -> list[QuestionSpec]:
    problems: list[str] = []
    seen: set[str] = set()
    cleaned = []
    for n, q in enumerate(specs, start=1):
        code, text = _text(q.code).lower(), _text(q.text)
        if not code and not text:
            continue
        if not code or not text:
            problems.append(f"Question {n}: give both its code and its text.")
            continue
        if code in seen:
            problems.append(f"Question {n}: the code “{code}” is used twice.")
        if code in RESERVED_CODES:
            problems.append(f"Question {n}: “{code}” names a column of the import file; choose another code.")
        seen.add(code)
        if q.scale_max <= q.scale_min:
            problems.append(f"Question {n} ({code}): the top of the scale must be above its bottom.")
        if q.recommend and (q.scale_min, q.scale_max) != (0, 10):
            problems.append(f"Question {n} ({code}): the “would you recommend us” question is scored 0 to 10.")
        cleaned.append(QuestionSpec(code, text, q.scale_min, q.scale_max, q.recommend))
    if sum(1 for q in cleaned if q.recommend) > 1:
        problems.append("Only one question is the “would you recommend us” question.")
    if not cleaned and not problems:
        problems.append("Give at least one question.")
    if len(cleaned) > MAX_QUESTIONS:
        problems.append(f"At most {MAX_QUESTIONS} questions; {len(cleaned)} given.")
    if problems:
        raise ValidationFailed({"questions": problems})
    return cleaned


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationFailed({"period_end": ["The period ends before it starts."]})


def _require_survey(by: Any, action: Permission, site: Site | None) -> None:
    where = f"at {site}" if site is not None else "of the whole organisation"
    require(by, action, site_id=site.pk if site is not None else None, what=f"satisfaction surveys {where}")


@transaction.atomic
def survey_create(
    *,
    by: Any,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    questions: Sequence[QuestionSpec],
    site: Site | None = None,
    description: str = "",
) -> Survey:
    """Set up a survey for a period, with its questions and their scales."""
    _require_survey(by, Permission.CREATE, site)
    if not _text(title):
        raise ValidationFailed({"title": ["Give the survey a title."]})
    _check_period(period_start, period_end)
    cleaned = _questions(questions)
    survey = create_record(
        Survey(
            title=_text(title),
            site=site,
            period_start=period_start,
            period_end=period_end,
            description=_text(description),
        ),
        by=by,
        note=f"{len(cleaned)} questions",
    )
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                survey=survey,
                position=n,
                code=q.code,
                text=q.text,
                scale_min=q.scale_min,
                scale_max=q.scale_max,
                recommend=q.recommend,
            )
            for n, q in enumerate(cleaned, start=1)
        ]
    )
    return survey


@transaction.atomic
def survey_update(
    *, by: Any, survey: Survey, version: int, questions: Sequence[QuestionSpec] | None = None, **fields: Any
) -> Survey:
    """Change a survey's title or period; its questions only while no response is recorded."""
    _require_survey(by, Permission.CHANGE, survey.site)
    unknown = sorted(set(fields) - set(SURVEY_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if "title" in fields:
        fields["title"] = _text(fields["title"])
        if not fields["title"]:
            raise ValidationFailed({"title": ["Give the survey a title."]})
    _check_period(fields.get("period_start", survey.period_start), fields.get("period_end", survey.period_end))
    if questions is not None:
        cleaned = _questions(questions)
        before = [QuestionSpec(q.code, q.text, q.scale_min, q.scale_max, q.recommend) for q in survey.questions.all()]
        if cleaned != before:
            if survey.responses.exists():
                raise WorkflowError(
                    f"“{survey}” has responses; its questions can no longer change. Set up a new survey instead."
                )
            survey.questions.all().delete()
            SurveyQuestion.objects.bulk_create(
                [SurveyQuestion(survey=survey, position=n, **vars(q)) for n, q in enumerate(cleaned, start=1)]
            )
            fields["updated_at"] = timezone.now()
            record_change(
                action="update",
                by=by,
                record=survey,
                changes={"questions": [[q.code for q in before], [q.code for q in cleaned]]},
            )
    return update_record(survey, by=by, version=version, changes=fields)


def _scores(survey: Survey, given: Mapping[str, Any]) -> list[tuple[SurveyQuestion, int]]:
    """The scores by question code, each a whole number within its question's scale."""
    questions = {q.code: q for q in survey.questions.all()}
    problems: dict[str, list[str]] = {}
    found: list[tuple[SurveyQuestion, int]] = []
    for code, raw in given.items():
        key = _text(code).lower()
        question = questions.get(key)
        if question is None:
            problems[key or "scores"] = [f"“{code}” is not a question of this survey; use: {', '.join(questions)}."]
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # not answered
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if isinstance(raw, bool) or not number.is_finite() or number != number.to_integral_value():
            problems[key] = [f"“{raw}” is not a whole number from {question.scale}."]
            continue
        value = int(number)
        if not question.scale_min <= value <= question.scale_max:
            problems[key] = [f"{value} is out of the scale {question.scale} of “{question.text}”."]
            continue
        found.append((question, value))
    if problems:
        raise ValidationFailed(problems)
    if not found:
        raise ValidationFailed({"scores": ["Give at least one score."]})
    return found


@transaction.atomic
def response_add(
    *,
    by: Any,
    survey: Survey,
    customer: Customer,
    answered_on: dt.date,
    scores: Mapping[str, Any],
    respondent: str = "",
    comment: str = "",
    external_ref: str = "",
) -> SurveyResponse:
    """Record one customer's answers; each score must lie within its question's scale."""
    _require_survey(by, Permission.CREATE, survey.site)
    if survey.archived_at is not None:
        raise WorkflowError(f"“{survey}” is archived.")
    _not_future(answered_on, "answered_on", "it was answered")
    values = _scores(survey, scores)
    external_ref = _text(external_ref)
    if external_ref and survey.responses.filter(external_ref=external_ref).exists():
        raise ValidationFailed({"external_ref": [f"The response “{external_ref}” is already recorded."]})
    response = create_record(
        SurveyResponse(
            survey=survey,
            customer=customer,
            answered_on=answered_on,
            respondent=_text(respondent),
            comment=_text(comment),
            external_ref=external_ref,
        ),
        by=by,
        note=", ".join(f"{q.code}={v}" for q, v in values),
    )
    Score.objects.bulk_create([Score(response=response, question=q, value=v) for q, v in values])
    return response


# --- compliments and volumes -----------------------------------------------------------


@transaction.atomic
def compliment_add(*, by: Any, customer: Customer, site: Site, received_on: dt.date, description: str) -> Compliment:
    require(by, Permission.CREATE, site_id=site.pk, what=f"compliments at {site}")
    _not_future(received_on, "received_on", "it was received")
    if not _text(description):
        raise ValidationFailed({"description": ["Say what the customer liked."]})
    return create_record(
        Compliment(customer=customer, site=site, received_on=received_on, description=_text(description)), by=by
    )


@transaction.atomic
def shipment_volume_save(*, by: Any, site: Site, month: dt.date, units: Any) -> ShipmentVolume:
    """Record (or correct) the units a site shipped in a month: the denominator of complaints per million."""
    require(by, Permission.CHANGE, site_id=site.pk, what=f"shipment figures of {site}")
    try:
        count = int(str(units).strip())
    except ValueError:
        raise ValidationFailed({"units": [f"“{units}” is not a whole number of units."]}) from None
    if count < 0:
        raise ValidationFailed({"units": [f"Give zero or more; {count} is negative."]})
    first = month.replace(day=1)
    existing = ShipmentVolume.objects.filter(site=site, month=first).first()
    if existing is None:
        return create_record(ShipmentVolume(site=site, month=first, units=count), by=by)
    return update_record(existing, by=by, version=existing.version, changes={"units": count})


def may_record(user: Any, site: Site | None) -> bool:
    return can(user, Permission.CREATE, site_id=site.pk if site is not None else None)
