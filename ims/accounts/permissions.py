"""Who may do what, and where. The one place that decides.

Web views and API endpoints both ask this module; services call
:func:`require` before they write. Filtering by site happens in the database
query (:func:`visible`), never by loading ids into Python.

A user's memberships give a role either for all sites (``site`` empty) or for
one site. An action on a record of site S is allowed when some membership
covering S has a role granting the action. Organisation-wide actions (managing
users, sites, the organisation) need a membership for all sites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from ims.accounts.roles import Role
from ims.core.errors import PermissionRefused


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    APPROVE = "approve"
    REPORT = "report"  # raise a nonconformity, incident or idea
    VIEW_AUDIT = "view_audit"
    MANAGE_SITES = "manage_sites"
    MANAGE_ORG = "manage_org"
    MANAGE_USERS = "manage_users"


_ALL = frozenset(Action)
_READ = frozenset({Action.VIEW})

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMINISTRATOR: _ALL,
    Role.IMS_MANAGER: _ALL - {Action.MANAGE_USERS},
    Role.PROCESS_OWNER: frozenset({Action.VIEW, Action.CREATE, Action.CHANGE, Action.REPORT}),
    Role.AUDITOR: frozenset({Action.VIEW, Action.VIEW_AUDIT, Action.REPORT}),
    Role.CONTRIBUTOR: frozenset({Action.VIEW, Action.REPORT}),
    Role.VIEWER: _READ,
}

# How each action reads in a refusal: "You are not allowed to <phrase> <what>."
PHRASES: dict[Action, str] = {
    Action.VIEW: "see",
    Action.CREATE: "create",
    Action.CHANGE: "change",
    Action.DELETE: "delete",
    Action.APPROVE: "approve",
    Action.REPORT: "report",
    Action.VIEW_AUDIT: "read the audit trail of",
    Action.MANAGE_SITES: "manage",
    Action.MANAGE_ORG: "manage",
    Action.MANAGE_USERS: "manage",
}

ORG_WIDE = frozenset({Action.MANAGE_SITES, Action.MANAGE_ORG, Action.MANAGE_USERS})


@dataclass(frozen=True)
class SiteScope:
    """Where an action is allowed: everywhere, or in these sites only."""

    all_sites: bool = False
    site_ids: frozenset[int] = field(default_factory=frozenset)

    def covers(self, site_id: int | None) -> bool:
        if self.all_sites:
            return True
        return site_id is not None and site_id in self.site_ids

    @property
    def empty(self) -> bool:
        return not self.all_sites and not self.site_ids


def _memberships(user: Any) -> list[tuple[str, int | None]]:
    """(role, site id) pairs, loaded once per user object (one query per request)."""
    cached = getattr(user, "_ims_memberships", None)
    if cached is None:
        cached = list(user.memberships.values_list("role", "site_id"))
        user._ims_memberships = cached
    return cached


def forget(user: Any) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, "_ims_memberships"):
        del user._ims_memberships


def scope_for(user: Any, action: Action) -> SiteScope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return SiteScope()
    if user.is_superuser:
        return SiteScope(all_sites=True)
    site_ids: set[int] = set()
    for role, site_id in _memberships(user):
        if action not in ROLE_ACTIONS.get(role, frozenset()):
            continue
        if site_id is None:
            return SiteScope(all_sites=True)
        if action not in ORG_WIDE:
            site_ids.add(site_id)
    return SiteScope(site_ids=frozenset(site_ids))


def can(user: Any, action: Action, *, site_id: int | None = None, anywhere: bool = False) -> bool:
    """May ``user`` do ``action`` on a record of ``site_id``?

    ``site_id=None`` means an organisation-wide record, which needs an
    all-sites membership; ``anywhere=True`` asks whether the action is allowed
    in at least one site (e.g. to show a "New" button).
    """
    scope = scope_for(user, action)
    if anywhere:
        return not scope.empty
    if site_id is None:
        return scope.all_sites
    return scope.covers(site_id)


def require(user: Any, action: Action, *, site_id: int | None = None, what: str = "") -> None:
    if not can(user, action, site_id=site_id):
        target = f" {what}" if what else " this"
        raise PermissionRefused(f"You are not allowed to {PHRASES[action]}{target}.")


M = TypeVar("M", bound=Model)


def visible(qs: QuerySet[M], user: Any, action: Action = Action.VIEW, *, site_field: str = "site") -> QuerySet[M]:
    """Restrict a queryset to the sites where ``user`` may do ``action``, in SQL."""
    scope = scope_for(user, action)
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        return qs.none()
    return qs.filter(**{f"{site_field}__in": sorted(scope.site_ids)})


def roles_of(user: Any) -> set[str]:
    if getattr(user, "is_superuser", False):
        return {Role.ADMINISTRATOR}
    return {role for role, _ in _memberships(user)}
