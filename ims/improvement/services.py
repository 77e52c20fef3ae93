"""Writes for the improvement register (10.2, 10.3; 9001 8.7) — the only writers of events.

Reporting needs the *report* permission at the event's site (every role but
viewer has it); triage and every later step need *change* there. The moves
between steps are looked up in :mod:`ims.improvement.workflow`; closing is an
electronic signature by the event's owner or an approver. Actions and
effectiveness checks live in :mod:`ims.improvement.actions`.

Other registers raise events with :func:`event_raise_from` (an SPC violation, a
KPI breach, an audit finding, a complaint): the event links back to its source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can, require
from ims.audit.services import record_change
from ims.context.models import StandardServed
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.core.versioning import claim_version
from ims.improvement import workflow
from ims.improvement.configuration import ensure_defaults
from ims.improvement.defaults import TRIAGE_DAYS
from ims.improvement.models import (
    FINAL_STATUSES,
    ActionStatus,
    EffectivenessCheck,
    Event,
    EventStatus,
    EventType,
    Severity,
    Step,
    standards_for,
)
from ims.improvement.selectors import closure_content, current_step, recurrence_days
from ims.org.models import Site
from ims.processes.models import Process
from ims.processes.selectors import processes_visible_to
from ims.readiness.evidence import resolve
from ims.signatures.models import Meaning
from ims.signatures.services import reauthenticate, sign
from ims.standards.models import Clause

S = EventStatus
EVENT_FIELDS = (
    "type",
    "title",
    "description",
    "occurred_at",
    "location",
    "process",
    "severity",
    "standards",
    "owner",
    "root_cause",
    "cause_category",
    "source_type",
    "source_id",
)
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")
PHOTO_TYPES = ("image/jpeg", "image/png")
CLOCK_SKEW = dt.timedelta(minutes=5)


def _require(by: Any, permission: Permission, site: Site, what: str = "events") -> None:
    require(by, permission, site_id=site.pk, what=f"{what} at {site}")


def _open(event: Event) -> None:
    if not event.is_open:
        raise WorkflowError(
            f"{event.reference} is {workflow.label(event.status).lower()}; it can no longer be changed."
        )


def _claim(event: Event, *, by: Any, version: int, changes: dict[str, Any], note: str = "") -> Event:
    """Take the event's next version for a change to its parts (whys, fishbone, clauses, step) and audit it."""
    claim_version(event, expected=version)
    event.updated_at = timezone.now()
    event.save(update_fields=["version", "updated_at"])
    record_change(action="update", by=by, record=event, changes=changes, note=note)
    return event


# --- checks of the fields --------------------------------------------------------------


def _next_reference(year: int) -> str:
    prefix = f"NC-{year}-"
    numbers = [
        int(r[len(prefix) :])
        for r in Event.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if r[len(prefix) :].isdigit()
    ]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:04d}"


def _create_numbered(event: Event, *, by: Any, attempts: int = 5) -> None:
    """Save a new event under the next reference of the year; a reference taken meanwhile is retried."""
    year = timezone.localdate().year
    for attempt in range(attempts):
        event.reference = _next_reference(year)
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
                create_record(event, by=by, note=f"reported by {by}")
            return
        except (IntegrityError, ValidationFailed) as exc:
            taken = isinstance(exc, IntegrityError) or "reference" in exc.errors
            if not taken or attempt == attempts - 1:
                raise


def _title_from(description: str) -> str:
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first if len(first) <= 120 else first[:119].rstrip() + "…"


def _check_type(event_type: str) -> None:
    if event_type not in EventType.values:
        raise ValidationFailed({"type": [f"“{event_type}” is not a type; use one of: {', '.join(EventType.values)}."]})


def _check_when(occurred_at: dt.datetime) -> None:
    if timezone.is_naive(occurred_at):
        raise ValidationFailed({"occurred_at": ["Give the time with its time zone."]})
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed({"occurred_at": ["It cannot have happened in the future; give when it happened."]})


def _check_process(by: Any, process: Process | None, site: Site) -> None:
    if process is None:
        return
    if process.archived_at is not None or not processes_visible_to(by).filter(pk=process.pk).exists():
        raise ValidationFailed({"process": [f"No active process with id {process.pk} that you may see."]})
    sites = list(process.sites.all())
    if sites and site not in sites:
        raise ValidationFailed({"process": [f"{process} does not run at {site}."]})


def _check_user(value: Any, field: str) -> None:
    if value is not None and not getattr(value, "is_active", False):
        raise ValidationFailed({field: [f"{value} is not an active user."]})


def _check_source(by: Any, source_type: str, source_id: str) -> tuple[str, str]:
    source_type, source_id = (source_type or "").strip(), str(source_id or "").strip()
    if not source_type and not source_id:
        return "", ""
    if not source_type or not source_id:
        raise ValidationFailed({"source_type": ["Give both the kind of source record and its id, or neither."]})
    resolve(by, source_type, source_id)
    return source_type, source_id


def _standards(value: Any, event_type: str) -> Any:
    if value is None or value == []:
        return standards_for(event_type)
    if isinstance(value, (list, tuple, set)) and all(isinstance(s, str) for s in value):
        order = {code: i for i, code in enumerate(StandardServed.values)}
        return sorted(set(value), key=lambda s: order.get(s, len(order)))
    return value  # the model's validator names what is wrong


def _check_clauses(clauses: Iterable[Clause], standards: list[str]) -> list[Clause]:
    found = list(clauses)
    wrong = [c for c in found if c.edition.standard.code not in standards]
    if wrong:
        raise ValidationFailed(
            {"clauses": [f"{', '.join(str(c) for c in wrong)}: not a clause of the standards the event serves."]}
        )
    return found


def _store_photo(by: Any, upload: IO[bytes], name: str) -> Any:
    from ims.documents.files import store_upload

    if not name.lower().endswith(PHOTO_EXTENSIONS):
        raise ValidationFailed({"photo": [f"“{name}” is not a photo; attach a JPEG or PNG image."]})
    try:
        stored = store_upload(by=by, upload=upload, name=name)
    except ValidationFailed as exc:
        raise ValidationFailed({"photo": [m for msgs in exc.errors.values() for m in msgs]}) from None
    if stored.content_type not in PHOTO_TYPES:
        raise ValidationFailed({"photo": [f"“{name}” is not a JPEG or PNG image."]})
    return stored


# --- steps -----------------------------------------------------------------------------


def _default_due(event: Event, status: str) -> dt.date | None:
    today = timezone.localdate()
    if status == S.REPORTED:
        return today + dt.timedelta(days=TRIAGE_DAYS)
    if status == S.IMPLEMENTATION:
        dues = list(event.actions.filter(status=ActionStatus.OPEN).values_list("due", flat=True))
        return max(dues) if dues else None
    if status == S.EFFECTIVENESS:
        checks = EffectivenessCheck.objects.filter(action__event=event, result="").values_list("due", flat=True)
        return max(checks) if checks else None
    if event.severity is not None:
        return today + dt.timedelta(days=event.severity.step_days)
    return None


def _open_step(event: Event, status: str, *, by: Any, owner: Any = None, due: dt.date | None = None) -> Step:
    return Step.objects.create(
        event=event,
        status=status,
        owner=owner,
        due=due if due is not None else _default_due(event, status),
        started_at=timezone.now(),
        started_by=by,
    )


def _finish_step(event: Event, *, by: Any) -> None:
    Step.objects.filter(event=event, finished_at__isnull=True).update(finished_at=timezone.now(), finished_by=by)


# --- recurrence ------------------------------------------------------------------------


def link_recurrences(event: Event, *, by: Any) -> list[Event]:
    """Link the event to every other one with the same process and cause category within the window.

    The window (``IMS_RECURRENCE_DAYS``, 180 by default) counts from when each
    event occurred, in both directions; the links show on both events.
    Rejected events and duplicates never count.
    """
    matches: list[Event] = []
    if (
        event.process_id is not None
        and event.cause_category_id is not None
        and event.status
        not in (
            S.REJECTED,
            S.DUPLICATE,
        )
    ):
        window = dt.timedelta(days=recurrence_days())
        matches = list(
            Event.objects.filter(
                process_id=event.process_id,
                cause_category_id=event.cause_category_id,
                occurred_at__gte=event.occurred_at - window,
                occurred_at__lte=event.occurred_at + window,
            )
            .exclude(pk=event.pk)
            .exclude(status__in=[S.REJECTED, S.DUPLICATE])
            .order_by("occurred_at")
        )
    before = sorted(event.recurrences.values_list("reference", flat=True))
    after = sorted(e.reference for e in matches)
    if before != after:
        event.recurrences.set(matches)
        record_change(
            action="recurrence",
            by=by,
            record=event,
            changes={"recurrences": [", ".join(before) or None, ", ".join(after) or None]},
            note=(
                f"same process and cause as {', '.join(after)} within {recurrence_days()} days"
                if after
                else "no recurrence any more"
            ),
        )
    return matches


# --- events ----------------------------------------------------------------------------


@transaction.atomic
def event_report(
    *,
    by: Any,
    site: Site,
    type: str,
    description: str,
    occurred_at: dt.datetime | None = None,
    title: str = "",
    location: str = "",
    process: Process | None = None,
    source_type: str = "",
    source_id: str = "",
    standards: Sequence[str] | None = None,
    clauses: Iterable[Clause] = (),
    photo: IO[bytes] | None = None,
    photo_name: str = "",
    external_ref: str = "",
) -> Event:
    """Report an event; it lands in triage (status *reported*) with its triage due in two days."""
    _require(by, Permission.REPORT, site)
    if site.archived_at is not None:
        raise ValidationFailed({"site": [f"{site} is archived; report at an active site."]})
    _check_type(type)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed({"description": ["Say what happened."]})
    occurred = occurred_at or timezone.now()
    _check_when(occurred)
    _check_process(by, process, site)
    source = _check_source(by, source_type, source_id)
    chosen = _standards(list(standards) if standards is not None else None, type)
    external_ref = (external_ref or "").strip()
    earlier = Event.objects.filter(external_ref=external_ref).first() if external_ref else None
    if earlier is not None:
        raise ValidationFailed(
            {"external_ref": [f"“{external_ref}” was already reported as {earlier.reference}; it is reported once."]}
        )
    ensure_defaults(by=by)
    event = Event(
        type=type,
        title=(title or "").strip() or _title_from(description),
        description=description,
        occurred_at=occurred,
        site=site,
        location=(location or "").strip(),
        process=process,
        standards=chosen,
        source_type=source[0],
        source_id=source[1],
        external_ref=external_ref,
        reporter=by,
        photo=_store_photo(by, photo, photo_name or "photo") if photo is not None else None,
    )
    _create_numbered(event, by=by)
    wanted = _check_clauses(clauses, chosen)
    if wanted:
        event.clauses.set(wanted)
    _open_step(event, S.REPORTED, by=by, owner=process.owner if process is not None else None)
    return event


def _site_of(record: Any) -> Site | None:
    """The one site a record belongs to: itself, its ``site``, or its only one of ``sites``."""
    if isinstance(record, Site):
        return record
    site = getattr(record, "site", None)
    if isinstance(site, Site):
        return site
    sites = getattr(record, "sites", None)
    if sites is not None and hasattr(sites, "all"):
        found = list(sites.all()[:2])
        return found[0] if len(found) == 1 else None
    return None


def event_raise_from(
    *,
    by: Any,
    record_type: str,
    record_id: str | int,
    type: str,
    description: str,
    site: Site | None = None,
    **fields: Any,
) -> Event:
    """Raise an event from another record — an SPC violation, a KPI breach, an audit, a complaint, a supplier.

    The event's source links back to the record (any type registered in
    :mod:`ims.readiness.evidence`); its site is the record's own site unless
    given. ``fields`` are those of :func:`event_report`.
    """
    record = resolve(by, record_type, str(record_id))
    where = site or _site_of(record)
    if where is None:
        raise ValidationFailed({"site": [f"Say at which site this happened; {record} belongs to no single site."]})
    return event_report(
        by=by,
        site=where,
        type=type,
        description=description,
        source_type=record_type,
        source_id=str(record_id),
        **fields,
    )


def _check_update(by: Any, event: Event, fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(EVENT_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if "type" in fields:
        _check_type(fields["type"])
    if "occurred_at" in fields and fields["occurred_at"] is not None:
        _check_when(fields["occurred_at"])
    if "process" in fields and fields["process"] is not None and fields["process"].pk != event.process_id:
        _check_process(by, fields["process"], event.site)
    _check_user(fields.get("owner"), "owner")
    if (
        "owner" in fields
        and fields["owner"] is not None
        and not can(fields["owner"], Permission.VIEW, site_id=event.site_id)
    ):
        raise ValidationFailed(
            {"owner": [f"{fields['owner']} has no role at {event.site} and could not see the event."]}
        )
    if "source_type" in fields or "source_id" in fields:
        pair = _check_source(by, fields.get("source_type", event.source_type), fields.get("source_id", event.source_id))
        fields["source_type"], fields["source_id"] = pair
    if "standards" in fields:
        fields["standards"] = _standards(fields["standards"], fields.get("type", event.type))
    for name in ("title", "description", "location", "root_cause"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if "title" in fields and not fields["title"]:
        raise ValidationFailed({"title": ["Give the event a short title."]})
    if "description" in fields and not fields["description"]:
        raise ValidationFailed({"description": ["Say what happened."]})


@transaction.atomic
def event_update(
    *, by: Any, event: Event, version: int, clauses: Iterable[Clause] | None = None, **fields: Any
) -> Event:
    """Change an open event's details, its owner, severity, root cause and cause category."""
    _require(by, Permission.CHANGE, event.site)
    _open(event)
    _check_update(by, event, fields)
    before = (event.process_id, event.cause_category_id, event.occurred_at, event.owner_id)
    current = set(event.clauses.values_list("pk", flat=True))
    wanted = None
    if clauses is not None:
        wanted = _check_clauses(clauses, fields.get("standards", event.standards))
        if {c.pk for c in wanted} == current:
            wanted = None
    start_version = event.version
    update_record(event, by=by, version=version, changes=fields)
    if wanted is not None:
        if event.version == start_version:
            claim_version(event, expected=version)
            event.save(update_fields=["version", "updated_at"])
        event.clauses.set(wanted)
        refs = sorted(c.ref for c in wanted)
        record_change(action="update", by=by, record=event, changes={"clauses": [len(current), ", ".join(refs)]})
    if "owner" in fields and fields["owner"] is not None and before[3] != event.owner_id:
        Step.objects.filter(event=event, finished_at__isnull=True, owner_id__in=[before[3], None]).update(
            owner=fields["owner"]
        )
    if (event.process_id, event.cause_category_id, event.occurred_at) != before[:3]:
        link_recurrences(event, by=by)
    return event


def _transition(event: Event, to: str) -> workflow.Transition:
    if to not in S.values:
        raise ValidationFailed({"to": [f"“{to}” is not a status; use one of: {', '.join(S.values)}."]})
    found = workflow.find(event.status, to)
    if found is None:
        raise WorkflowError(workflow.refusal(event, to))
    return found


def _guard(event: Event, transition: workflow.Transition) -> None:
    missing = workflow.missing_for(event, transition)
    if missing:
        raise WorkflowError(workflow.blocked(event, transition, missing))


def _check_duplicate(by: Any, event: Event, duplicate_of: Event | None) -> Event:
    from ims.improvement.selectors import events_visible_to

    if duplicate_of is None:
        raise ValidationFailed({"duplicate_of": ["Say which event this one duplicates."]})
    if duplicate_of.pk == event.pk:
        raise ValidationFailed({"duplicate_of": ["An event cannot duplicate itself."]})
    if not events_visible_to(by).filter(pk=duplicate_of.pk).exists():
        raise ValidationFailed({"duplicate_of": [f"No event with id {duplicate_of.pk} that you may see."]})
    if duplicate_of.status == S.DUPLICATE and duplicate_of.duplicate_of is not None:
        original = duplicate_of.duplicate_of
        raise ValidationFailed(
            {
                "duplicate_of": [
                    f"{duplicate_of.reference} is itself a duplicate of {original.reference}; point to that one."
                ]
            }
        )
    if duplicate_of.status == S.REJECTED:
        raise ValidationFailed(
            {"duplicate_of": [f"{duplicate_of.reference} was rejected; point to an event that stands."]}
        )
    return duplicate_of


def event_transition(
    *,
    by: Any,
    event: Event,
    version: int,
    to: str,
    reason: str = "",
    duplicate_of: Event | None = None,
    due: dt.date | None = None,
    owner: Any = None,
    password: str = "",
) -> Event:
    """Move an event along the workflow table; closing goes through :func:`event_close` (signature)."""
    transition = _transition(event, to)
    if transition.signed:
        return event_close(by=by, event=event, version=version, password=password)
    return _move(
        by=by,
        event=event,
        version=version,
        transition=transition,
        reason=reason,
        duplicate_of=duplicate_of,
        due=due,
        owner=owner,
    )


@transaction.atomic
def _move(
    *,
    by: Any,
    event: Event,
    version: int,
    transition: workflow.Transition,
    reason: str = "",
    duplicate_of: Event | None = None,
    due: dt.date | None = None,
    owner: Any = None,
    note: str = "",
) -> Event:
    _require(by, transition.permission, event.site)
    _guard(event, transition)
    to = transition.target
    reason = (reason or "").strip()
    changes: dict[str, Any] = {"status": to}
    if transition.reason and not reason:
        words = "rejected" if to == S.REJECTED else "a duplicate"
        raise ValidationFailed({"reason": [f"Say why {event.reference} is {words}."]})
    if to == S.DUPLICATE:
        changes["duplicate_of"] = _check_duplicate(by, event, duplicate_of)
    if transition.reason:
        changes["reason"] = reason
    if due is not None and due < timezone.localdate():
        raise ValidationFailed({"due": [f"{due:%Y-%m-%d} is in the past; give a date from today on."]})
    _check_user(owner, "owner")
    text = f"{workflow.label(event.status)} → {workflow.label(to)}" + (f": {reason}" if reason else "")
    update_record(event, by=by, version=version, changes=changes, note=note or text)
    _finish_step(event, by=by)
    if to not in FINAL_STATUSES:
        _open_step(event, to, by=by, owner=owner or event.owner, due=due)
    elif event.recurrences.exists():
        link_recurrences(event, by=by)
    return event


@transaction.atomic
def event_triage(
    *,
    by: Any,
    event: Event,
    version: int,
    owner: Any,
    severity: Severity | None,
    due: dt.date | None = None,
    clauses: Iterable[Clause] | None = None,
    **fields: Any,
) -> Event:
    """Triage a report: assign its owner and severity (and correct its type, process …), then move it on."""
    transition = _transition(event, S.TRIAGED)
    _require(by, transition.permission, event.site)
    if owner is None:
        raise ValidationFailed({"owner": ["Assign the person who takes the event to closure."]})
    if severity is None:
        raise ValidationFailed({"severity": ["Choose how serious it is."]})
    event_update(by=by, event=event, version=version, owner=owner, severity=severity, clauses=clauses, **fields)
    return _move(by=by, event=event, version=event.version, transition=transition, due=due)


def may_close(user: Any, event: Event) -> bool:
    return can(user, Permission.CHANGE, site_id=event.site_id) and (
        event.owner_id == getattr(user, "pk", None) or can(user, Permission.APPROVE, site_id=event.site_id)
    )


def event_close(*, by: Any, event: Event, version: int, password: str) -> Event:
    """Close with an electronic signature (meaning “approved”) over the event, its root cause, actions and checks.

    Only the event's owner or an approver (IMS manager) signs; every action must
    be done and verified effective. A wrong password changes nothing and counts
    toward the signer's lock-out.
    """
    transition = _transition(event, S.CLOSED)
    _require(by, transition.permission, event.site)
    if not may_close(by, event):
        owner = f" ({event.owner})" if event.owner is not None else ""
        raise PermissionRefused(f"Only the owner of {event.reference}{owner} or an IMS manager may close it.")
    _guard(event, transition)
    reauthenticate(by, password)
    with transaction.atomic():
        claim_version(event, expected=version)
        _guard(event, transition)  # again, inside the transaction that signs
        signature = sign(by=by, record=event, content=closure_content(event), meaning=Meaning.APPROVED)
        changes = {
            "status": S.CLOSED,
            "closed_at": signature.signed_at,
            "closed_by": by,
            "closure_signature": signature,
        }
        update_record(event, by=by, version=event.version, changes=changes, note="closed with an electronic signature")
        _finish_step(event, by=by)
    return event


@transaction.atomic
def step_update(*, by: Any, event: Event, version: int, due: dt.date | None = None, owner: Any = None) -> Step:
    """Re-date or re-assign the current workflow step."""
    _require(by, Permission.CHANGE, event.site)
    _open(event)
    step = current_step(event)
    if step is None:
        raise WorkflowError(f"{event.reference} has no step in progress.")
    _check_user(owner, "owner")
    if due is not None and due < timezone.localdate():
        raise ValidationFailed({"due": [f"{due:%Y-%m-%d} is in the past; give a date from today on."]})
    changes: dict[str, Any] = {}
    if due is not None and due != step.due:
        changes["step_due"] = [step.due.isoformat() if step.due else None, due.isoformat()]
        step.due = due
    if owner is not None and owner.pk != step.owner_id:
        changes["step_owner"] = [str(step.owner) if step.owner else None, str(owner)]
        step.owner = owner
    if changes:
        step.save(update_fields=["due", "owner"])
        _claim(event, by=by, version=version, changes=changes, note=f"{step.get_status_display()} step re-planned")
    return step


@transaction.atomic
def event_attach_photo(*, by: Any, event: Event, version: int, upload: IO[bytes], name: str) -> Event:
    """Attach or replace the photo: the reporter while the report waits for triage, or anyone who may change it."""
    reporter_waiting = event.reporter_id == getattr(by, "pk", None) and event.status == S.REPORTED
    if not reporter_waiting:
        _require(by, Permission.CHANGE, event.site)
    _open(event)
    stored = _store_photo(by, upload, name)
    return update_record(event, by=by, version=version, changes={"photo": stored}, note=f"photo {stored.name}")
