"""Document revisions: every lifecycle transition, signatures and their invalidation, supersession."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.documents import selectors
from ims.documents.models import Decision, RevisionStatus
from ims.documents.services import (
    add_months,
    document_create,
    draft_update,
    next_number,
    publish,
    recall,
    revision_start,
    rework,
    sign_step,
    steps_set,
    submit,
    withdraw,
)
from ims.signatures.models import Signature
from ims.signatures.services import WRONG_PASSWORD
from tests.conftest import PASSWORD

S = RevisionStatus


def fresh(revision):
    revision.refresh_from_db()
    return revision


def signed(by, revision, meaning="approved", reason=""):
    revision = fresh(revision)
    return sign_step(
        by=by, revision=revision, version=revision.version, password=PASSWORD, meaning=meaning, reason=reason
    )


def through_review(procedure, owner, manager):
    draft = procedure.revisions.get()
    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    return signed(manager, draft)


def test_numbers_follow_the_scheme_per_type_and_area(procedure, owner, north):
    assert procedure.number == "PRO-ENV-001"
    assert next_number("procedure", "ENV") == "PRO-ENV-002"
    assert next_number("procedure", "QUA") == "PRO-QUA-001"
    assert next_number("record", "ENV") == "REC-ENV-0001"


def test_draft_review_approval_and_publication(procedure, owner, manager):
    draft = procedure.revisions.get()
    with pytest.raises(ValidationFailed) as no_approver:
        submit(by=owner, revision=draft, version=draft.version)
    assert no_approver.value.errors == {
        "approvers": ["Name at least one approver of PRO-ENV-001 revision 1 before submitting it."]
    }
    approved = through_review(procedure, owner, manager)
    assert approved.status == S.APPROVED
    step = approved.steps.get()
    assert step.decision == Decision.APPROVED
    assert step.signature.matches(approved.signed_content())
    published = publish(by=manager, revision=approved, version=fresh(approved).version)
    assert published.status == S.EFFECTIVE
    procedure.refresh_from_db()
    assert procedure.next_review == add_months(timezone.localdate(), 12)


def test_publishing_supersedes_the_effective_revision_in_the_same_step(procedure, owner, manager):
    first = through_review(procedure, owner, manager)
    publish(by=manager, revision=first, version=fresh(first).version)
    second = revision_start(by=owner, document=procedure, change_summary="Adds the spill kit list.")
    assert (second.number, second.text) == (2, fresh(first).text)
    with pytest.raises(WorkflowError, match="only one draft at a time"):
        revision_start(by=owner, document=procedure)
    draft_update(by=owner, revision=second, version=second.version, text="Updated.")
    steps_set(by=owner, revision=second, approvers=[manager])
    submit(by=owner, revision=second, version=fresh(second).version)
    signed(manager, second)
    publish(by=manager, revision=second, version=fresh(second).version)
    assert (fresh(first).status, fresh(second).status) == (S.SUPERSEDED, S.EFFECTIVE)
    assert fresh(first).end_reason == "Superseded by revision 2."


def test_refused_transitions_name_what_is_possible(procedure, owner, manager):
    draft = procedure.revisions.get()
    with pytest.raises(WorkflowError) as early:
        publish(by=manager, revision=draft, version=draft.version)
    assert str(early.value) == "PRO-ENV-001 revision 1 is draft; only an approved revision is published."
    with pytest.raises(WorkflowError) as rework_draft:
        rework(by=owner, revision=draft, version=draft.version)
    assert str(rework_draft.value) == "PRO-ENV-001 revision 1 cannot rework now; from Draft it can: submit."
    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    with pytest.raises(WorkflowError, match="only a draft can be edited"):
        draft_update(by=owner, revision=draft, version=fresh(draft).version, text="sneaky")
    recall(by=owner, revision=draft, version=fresh(draft).version)
    assert fresh(draft).status == S.DRAFT


def test_a_rejection_is_signed_and_sends_the_revision_back(procedure, owner, manager):
    draft = procedure.revisions.get()
    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    with pytest.raises(ValidationFailed):
        signed(manager, draft, meaning="rejected")
    signed(manager, draft, meaning="rejected", reason="Add the phone number of the fire brigade.")
    assert fresh(draft).status == S.CHANGES_REQUESTED
    rework(by=owner, revision=draft, version=fresh(draft).version)
    draft_update(by=owner, revision=draft, version=fresh(draft).version, text="Call 112.")
    rejection = Signature.objects.get()
    assert not rejection.valid
    assert rejection.invalidated_reason == "the content changed after signing"
    submit(by=owner, revision=draft, version=fresh(draft).version)
    assert fresh(draft).steps.get().decision == Decision.PENDING


def test_signing_rules_wrong_password_sequence_self_approval_and_role(procedure, owner, manager, admin):
    draft = procedure.revisions.get()
    with pytest.raises(ValidationFailed) as self_named:
        steps_set(by=owner, revision=draft, approvers=[owner])
    assert self_named.value.errors == {
        "approvers": ["Owner drafted PRO-ENV-001 revision 1; another person must approve it."]
    }
    procedure.approval_mode = "sequence"
    procedure.save(update_fields=["approval_mode"])
    steps_set(by=owner, revision=draft, reviewers=[admin], approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    with pytest.raises(WorkflowError, match="waiting for Admin to sign first"):
        signed(manager, draft)
    with pytest.raises(ValidationFailed) as meaning:
        signed(admin, draft, meaning="approved")
    assert meaning.value.errors == {"meaning": ["As reviewer you sign as: reviewed, rejected."]}
    with pytest.raises(ValidationFailed) as wrong:
        sign_step(by=admin, revision=fresh(draft), version=fresh(draft).version, password="x", meaning="reviewed")
    assert wrong.value.errors == {"password": [WRONG_PASSWORD]}
    signed(admin, draft, meaning="reviewed")
    assert fresh(draft).status == S.IN_REVIEW
    with pytest.raises(WorkflowError, match="already signed"):
        signed(admin, draft, meaning="reviewed")
    with pytest.raises(PermissionRefused, match="not a reviewer or approver"):
        signed(owner, draft)
    signed(manager, draft)
    assert fresh(draft).status == S.APPROVED


@override_settings(IMS_DOCUMENTS_SELF_APPROVAL=True)
def test_self_approval_when_the_configuration_allows_it(manager, org):
    document = document_create(by=manager, doc_type="form", title="Waste log", text="| date | kg |")
    draft = document.revisions.get()
    steps_set(by=manager, revision=draft, approvers=[manager])
    submit(by=manager, revision=draft, version=fresh(draft).version)
    assert signed(manager, draft).status == S.APPROVED


def test_withdrawing_makes_the_document_obsolete_and_records_cannot_be_edited_once_final(owner, manager, north):
    record = document_create(
        by=owner, doc_type="record", area="ENV", title="Spill drill 2026-03", sites=[north], text="Drill held."
    )
    draft = record.revisions.get()
    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    signed(manager, draft)
    publish(by=manager, revision=draft, version=fresh(draft).version)
    with pytest.raises(WorkflowError, match="finalised record and cannot be edited"):
        revision_start(by=owner, document=record)
    correction = document_create(
        by=owner,
        doc_type="record",
        area="ENV",
        title="Spill drill 2026-03 (correction)",
        sites=[north],
        text="Held on 4 March.",
        corrects=record,
    )
    assert correction.corrects == record
    with pytest.raises(ValidationFailed):
        withdraw(by=manager, revision=fresh(draft), version=fresh(draft).version, reason="")
    with pytest.raises(PermissionRefused):
        withdraw(by=owner, revision=fresh(draft), version=fresh(draft).version, reason="Replaced")
    gone = withdraw(
        by=manager, revision=fresh(draft), version=fresh(draft).version, reason="Drill records move to the new system."
    )
    assert gone.status == S.OBSOLETE


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    import datetime as dt

    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 5, 15), 24) == dt.date(2028, 5, 15)


def test_who_sees_which_revision(procedure, owner, manager, viewer, outsider, auditor):
    draft = procedure.revisions.get()
    assert [r.pk for r in selectors.revisions_visible_to(owner)] == [draft.pk]
    assert list(selectors.revisions_visible_to(viewer)) == []
    assert list(selectors.revisions_visible_to(outsider)) == []
    first = through_review(procedure, owner, manager)
    publish(by=manager, revision=first, version=fresh(first).version)
    assert [r.pk for r in selectors.revisions_visible_to(viewer)] == [first.pk]
    assert list(selectors.documents_visible_to(outsider)) == []
    second = revision_start(by=owner, document=procedure)
    assert second.pk not in {r.pk for r in selectors.revisions_visible_to(viewer)}
    assert second.pk in {r.pk for r in selectors.revisions_visible_to(manager)}
    draft_update(by=owner, revision=second, version=second.version, text="v2")
    steps_set(by=owner, revision=second, approvers=[manager])
    submit(by=owner, revision=second, version=fresh(second).version)
    signed(manager, second)
    publish(by=manager, revision=second, version=fresh(second).version)
    assert first.pk not in {r.pk for r in selectors.revisions_visible_to(viewer)}, "viewers see only the effective one"
    assert first.pk in {r.pk for r in selectors.revisions_visible_to(auditor)}


def test_a_withdrawn_document_is_no_longer_due_for_review(procedure, owner, manager):
    effective = through_review(procedure, owner, manager)
    publish(by=manager, revision=effective, version=fresh(effective).version)
    procedure.refresh_from_db()
    assert procedure.next_review is not None
    withdraw(by=manager, revision=fresh(effective), version=fresh(effective).version, reason="Process stopped.")
    procedure.refresh_from_db()
    assert procedure.next_review is None
