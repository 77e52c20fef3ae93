"""Writes for policies (5.2) — the only writers.

The revision lifecycle, as one explicit table:

    draft ──approve (top management, e-signature)──▶ approved
    draft ──reject (e-signature with reason)──────▶ draft (changes requested)
    draft ──withdraw (reason)─────────────────────▶ withdrawn
    approved, not yet effective ──withdraw────────▶ withdrawn

An approved revision is in force from its effective date until a later
approved revision's effective date is reached; its text never changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, can, require
from ims.audit.services import record_change
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.policies.models import CommunicationMethod, Policy, PolicyCommunication, PolicyRevision, RevisionStatus
from ims.policies.selectors import draft_of, in_force
from ims.signatures.models import Meaning
from ims.signatures.services import invalidate_changed, reauthenticate, sign

POLICY_FIELDS = ("kind", "title", "owner", "review_date")
REVISION_FIELDS = ("text", "change_summary", "effective_from")

# (current status, operation) → action it needs; absent pairs are refused.
TRANSITIONS: dict[tuple[str, str], Action] = {
    (RevisionStatus.DRAFT, "approve"): Action.APPROVE,
    (RevisionStatus.DRAFT, "reject"): Action.APPROVE,
    (RevisionStatus.DRAFT, "withdraw"): Action.CHANGE,
    (RevisionStatus.APPROVED, "withdraw"): Action.APPROVE,  # only while not yet effective
}


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any, what: str = "policies") -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"{what} {_where(site)}")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Policy.objects.filter(reference__startswith="POL-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"POL-{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...], message: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})


def _open(policy: Policy) -> None:
    if policy.archived_at is not None:
        raise WorkflowError(f"{policy.reference} is archived; restore it before changing it.")


def is_top_management(user: Any, site: Any) -> bool:
    """Named as top management in the 5.3 register, for the whole organisation or this site."""
    from ims.responsibilities.selectors import is_top_management as named

    return named(user, site)


def may_approve(user: Any, policy: Policy) -> bool:
    return can(user, Action.APPROVE, site_id=policy.site_id) and is_top_management(user, policy.site)


def require_approver(by: Any, policy: Policy) -> None:
    _require(by, Action.APPROVE, policy.site)
    if not is_top_management(by, policy.site):
        raise PermissionRefused(
            f"Only top management approves a policy: {by} is not named as top management "
            f"{_where(policy.site)} in Roles and responsibilities (5.3)."
        )


# --- policies -------------------------------------------------------------------------


@transaction.atomic
def policy_create(
    *,
    by: Any,
    site: Any = None,
    reference: str = "",
    text: str,
    change_summary: str = "",
    effective_from: dt.date | None = None,
    **fields: Any,
) -> Policy:
    """A new policy with its first revision as a draft."""
    _require(by, Action.CREATE, site)
    _check_fields(fields, POLICY_FIELDS, "Unknown field.")
    policy = Policy(site=site, reference=reference.strip() or _next_reference(), **fields)
    create_record(policy, by=by)
    revision = PolicyRevision(
        policy=policy,
        number=1,
        text=text,
        change_summary=change_summary or "First issue.",
        effective_from=effective_from,
        author=by,
    )
    create_record(revision, by=by, note="first draft")
    return policy


@transaction.atomic
def policy_update(*, by: Any, policy: Policy, version: int, **fields: Any) -> Policy:
    _require(by, Action.CHANGE, policy.site)
    _open(policy)
    _check_fields(fields, POLICY_FIELDS, "This field cannot be changed here.")
    if "kind" in fields and fields["kind"] != policy.kind:
        approved = policy.revisions.filter(status=RevisionStatus.APPROVED).exists()
        if approved:
            raise WorkflowError(
                f"{policy.reference} has approved revisions of a {policy.get_kind_display().lower()}; "
                "the kind was part of what was signed. Create a new policy instead."
            )
    return update_record(policy, by=by, version=version, changes=fields)


@transaction.atomic
def policy_archive(*, by: Any, policy: Policy, version: int) -> Policy:
    _require(by, Action.CHANGE, policy.site)
    if policy.archived_at is not None:
        raise WorkflowError(f"{policy.reference} is already archived.")
    return update_record(policy, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


# --- revisions ------------------------------------------------------------------------


@transaction.atomic
def draft_start(*, by: Any, policy: Policy, text: str | None = None, change_summary: str = "") -> PolicyRevision:
    """Start the next revision as a draft, from the text in force unless a text is given."""
    _require(by, Action.CHANGE, policy.site)
    _open(policy)
    Policy.objects.select_for_update().filter(pk=policy.pk).first()  # one draft at a time, even under races
    existing = draft_of(policy)
    if existing is not None:
        raise WorkflowError(
            f"{policy.reference} already has a draft (revision {existing.number}); edit it or withdraw it first."
        )
    last = policy.revisions.order_by("-number").first()
    base = in_force(policy) or last
    revision = PolicyRevision(
        policy=policy,
        number=(last.number if last else 0) + 1,
        text=text if text is not None else (base.text if base else ""),
        change_summary=change_summary,
        author=by,
    )
    create_record(revision, by=by, note=f"draft started from revision {base.number}" if base else "draft started")
    return revision


def _state_error(revision: PolicyRevision, operation: str) -> WorkflowError:
    status = revision.get_status_display().lower()
    if revision.status == RevisionStatus.APPROVED:
        return WorkflowError(
            f"{revision} is approved; approved text is never changed. Start a new revision to change the policy."
        )
    return WorkflowError(f"{revision} is {status}; it cannot be {operation}.")


@transaction.atomic
def draft_update(*, by: Any, revision: PolicyRevision, version: int, **fields: Any) -> PolicyRevision:
    policy = revision.policy
    _require(by, Action.CHANGE, policy.site)
    _open(policy)
    if revision.status != RevisionStatus.DRAFT:
        raise _state_error(revision, "edited")
    _check_fields(fields, REVISION_FIELDS, "This field cannot be changed here.")
    update_record(revision, by=by, version=version, changes=fields)
    invalidate_changed(
        by=by, record=revision, content=revision.signed_content(), reason="the draft changed after signing"
    )
    return revision


def _transition_check(by: Any, revision: PolicyRevision, operation: str) -> None:
    action = TRANSITIONS.get((revision.status, operation))
    if action is None:
        raise _state_error(revision, {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}[operation])
    if action == Action.APPROVE and operation != "withdraw":
        require_approver(by, revision.policy)
    else:
        _require(by, action, revision.policy.site)
    _open(revision.policy)


def revision_approve(
    *, by: Any, revision: PolicyRevision, version: int, password: str, effective_from: dt.date | None = None
) -> PolicyRevision:
    """Top management approves a draft with an electronic signature; it takes effect on its date."""
    _transition_check(by, revision, "approve")
    today = timezone.localdate()
    effective = effective_from or revision.effective_from or today
    if effective < today:
        raise ValidationFailed(
            {"effective_from": [f"{effective:%Y-%m-%d} is in the past; a policy takes effect on or after approval."]}
        )
    if not revision.text.strip():
        raise ValidationFailed({"text": ["The draft has no text to approve."]})
    reauthenticate(by, password)
    with transaction.atomic():
        update_record(revision, by=by, version=version, changes={"effective_from": effective})
        invalidate_changed(
            by=by, record=revision, content=revision.signed_content(), reason="the draft changed after signing"
        )
        signature = sign(by=by, record=revision, content=revision.signed_content(), meaning=Meaning.APPROVED)
        changes = {
            "status": RevisionStatus.APPROVED,
            "approved_by": by,
            "approved_at": signature.signed_at,
            "signature": signature,
        }
        update_record(
            revision, by=by, version=revision.version, changes=changes, note=f"approved, effective {effective:%Y-%m-%d}"
        )
    return revision


def revision_reject(*, by: Any, revision: PolicyRevision, version: int, password: str, reason: str) -> PolicyRevision:
    """Top management sends a draft back with the changes it asks for, signed."""
    _transition_check(by, revision, "reject")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["Say what must change before you can approve it."]})
    reauthenticate(by, password)
    with transaction.atomic():
        update_record(revision, by=by, version=version, changes={"updated_at": timezone.now()})
        sign(by=by, record=revision, content=revision.signed_content(), meaning=Meaning.REJECTED, reason=reason)
    return revision


@transaction.atomic
def revision_withdraw(*, by: Any, revision: PolicyRevision, version: int, reason: str) -> PolicyRevision:
    _transition_check(by, revision, "withdraw")
    if revision.status == RevisionStatus.APPROVED and (
        revision.effective_from is None or revision.effective_from <= timezone.localdate()
    ):
        raise WorkflowError(f"{revision} is already in effect; approve a new revision to replace it.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ["Say why the revision is withdrawn."]})
    return update_record(
        revision,
        by=by,
        version=version,
        changes={"status": RevisionStatus.WITHDRAWN, "withdrawn_reason": reason},
        note=f"withdrawn: {reason}",
    )


# --- communication --------------------------------------------------------------------


@transaction.atomic
def communication_record(
    *,
    by: Any,
    revision: PolicyRevision,
    communicated_on: dt.date,
    audience: str,
    method: str,
    notes: str = "",
) -> PolicyCommunication:
    """Record that an approved revision was communicated (5.2.2)."""
    _require(by, Action.CHANGE, revision.policy.site)
    if revision.status != RevisionStatus.APPROVED:
        raise WorkflowError(
            f"{revision} is {revision.get_status_display().lower()}; only approved text is communicated."
        )
    if communicated_on > timezone.localdate():
        raise ValidationFailed({"communicated_on": ["Record a communication once it has happened, not ahead."]})
    if revision.approved_at is not None and communicated_on < timezone.localtime(revision.approved_at).date():
        raise ValidationFailed(
            {
                "communicated_on": [
                    f"{revision} was approved on {timezone.localtime(revision.approved_at):%Y-%m-%d}; "
                    "it cannot have been communicated before."
                ]
            }
        )
    if method not in CommunicationMethod.values:
        raise ValidationFailed({"method": [f"Use one of: {', '.join(CommunicationMethod.values)}."]})
    communication = PolicyCommunication(
        revision=revision,
        communicated_on=communicated_on,
        audience=(audience or "").strip(),
        method=method,
        notes=notes,
        recorded_by=by,
    )
    create_record(communication, by=by)
    record_change(
        action="communicated",
        by=by,
        record=revision,
        note=f"communicated to {communication.audience} ({communication.get_method_display().lower()})",
    )
    return communication
