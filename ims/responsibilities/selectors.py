"""Reads of roles and responsibilities, filtered by the reader's sites in SQL (organisation-wide ones seen by everyone).

Also the questions other registers ask: who is top management (the policies
register lets only them approve a policy) and which roles a person holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed
from ims.responsibilities.models import Duty, Responsibility

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "title": "title",
    "-title": "-title",
    "review": "review_date",
    "-review": "-review_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}

_HOLDERS = Responsibility.holders.through


def responsibilities_visible_to(user: Any) -> QuerySet[Responsibility]:
    return visible_with_org_wide(Responsibility.objects.select_related("site", "deputy"), user)


def responsibility_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    holder_id: int | None = None,
    process_id: int | None = None,
    duty: str = "",
    top_management: bool | None = None,
    overdue: bool | None = None,
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[Responsibility]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if duty and duty not in Duty.values:
        raise ValidationFailed({"duty": [f"Filter by one of: {', '.join(Duty.values)}."]})
    qs = responsibilities_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(responsibilities__icontains=q)
            | Q(authorities__icontains=q)
        )
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if holder_id is not None:
        qs = qs.filter(Exists(_HOLDERS.objects.filter(responsibility_id=OuterRef("pk"), user_id=holder_id)))
    if process_id is not None:
        qs = qs.filter(processes__id=process_id)
    if duty:
        # JSON containment is not portable to SQLite; the codes are distinct words, so a text match is exact.
        qs = qs.filter(duties__icontains=f'"{duty}"')
    if top_management is not None:
        qs = qs.filter(top_management=top_management)
    if overdue is not None:
        late = Q(review_date__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by(SORTS[sort], "id")


def responsibility_get(user: Any, pk: int) -> Responsibility:
    record = responsibilities_visible_to(user).filter(pk=pk).first()
    if record is None:
        raise NotFound(f"No responsibility with id {pk} that you may see.")
    return record


def _top_roles(site: Any) -> QuerySet[Responsibility]:
    where = Q(site__isnull=True) if site is None else Q(site__isnull=True) | Q(site=site)
    return Responsibility.objects.filter(where, top_management=True, archived_at__isnull=True)


def top_management_for(site: Any) -> QuerySet[Any]:
    """Active people holding an active top-management role of the whole organisation or, given one, of ``site``."""
    holds = _HOLDERS.objects.filter(user_id=OuterRef("pk"), responsibility__in=_top_roles(site))
    return get_user_model().objects.filter(Exists(holds), is_active=True).order_by("username")


def is_top_management(user: Any, site: Any) -> bool:
    """Whether ``user`` is top management for ``site`` (``None``: organisation-wide roles only count)."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return top_management_for(site).filter(pk=user.pk).exists()


def responsibilities_of(user: Any) -> QuerySet[Responsibility]:
    """The active roles ``user`` holds."""
    if user is None or getattr(user, "pk", None) is None:
        return Responsibility.objects.none()
    held = _HOLDERS.objects.filter(responsibility_id=OuterRef("pk"), user_id=user.pk)
    return Responsibility.objects.filter(Exists(held), archived_at__isnull=True).select_related("site")


def for_process(user: Any, process: Any) -> QuerySet[Responsibility]:
    """The active roles linked to a process, as far as ``user`` may see them."""
    return responsibilities_visible_to(user).filter(processes=process, archived_at__isnull=True).order_by("reference")
