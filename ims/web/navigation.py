"""Main navigation, grouped by the clauses of the Harmonized Structure.

Each concept adds its pages here as it lands; a group with no page yet says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ims.accounts.permissions import Action, can


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    action: Action | None = Action.VIEW
    org_wide: bool = False


@dataclass(frozen=True)
class NavGroup:
    clause: str
    label: Any
    items: tuple[NavItem, ...]


GROUPS: tuple[NavGroup, ...] = (
    NavGroup(
        "4",
        _("Context"),
        (
            NavItem(_("Organisation and scope"), "org:organisation"),
            NavItem(_("Sites"), "org:site_list"),
            NavItem(_("Internal and external issues"), "context:issue_list"),
            NavItem(_("Interested parties"), "context:party_list"),
            NavItem(_("Processes"), "processes:list"),
            NavItem(_("Process map"), "processes:map"),
        ),
    ),
    NavGroup(
        "5",
        _("Leadership"),
        (
            NavItem(_("Policies"), "policies:list"),
            NavItem(_("Roles and responsibilities"), "responsibilities:list"),
            NavItem(_("Users and access"), "accounts:user_list", Action.MANAGE_USERS, org_wide=True),
        ),
    ),
    NavGroup(
        "6",
        _("Planning"),
        (
            NavItem(_("Environmental aspects"), "aspects:list"),
            NavItem(_("Compliance obligations"), "obligations:list"),
            NavItem(_("Risks and opportunities"), "risks:list"),
            NavItem(_("Objectives"), "objectives:list"),
            NavItem(_("Planned changes"), "changes:list"),
        ),
    ),
    NavGroup(
        "7",
        _("Support"),
        (
            NavItem(_("Documents"), "documents:list"),
            NavItem(_("Master list of documents"), "documents:master"),
            NavItem(_("Documents to read and sign"), "documents:to_read"),
            NavItem(_("Audit trail"), "audit:list", Action.VIEW_AUDIT),
        ),
    ),
    NavGroup("8", _("Operation"), ()),
    NavGroup(
        "9",
        _("Performance evaluation"),
        (
            NavItem(_("Customer satisfaction"), "feedback:home"),
            NavItem(_("Satisfaction surveys"), "feedback:surveys"),
            NavItem(_("Customer complaints"), "feedback:complaints"),
            NavItem(_("Compliments"), "feedback:compliments"),
            NavItem(_("Customers"), "feedback:customers"),
            NavItem(_("Units shipped"), "feedback:shipments"),
            NavItem(_("Meters and metrics"), "monitoring:series_list"),
            NavItem(_("Import readings"), "monitoring:import", Action.CHANGE),
            NavItem(_("KPIs"), "kpis:list"),
            NavItem(_("Quality dashboard"), "kpis:dashboard"),
            NavItem(_("Monitoring of significant aspects"), "kpis:aspect_monitoring"),
            NavItem(_("Measuring equipment"), "kpis:equipment_list"),
            NavItem(_("Environmental dashboard"), "ghg:dashboard"),
            NavItem(_("Greenhouse gas inventory"), "ghg:inventory"),
            NavItem(_("Emission sources"), "ghg:source_list"),
            NavItem(_("Contractual instruments"), "ghg:instrument_list"),
            NavItem(_("Emission factors"), "factors:list"),
            NavItem(_("Emission factor sources"), "factors:sources"),
        ),
    ),
    NavGroup(
        "10",
        _("Improvement"),
        (
            NavItem(_("Report a problem or idea"), "improvement:report", Action.REPORT),
            NavItem(_("Waiting for triage"), "improvement:triage", Action.CHANGE),
            NavItem(_("Nonconformities, incidents and actions"), "improvement:list"),
            NavItem(_("Analysis and cost of poor quality"), "improvement:analysis"),
            NavItem(_("Factors for waste and extra energy"), "improvement:impact_factors"),
        ),
    ),
)


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    groups = []
    for group in GROUPS:
        items = []
        for item in group.items:
            if item.action is not None:
                allowed = can(user, item.action) if item.org_wide else can(user, item.action, anywhere=True)
                if not allowed:
                    continue
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "active": False})
        groups.append({"clause": group.clause, "label": group.label, "items": items})
    # One active entry: the longest address the page is under (/documents/master/ is not also /documents/).
    matches = [i for g in groups for i in g["items"] if current_path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return groups
