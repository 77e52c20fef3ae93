"""Template context shared by every page of the shell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ims.accounts.permissions import roles_of
from ims.accounts.roles import Role
from ims.org.selectors import sites_visible_to
from ims.web.navigation import navigation_for

SESSION_SITE = "ims_site"


def current_site_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_SITE) if hasattr(request, "session") else None
    return int(value) if value else None


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sites = list(sites_visible_to(user, include_archived=False).only("id", "name", "code"))
    labels = dict(Role.choices)
    return {
        "nav_groups": navigation_for(user, request.path),
        "switcher_sites": sites,
        "current_site_id": current_site_id(request),
        "user_roles": sorted(str(labels.get(r, r)) for r in roles_of(user)),
    }
