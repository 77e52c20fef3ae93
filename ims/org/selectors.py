"""Reads of sites and scope, always through the permission filter."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ims.accounts.permissions import Action, visible
from ims.core.errors import NotFound
from ims.org.models import Organisation, ScopeStatement, Site


def sites_visible_to(user: Any, *, include_archived: bool = True) -> QuerySet[Site]:
    qs = visible(Site.objects.all(), user, Action.VIEW, site_field="pk")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def site_list(user: Any, *, q: str = "", archived: bool | None = None) -> QuerySet[Site]:
    qs = sites_visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    return qs.order_by("name")


def site_get(user: Any, pk: int) -> Site:
    site = sites_visible_to(user).filter(pk=pk).first()
    if site is None:
        raise NotFound(f"No site with id {pk} that you may see.")
    return site


def organisation() -> Organisation | None:
    return Organisation.objects.filter(pk=1).first()


def scope_statements() -> QuerySet[ScopeStatement]:
    return ScopeStatement.objects.prefetch_related("sites").order_by("standard")
