"""Reads of policies, filtered by the reader's sites in SQL (organisation-wide ones seen by everyone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed
from ims.policies.models import Policy, PolicyKind, PolicyRevision, RevisionStatus

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "review": "review_date",
    "-review": "-review_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def policies_visible_to(user: Any) -> QuerySet[Policy]:
    return visible_with_org_wide(Policy.objects.select_related("site", "owner"), user)


def revisions_visible_to(user: Any) -> QuerySet[PolicyRevision]:
    return PolicyRevision.objects.filter(policy__in=policies_visible_to(user)).select_related(
        "policy", "policy__site", "approved_by", "signature", "author"
    )


def in_force(policy: Policy, today: dt.date | None = None) -> PolicyRevision | None:
    """The approved revision whose effective date is the latest one reached."""
    day = today or timezone.localdate()
    return (
        policy.revisions.filter(status=RevisionStatus.APPROVED, effective_from__lte=day)
        .order_by("-effective_from", "-number")
        .first()
    )


def in_force_map(policies: list[Policy], today: dt.date | None = None) -> dict[int, PolicyRevision]:
    """In-force revision per policy id, in one query."""
    day = today or timezone.localdate()
    result: dict[int, PolicyRevision] = {}
    revisions = PolicyRevision.objects.filter(
        policy__in=[p.pk for p in policies], status=RevisionStatus.APPROVED, effective_from__lte=day
    ).order_by("policy_id", "-effective_from", "-number")
    for revision in revisions.select_related("approved_by"):
        result.setdefault(revision.policy_id, revision)
    return result


def draft_of(policy: Policy) -> PolicyRevision | None:
    return policy.revisions.filter(status=RevisionStatus.DRAFT).first()


def draft_map(policies: list[Policy]) -> dict[int, PolicyRevision]:
    """The draft per policy id (a policy has at most one), in one query."""
    drafts = PolicyRevision.objects.filter(policy__in=[p.pk for p in policies], status=RevisionStatus.DRAFT)
    return {revision.policy_id: revision for revision in drafts}


def policy_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    kind: str = "",
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[Policy]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if kind and kind not in PolicyKind.values:
        raise ValidationFailed({"kind": [f"Filter by one of: {', '.join(PolicyKind.values)}."]})
    qs = policies_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q) | Q(revisions__text__icontains=q)).distinct()
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue is not None:
        day = today or timezone.localdate()
        late = Q(review_date__lt=day)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by(SORTS[sort], "id")


def policy_get(user: Any, pk: int) -> Policy:
    policy = policies_visible_to(user).filter(pk=pk).first()
    if policy is None:
        raise NotFound(f"No policy with id {pk} that you may see.")
    return policy


def revision_get(user: Any, pk: int) -> PolicyRevision:
    revision = revisions_visible_to(user).filter(pk=pk).first()
    if revision is None:
        raise NotFound(f"No policy revision with id {pk} that you may see.")
    return revision
