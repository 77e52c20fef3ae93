"""Demo data: planned changes (6.3) of the machining group, in various states, none late."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.changes.models import ChangeStatus
from ims.changes.services import change_create, change_transition
from ims.processes.models import Process

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E = "iso9001", "iso14001"

# site code (None: organisation-wide), title, purpose, consequences, resources, owner, processes,
# standards, days until planned date, status to reach
CHANGES: list[tuple[str | None, str, str, str, str, str, list[str], list[str], int, str]] = [
    (
        "LYO",
        "Solvent-free degreaser on the surface treatment line",
        "Replace the chlorinated solvent degreaser by an aqueous one to cut VOC emissions.",
        "Cleanliness before anodising must be revalidated; wastewater load changes; operators need training.",
        "New washer (EUR 180k), two weeks of trials, supplier support.",
        "julien.petit",
        ["PRC-07", "PRC-11"],
        [Q, E],
        120,
        ChangeStatus.IN_PROGRESS,
    ),
    (
        "LYO",
        "Second anodising line",
        "Double anodising capacity for the new agricultural contracts.",
        "Permit amendment for wastewater volumes; energy use rises; layout of the treatment hall changes.",
        "Investment EUR 1.2M, permit consultant, four operators.",
        "julien.petit",
        ["PRC-07"],
        [Q, E],
        400,
        ChangeStatus.APPROVED,
    ),
    (
        None,
        "ERP migration",
        "Move both plants to one ERP for orders, purchasing and traceability.",
        "Risk of lost traceability during cut-over; procedures and training to update.",
        "Project team of five, integrator, parallel run for one month.",
        "marie.dubois",
        ["PRC-03", "PRC-05", "PRC-10"],
        [Q],
        250,
        ChangeStatus.PROPOSED,
    ),
    (
        "BRQ",
        "New torque-controlled assembly stations",
        "Replace manual torque wrenches with controlled and recorded tightening.",
        "Work instructions change; tightening records become retained information.",
        "Six stations, two days of training.",
        "tomas.novak",
        ["PRC-08", "PRC-09"],
        [Q],
        -30,
        ChangeStatus.COMPLETED,
    ),
    (
        "BRQ",
        "Outsourcing of painting",
        "Considered buying painting from a subcontractor.",
        "Less control over emissions and quality; transport increases.",
        "Supplier audit.",
        "tomas.novak",
        ["PRC-05"],
        [Q, E],
        60,
        ChangeStatus.CANCELLED,
    ),
]

PATH: list[str] = [ChangeStatus.APPROVED, ChangeStatus.IN_PROGRESS, ChangeStatus.COMPLETED]


def step_changes(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    today = timezone.localdate()
    processes = {p.reference: p for p in Process.objects.all()}
    for code, title, purpose, consequences, resources, owner, refs, standards, days, goal in CHANGES:
        change = change_create(
            by=by,
            site=ctx.sites.get(code) if code else None,
            title=title,
            purpose=purpose,
            consequences=consequences,
            resources=resources,
            owner=ctx.users.get(owner, ctx.admin),
            responsibilities=f"{owner} leads; the IMS manager follows up in the management review.",
            standards=standards,
            processes=[processes[r] for r in refs if r in processes],
            planned_date=today + dt.timedelta(days=days),
            review_date=today + dt.timedelta(days=abs(days) + 30),
        )
        if goal == ChangeStatus.CANCELLED:
            change_transition(by=by, change=change, version=change.version, to=goal, reason="Painting stays in-house.")
            continue
        for to in PATH[: PATH.index(goal) + 1] if goal in PATH else []:
            change = change_transition(by=by, change=change, version=change.version, to=to)
