"""Planned changes: the transition table (every allowed and refused move), approvals, permissions, the 6.3 check."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ims.changes import selectors
from ims.changes.checks import planned_changes
from ims.changes.models import ChangeStatus, PlannedChange
from ims.changes.services import (
    allowed_next,
    change_archive,
    change_create,
    change_transition,
    change_update,
    transition_action,
)
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.processes.services import process_create
from ims.readiness.checks import REGISTRY, Status

CHANGE = {"title": "Solvent-free degreaser", "purpose": "Cut VOC emissions."}
S = ChangeStatus
LABEL = dict(S.choices)

ALLOWED = {
    (S.PROPOSED, S.APPROVED),
    (S.APPROVED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.PROPOSED, S.CANCELLED),
    (S.APPROVED, S.CANCELLED),
    (S.IN_PROGRESS, S.CANCELLED),
}
NEXT = {
    S.PROPOSED: "Approved, Cancelled",
    S.APPROVED: "In progress, Cancelled",
    S.IN_PROGRESS: "Completed, Cancelled",
}
PATH = [S.PROPOSED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED]


def at(status: str, by, site) -> PlannedChange:
    change = change_create(by=by, site=site, **CHANGE)
    if status == S.CANCELLED:
        return change_transition(by=by, change=change, version=change.version, to=S.CANCELLED, reason="No budget.")
    for to in PATH[1 : PATH.index(status) + 1]:
        change = change_transition(by=by, change=change, version=change.version, to=to)
    return change


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("to", S.values)
def test_every_transition_of_the_table(current, to, manager, north):
    change = at(current, manager, north)
    assert change.status == current
    if (current, to) in ALLOWED:
        moved = change_transition(by=manager, change=change, version=change.version, to=to, reason="Plans changed.")
        assert moved.status == to
        assert PlannedChange.objects.get(pk=change.pk).status == to
        return
    with pytest.raises(WorkflowError) as refused:
        change_transition(by=manager, change=change, version=change.version, to=to, reason="x")
    follow = (
        f"from {LABEL[current]} it can go to: {NEXT[current]}." if current in NEXT else f"{LABEL[current]} is final."
    )
    assert refused.value.detail == f"CHG-001 cannot go from {LABEL[current]} to {LABEL[to]}; {follow}"


def test_the_table_in_one_place():
    assert {(a, b) for a in S.values for b in S.values if transition_action(a, b)} == ALLOWED
    assert allowed_next(S.COMPLETED) == []
    assert allowed_next(S.CANCELLED) == []


def test_approval_is_recorded_and_needs_the_approve_permission(owner, manager, north):
    change = change_create(by=owner, site=north, **CHANGE)
    with pytest.raises(
        PermissionRefused, match=re.escape("You are not allowed to approve planned changes of North plant.")
    ):
        change_transition(by=owner, change=change, version=1, to=S.APPROVED)
    approved = change_transition(by=manager, change=change, version=1, to=S.APPROVED)
    assert approved.approved_by == manager
    assert approved.approved_at is not None
    started = change_transition(by=owner, change=approved, version=2, to=S.IN_PROGRESS)
    done = change_transition(by=owner, change=started, version=3, to=S.COMPLETED)
    assert done.completed_at is not None


def test_cancelling_needs_a_reason_and_unknown_status(owner, north):
    change = change_create(by=owner, site=north, **CHANGE)
    with pytest.raises(ValidationFailed) as no_reason:
        change_transition(by=owner, change=change, version=1, to=S.CANCELLED, reason="  ")
    assert no_reason.value.errors == {"reason": ["Say why the change is cancelled."]}
    with pytest.raises(ValidationFailed) as unknown:
        change_transition(by=owner, change=change, version=1, to="done")
    assert unknown.value.errors == {
        "to": ["“done” is not a status; use one of: proposed, approved, in_progress, completed, cancelled."]
    }
    cancelled = change_transition(by=owner, change=change, version=1, to=S.CANCELLED, reason="No budget.")
    assert cancelled.cancel_reason == "No budget."


def test_org_wide_changes_and_outsiders(owner, manager, viewer, outsider, north):
    with pytest.raises(PermissionRefused, match=re.escape("whole organisation")):
        change_create(by=owner, site=None, **CHANGE)
    org_wide = change_create(by=manager, site=None, **CHANGE)
    local = change_create(by=owner, site=north, **CHANGE)
    for user in (owner, viewer):
        assert set(selectors.change_list(user)) == {org_wide, local}
    assert list(selectors.change_list(outsider)) == [org_wide]
    with pytest.raises(PermissionRefused):
        change_create(by=viewer, site=north, **CHANGE)
    with pytest.raises(PermissionRefused):
        change_update(by=viewer, change=local, version=1, title="x")
    with pytest.raises(PermissionRefused):
        change_transition(by=viewer, change=local, version=1, to=S.CANCELLED, reason="x")
    with pytest.raises(PermissionRefused):
        change_update(by=owner, change=org_wide, version=1, title="x")


def test_affected_processes_versions_and_archive(owner, outsider, north, south):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    southern = process_create(by=outsider, sites=[south], name="Painting", kind="core")
    with pytest.raises(ValidationFailed) as hidden:
        change_create(by=owner, site=north, processes=[southern], **CHANGE)
    assert hidden.value.errors == {"processes": [f"No active process with id {southern.pk} that you may see."]}
    change = change_create(by=owner, site=north, processes=[washer], **CHANGE)
    assert list(change.processes.all()) == [washer]
    assert list(selectors.change_list(owner, process_id=washer.pk)) == [change]
    change_update(by=owner, change=change, version=1, processes=[])
    assert change.version == 2
    assert not change.processes.exists()
    stale = PlannedChange.objects.get(pk=change.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        change_update(by=owner, change=stale, version=1, title="x")
    with pytest.raises(ValidationFailed):
        change_update(by=owner, change=change, version=2, status="completed")
    change_archive(by=owner, change=change, version=2)
    with pytest.raises(WorkflowError, match=re.escape("CHG-001 is archived")):
        change_transition(by=owner, change=change, version=3, to=S.CANCELLED, reason="x")
    assert not selectors.change_list(owner).exists()


NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_check_no_data_fail_pass(manager, north):
    assert planned_changes(NOW).status == Status.NO_DATA
    change = change_create(by=manager, site=north, planned_date=dt.date(2026, 5, 1), **CHANGE)
    assert planned_changes(NOW).status == Status.PASS  # proposed: not started, not late
    change = change_transition(by=manager, change=change, version=1, to=S.APPROVED)
    result = planned_changes(NOW)
    assert result.status == Status.FAIL
    assert result.explanation == (
        "1 of 1 planned changes are approved or in progress but past their planned date without completion."
    )
    change = change_transition(by=manager, change=change, version=2, to=S.IN_PROGRESS)
    assert planned_changes(NOW).status == Status.FAIL
    change_transition(by=manager, change=change, version=3, to=S.COMPLETED)
    result = planned_changes(NOW)
    assert result.status == Status.PASS
    assert result.explanation == "1 planned changes recorded; none is past its planned date."


def test_the_checks_are_registered_for_their_clauses():
    assert {(c.standard, c.number) for c in REGISTRY["planned_changes"].clauses} == {
        ("iso9001", "6.3"),
        ("iso14001", "6.3"),
    }
    assert {(c.standard, c.number) for c in REGISTRY["processes"].clauses} == {("iso9001", "4.4"), ("iso14001", "4.4")}
