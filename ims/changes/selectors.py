"""Reads of planned changes, filtered by the reader's sites in SQL (organisation-wide ones seen by everyone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ims.changes.models import ChangeStatus, PlannedChange
from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "planned": "planned_date",
    "-planned": "-planned_date",
    "review": "review_date",
    "-review": "-review_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}

OPEN = (ChangeStatus.APPROVED, ChangeStatus.IN_PROGRESS)


def changes_visible_to(user: Any) -> QuerySet[PlannedChange]:
    return visible_with_org_wide(PlannedChange.objects.select_related("site", "owner", "approved_by"), user)


def late(today: dt.date) -> Q:
    """Approved or in progress, and past the planned date."""
    return Q(status__in=OPEN, planned_date__lt=today)


def change_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    status: str = "",
    process_id: int | None = None,
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[PlannedChange]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if status and status not in ChangeStatus.values:
        raise ValidationFailed({"status": [f"Filter by one of: {', '.join(ChangeStatus.values)}."]})
    qs = changes_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q) | Q(title__icontains=q) | Q(purpose__icontains=q) | Q(consequences__icontains=q)
        )
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if status:
        qs = qs.filter(status=status)
    if process_id is not None:
        qs = qs.filter(processes__id=process_id)
    if overdue is not None:
        day = today or timezone.localdate()
        qs = qs.filter(late(day)) if overdue else qs.exclude(late(day))
    return qs.order_by(SORTS[sort], "id")


def change_get(user: Any, pk: int) -> PlannedChange:
    change = changes_visible_to(user).filter(pk=pk).first()
    if change is None:
        raise NotFound(f"No planned change with id {pk} that you may see.")
    return change
