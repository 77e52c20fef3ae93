"""The event workflow: every row of the table moves, every other move is refused, every guard names what is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.improvement import investigation, selectors, services, workflow
from ims.improvement.models import Event, EventStatus, EventType, Step
from tests.improvement.conftest import ACTION, advance, at, cause, finish, fresh, meet_guard, plan, report, severity

S = EventStatus
LABEL = dict(S.choices)
TABLE = {(t.source, t.target) for t in workflow.TRANSITIONS}
NEXT = {
    S.REPORTED: "Triaged, Rejected, Duplicate",
    S.TRIAGED: "Containment, Root cause analysis, Action plan, Rejected, Duplicate",
    S.CONTAINMENT: "Root cause analysis",
    S.ROOT_CAUSE: "Action plan",
    S.ACTION_PLAN: "Implementation",
    S.IMPLEMENTATION: "Effectiveness check",
    S.EFFECTIVENESS: "Action plan, Closed",
}


def type_for(source: str, target: str) -> str:
    """A type whose path passes through ``source`` and may take the row to ``target``."""
    if (source, target) == (S.TRIAGED, S.ACTION_PLAN):
        return EventType.IMPROVEMENT
    if (source, target) == (S.TRIAGED, S.ROOT_CAUSE):
        return EventType.PROCESS_NC
    return EventType.PRODUCT_NC


def test_the_table_is_the_one_in_the_issue():
    assert {
        (S.REPORTED, S.TRIAGED),
        (S.REPORTED, S.REJECTED),
        (S.REPORTED, S.DUPLICATE),
        (S.TRIAGED, S.CONTAINMENT),
        (S.TRIAGED, S.ROOT_CAUSE),
        (S.TRIAGED, S.ACTION_PLAN),
        (S.TRIAGED, S.REJECTED),
        (S.TRIAGED, S.DUPLICATE),
        (S.CONTAINMENT, S.ROOT_CAUSE),
        (S.ROOT_CAUSE, S.ACTION_PLAN),
        (S.ACTION_PLAN, S.IMPLEMENTATION),
        (S.IMPLEMENTATION, S.EFFECTIVENESS),
        (S.EFFECTIVENESS, S.ACTION_PLAN),
        (S.EFFECTIVENESS, S.CLOSED),
    } == TABLE
    assert workflow.targets_from(S.CLOSED) == []
    assert next(t for t in workflow.TRANSITIONS if t.target == S.CLOSED).signed


@pytest.mark.parametrize(("source", "target"), sorted(TABLE))
def test_each_row_of_the_table_moves_when_its_guard_is_met(source, target, manager, north):
    event = at(source, manager, north, type=type_for(source, target))
    assert event.status == source
    if target == S.ACTION_PLAN and source == S.EFFECTIVENESS:
        event.actions.update(status="ineffective")  # a later check found a recurrence
    if target in (S.REJECTED, S.DUPLICATE):
        original = report(manager, north)
        moved = services.event_transition(
            by=manager, event=event, version=event.version, to=target, reason="Reported twice.", duplicate_of=original
        )
    else:
        moved = advance(event, target, manager)
    assert fresh(moved).status == target
    open_steps = list(Step.objects.filter(event=event, finished_at__isnull=True))
    if target in (S.CLOSED, S.REJECTED, S.DUPLICATE):
        assert open_steps == []
    else:
        assert [s.status for s in open_steps] == [target]


OUTSIDE = sorted(
    (source, target)
    for source in [*NEXT, S.CLOSED, S.REJECTED, S.DUPLICATE]
    for target in S.values
    if (source, target) not in TABLE
)


@pytest.mark.parametrize(("source", "target"), OUTSIDE)
def test_every_move_outside_the_table_is_refused_naming_the_allowed_ones(source, target, manager, north):
    event = at(source, manager, north, type=EventType.PRODUCT_NC)
    with pytest.raises(WorkflowError) as refused:
        services.event_transition(by=manager, event=event, version=event.version, to=target, reason="x")
    follow = f"from {LABEL[source]} it can go to: {NEXT[source]}." if source in NEXT else f"{LABEL[source]} is final."
    assert refused.value.detail == f"{event.reference} cannot go from {LABEL[source]} to {LABEL[target]}; {follow}"
    assert fresh(event).status == source
    assert fresh(event).version == event.version


def test_an_unknown_status_is_a_validation_error(manager, north):
    event = report(manager, north)
    with pytest.raises(ValidationFailed) as refused:
        services.event_transition(by=manager, event=event, version=1, to="done")
    assert refused.value.errors["to"][0].startswith("“done” is not a status; use one of: reported, triaged")


def test_triage_needs_an_owner_and_a_severity(manager, north):
    event = report(manager, north)
    with pytest.raises(WorkflowError) as refused:
        services.event_transition(by=manager, event=event, version=event.version, to=S.TRIAGED)
    year = timezone.localdate().year
    assert refused.value.detail == f"NC-{year}-0001 cannot be triaged: no owner is assigned; no severity is set."
    with pytest.raises(ValidationFailed) as missing:
        services.event_triage(by=manager, event=event, version=event.version, owner=None, severity=severity())
    assert missing.value.errors == {"owner": ["Assign the person who takes the event to closure."]}
    triaged = services.event_triage(
        by=manager, event=fresh(event), version=event.version, owner=manager, severity=severity("critical")
    )
    assert (triaged.status, triaged.owner, triaged.severity.code) == (S.TRIAGED, manager, "critical")


def test_each_step_is_owned_and_dated(manager, owner, north, press):
    event = report(owner, north, process=press)
    first = Step.objects.get(event=event)
    assert (first.status, first.owner, first.due) == (S.REPORTED, owner, timezone.localdate() + dt.timedelta(days=2))
    services.event_triage(by=manager, event=event, version=event.version, owner=owner, severity=severity("major"))
    steps = list(Step.objects.filter(event=event).order_by("started_at", "id"))
    assert steps[0].finished_at is not None
    assert steps[0].finished_by == manager
    assert (steps[1].status, steps[1].owner, steps[1].due) == (
        S.TRIAGED,
        owner,
        timezone.localdate() + dt.timedelta(days=7),
    )
    due = timezone.localdate() + dt.timedelta(days=3)
    moved = services.event_transition(
        by=manager, event=fresh(event), version=fresh(event).version, to=S.CONTAINMENT, due=due
    )
    assert selectors.current_step(moved).due == due
    with pytest.raises(ValidationFailed) as past:
        services.step_update(
            by=manager, event=moved, version=moved.version, due=timezone.localdate() - dt.timedelta(days=1)
        )
    assert "is in the past" in past.value.errors["due"][0]


def test_a_product_nonconformity_is_contained_before_its_root_cause(manager, north):
    event = at(S.TRIAGED, manager, north)
    with pytest.raises(WorkflowError) as refused:
        services.event_transition(by=manager, event=event, version=event.version, to=S.ROOT_CAUSE)
    assert refused.value.detail == (
        f"{event.reference} cannot go to root cause analysis: a product or service nonconformity needs containment "
        "first: record what was done with what is affected."
    )
    process_nc = at(S.TRIAGED, manager, north, type=EventType.PROCESS_NC)
    assert advance(process_nc, S.ROOT_CAUSE, manager).status == S.ROOT_CAUSE


def test_leaving_containment_needs_a_record_and_for_an_output_its_disposition(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    with pytest.raises(WorkflowError) as nothing:
        services.event_transition(by=manager, event=event, version=event.version, to=S.ROOT_CAUSE)
    assert nothing.value.detail == (
        f"{event.reference} cannot go to root cause analysis: no containment or correction is recorded."
    )
    investigation.containment_add(by=manager, event=event, description="Stopped press 3.")
    with pytest.raises(WorkflowError) as undecided:
        services.event_transition(by=manager, event=event, version=event.version, to=S.ROOT_CAUSE)
    assert undecided.value.detail.endswith(
        "no disposition of the nonconforming output is recorded (scrap, rework, concession, return …)."
    )


def test_the_action_plan_waits_for_the_root_cause_except_for_an_idea(manager, north):
    event = at(S.ROOT_CAUSE, manager, north)
    with pytest.raises(WorkflowError) as refused:
        services.event_transition(by=manager, event=event, version=event.version, to=S.ACTION_PLAN)
    assert refused.value.detail == (
        f"{event.reference} cannot go to the action plan: the root cause is not recorded; no cause category is chosen."
    )
    triaged = at(S.TRIAGED, manager, north, type=EventType.PROCESS_NC)
    with pytest.raises(WorkflowError) as shortcut:
        services.event_transition(by=manager, event=triaged, version=triaged.version, to=S.ACTION_PLAN)
    assert shortcut.value.detail == (
        f"{triaged.reference} cannot go to the action plan: only an improvement opportunity goes straight to "
        "the action plan; find the root cause first."
    )
    idea = at(S.TRIAGED, manager, north, type=EventType.IMPROVEMENT)
    assert advance(idea, S.ACTION_PLAN, manager).status == S.ACTION_PLAN


def test_implementation_needs_an_action_and_verification_needs_every_action_done(manager, north):
    event = at(S.ACTION_PLAN, manager, north)
    with pytest.raises(WorkflowError) as none:
        services.event_transition(by=manager, event=event, version=event.version, to=S.IMPLEMENTATION)
    assert none.value.detail == f"{event.reference} cannot go to implementation: no action is planned."
    due = timezone.localdate() + dt.timedelta(days=30)
    plan(event, manager, due=due)
    moved = services.event_transition(by=manager, event=fresh(event), version=fresh(event).version, to=S.IMPLEMENTATION)
    assert selectors.current_step(moved).due == due  # the implementation step is due with its last action
    with pytest.raises(WorkflowError) as still_open:
        services.event_transition(by=manager, event=moved, version=moved.version, to=S.EFFECTIVENESS)
    assert still_open.value.detail == (
        f"{event.reference} cannot go to the effectiveness check: "
        f"action 1 “{ACTION}” is still open (due {due:%Y-%m-%d})."
    )


def test_closing_with_an_open_or_unverified_action_is_refused(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    second = plan(event, manager, description="Add the punch to the preventive maintenance plan")
    finish(event.actions.get(number=1), manager)
    finish(second, manager)
    event = advance(event, S.EFFECTIVENESS, manager)
    plan(event, manager, description="Train setters on punch wear")
    from tests.conftest import PASSWORD

    with pytest.raises(WorkflowError) as refused:
        services.event_close(by=manager, event=event, version=event.version, password=PASSWORD)
    assert refused.value.detail == (
        f"{event.reference} cannot close: action 1 “{ACTION}” is not verified effective; "
        "action 2 “Add the punch to the preventive maintenance plan” is not verified effective; "
        "action 3 “Train setters on punch wear” is not done."
    )
    assert fresh(event).status == S.EFFECTIVENESS


def test_rejecting_needs_a_reason_and_a_duplicate_its_original(manager, north):
    original = report(manager, north)
    event = report(manager, north)
    with pytest.raises(ValidationFailed) as no_reason:
        services.event_transition(by=manager, event=event, version=1, to=S.REJECTED)
    assert no_reason.value.errors == {"reason": [f"Say why {event.reference} is rejected."]}
    with pytest.raises(ValidationFailed) as no_original:
        services.event_transition(by=manager, event=event, version=1, to=S.DUPLICATE, reason="Twice.")
    assert no_original.value.errors == {"duplicate_of": ["Say which event this one duplicates."]}
    with pytest.raises(ValidationFailed) as itself:
        services.event_transition(by=manager, event=event, version=1, to=S.DUPLICATE, reason="x", duplicate_of=event)
    assert itself.value.errors == {"duplicate_of": ["An event cannot duplicate itself."]}
    moved = services.event_transition(
        by=manager, event=event, version=1, to=S.DUPLICATE, reason="Same burrs.", duplicate_of=original
    )
    assert (moved.duplicate_of, moved.reason) == (original, "Same burrs.")
    third = report(manager, north)
    with pytest.raises(ValidationFailed) as chained:
        services.event_transition(by=manager, event=third, version=1, to=S.DUPLICATE, reason="x", duplicate_of=moved)
    assert chained.value.errors == {
        "duplicate_of": [f"{moved.reference} is itself a duplicate of {original.reference}; point to that one."]
    }


def test_a_final_event_can_no_longer_be_changed(manager, north):
    event = at(S.REJECTED, manager, north)
    with pytest.raises(WorkflowError) as refused:
        services.event_update(by=manager, event=event, version=event.version, title="New title")
    assert refused.value.detail == f"{event.reference} is rejected; it can no longer be changed."
    with pytest.raises(WorkflowError):
        investigation.containment_add(by=manager, event=event, description="Too late.")


def test_a_stale_version_is_a_conflict_and_changes_nothing(manager, north):
    event = report(manager, north)
    services.event_update(by=manager, event=event, version=1, location="Press 3")
    stale = Event.objects.get(pk=event.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        services.event_transition(by=manager, event=stale, version=1, to=S.REJECTED, reason="x")
    assert fresh(event).status == S.REPORTED


def test_only_people_who_may_change_events_at_the_site_move_them(manager, owner, contributor, auditor, outsider, north):
    event = report(contributor, north)
    services.event_update(by=manager, event=event, version=1, owner=owner, severity=severity())
    event = fresh(event)
    for person in (contributor, auditor, outsider):
        with pytest.raises(PermissionRefused) as refused:
            services.event_transition(by=person, event=event, version=event.version, to=S.TRIAGED)
        assert refused.value.detail == "You are not allowed to change events at North plant."
    assert services.event_transition(by=owner, event=event, version=event.version, to=S.TRIAGED).status == S.TRIAGED


def test_overdue_steps_and_actions_are_found(manager, north):
    late_step = report(manager, north)
    Step.objects.filter(event=late_step).update(due=timezone.localdate() - dt.timedelta(days=1))
    late_action = at(S.ACTION_PLAN, manager, north)
    action = plan(late_action, manager)
    Step.objects.filter(event=late_action).update(due=None)
    type(action).objects.filter(pk=action.pk).update(due=timezone.localdate() - dt.timedelta(days=1))
    on_time = report(manager, north)
    found = set(selectors.event_list(manager, overdue_only=True))
    assert found == {late_step, late_action}
    assert on_time in set(selectors.event_list(manager, overdue_only=False))
    assert selectors.is_overdue(late_step)
    assert selectors.is_overdue(late_action)
    assert not selectors.is_overdue(on_time)


def test_meeting_a_guard_is_what_lets_the_move_through(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    meet_guard(event, S.ROOT_CAUSE, manager)
    services.event_transition(by=manager, event=fresh(event), version=fresh(event).version, to=S.ROOT_CAUSE)
    services.event_update(by=manager, event=fresh(event), version=fresh(event).version, cause_category=cause())
    with pytest.raises(WorkflowError) as refused:
        services.event_transition(by=manager, event=fresh(event), version=fresh(event).version, to=S.ACTION_PLAN)
    assert refused.value.detail.endswith("cannot go to the action plan: the root cause is not recorded.")
