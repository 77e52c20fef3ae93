"""Builds the demo organisation, one concept after another.

Each concept contributes a step to ``STEPS``; later concepts (documents,
nonconformities, monitoring …) add theirs. A step receives the shared
:class:`DemoContext` with the records made before it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ims.accounts.models import User
from ims.accounts.roles import Role
from ims.accounts.services import MembershipSpec, generate_password, user_create
from ims.org import services as org_services
from ims.org.models import Organisation, Site, Standard


@dataclass
class DemoContext:
    admin: User
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, password


def is_loaded() -> bool:
    return Organisation.objects.exists()


def _bootstrap_admin() -> tuple[User, str]:
    """The first administrator, created directly: nobody exists yet to authorise it."""
    password = generate_password()
    admin = User(
        username="admin",
        first_name="Ana",
        last_name="Ribeiro",
        email="ana.ribeiro@example.com",
        is_superuser=True,
    )
    admin.set_password(password)
    admin.save()
    from ims.accounts.models import Membership
    from ims.audit.services import record_create

    Membership.objects.create(user=admin, role=Role.ADMINISTRATOR, site=None)
    record_create(record=admin, by=None, note="first administrator created by ims demo")
    return admin, password


def step_organisation(ctx: DemoContext) -> None:
    org_services.organisation_save(
        by=ctx.admin,
        name="Alder & Finch Components",
        legal_name="Alder & Finch Components SAS",
        description=(
            "Machines and assembles precision aluminium and steel components (housings, "
            "brackets, hydraulic manifolds) for agricultural and industrial equipment makers."
        ),
    )
    ctx.sites["LYO"] = org_services.site_create(
        by=ctx.admin,
        code="LYO",
        name="Lyon machining plant",
        country="FR",
        time_zone="Europe/Paris",
        address="12 rue des Tanneurs\n69007 Lyon\nFrance",
    )
    ctx.sites["BRQ"] = org_services.site_create(
        by=ctx.admin,
        code="BRQ",
        name="Brno assembly plant",
        country="CZ",
        time_zone="Europe/Prague",
        address="Průmyslová 48\n627 00 Brno\nCzechia",
    )
    all_sites = [s.pk for s in ctx.sites.values()]
    org_services.scope_save(
        by=ctx.admin,
        standard=Standard.ISO_9001,
        site_ids=all_sites,
        in_scope=True,
        statement=(
            "Design, CNC machining, surface treatment and assembly of precision metal components "
            "for agricultural and industrial equipment manufacturers, at the Lyon and Brno plants."
        ),
        boundaries="Clause 8.3 (design) applies at Lyon only; Brno assembles to customer drawings.",
    )
    org_services.scope_save(
        by=ctx.admin,
        standard=Standard.ISO_14001,
        site_ids=all_sites,
        in_scope=True,
        statement=(
            "Environmental management of machining, surface treatment, assembly, warehousing and "
            "the associated offices at the Lyon and Brno plants, including waste, energy, water, "
            "emissions and the life-cycle stages of the components that the organisation can influence."
        ),
        boundaries="Both plants within their fence lines; company vehicles included; the leased Lyon car park is not.",
    )


DEMO_USERS: list[tuple[str, str, str, str, list[tuple[str, str | None]]]] = [
    # username, first, last, e-mail, [(role, site code or None for all sites)]
    ("marie.dubois", "Marie", "Dubois", "marie.dubois@example.com", [(Role.IMS_MANAGER, None)]),
    ("tomas.novak", "Tomáš", "Novák", "tomas.novak@example.com", [(Role.PROCESS_OWNER, "BRQ")]),
    ("julien.petit", "Julien", "Petit", "julien.petit@example.com", [(Role.PROCESS_OWNER, "LYO")]),
    ("eva.horakova", "Eva", "Horáková", "eva.horakova@example.com", [(Role.AUDITOR, None)]),
    ("lucas.martin", "Lucas", "Martin", "lucas.martin@example.com", [(Role.CONTRIBUTOR, "LYO")]),
    ("petra.svobodova", "Petra", "Svobodová", "petra.svobodova@example.com", [(Role.CONTRIBUTOR, "BRQ")]),
    (
        "claire.bernard",
        "Claire",
        "Bernard",
        "claire.bernard@example.com",
        [(Role.VIEWER, "LYO"), (Role.VIEWER, "BRQ")],
    ),
]


def step_users(ctx: DemoContext) -> None:
    for username, first, last, email, roles in DEMO_USERS:
        specs = [MembershipSpec(role=r, site_id=ctx.sites[code].pk if code else None) for r, code in roles]
        password = generate_password()
        user, _ = user_create(
            by=ctx.admin,
            username=username,
            first_name=first,
            last_name=last,
            email=email,
            memberships=specs,
            password=password,
        )
        ctx.users[username] = user
        label = ", ".join(f"{Role(r).label} ({code or 'all sites'})" for r, code in roles)
        ctx.credentials.append((username, label, password))


def step_context(ctx: DemoContext) -> None:
    from ims.context.demo import step_context as build

    build(ctx)


def step_obligations(ctx: DemoContext) -> None:
    from ims.obligations.demo import step_obligations as build

    build(ctx)


def step_processes(ctx: DemoContext) -> None:
    from ims.processes.demo import step_processes as build

    build(ctx)


def step_risks(ctx: DemoContext) -> None:
    from ims.risks.demo import step_risks as build

    build(ctx)


def step_objectives(ctx: DemoContext) -> None:
    from ims.objectives.demo import step_objectives as build

    build(ctx)


def step_changes(ctx: DemoContext) -> None:
    from ims.changes.demo import step_changes as build

    build(ctx)


def step_aspects(ctx: DemoContext) -> None:
    from ims.aspects.demo import step_aspects as build

    build(ctx)


def step_responsibilities(ctx: DemoContext) -> None:
    from ims.responsibilities.demo import step_responsibilities as build

    build(ctx)


def step_policies(ctx: DemoContext) -> None:
    from ims.policies.demo import step_policies as build

    build(ctx)


def step_documents(ctx: DemoContext) -> None:
    from ims.documents.demo import step_documents as build

    build(ctx)


def step_improvement(ctx: DemoContext) -> None:
    from ims.improvement.demo import step_improvement as build

    build(ctx)


def step_monitoring(ctx: DemoContext) -> None:
    from ims.monitoring.demo import step_monitoring as build

    build(ctx)


def step_kpis(ctx: DemoContext) -> None:
    from ims.kpis.demo import step_kpis as build

    build(ctx)


def step_ghg(ctx: DemoContext) -> None:
    from ims.ghg.demo import step_ghg as build

    build(ctx)


def step_feedback(ctx: DemoContext) -> None:
    from ims.feedback.demo import step_feedback as build

    build(ctx)


def step_readiness(ctx: DemoContext) -> None:
    from ims.readiness.demo import step_readiness as build

    build(ctx)


STEPS: list[Callable[[DemoContext], None]] = [
    step_organisation,
    step_users,
    step_context,
    step_processes,
    step_responsibilities,
    step_policies,
    step_aspects,
    step_obligations,
    step_risks,
    step_objectives,
    step_changes,
    step_documents,
    step_monitoring,
    step_kpis,
    step_ghg,
    step_improvement,
    step_feedback,
    step_readiness,
]


@transaction.atomic
def load_demo() -> DemoContext:
    """Load the whole demo in one transaction: it lands completely or not at all."""
    admin, password = _bootstrap_admin()
    ctx = DemoContext(admin=admin)
    ctx.credentials.append(("admin", "Administrator (all sites)", password))
    for step in STEPS:
        step(ctx)
    return ctx


def describe(ctx: DemoContext, extra: dict[str, Any] | None = None) -> str:
    address = f"http://{os.environ.get('IMS_HOST', '127.0.0.1')}:{os.environ.get('IMS_PORT', '8000')}/"
    lines = [
        "Demo organisation loaded: Alder & Finch Components (Lyon, FR and Brno, CZ).",
        f"Sign in at {address} with one of these accounts.",
        "The passwords are generated now and shown only this once:",
        "",
    ]
    width = max(len(u) for u, _, _ in ctx.credentials)
    for username, role, password in ctx.credentials:
        lines.append(f"  {username.ljust(width)}  {password}  {role}")
    return "\n".join(lines)
