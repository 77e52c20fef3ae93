"""Policies (5.2): drafting, approval by top management with an electronic signature, supersession, communication."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone

from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.org.models import ScopeStatement
from ims.policies import commitments, selectors
from ims.policies.checks import policy_current
from ims.policies.demo import TEXT
from ims.policies.importing import import_policies
from ims.policies.models import PolicyRevision, RevisionStatus
from ims.policies.services import (
    communication_record,
    draft_start,
    draft_update,
    policy_create,
    policy_update,
    revision_approve,
    revision_reject,
    revision_withdraw,
)
from ims.readiness.checks import Status
from ims.signatures.models import Signature
from ims.signatures.services import WRONG_PASSWORD
from ims.tabular.importer import ImportRefused
from tests.conftest import PASSWORD

ENVIRONMENTAL = (
    "We protect the environment and prevent pollution, fulfil our compliance obligations and continually "
    "improve our environmental performance. This policy frames our environmental objectives."
)


def new_policy(by, kind="integrated", text=TEXT, **fields):
    return policy_create(by=by, kind=kind, title=fields.pop("title", "IMS policy"), text=text, **fields)


def approve(by, revision, **kwargs):
    revision.refresh_from_db()
    return revision_approve(by=by, revision=revision, version=revision.version, password=PASSWORD, **kwargs)


def test_a_new_policy_starts_as_draft_revision_1(manager, org):
    policy = new_policy(manager)
    assert policy.reference == "POL-001"
    assert policy.standards == ["iso9001", "iso14001"]
    revision = policy.revisions.get()
    assert (revision.number, revision.status, revision.author) == (1, RevisionStatus.DRAFT, manager)
    assert selectors.in_force(policy) is None
    assert new_policy(manager).reference == "POL-002"


def test_only_top_management_with_the_approve_permission_signs(top, owner, north, make_user):
    policy = new_policy(owner, site=north)
    draft = policy.revisions.get()
    with pytest.raises(PermissionRefused, match="not allowed to approve policies of North plant"):
        approve(owner, draft)
    other = make_user("deputy", ("ims_manager", None))
    with pytest.raises(PermissionRefused) as refused:
        approve(other, draft)
    assert str(refused.value) == (
        "Only top management approves a policy: Deputy is not named as top management of North plant "
        "in Roles and responsibilities (5.3)."
    )
    approved = approve(top, draft)
    assert approved.status == RevisionStatus.APPROVED
    assert approved.approved_by == top


def test_approval_is_a_signature_over_the_exact_text_and_effective_date(top, org):
    policy = new_policy(top)
    draft = policy.revisions.get()
    with pytest.raises(ValidationFailed) as wrong:
        revision_approve(by=top, revision=draft, version=draft.version, password="guess")
    assert wrong.value.errors == {"password": [WRONG_PASSWORD]}
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.DRAFT
    assert not Signature.objects.exists()
    approved = approve(top, draft)
    signature = approved.signature
    assert signature is not None
    assert (signature.meaning, signature.signer) == ("approved", top)
    assert signature.content_sha256 == hashlib.sha256(approved.signed_content()).hexdigest()
    assert approved.effective_from == timezone.localdate()
    assert selectors.in_force(policy) == approved
    with pytest.raises(WorkflowError, match="approved text is never changed"):
        draft_update(by=top, revision=approved, version=approved.version, text="Something else")


def test_an_effective_date_in_the_past_is_refused(top, org):
    draft = new_policy(top).revisions.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        approve(top, draft, effective_from=yesterday)
    assert refused.value.errors == {
        "effective_from": [f"{yesterday:%Y-%m-%d} is in the past; a policy takes effect on or after approval."]
    }


def test_one_draft_at_a_time_and_a_new_revision_supersedes_on_its_effective_date(top, org):
    policy = new_policy(top)
    first = approve(top, policy.revisions.get())
    second = draft_start(by=top, policy=policy, change_summary="Adds the 2030 energy target.")
    assert (second.number, second.text) == (2, first.text)
    with pytest.raises(WorkflowError) as twice:
        draft_start(by=top, policy=policy)
    assert str(twice.value) == "POL-001 already has a draft (revision 2); edit it or withdraw it first."
    draft_update(by=top, revision=second, version=second.version, text=first.text + "\nNew target.")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    approve(top, second, effective_from=tomorrow)
    today = timezone.localdate()
    assert selectors.in_force(policy, today) == first
    assert second.state(today, first.pk) == "scheduled"
    assert selectors.in_force(policy, tomorrow) == second
    assert first.state(tomorrow, second.pk) == "superseded"


def test_sending_back_is_signed_and_editing_the_draft_invalidates_that_signature(top, org):
    draft = new_policy(top).revisions.get()
    with pytest.raises(ValidationFailed) as no_reason:
        revision_reject(by=top, revision=draft, version=draft.version, password=PASSWORD, reason=" ")
    assert no_reason.value.errors == {"reason": ["Say what must change before you can approve it."]}
    revision_reject(by=top, revision=draft, version=draft.version, password=PASSWORD, reason="Name the target.")
    rejection = Signature.objects.get()
    assert (rejection.meaning, rejection.reason, rejection.valid) == ("rejected", "Name the target.", True)
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.DRAFT
    draft_update(by=top, revision=draft, version=draft.version, text=TEXT + "\nTarget: -25 % energy per part.")
    rejection.refresh_from_db()
    assert not rejection.valid
    assert rejection.invalidated_reason == "the draft changed after signing"


def test_withdrawing_drafts_and_scheduled_revisions_but_never_one_in_effect(top, org):
    policy = new_policy(top)
    first = approve(top, policy.revisions.get())
    with pytest.raises(WorkflowError, match="already in effect"):
        revision_withdraw(by=top, revision=first, version=first.version, reason="oops")
    second = draft_start(by=top, policy=policy)
    approve(top, second, effective_from=timezone.localdate() + dt.timedelta(days=30))
    second.refresh_from_db()
    with pytest.raises(ValidationFailed):
        revision_withdraw(by=top, revision=second, version=second.version, reason="")
    withdrawn = revision_withdraw(by=top, revision=second, version=second.version, reason="Board changed its mind.")
    assert withdrawn.status == RevisionStatus.WITHDRAWN
    third = draft_start(by=top, policy=policy)
    assert third.number == 3
    gone = revision_withdraw(by=top, revision=third, version=third.version, reason="Not needed.")
    assert gone.status == RevisionStatus.WITHDRAWN


def test_the_kind_cannot_change_once_a_revision_was_signed(top, org):
    policy = new_policy(top, kind="environmental", text=ENVIRONMENTAL)
    policy_update(by=top, policy=policy, version=policy.version, kind="integrated")
    policy.refresh_from_db()
    approve(top, policy.revisions.get())
    with pytest.raises(WorkflowError, match="the kind was part of what was signed"):
        policy_update(by=top, policy=policy, version=policy.version, kind="quality")


def test_communication_is_recorded_for_approved_text_only_and_not_ahead(top, org):
    policy = new_policy(top)
    draft = policy.revisions.get()
    today = timezone.localdate()
    with pytest.raises(WorkflowError, match="only approved text is communicated"):
        communication_record(by=top, revision=draft, communicated_on=today, audience="All", method="briefing")
    approve(top, draft)
    with pytest.raises(ValidationFailed) as ahead:
        communication_record(
            by=top, revision=draft, communicated_on=today + dt.timedelta(days=1), audience="All", method="email"
        )
    assert ahead.value.errors == {"communicated_on": ["Record a communication once it has happened, not ahead."]}
    with pytest.raises(ValidationFailed) as method:
        communication_record(by=top, revision=draft, communicated_on=today, audience="All", method="pigeon")
    assert "method" in method.value.errors
    done = communication_record(by=top, revision=draft, communicated_on=today, audience="All staff", method="intranet")
    assert list(draft.communications.all()) == [done]


def test_commitments_missing_from_an_environmental_policy_are_named():
    text = "We care about quality and continual improvement, and set objectives every year."
    assert [c.code for c in commitments.missing("environmental", text)] == [
        "environment_protection",
        "compliance_obligations",
    ]
    assert commitments.missing("environmental", ENVIRONMENTAL) == []
    assert commitments.missing("integrated", TEXT) == []
    assert commitments.warning("quality", "We make parts.") == (
        "The text does not appear to state: a framework for setting objectives (say that the policy is the basis "
        "for setting objectives); meeting applicable requirements (customer, statutory and regulatory) (commit to "
        "meeting customer and legal requirements that apply); continual improvement of the quality management "
        "system (commit to continually improving the management system)."
    )
    protects_only = "We protect the environment, comply with the law, continually improve, and set objectives."
    missing = commitments.missing("environmental", protects_only)
    assert [c.code for c in missing] == ["environment_protection"], "pollution prevention must be named too"


def test_the_readiness_check_wants_a_communicated_policy_in_force_for_each_standard(top, org):
    now = timezone.now()
    assert policy_current(now).status == Status.NO_DATA
    quality = new_policy(top, kind="quality", text="We meet requirements, continually improve and set objectives.")
    result = policy_current(now)
    assert result.status == Status.FAIL
    assert "No approved policy in force covers ISO 9001." in result.explanation
    assert "No approved policy in force covers ISO 14001." in result.explanation
    revision = approve(top, quality.revisions.get())
    ScopeStatement.objects.create(standard="iso9001", in_scope=True, statement="Machining")
    ScopeStatement.objects.create(standard="iso14001", in_scope=False, statement="")
    assert policy_current(now).explanation == "POL-001 revision 1 is not recorded as communicated."
    communication_record(
        by=top, revision=revision, communicated_on=timezone.localdate(), audience="All", method="briefing"
    )
    passed = policy_current(now)
    assert passed.status == Status.PASS
    assert passed.evidence == (f"policies.policyrevision:{revision.pk}",)
    ScopeStatement.objects.filter(standard="iso14001").update(in_scope=True, statement="Machining")
    weak = new_policy(top, kind="environmental", text="We continually improve and set objectives; we comply.")
    approve(top, weak.revisions.get())
    explanation = policy_current(now).explanation
    assert "POL-002 revision 1 does not appear to state for ISO 14001: protection of the environment" in explanation


def test_import_writes_drafts_only_all_or_nothing_and_again_changes_nothing(top, north):
    header = "reference;site;kind;title;owner;review date;text\n"
    good = header + f"POL-010;N;integrated;IMS policy;manager;31/12/2027;{ENVIRONMENTAL} We meet requirements.\n"
    report = import_policies(by=top, stream=io.BytesIO(good.encode("utf-8-sig")))
    assert report.created == 1
    again = import_policies(by=top, stream=io.BytesIO(good.encode("utf-8-sig")))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    policy = selectors.policy_list(top).get(reference="POL-010")
    approve(top, policy.revisions.get())
    changed = good.replace("We meet requirements.", "We meet every requirement.")
    import_policies(by=top, stream=io.BytesIO(changed.encode()))
    assert list(policy.revisions.values_list("number", "status")) == [(1, "approved"), (2, "draft")]
    bad = header + "POL-011;X;integrated;A;manager;2027-01-01;text\nPOL-012;N;mission;B;;;text\n"
    with pytest.raises(ImportRefused) as refused:
        import_policies(by=top, stream=io.BytesIO(bad.encode()))
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "kind")]
    assert not PolicyRevision.objects.filter(policy__reference__in=["POL-011", "POL-012"]).exists()
