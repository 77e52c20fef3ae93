"""Reads of the issues and interested parties registers, filtered by the reader's sites in SQL.

Organisation-wide records (no site) are visible to everyone who may see at least one site.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from ims.accounts.permissions import Action, scope_for
from ims.context.models import InterestedParty, Issue, StandardServed
from ims.core.errors import NotFound, ValidationFailed

M = TypeVar("M", bound=Model)

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "review": "review_date",
    "-review": "-review_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def visible_with_org_wide(qs: QuerySet[M], user: Any, action: Action = Action.VIEW) -> QuerySet[M]:
    """The user's sites plus the organisation-wide rows, in one query."""
    scope = scope_for(user, action)
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        return qs.none()
    return qs.filter(Q(site__isnull=True) | Q(site__in=sorted(scope.site_ids)))


_STANDARD_LISTS = [
    list(combo)
    for n in range(1, len(StandardServed.values) + 1)
    for combo in itertools.permutations(StandardServed.values, n)
]


def _check_sort(sort: str) -> None:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})


def _common(qs: QuerySet[M], *, site_id: int | None, org_wide: bool, standard: str, archived: bool) -> QuerySet[M]:
    qs = qs.filter(archived_at__isnull=not archived)
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if standard:
        # JSON "contains" is not portable (SQLite); the lists are short, so match each one that holds it.
        lists = [combo for combo in _STANDARD_LISTS if standard in combo]
        qs = qs.filter(Q(*[Q(standards=combo) for combo in lists], _connector=Q.OR)) if lists else qs.none()
    return qs


def issues_visible_to(user: Any) -> QuerySet[Issue]:
    return visible_with_org_wide(Issue.objects.select_related("site", "owner"), user)


def issue_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    category: str = "",
    origin: str = "",
    standard: str = "",
    archived: bool = False,
    sort: str = "reference",
) -> QuerySet[Issue]:
    _check_sort(sort)
    qs = _common(issues_visible_to(user), site_id=site_id, org_wide=org_wide, standard=standard, archived=archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(related_processes__icontains=q)
        )
    if category:
        qs = qs.filter(category=category)
    if origin:
        qs = qs.filter(origin=origin)
    return qs.order_by(SORTS[sort], "id")


def issue_get(user: Any, pk: int) -> Issue:
    issue = issues_visible_to(user).filter(pk=pk).first()
    if issue is None:
        raise NotFound(f"No issue with id {pk} that you may see.")
    return issue


def parties_visible_to(user: Any) -> QuerySet[InterestedParty]:
    return visible_with_org_wide(InterestedParty.objects.select_related("site", "owner"), user)


def party_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    kind: str = "",
    standard: str = "",
    archived: bool = False,
    sort: str = "reference",
) -> QuerySet[InterestedParty]:
    _check_sort(sort)
    qs = _common(parties_visible_to(user), site_id=site_id, org_wide=org_wide, standard=standard, archived=archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q) | Q(name__icontains=q) | Q(needs__icontains=q) | Q(monitoring__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(SORTS[sort], "id")


def party_get(user: Any, pk: int) -> InterestedParty:
    party = parties_visible_to(user).filter(pk=pk).first()
    if party is None:
        raise NotFound(f"No interested party with id {pk} that you may see.")
    return party
