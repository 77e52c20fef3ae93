"""Reads of the improvement register, filtered by the reader's sites in SQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import visible
from ims.audit.models import AuditEntry
from ims.audit.selectors import entries_visible_to
from ims.core.errors import NotFound, PermissionRefused, ValidationFailed
from ims.improvement.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    CauseCategory,
    EffectivenessCheck,
    Event,
    EventStatus,
    EventType,
    Severity,
    Step,
)

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "occurred": "occurred_at",
    "-occurred": "-occurred_at",
    "severity": "severity__rank",
    "-severity": "-severity__rank",
    "status": "status",
    "-status": "-status",
    "updated": "updated_at",
    "-updated": "-updated_at",
}

MIN_WHYS = 3  # fewer whys than this behind a shallow cause draws a warning


def recurrence_days() -> int:
    return int(getattr(settings, "IMS_RECURRENCE_DAYS", 180))


def events_visible_to(user: Any, action: Permission = Permission.VIEW) -> QuerySet[Event]:
    qs = Event.objects.select_related("site", "process", "severity", "owner", "reporter", "cause_category")
    return visible(qs, user, action)


def actions_visible_to(user: Any) -> QuerySet[Action]:
    return visible(Action.objects.select_related("event", "owner"), user, site_field="event__site")


def event_get(user: Any, pk: int) -> Event:
    event = events_visible_to(user).filter(pk=pk).first()
    if event is None:
        raise NotFound(f"No event with id {pk} that you may see.")
    return event


def action_get(user: Any, pk: int) -> Action:
    action = actions_visible_to(user).filter(pk=pk).first()
    if action is None:
        raise NotFound(f"No action with id {pk} that you may see.")
    return action


def late_step(today: dt.date) -> Q:
    """The event's current workflow step is past its due date."""
    return Q(Exists(Step.objects.filter(event_id=OuterRef("pk"), finished_at__isnull=True, due__lt=today)))


def late_action(today: dt.date) -> Q:
    return Q(Exists(Action.objects.filter(event_id=OuterRef("pk"), status=ActionStatus.OPEN, due__lt=today)))


def overdue(today: dt.date) -> Q:
    """Open, and its current step or one of its open actions is past its due date."""
    return Q(status__in=OPEN_STATUSES) & (late_step(today) | late_action(today))


def event_list(
    user: Any,
    *,
    q: str = "",
    type: str = "",
    status: str = "",
    open_only: bool = False,
    site_id: int | None = None,
    process_id: int | None = None,
    severity: str = "",
    overdue_only: bool | None = None,
    sort: str = "-occurred",
    today: dt.date | None = None,
) -> QuerySet[Event]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if type and type not in EventType.values:
        raise ValidationFailed({"type": [f"Filter by one of: {', '.join(EventType.values)}."]})
    if status and status not in EventStatus.values:
        raise ValidationFailed({"status": [f"Filter by one of: {', '.join(EventStatus.values)}."]})
    qs = events_visible_to(user)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(location__icontains=q)
            | Q(root_cause__icontains=q)
            | Q(external_ref__icontains=q)
        )
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if process_id is not None:
        qs = qs.filter(process_id=process_id)
    if severity:
        qs = qs.filter(severity__code=severity)
    if overdue_only is not None:
        day = today or timezone.localdate()
        qs = qs.filter(overdue(day)) if overdue_only else qs.exclude(overdue(day))
    return qs.order_by(SORTS[sort], "-id")


def waiting_for_triage(user: Any) -> QuerySet[Event]:
    """Reported events at the sites where ``user`` may triage, oldest first."""
    return events_visible_to(user, Permission.CHANGE).filter(status=EventStatus.REPORTED).order_by("created_at", "id")


def current_step(event: Event) -> Step | None:
    return event.steps.filter(finished_at__isnull=True).select_related("owner").first()


def is_overdue(event: Event, today: dt.date | None = None) -> bool:
    if not event.is_open:
        return False
    day = today or timezone.localdate()
    step = current_step(event)
    if step is not None and step.due is not None and step.due < day:
        return True
    return event.actions.filter(status=ActionStatus.OPEN, due__lt=day).exists()


def severities(*, active_only: bool = True) -> QuerySet[Severity]:
    qs = Severity.objects.all()
    return qs.filter(active=True) if active_only else qs


def cause_categories(*, active_only: bool = True) -> QuerySet[CauseCategory]:
    qs = CauseCategory.objects.all()
    return qs.filter(active=True) if active_only else qs


def warnings_for(event: Event) -> list[str]:
    """Advice that does not block the workflow: a shallow root cause without a deeper why."""
    category = event.cause_category
    if category is None or not category.shallow:
        return []
    whys = event.whys.count()
    if whys >= MIN_WHYS:
        return []
    return [
        f"The root cause is “{category.label}” with only {whys} why{'s' if whys != 1 else ''} behind it. "
        f"{category.label} is rarely the root cause: ask why at least {MIN_WHYS} times, until you reach the "
        "method, equipment or system that let it happen."
    ]


def events_from(user: Any, record_type: str, record_id: str | int) -> QuerySet[Event]:
    """Events raised from a record (an audit, a KPI breach, an SPC violation, a complaint …) that ``user`` may see."""
    return events_visible_to(user).filter(source_type=record_type, source_id=str(record_id)).order_by("-occurred_at")


def actions_linked_to(user: Any, record_type: str, record_id: str | int) -> QuerySet[Action]:
    """Actions that change a record (a document, a process, a risk, an aspect …) that ``user`` may see."""
    return actions_visible_to(user).filter(links__record_type=record_type, links__record_id=str(record_id))


def checks_due(today: dt.date) -> QuerySet[EffectivenessCheck]:
    return EffectivenessCheck.objects.filter(
        result="", due__lte=today, action__event__status__in=OPEN_STATUSES
    ).select_related("action__event__owner", "action__owner")


def event_history(user: Any, event: Event) -> QuerySet[AuditEntry] | None:
    """The event's history with its containment, actions and checks; None when the user may not read it."""
    try:
        entries = entries_visible_to(user)
    except PermissionRefused:
        return None
    actions = [str(pk) for pk in event.actions.values_list("pk", flat=True)]
    checks = [str(pk) for pk in EffectivenessCheck.objects.filter(action__event=event).values_list("pk", flat=True)]
    containments = [str(pk) for pk in event.containments.values_list("pk", flat=True)]
    where = (
        Q(record_type="improvement.event", record_id=str(event.pk))
        | Q(record_type="improvement.action", record_id__in=actions)
        | Q(record_type="improvement.effectivenesscheck", record_id__in=checks)
        | Q(record_type="improvement.containment", record_id__in=containments)
    )
    return entries.filter(where).order_by("-id")


def closure_content(event: Event) -> bytes:
    """The exact bytes a closure signs: the event, its root cause, containment, actions and their checks."""
    actions = []
    for a in event.actions.order_by("number").select_related("owner").prefetch_related("checks", "links"):
        actions.append(
            {
                "number": a.number,
                "kind": a.kind,
                "description": a.description,
                "owner": a.owner.username,
                "status": a.status,
                "done_on": a.done_on.isoformat() if a.done_on else None,
                "links": sorted(f"{link.record_type}:{link.record_id}" for link in a.links.all()),
                "checks": [
                    {
                        "criterion": c.criterion,
                        "due": c.due.isoformat(),
                        "result": c.result,
                        "evidence": c.evidence,
                    }
                    for c in a.checks.all()
                ],
            }
        )
    return orjson.dumps(
        {
            "reference": event.reference,
            "type": event.type,
            "title": event.title,
            "site": event.site.code,
            "root_cause": event.root_cause,
            "cause_category": event.cause_category.code if event.cause_category else None,
            "whys": [[w.why, w.because] for w in event.whys.all()],
            "containment": [
                [c.description, str(c.quantity) if c.quantity is not None else None, c.unit, c.disposition]
                for c in event.containments.all()
            ],
            "actions": actions,
        },
        option=orjson.OPT_SORT_KEYS,
    )


@dataclass(frozen=True)
class CauseCount:
    code: str
    label: str
    branch: str
    events: int


def cause_trend(user: Any, *, since: dt.date | None = None, site_id: int | None = None) -> list[CauseCount]:
    """How many events each cause category explains, most frequent first: the trend analysis of 10.2/10.3."""
    qs = (
        events_visible_to(user)
        .filter(cause_category__isnull=False)
        .exclude(status__in=[EventStatus.REJECTED, EventStatus.DUPLICATE])
    )
    if since is not None:
        qs = qs.filter(occurred_at__date__gte=since)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    counts = Counter(qs.values_list("cause_category_id", flat=True))
    categories = {c.pk: c for c in CauseCategory.objects.filter(pk__in=list(counts))}
    rows = [CauseCount(categories[pk].code, categories[pk].label, categories[pk].branch, n) for pk, n in counts.items()]
    return sorted(rows, key=lambda r: (-r.events, r.label))
