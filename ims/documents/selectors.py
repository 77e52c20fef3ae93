"""Reads of documents, filtered in SQL by who may see what.

A document applies to its sites (none: all sites); people see documents of
their sites. Of its revisions, everyone who sees the document sees the
effective one; drafts and revisions in review are seen by their author, their
reviewers and approvers, and those who approve documents there; superseded
and obsolete revisions by those who change documents there and by auditors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.accounts.permissions import Action, scope_for
from ims.core.errors import NotFound, ValidationFailed
from ims.documents import search
from ims.documents.models import OPEN_STATUSES, DocType, Document, ReviewStep, Revision, RevisionStatus

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


def effective(document: Document) -> Revision | None:
    return document.revisions.filter(status=S.EFFECTIVE).select_related("file").first()


def open_revision(document: Document) -> Revision | None:
    return document.revisions.filter(status__in=OPEN_STATUSES).first()
