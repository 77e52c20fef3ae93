"""Reads of the aspects register, filtered by the reader's sites in SQL."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ims.accounts.permissions import Action, visible
from ims.aspects.models import Aspect
from ims.core.errors import NotFound, ValidationFailed

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "score": "score",
    "-score": "-score",
    "evaluated": "evaluated_at",
    "-evaluated": "-evaluated_at",
    "review": "review_date",
    "-review": "-review_date",
}


def aspects_visible_to(user: Any) -> QuerySet[Aspect]:
    return visible(Aspect.objects.select_related("site", "owner"), user, Action.VIEW)


def aspect_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    significant: bool | None = None,
    condition: str = "",
    archived: bool = False,
    sort: str = "reference",
) -> QuerySet[Aspect]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    qs = aspects_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q) | Q(activity__icontains=q) | Q(aspect__icontains=q) | Q(impact__icontains=q)
        )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if significant is not None:
        qs = qs.filter(significant=significant)
    if condition:
        qs = qs.filter(condition=condition)
    return qs.order_by(SORTS[sort], "id")


def aspect_get(user: Any, pk: int) -> Aspect:
    aspect = aspects_visible_to(user).filter(pk=pk).first()
    if aspect is None:
        raise NotFound(f"No aspect with id {pk} that you may see.")
    return aspect
