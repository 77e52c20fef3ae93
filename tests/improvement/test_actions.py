"""Corrective actions and their effectiveness checks: scheduled once done, gating closure, looping on failure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.improvement import actions, services
from ims.improvement.models import ActionLink, ActionStatus, EffectivenessCheck, EventStatus
from tests.improvement.conftest import ACTION, advance, at, finish, fresh, plan, report, verify

S = EventStatus
A = ActionStatus


def test_an_effectiveness_check_before_implementation_is_refused(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    action = event.actions.get()
    with pytest.raises(WorkflowError) as refused:
        actions.check_record(by=manager, action=action, version=action.version, result="effective", evidence="x")
    assert refused.value.detail == (
        f"{event.reference} action 1 “{ACTION}” is not implemented yet; "
        "its effectiveness can be checked once it is done."
    )
    assert not EffectivenessCheck.objects.exists()
    assert type(action).objects.get(pk=action.pk).status == A.OPEN


def test_done_schedules_the_check_after_the_planned_delay_with_the_criterion(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    action = event.actions.get()
    actions.action_update(by=manager, action=action, version=action.version, check_after_days=60)
    action.refresh_from_db()
    check = actions.action_complete(by=manager, action=action, version=action.version, done_on=dt.date(2026, 1, 31))
    assert (check.due, check.criterion, check.result) == (dt.date(2026, 4, 1), "No burrs found in 90 days", "")
    action.refresh_from_db()
    assert (action.status, action.done_on) == (A.DONE, dt.date(2026, 1, 31))
    with pytest.raises(WorkflowError) as twice:
        actions.action_complete(by=manager, action=action, version=action.version)
    assert twice.value.detail == (
        f"{event.reference} action 1 “{ACTION}” is done, effectiveness to check; it cannot be marked done."
    )


def test_done_cannot_be_dated_in_the_future(manager, north):
    action = at(S.IMPLEMENTATION, manager, north).actions.get()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        actions.action_complete(by=manager, action=action, version=action.version, done_on=tomorrow)
    assert refused.value.errors == {"done_on": [f"{tomorrow:%Y-%m-%d} is in the future; mark it done once it is done."]}


def test_effective_is_confirmed_from_the_due_date_on_and_not_a_day_earlier(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    early, on_time = event.actions.get(), plan(event, manager, description="Add the punch to the maintenance plan")
    finish(early, manager, days_ago=89)  # due tomorrow
    finish(on_time, manager, days_ago=90)  # due today
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(WorkflowError) as refused:
        verify(early, manager)
    assert refused.value.detail == (
        f"The effectiveness check of action 1 is due on {tomorrow:%Y-%m-%d} (“No burrs found in 90 days”); "
        "it can be confirmed effective from then on. An ineffective result can be recorded at any time."
    )
    verify(on_time, manager)
    on_time.refresh_from_db()
    assert on_time.status == A.VERIFIED_EFFECTIVE
    check = on_time.checks.get()
    assert (check.result, check.checked_by, check.evidence) == ("effective", manager, "Inspection records of 90 days.")
    verify(early, manager, result="ineffective")  # a recurrence is known before the due date
    early.refresh_from_db()
    assert early.status == A.INEFFECTIVE


def test_an_ineffective_action_sends_the_event_back_and_needs_a_follow_up_before_closure(manager, north):
    event = at(S.EFFECTIVENESS, manager, north)
    first = event.actions.get()
    verify(first, manager, result="ineffective")
    event = fresh(event)
    assert event.status == S.ACTION_PLAN
    with pytest.raises(WorkflowError) as unanswered:
        services.event_transition(by=manager, event=event, version=event.version, to=S.IMPLEMENTATION)
    assert unanswered.value.detail == (
        f"{event.reference} cannot go to implementation: "
        f"action 1 “{ACTION}” was ineffective and has no follow-up action."
    )
    second = plan(event, manager, description="Replace the punch every 50 000 strokes", follow_up_of=first)
    event = advance(event, S.IMPLEMENTATION, manager)
    finish(second, manager)
    event = advance(event, S.EFFECTIVENESS, manager)
    closed = advance(event, S.CLOSED, manager)
    assert closed.status == S.CLOSED
    statuses = dict(closed.actions.values_list("number", "status"))
    assert statuses == {1: A.INEFFECTIVE, 2: A.VERIFIED_EFFECTIVE}


def test_a_follow_up_answers_an_ineffective_action_of_the_same_event_only(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    open_action = event.actions.get()
    with pytest.raises(ValidationFailed) as not_ineffective:
        plan(event, manager, follow_up_of=open_action)
    assert not_ineffective.value.errors == {
        "follow_up_of": [f"{open_action} is open; only an ineffective action needs a follow-up."]
    }
    other = at(S.IMPLEMENTATION, manager, north)
    with pytest.raises(ValidationFailed) as elsewhere:
        plan(other, manager, follow_up_of=open_action)
    assert elsewhere.value.errors == {"follow_up_of": [f"{open_action} belongs to another event."]}


def test_an_action_is_owned_dated_and_has_an_effectiveness_criterion(manager, viewer, outsider, north):
    event = at(S.ACTION_PLAN, manager, north)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as past:
        plan(event, manager, due=yesterday)
    assert past.value.errors == {"due": [f"{yesterday:%Y-%m-%d} is in the past; give a date from today on."]}
    with pytest.raises(ValidationFailed) as no_criterion:
        plan(event, manager, criterion=" ")
    assert no_criterion.value.errors == {
        "criterion": ["Say how effectiveness will be judged, e.g. “no recurrence in 90 days”."]
    }
    with pytest.raises(ValidationFailed) as stranger:
        plan(event, manager, owner=outsider)
    assert stranger.value.errors == {"owner": ["Outsider has no role at North plant and could not see the action."]}
    assert plan(event, manager, owner=viewer).owner == viewer
    assert not event.actions.exclude(owner=viewer).exists()


def test_no_action_before_triage(manager, north):
    event = report(manager, north)
    with pytest.raises(WorkflowError) as refused:
        plan(event, manager)
    assert refused.value.detail == f"{event.reference} waits for triage; triage it before planning actions."


def test_the_action_owner_marks_their_own_action_done_others_need_the_change_permission(
    manager, contributor, make_user, north
):
    other = make_user("other-contributor", ("contributor", north))
    event = at(S.IMPLEMENTATION, manager, north)
    action = event.actions.get()
    actions.action_update(by=manager, action=action, version=action.version, owner=contributor)
    action.refresh_from_db()
    with pytest.raises(PermissionRefused) as refused:
        actions.action_complete(by=other, action=action, version=action.version)
    assert refused.value.detail == "You are not allowed to change actions of events at North plant."
    actions.action_complete(by=contributor, action=action, version=action.version)
    action.refresh_from_db()
    with pytest.raises(PermissionRefused):
        actions.check_record(by=contributor, action=action, version=action.version, result="effective", evidence="x")


def test_a_cancelled_action_needs_a_reason_and_does_not_block(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    extra = plan(event, manager, description="Buy a second press")
    with pytest.raises(ValidationFailed) as no_reason:
        actions.action_cancel(by=manager, action=extra, version=extra.version, reason="")
    assert no_reason.value.errors == {"reason": ["Say why action 2 is cancelled."]}
    actions.action_cancel(by=manager, action=extra, version=extra.version, reason="Not needed after all.")
    finish(event.actions.get(number=1), manager)
    event = advance(event, S.EFFECTIVENESS, manager)
    assert advance(event, S.CLOSED, manager).status == S.CLOSED


def test_links_name_any_record_the_action_changes_that_the_planner_may_see(
    manager, owner, outsider, north, south, press
):
    from ims.processes.services import process_create

    event = at(S.ACTION_PLAN, owner, north)
    action = plan(event, owner, links=[("processes.process", str(press.pk))])
    assert list(action.links.values_list("record_type", "record_id")) == [("processes.process", str(press.pk))]
    southern = process_create(by=outsider, sites=[south], name="Painting", kind="core")
    with pytest.raises(ValidationFailed) as hidden:
        actions.action_link(by=owner, action=action, record_type="processes.process", record_id=str(southern.pk))
    assert hidden.value.errors == {"record_id": [f"No process with id {southern.pk} that you may see."]}
    with pytest.raises(ValidationFailed) as unknown:
        actions.action_link(by=owner, action=action, record_type="free text", record_id="1")
    assert unknown.value.errors["record_type"][0].startswith("“free text” cannot be linked as evidence; use one of:")
    actions.action_link(by=manager, action=action, record_type="processes.process", record_id=str(southern.pk))
    assert ActionLink.objects.filter(action=action).count() == 2
