"""Reads of the obligations register, filtered by the reader's sites in SQL.

An obligation with no sites applies to all sites and everyone who may view
anything sees it; otherwise one of its sites must be in the reader's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ims.accounts.permissions import Action, scope_for
from ims.core.errors import NotFound, ValidationFailed
from ims.obligations.models import Obligation, Result

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "title": "title",
    "-title": "-title",
    "due": "next_evaluation_due",
    "-due": "-next_evaluation_due",
    "jurisdiction": "jurisdiction",
    "-jurisdiction": "-jurisdiction",
}

_SITES = Obligation.sites.through


def _applies_to(site_ids: list[int] | None = None) -> Q:
    """Applies to all sites (no site rows), or to one of ``site_ids``."""
    no_sites = ~Exists(_SITES.objects.filter(obligation_id=OuterRef("pk")))
    if site_ids is None:
        return Q(no_sites)
    return Q(no_sites) | Q(Exists(_SITES.objects.filter(obligation_id=OuterRef("pk"), site_id__in=site_ids)))


def visible_obligations(qs: QuerySet[Obligation], user: Any, action: Action = Action.VIEW) -> QuerySet[Obligation]:
    scope = scope_for(user, action)
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        return qs.none()
    return qs.filter(_applies_to(sorted(scope.site_ids)))


def obligations_visible_to(user: Any) -> QuerySet[Obligation]:
    return visible_obligations(Obligation.objects.select_related("owner").prefetch_related("sites"), user)


def obligation_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    kind: str = "",
    jurisdiction: str = "",
    overdue: bool | None = None,
    result: str = "",
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[Obligation]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if result and result not in (*Result.values, "none"):
        raise ValidationFailed({"result": [f"Filter by one of: {', '.join(Result.values)}, none."]})
    qs = obligations_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(issuer__icontains=q)
            | Q(citation__icontains=q)
            | Q(requirement__icontains=q)
        )
    if site_id is not None:
        qs = qs.filter(_applies_to([site_id]))
    if kind:
        qs = qs.filter(kind=kind)
    if jurisdiction:
        qs = qs.filter(jurisdiction__iexact=jurisdiction)
    if overdue is not None:
        late = Q(next_evaluation_due__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if result == "none":
        qs = qs.filter(last_result="")
    elif result:
        qs = qs.filter(last_result=result)
    return qs.order_by(SORTS[sort], "id")


def obligation_get(user: Any, pk: int) -> Obligation:
    obligation = obligations_visible_to(user).filter(pk=pk).first()
    if obligation is None:
        raise NotFound(f"No obligation with id {pk} that you may see.")
    return obligation
