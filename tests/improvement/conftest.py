"""An event at any step of the improvement workflow, with its guards met, for the tests to break."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ims.improvement import actions, investigation, services
from ims.improvement.models import CauseCategory, Event, EventStatus, EventType, Severity
from ims.processes.services import process_create
from tests.conftest import PASSWORD

S = EventStatus
ACTION = "Fit a guard on press 3"

# The path each type takes through the workflow, step by step.
NC_PATH = [S.TRIAGED, S.CONTAINMENT, S.ROOT_CAUSE, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS, S.CLOSED]
IDEA_PATH = [S.TRIAGED, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS, S.CLOSED]


@pytest.fixture
def press(owner, north, org):
    """The pressing process at the north site, owned by the north process owner."""
    return process_create(by=owner, sites=[north], name="Pressing", kind="core", owner=owner)


def report(by: Any, site: Any, *, type: str = EventType.PRODUCT_NC, **fields: Any) -> Event:
    fields.setdefault("description", "Burrs on 120 brackets from press 3.\nFound at final inspection.")
    return services.event_report(by=by, site=site, type=type, **fields)


def severity(code: str = "major") -> Severity:
    return Severity.objects.get(code=code)


def cause(code: str = "maintenance") -> CauseCategory:
    return CauseCategory.objects.get(code=code)


def fresh(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


def plan(event: Event, by: Any, *, owner: Any = None, description: str = ACTION, **fields: Any) -> Any:
    fields.setdefault("due", timezone.localdate() + dt.timedelta(days=30))
    fields.setdefault("criterion", "No burrs found in 90 days")
    return actions.action_add(by=by, event=event, description=description, owner=owner or by, **fields)


def finish(action: Any, by: Any, *, days_ago: int = 90) -> Any:
    """Mark the action done ``days_ago`` days ago (its check falls due after ``check_after_days``)."""
    action.refresh_from_db()
    return actions.action_complete(
        by=by, action=action, version=action.version, done_on=timezone.localdate() - dt.timedelta(days=days_ago)
    )


def verify(action: Any, by: Any, result: str = "effective") -> Any:
    action.refresh_from_db()
    return actions.check_record(
        by=by, action=action, version=action.version, result=result, evidence="Inspection records of 90 days."
    )


def meet_guard(event: Event, target: str, by: Any) -> None:
    """Do what the move to ``target`` needs, as the step before it would."""
    event = fresh(event)
    if target == S.TRIAGED and event.owner_id is None:
        services.event_update(by=by, event=event, version=event.version, owner=by, severity=severity())
    elif target == S.ROOT_CAUSE and event.status == S.CONTAINMENT:
        investigation.containment_add(
            by=by, event=event, description="Quarantined and scrapped.", quantity="120", unit="pcs", disposition="scrap"
        )
    elif target == S.ACTION_PLAN and event.status == S.ROOT_CAUSE:
        services.event_update(
            by=by,
            event=event,
            version=event.version,
            root_cause="Worn punch not replaced: no preventive maintenance plan for press 3.",
            cause_category=cause(),
        )
    elif target == S.IMPLEMENTATION and not event.actions.filter(status="open").exists():
        plan(event, by)
    elif target == S.EFFECTIVENESS:
        for a in event.actions.filter(status="open"):
            finish(a, by)
    elif target == S.CLOSED:
        for a in event.actions.filter(status="done"):
            verify(a, by)


def advance(event: Event, target: str, by: Any) -> Event:
    """Move one step, meeting its guard first (closing signs with the test password)."""
    meet_guard(event, target, by)
    event = fresh(event)
    return services.event_transition(by=by, event=event, version=event.version, to=target, password=PASSWORD)


def at(status: str, by: Any, site: Any, *, type: str = EventType.PRODUCT_NC, **fields: Any) -> Event:
    """A new event taken to ``status`` by ``by`` along its type's path (rejected/duplicate from reported)."""
    event = report(by, site, type=type, **fields)
    if status == S.REJECTED:
        return services.event_transition(by=by, event=event, version=event.version, to=S.REJECTED, reason="Not ours.")
    if status == S.DUPLICATE:
        original = report(by, site, type=type)
        return services.event_transition(
            by=by, event=event, version=event.version, to=S.DUPLICATE, reason="Same burrs.", duplicate_of=original
        )
    path = IDEA_PATH if type == EventType.IMPROVEMENT else NC_PATH
    if type not in (
        EventType.PRODUCT_NC,
        EventType.SUPPLIER_NC,
        EventType.ENVIRONMENTAL_INCIDENT,
        EventType.IMPROVEMENT,
    ):
        path = [s for s in NC_PATH if s != S.CONTAINMENT]
    for target in path[: path.index(status) + 1] if status in path else []:
        event = advance(event, target, by)
    return fresh(event)
