"""Reads of the objectives register, filtered by the reader's sites in SQL.

Organisation-wide objectives (no site) are visible to everyone who may see at least one site.
The status (on track, at risk …) depends on today's date, so it is computed on read.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.db.models import Q, QuerySet

from ims.context.models import StandardServed
from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed
from ims.objectives.models import Objective
from ims.objectives.progress import Status

_STANDARD_LISTS = [
    list(combo)
    for n in range(1, len(StandardServed.values) + 1)
    for combo in itertools.permutations(StandardServed.values, n)
]

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "deadline": "deadline",
    "-deadline": "-deadline",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def objectives_visible_to(user: Any) -> QuerySet[Objective]:
    return visible_with_org_wide(Objective.objects.select_related("site", "owner"), user)


def objective_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    standard: str = "",
    archived: bool = False,
    sort: str = "reference",
) -> QuerySet[Objective]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    qs = objectives_visible_to(user).filter(archived_at__isnull=not archived)
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if standard:
        lists = [combo for combo in _STANDARD_LISTS if standard in combo]
        qs = qs.filter(Q(*[Q(standards=combo) for combo in lists], _connector=Q.OR)) if lists else qs.none()
    if q:
        qs = qs.filter(
            Q(reference__icontains=q) | Q(title__icontains=q) | Q(plan_what__icontains=q) | Q(unit__icontains=q)
        )
    return qs.order_by(SORTS[sort], "id")


def with_status(objectives: Any, today: dt.date, status: str = "") -> list[Objective]:
    """The objectives with ``progress``, ``elapsed`` and ``status`` set for ``today``; optionally one status only."""
    if status and status not in Status.values:
        raise ValidationFailed({"status": [f"Use one of: {', '.join(Status.values)}."]})
    result = []
    for o in objectives:
        o.progress, o.elapsed, o.status = o.assess(today)
        if not status or o.status == status:
            result.append(o)
    return result


def objective_get(user: Any, pk: int) -> Objective:
    objective = objectives_visible_to(user).filter(pk=pk).first()
    if objective is None:
        raise NotFound(f"No objective with id {pk} that you may see.")
    return objective
