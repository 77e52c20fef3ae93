"""What document control (7.5) asks of people: reviews coming due, signatures awaited, documents to read."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ims.documents.master import audiences
from ims.documents.models import (
    Acknowledgement,
    Document,
    Revision,
    RevisionStatus,
    StepRole,
)
from ims.documents.selectors import documents_visible_to, steps_to_sign_now, unread_by
from ims.reminders.registry import Item, source

S = RevisionStatus
REVIEW_NOTICE_DAYS = 30  # a review is announced this many days before it is due


def _path(url_name: str, pk: int) -> str:
    """The record's page, or the master list while that page is not available."""
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return reverse("documents:master")


@source("documents_review")
def reviews_due(today: dt.date, user: Any) -> Iterator[Item]:
    """To the owner: the periodic review of an effective document is due within 30 days, or overdue.

    The owner hears of it once when it comes within 30 days and once more when it is overdue; a new review
    date (after the review is confirmed or a new revision published) starts again.
    """
    horizon = today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    effective = Revision.objects.filter(document_id=OuterRef("pk"), status=S.EFFECTIVE)
    documents = Document.objects.filter(archived_at__isnull=True, next_review__lte=horizon).filter(Exists(effective))
    if user is not None:
        documents = documents.filter(owner=user)
    for d in documents.select_related("owner").order_by("next_review", "number"):
        assert d.next_review is not None
        due = f"{d.next_review:%Y-%m-%d}"
        if d.next_review < today:
            subject = f"Review of {d.number} {d.title} is overdue"
            body = f"Its periodic review was due on {due}: confirm it is still right, or start a new revision."
        else:
            subject = f"Review of {d.number} {d.title} is due on {due}"
            body = "Confirm it is still right, or start a new revision, before that date."
        stage = "overdue" if d.next_review < today else "due"
        yield Item(d.owner, f"{d.pk}:{due}:{stage}", subject, body, _path("documents:detail", d.pk))


@source("documents_signature")
def signatures_waiting(today: dt.date, user: Any) -> Iterator[Item]:
    """To each reviewer and approver whose signature a revision in review waits for."""
    for step in steps_to_sign_now(user):
        revision, document = step.revision, step.revision.document
        verb = "Approve" if step.role == StepRole.APPROVER else "Review"
        submitted = timezone.localtime(revision.submitted_at) if revision.submitted_at else None
        when = f" on {submitted:%Y-%m-%d}" if submitted else ""
        yield Item(
            step.person,
            f"{revision.pk}:{step.role}:{submitted:%Y%m%dT%H%M%S}" if submitted else f"{revision.pk}:{step.role}",
            f"{verb} {document.number} revision {revision.number} {document.title}",
            f"Submitted{when} by {revision.author}; sign your decision on the revision's page.",
            _path("documents:revision", revision.pk),
        )


@source("documents_acknowledgement")
def reading_waiting(today: dt.date, user: Any) -> Iterator[Item]:
    """To each person asked to read a document: its effective revision, until they acknowledge it."""
    if user is not None:
        revisions = Revision.objects.filter(unread_by(user))
    else:
        revisions = Revision.objects.filter(status=S.EFFECTIVE, document__archived_at__isnull=True)
    found = list(revisions.select_related("document").order_by("document__number"))
    if not found:
        return
    people = audiences(r.document_id for r in found)
    acknowledged = set(
        Acknowledgement.objects.filter(revision__in=found).values_list("revision_id", "user_id") if user is None else []
    )
    asked: dict[int, list[Revision]] = defaultdict(list)
    for revision in found:
        for person in people.get(revision.document_id, set()):
            if (user is None or person == user.pk) and (revision.pk, person) not in acknowledged:
                asked[person].append(revision)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(asked))}
    for person, theirs in asked.items():
        reader = users[person]
        # Distribution by role reaches people of every site: remind only of documents they may open.
        may_see = set(
            documents_visible_to(reader).filter(pk__in=[r.document_id for r in theirs]).values_list("pk", flat=True)
        )
        for revision in theirs:
            if revision.document_id not in may_see:
                continue
            document = revision.document
            since = timezone.localtime(revision.effective_at) if revision.effective_at else None
            yield Item(
                reader,
                str(revision.pk),
                f"Read {document.number} revision {revision.number} {document.title}",
                (f"Effective since {since:%Y-%m-%d}; " if since else "")
                + "confirm that you have read and understood it.",
                _path("documents:revision", revision.pk),
            )
