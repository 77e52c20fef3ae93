"""Readiness checks for clause 10.2 of both standards (nonconformity and corrective action) and 9001 8.7."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ims.improvement.models import (
    OPEN_STATUSES,
    OUTPUT_TYPES,
    Action,
    ActionStatus,
    Containment,
    Event,
    EventStatus,
    EventType,
    Step,
)
from ims.readiness.checks import CheckResult, register

MAX_EVIDENCE = 50


def _refs(events: list[Event]) -> list[str]:
    return [f"improvement.event:{e.pk}" for e in events[:MAX_EVIDENCE]]


def _names(events: list[Event]) -> str:
    shown = ", ".join(e.reference for e in events[:5])
    return shown + (f" and {len(events) - 5} more" if len(events) > 5 else "")


@register(
    "corrective_actions",
    title="No corrective action overdue; each closed nonconformity has its root cause and an action verified effective",
    clauses=[("iso9001", "10.2"), ("iso14001", "10.2")],
)
def corrective_actions(now: datetime) -> CheckResult:
    events = Event.objects.exclude(status__in=[EventStatus.REJECTED, EventStatus.DUPLICATE])
    total = events.count()
    if not total:
        return CheckResult.no_data("No data yet: no nonconformity, incident or improvement is recorded.")
    today = timezone.localtime(now).date()
    late_actions = Action.objects.filter(status=ActionStatus.OPEN, due__lt=today, event__status__in=OPEN_STATUSES)
    late = list(events.filter(Exists(late_actions.filter(event_id=OuterRef("pk")))).order_by("reference"))
    effective = Action.objects.filter(event_id=OuterRef("pk"), status=ActionStatus.VERIFIED_EFFECTIVE)
    closed = events.filter(status=EventStatus.CLOSED).exclude(type=EventType.IMPROVEMENT)
    unproven = list(
        closed.filter(~Q(Exists(effective)) | Q(root_cause="") | Q(cause_category__isnull=True)).order_by("reference")
    )
    problems = []
    if late:
        count = late_actions.count()
        problems.append(f"{count} corrective action{'s are' if count != 1 else ' is'} overdue ({_names(late)})")
    if unproven:
        problems.append(
            f"{len(unproven)} closed nonconformit{'ies lack' if len(unproven) != 1 else 'y lacks'} "
            f"a recorded root cause or an action verified effective ({_names(unproven)})"
        )
    if problems:
        return CheckResult.failed("; ".join(problems) + ".", *_refs(late + unproven))
    closed_list = list(closed.order_by("-closed_at")[:MAX_EVIDENCE])
    return CheckResult.passed(
        f"{total} events recorded; no corrective action is overdue, and each of the {closed.count()} closed "
        "nonconformities has its root cause and an action verified effective.",
        *_refs(closed_list),
    )


@register(
    "nonconforming_outputs",
    title="Nonconforming outputs are recorded with what was done with them (disposition)",
    clauses=[("iso9001", "8.7")],
)
def nonconforming_outputs(now: datetime) -> CheckResult:
    outputs = Event.objects.filter(type__in=OUTPUT_TYPES).exclude(
        status__in=[EventStatus.REJECTED, EventStatus.DUPLICATE]
    )
    total = outputs.count()
    if not total:
        return CheckResult.no_data("No data yet: no nonconforming product, service or purchased item is recorded.")
    today = timezone.localtime(now).date()
    disposed = Containment.objects.filter(event_id=OuterRef("pk")).exclude(disposition="")
    late_step = Step.objects.filter(event_id=OuterRef("pk"), finished_at__isnull=True, due__lt=today)
    past_containment = ~Q(status__in=[EventStatus.REPORTED, EventStatus.TRIAGED, EventStatus.CONTAINMENT])
    missing = list(
        outputs.filter(~Q(Exists(disposed)) & (past_containment | Q(Exists(late_step)))).order_by("reference")
    )
    if missing:
        return CheckResult.failed(
            f"{len(missing)} of {total} nonconforming outputs have no recorded disposition "
            f"past their due date ({_names(missing)}).",
            *_refs(missing),
        )
    with_disposition = list(outputs.filter(Exists(disposed)).order_by("-occurred_at")[:MAX_EVIDENCE])
    return CheckResult.passed(
        f"{total} nonconforming outputs recorded; each has its disposition or is still within its containment step.",
        *_refs(with_disposition),
    )
