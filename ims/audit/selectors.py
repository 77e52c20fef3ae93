"""Reading the audit trail, always through the permission filter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ims.accounts.permissions import Action, scope_for
from ims.audit.models import AuditEntry
from ims.core.errors import PermissionRefused


def entries_visible_to(user: Any) -> QuerySet[AuditEntry]:
    """Entries the user may read: their sites' records; organisation-wide ones
    only with an all-sites membership."""
    scope = scope_for(user, Action.VIEW_AUDIT)
    qs = AuditEntry.objects.all()
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        raise PermissionRefused("You are not allowed to read the audit trail.")
    return qs.filter(site_id__in=sorted(scope.site_ids))


def history_of(*, user: Any, record_type: str, record_id: str) -> QuerySet[AuditEntry] | None:
    """A record's history for its detail page, under the same rule as the audit trail
    (None when the user may not read it, so the page can say so)."""
    try:
        visible = entries_visible_to(user)
    except PermissionRefused:
        return None
    return visible.filter(record_type=record_type, record_id=str(record_id)).order_by("-id")


def history_of_types(*, user: Any, record_types: list[str]) -> QuerySet[AuditEntry] | None:
    """History of organisation-wide records (e.g. the organisation and its scope statements)."""
    try:
        visible = entries_visible_to(user)
    except PermissionRefused:
        return None
    return visible.filter(record_type__in=record_types).order_by("-id")


def own_history(*, user: Any) -> QuerySet[AuditEntry]:
    """What happened to one's own account (sign-ins, password changes): always visible to oneself."""
    return AuditEntry.objects.filter(record_type="accounts.user", record_id=str(user.pk)).order_by("-id")


def filter_entries(
    qs: QuerySet[AuditEntry],
    *,
    record_type: str | None = None,
    record_id: str | None = None,
    action: str | None = None,
    actor_id: int | None = None,
    site_id: int | None = None,
) -> QuerySet[AuditEntry]:
    filters: dict[str, Any] = {}
    if record_type:
        filters["record_type"] = record_type
    if record_id:
        filters["record_id"] = record_id
    if action:
        filters["action"] = action
    if actor_id is not None:
        filters["actor_id"] = actor_id
    if site_id is not None:
        filters["site_id"] = site_id
    return qs.filter(**filters)
