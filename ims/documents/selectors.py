"""Reads of documents, filtered in SQL by who may see what.

A document applies to its sites (none: all sites); people see documents of
their sites. Of its revisions, everyone who sees the document sees the
effective one; drafts and revisions in review are seen by their author, their
reviewers and approvers, and those who approve documents there; superseded
and obsolete revisions by those who change documents there and by auditors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.accounts.models import Membership
from ims.accounts.permissions import Action, scope_for
from ims.core.errors import NotFound, ValidationFailed
from ims.documents import search
from ims.documents.models import (
    OPEN_STATUSES,
    Acknowledgement,
    ApprovalMode,
    Decision,
    Distribution,
    DocType,
    Document,
    ReviewStep,
    Revision,
    RevisionStatus,
)

S = RevisionStatus
_SITES = Document.sites.through

SORTS = {
    "number": "number",
    "-number": "-number",
    "title": "title",
    "-title": "-title",
    "review": "next_review",
    "-review": "-next_review",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def _applies_at(site_ids: list[int], ref: str = "pk") -> Q:
    no_sites = ~Exists(_SITES.objects.filter(document_id=OuterRef(ref)))
    return Q(no_sites) | Q(Exists(_SITES.objects.filter(document_id=OuterRef(ref), site_id__in=site_ids)))


def _where(user: Any, action: Action, ref: str = "pk") -> Q | None:
    """Q over documents (through ``ref``) where ``user`` may do ``action``; None means everywhere."""
    scope = scope_for(user, action)
    if scope.all_sites:
        return None
    if not scope.site_ids:
        return Q(pk__in=[])
    return _applies_at(sorted(scope.site_ids), ref)


def documents_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Document]:
    qs = Document.objects.select_related("owner")
    where = _where(user, action)
    return qs if where is None else qs.filter(where)


def revisions_visible_to(user: Any) -> QuerySet[Revision]:
    qs = Revision.objects.select_related("document", "author", "file")
    see = _where(user, Action.VIEW, "document_id")
    if see is not None:
        qs = qs.filter(see)
    history = Q(status__in=[S.SUPERSEDED, S.OBSOLETE])
    change = _where(user, Action.CHANGE, "document_id")
    audit = _where(user, Action.VIEW_AUDIT, "document_id")
    history_ok = Q() if change is None or audit is None else change | audit
    open_rev = Q(status__in=OPEN_STATUSES)
    approve = _where(user, Action.APPROVE, "document_id")
    involved = Q(author_id=getattr(user, "pk", None)) | Q(
        Exists(ReviewStep.objects.filter(revision_id=OuterRef("pk"), person_id=getattr(user, "pk", None)))
    )
    open_ok = Q() if approve is None else involved | approve
    return qs.filter(Q(status=S.EFFECTIVE) | (history & history_ok) | (open_rev & open_ok))


def document_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    doc_type: str = "",
    status: str = "",
    clause_id: int | None = None,
    standard: str = "",
    review_due: bool | None = None,
    archived: bool = False,
    sort: str = "number",
    today: dt.date | None = None,
) -> QuerySet[Document]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if doc_type and doc_type not in DocType.values:
        raise ValidationFailed({"doc_type": [f"Filter by one of: {', '.join(DocType.values)}."]})
    qs = documents_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        ids = search.ranked_revision_ids(q)
        qs = qs.filter(pk__in=revisions_visible_to(user).filter(pk__in=ids).values("document_id"))
    if site_id is not None:
        qs = qs.filter(_applies_at([site_id]))
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if status == "effective":
        qs = qs.filter(Exists(Revision.objects.filter(document_id=OuterRef("pk"), status=S.EFFECTIVE)))
    elif status == "draft":
        qs = qs.filter(Exists(Revision.objects.filter(document_id=OuterRef("pk"), status__in=OPEN_STATUSES)))
    elif status == "obsolete":
        qs = qs.exclude(Exists(Revision.objects.filter(document_id=OuterRef("pk"), status=S.EFFECTIVE))).filter(
            Exists(Revision.objects.filter(document_id=OuterRef("pk"), status=S.OBSOLETE))
        )
    elif status:
        raise ValidationFailed({"status": ["Filter by one of: effective, draft, obsolete."]})
    if clause_id is not None:
        qs = qs.filter(clauses__id=clause_id)
    if standard:
        qs = qs.filter(clauses__edition__standard__code=standard).distinct()
    if review_due is not None:
        day = today or timezone.localdate()
        due = Q(next_review__lte=day)
        qs = qs.filter(due) if review_due else qs.exclude(due)
    return qs.order_by(SORTS[sort], "id")


def search_revisions(user: Any, q: str, limit: int = 50) -> list[Revision]:
    """Revisions matching ``q`` that the user may see, best first."""
    ids = search.ranked_revision_ids(q)
    if not ids:
        return []
    allowed = set(revisions_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    top = [i for i in ids if i in allowed][:limit]
    found = {r.pk: r for r in Revision.objects.select_related("document", "author", "file").filter(pk__in=top)}
    return [found[i] for i in top]


def document_get(user: Any, pk: int) -> Document:
    document = documents_visible_to(user).filter(pk=pk).first()
    if document is None:
        raise NotFound(f"No document with id {pk} that you may see.")
    return document


def revision_get(user: Any, pk: int) -> Revision:
    revision = revisions_visible_to(user).filter(pk=pk).first()
    if revision is None:
        raise NotFound(f"No document revision with id {pk} that you may see.")
    return revision


def effective_map(document_ids: list[int]) -> dict[int, Revision]:
    """The effective revision per document id (a document has at most one), in one query."""
    revisions = Revision.objects.filter(document_id__in=document_ids, status=S.EFFECTIVE)
    return {r.document_id: r for r in revisions.order_by("document_id", "number")}


def open_revision_map(document_ids: list[int]) -> dict[int, Revision]:
    """The revision in progress per document id (draft to approved; one at a time), in one query."""
    revisions = Revision.objects.filter(document_id__in=document_ids, status__in=OPEN_STATUSES)
    result: dict[int, Revision] = {}
    for r in revisions.order_by("document_id", "number"):
        result.setdefault(r.document_id, r)
    return result


def completion_map(document_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(acknowledged, asked) per document id, counted as :func:`ims.documents.services.completion` does.

    A fixed number of queries, whatever the number of documents.
    """
    from ims.documents.master import audiences  # the master list reads this module, so it is imported late

    people = audiences(document_ids)
    effective = dict(
        Revision.objects.filter(document_id__in=document_ids, status=S.EFFECTIVE).values_list("document_id", "pk")
    )
    done: dict[int, set[int]] = defaultdict(set)
    acknowledgements = Acknowledgement.objects.filter(revision_id__in=list(effective.values()))
    for revision_id, user_id in acknowledgements.values_list("revision_id", "user_id"):
        done[revision_id].add(user_id)
    result = {}
    for pk in document_ids:
        asked = people.get(pk, set())
        current = effective.get(pk)
        result[pk] = (len(asked & done[current]) if current is not None else 0, len(asked))
    return result


def effective(document: Document) -> Revision | None:
    return document.revisions.filter(status=S.EFFECTIVE).select_related("file").first()


def open_revision(document: Document) -> Revision | None:
    return document.revisions.filter(status__in=OPEN_STATUSES).first()


# --- what people are asked to do: read and sign -----------------------------------------------------------


def distributed_to(user: Any) -> Q:
    """Distribution entries that take ``user`` in: by name, by one of their roles or by one of their sites."""
    memberships = list(Membership.objects.filter(user=user).values_list("role", "site_id"))
    roles = {role for role, _ in memberships}
    sites = {site for _, site in memberships if site is not None}
    return Q(user=user) | Q(role__in=roles) | Q(site_id__in=sites)


def unread_by(user: Any) -> Q:
    """Revisions the person is asked to read and has not acknowledged: effective ones of live documents.

    Not limited to what they may open: a distribution by role reaches people of every site.
    """
    wanted = Distribution.objects.filter(distributed_to(user), document_id=OuterRef("document_id"))
    done = Acknowledgement.objects.filter(revision_id=OuterRef("pk"), user=user)
    return Q(status=S.EFFECTIVE, document__archived_at__isnull=True) & Q(Exists(wanted)) & ~Q(Exists(done))


def reading_list(user: Any) -> QuerySet[Revision]:
    """What the person has still to read and may open, the longest effective first."""
    return revisions_visible_to(user).filter(unread_by(user)).order_by("effective_at", "pk")


def pending_steps(user: Any | None = None) -> dict[int, list[ReviewStep]]:
    """Undecided steps of revisions in review, per revision in their order; with ``user``, only the
    revisions that wait for one of that person's signatures."""
    steps = ReviewStep.objects.filter(
        decision=Decision.PENDING, revision__status=S.IN_REVIEW, revision__document__archived_at__isnull=True
    )
    if user is not None:
        mine = ReviewStep.objects.filter(revision_id=OuterRef("revision_id"), person=user, decision=Decision.PENDING)
        steps = steps.filter(Exists(mine))
    by_revision: dict[int, list[ReviewStep]] = defaultdict(list)
    for step in steps.select_related("person", "revision__document", "revision__author").order_by(
        "revision_id", "position", "pk"
    ):
        by_revision[step.revision_id].append(step)
    return dict(by_revision)


def _in_sequence(pending: list[ReviewStep]) -> bool:
    return pending[0].revision.document.approval_mode == ApprovalMode.SEQUENCE


def steps_to_sign_now(user: Any | None = None) -> list[ReviewStep]:
    """Steps that can be signed now: every pending one, or in a sequence only the one whose turn it is."""
    waiting = []
    for pending in pending_steps(user).values():
        waiting.extend(pending[:1] if _in_sequence(pending) else pending)
    return waiting


@dataclass(frozen=True)
class AwaitedSignature:
    step: ReviewStep
    waiting_for: Any | None  # in a sequence, the person who signs before this step


def awaiting_signature(user: Any) -> list[AwaitedSignature]:
    """The person's pending steps, the earliest submitted first, and whom they wait for in a sequence."""
    rows = []
    for pending in pending_steps(user).values():
        first = pending[0]
        for step in pending:
            if step.person_id == user.pk:
                ahead = first.person if _in_sequence(pending) and first.pk != step.pk else None
                rows.append(AwaitedSignature(step=step, waiting_for=ahead))
    submitted = {row.step.pk: row.step.revision.submitted_at for row in rows}
    return sorted(rows, key=lambda row: (s.timestamp() if (s := submitted[row.step.pk]) else 0.0, row.step.pk))
