"""Closing an event: an electronic signature by its owner or an IMS manager, over what was done about it."""

from __future__ import annotations

import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.improvement import actions, investigation, selectors, services
from ims.improvement.models import EventStatus, EventType
from ims.signatures.models import Signature
from ims.signatures.services import WRONG_PASSWORD, content_hash
from tests.conftest import PASSWORD
from tests.improvement.conftest import at, fresh, meet_guard, plan

S = EventStatus


def ready(manager, owner, north):
    """An event owned by the north process owner, every action verified effective."""
    event = at(S.EFFECTIVENESS, manager, north)
    meet_guard(event, S.CLOSED, manager)
    services.event_update(by=manager, event=fresh(event), version=fresh(event).version, owner=owner)
    return fresh(event)


def test_a_wrong_password_closes_nothing_and_counts_toward_lock_out(manager, owner, north):
    event = ready(manager, owner, north)
    with pytest.raises(ValidationFailed) as refused:
        services.event_close(by=owner, event=event, version=event.version, password="not it")
    assert refused.value.errors == {"password": [WRONG_PASSWORD]}
    after = fresh(event)
    assert (after.status, after.version, after.closed_at, after.closure_signature) == (
        S.EFFECTIVENESS,
        event.version,
        None,
        None,
    )
    assert not Signature.objects.exists()
    owner.refresh_from_db()
    assert owner.failed_login_count == 1


def test_the_owner_signs_the_closure_over_root_cause_actions_and_checks(manager, owner, north):
    event = ready(manager, owner, north)
    closed = services.event_close(by=owner, event=event, version=event.version, password=PASSWORD)
    assert (closed.status, closed.closed_by) == (S.CLOSED, owner)
    signature = closed.closure_signature
    assert (signature.signer, signature.meaning) == (owner, "approved")
    content = selectors.closure_content(closed)
    assert signature.content_sha256 == content_hash(content)
    assert b"Worn punch not replaced" in content
    assert b"Fit a guard on press 3" in content
    assert b"Inspection records of 90 days." in content
    assert signature.matches(content)
    assert AuditEntry.objects.filter(record_type="improvement.event", record_id=str(event.pk), action="sign").exists()
    assert not closed.steps.filter(finished_at__isnull=True).exists()


def test_only_the_owner_or_an_approver_closes(manager, owner, make_user, north):
    event = ready(manager, owner, north)
    colleague = make_user("colleague", ("process_owner", north))
    with pytest.raises(PermissionRefused) as refused:
        services.event_close(by=colleague, event=event, version=event.version, password=PASSWORD)
    assert refused.value.detail == f"Only the owner of {event.reference} (Owner) or an IMS manager may close it."
    assert services.event_close(by=manager, event=event, version=event.version, password=PASSWORD).status == S.CLOSED


def test_closing_before_the_effectiveness_step_is_refused_by_the_table(manager, north):
    event = at(S.IMPLEMENTATION, manager, north)
    with pytest.raises(WorkflowError) as refused:
        services.event_close(by=manager, event=event, version=event.version, password=PASSWORD)
    assert refused.value.detail == (
        f"{event.reference} cannot go from Implementation to Closed; from Implementation it can go to: "
        "Effectiveness check."
    )


def test_an_improvement_idea_closes_without_a_root_cause(manager, north):
    idea = at(S.CLOSED, manager, north, type=EventType.IMPROVEMENT)
    assert (idea.status, idea.root_cause, idea.cause_category) == (S.CLOSED, "", None)


def test_a_closed_event_takes_no_more_containment_or_actions(manager, north):
    event = at(S.CLOSED, manager, north)
    with pytest.raises(WorkflowError) as refused:
        plan(event, manager)
    assert refused.value.detail == f"{event.reference} is closed; it can no longer be changed."
    with pytest.raises(WorkflowError):
        investigation.containment_add(by=manager, event=event, description="Late.")
    action = event.actions.get()
    with pytest.raises(WorkflowError):
        actions.action_cancel(by=manager, action=action, version=action.version, reason="x")
    assert selectors.closure_content(fresh(event))
    assert fresh(event).closure_signature.matches(selectors.closure_content(fresh(event)))
