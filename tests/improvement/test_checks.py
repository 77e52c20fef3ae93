"""Readiness checks of 10.2 (both standards) and 9001 8.7, and the reminders of overdue work."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from ims.improvement.checks import corrective_actions, nonconforming_outputs
from ims.improvement.models import Action, Event, EventStatus, EventType, Step
from ims.readiness.checks import REGISTRY, Status
from ims.reminders.registry import pending
from ims.reminders.services import send_reminders
from tests.improvement.conftest import at, finish, plan, report

S = EventStatus


def test_the_checks_are_registered_for_the_right_clauses():
    assert {str(c) for c in REGISTRY["corrective_actions"].clauses} == {"iso9001 10.2", "iso14001 10.2"}
    assert {str(c) for c in REGISTRY["nonconforming_outputs"].clauses} == {"iso9001 8.7"}


def test_no_event_is_no_data_never_a_pass(db):
    assert corrective_actions(timezone.now()).status == Status.NO_DATA
    assert corrective_actions(timezone.now()).explanation.startswith("No data yet")
    assert nonconforming_outputs(timezone.now()).explanation.startswith("No data yet")


def test_an_overdue_corrective_action_fails_10_2(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    Action.objects.filter(event=event).update(due=timezone.localdate() - dt.timedelta(days=1))
    result = corrective_actions(timezone.now())
    assert result.status == Status.FAIL
    assert result.explanation == f"1 corrective action is overdue ({event.reference})."
    assert result.evidence == (f"improvement.event:{event.pk}",)


def test_a_closed_nonconformity_without_a_verified_action_or_root_cause_fails_10_2(manager, north):
    closed = at(S.CLOSED, manager, north)
    passed = corrective_actions(timezone.now())
    assert passed.status == Status.PASS
    assert passed.evidence == (f"improvement.event:{closed.pk}",)
    Event.objects.filter(pk=closed.pk).update(root_cause="")  # as if it had been closed outside the workflow
    failed = corrective_actions(timezone.now())
    assert failed.status == Status.FAIL
    assert failed.explanation == (
        f"1 closed nonconformity lacks a recorded root cause or an action verified effective ({closed.reference})."
    )


def test_nonconforming_outputs_need_their_disposition_once_past_containment(manager, north):
    report(manager, north, type=EventType.PROCESS_NC)
    assert nonconforming_outputs(timezone.now()).status == Status.NO_DATA
    waiting = report(manager, north)
    assert nonconforming_outputs(timezone.now()).status == Status.PASS  # still within its first step
    Step.objects.filter(event=waiting).update(due=timezone.localdate() - dt.timedelta(days=1))
    late = nonconforming_outputs(timezone.now())
    assert (late.status, late.explanation) == (
        Status.FAIL,
        f"1 of 1 nonconforming outputs have no recorded disposition past their due date ({waiting.reference}).",
    )
    Step.objects.filter(event=waiting).update(due=None)
    contained = at(S.ROOT_CAUSE, manager, north)
    result = nonconforming_outputs(timezone.now())
    assert result.status == Status.PASS
    assert result.evidence == (f"improvement.event:{contained.pk}",)


def test_reminders_of_overdue_steps_actions_and_checks_due(manager, owner, contributor, make_user, north):
    triager = make_user("north-manager", ("ims_manager", north), email="nm@example.com")
    unowned = report(contributor, north)
    Step.objects.filter(event=unowned).update(due=timezone.localdate() - dt.timedelta(days=1))
    event = at(S.IMPLEMENTATION, manager, north)
    action = event.actions.get()
    Action.objects.filter(pk=action.pk).update(owner=owner, due=timezone.localdate() - dt.timedelta(days=3))
    checked = at(S.IMPLEMENTATION, manager, north)
    finish(checked.actions.get(), manager)
    items = pending(today=timezone.localdate())
    keys = {(i.user.username, i.key.split(":")[0], i.subject) for i in items}
    assert ("north-manager", "improvement_steps", f"Triage of {unowned.reference} {unowned.title} is overdue") in keys
    assert ("manager", "improvement_steps", f"Triage of {unowned.reference} {unowned.title} is overdue") in keys
    assert ("owner", "improvement_actions", f"Action 1 of {event.reference} is overdue: Fit a guard on press 3") in keys
    assert (
        "manager",
        "improvement_checks",
        f"Check the effectiveness of action 1 of {checked.reference}: Fit a guard on press 3",
    ) in keys
    assert [i.url for i in pending(today=timezone.localdate(), user=owner)] == [f"/improvement/{event.pk}/"]
    assert triager.email
    plan(checked, manager)  # not due: no reminder
    summary = send_reminders()
    assert summary.reminders >= 1
    assert any("IMS" in m.subject for m in mail.outbox)
