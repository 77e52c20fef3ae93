"""Demo data: the processes (4.4) of a machining group with plants in Lyon and Brno, and how they feed each other."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.processes.models import Process
from ims.processes.services import link_add, process_create

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E = "iso9001", "iso14001"

# reference, name, kind, owner, sites (empty: all), purpose, inputs, outputs, customers, standards
PROCESSES: list[tuple[str, str, str, str, list[str], str, str, str, str, list[str]]] = [
    (
        "PRC-01",
        "Management review",
        "management",
        "marie.dubois",
        [],
        "Review the management system's suitability, adequacy and effectiveness and decide improvements.",
        "Audit results\nKPI results\nCustomer feedback\nCompliance evaluation",
        "Review minutes\nObjectives and decisions\nResource decisions",
        "Top management; all process owners",
        [Q, E],
    ),
    (
        "PRC-02",
        "Planning of the management system",
        "management",
        "marie.dubois",
        [],
        "Determine risks, opportunities, objectives and planned changes.",
        "Objectives and decisions\nContext issues\nInterested parties' needs",
        "Risk register\nObjectives\nPlanned changes",
        "All process owners",
        [Q, E],
    ),
    (
        "PRC-03",
        "Sales and contract review",
        "core",
        "julien.petit",
        [],
        "Understand customer requirements and confirm we can meet them before accepting an order.",
        "Customer enquiries\nDrawings and specifications",
        "Confirmed orders\nCustomer requirements\nCustomer feedback",
        "External: agricultural and industrial OEMs",
        [Q],
    ),
    (
        "PRC-04",
        "Design and development",
        "core",
        "julien.petit",
        ["LYO"],
        "Design components and machining processes for new parts, considering their life cycle.",
        "Customer requirements\nLessons learnt",
        "Drawings and CNC programs\nBills of materials",
        "Internal: machining, purchasing; external: customers approving designs",
        [Q, E],
    ),
    (
        "PRC-05",
        "Purchasing",
        "support",
        "marie.dubois",
        [],
        "Buy materials and services that meet requirements from evaluated suppliers.",
        "Bills of materials\nConfirmed orders",
        "Purchased material\nSupplier evaluations",
        "Internal: machining, surface treatment, assembly",
        [Q, E],
    ),
    (
        "PRC-06",
        "CNC machining",
        "core",
        "julien.petit",
        [],
        "Turn and mill parts to drawing with controlled coolant, swarf and energy use.",
        "Purchased material\nDrawings and CNC programs\nMaintained machines",
        "Machined parts\nSwarf and spent coolant",
        "Internal: surface treatment, assembly",
        [Q, E],
    ),
    (
        "PRC-07",
        "Surface treatment",
        "core",
        "julien.petit",
        ["LYO"],
        "Degrease, anodise and paint parts within permit limits.",
        "Machined parts\nChemicals",
        "Treated parts\nWastewater to treatment",
        "Internal: assembly",
        [Q, E],
    ),
    (
        "PRC-08",
        "Assembly",
        "core",
        "tomas.novak",
        ["BRQ"],
        "Assemble sub-assemblies to customer drawings.",
        "Treated parts\nMachined parts\nPurchased material",
        "Assembled products",
        "Internal: inspection",
        [Q],
    ),
    (
        "PRC-09",
        "Inspection and release",
        "core",
        "tomas.novak",
        [],
        "Verify products meet requirements before release; control nonconforming output.",
        "Assembled products\nCustomer requirements",
        "Released products\nNonconformity reports",
        "Internal: shipping; external: customers",
        [Q],
    ),
    (
        "PRC-10",
        "Shipping",
        "core",
        "tomas.novak",
        [],
        "Pack and ship released products with returnable packaging where possible.",
        "Released products",
        "Delivered products\nDelivery notes",
        "External: customers",
        [Q, E],
    ),
    (
        "PRC-11",
        "Maintenance",
        "support",
        "julien.petit",
        [],
        "Keep machines, treatment lines and pollution controls working.",
        "Maintenance plan\nBreakdown reports",
        "Maintained machines\nMaintenance records",
        "Internal: machining, surface treatment",
        [Q, E],
    ),
    (
        "PRC-12",
        "HR and training",
        "support",
        "marie.dubois",
        [],
        "Recruit competent people and keep their competence and awareness up to date.",
        "Competence needs\nObjectives",
        "Competent, aware people\nTraining records",
        "Internal: every process",
        [Q, E],
    ),
]

# from, to, what flows
LINKS = [
    ("PRC-01", "PRC-02", "Objectives and decisions"),
    ("PRC-02", "PRC-12", "Objectives"),
    ("PRC-03", "PRC-04", "Customer requirements"),
    ("PRC-03", "PRC-05", "Confirmed orders"),
    ("PRC-03", "PRC-01", "Customer feedback"),
    ("PRC-04", "PRC-05", "Bills of materials"),
    ("PRC-04", "PRC-06", "Drawings and CNC programs"),
    ("PRC-05", "PRC-06", "Purchased material"),
    ("PRC-05", "PRC-08", "Purchased material"),
    ("PRC-06", "PRC-07", "Machined parts"),
    ("PRC-06", "PRC-08", "Machined parts"),
    ("PRC-07", "PRC-08", "Treated parts"),
    ("PRC-08", "PRC-09", "Assembled products"),
    ("PRC-09", "PRC-10", "Released products"),
    ("PRC-11", "PRC-06", "Maintained machines"),
]


def step_processes(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    review = timezone.localdate() + dt.timedelta(days=300)
    made: dict[str, Process] = {}
    for ref, name, kind, owner, codes, purpose, inputs, outputs, customers, standards in PROCESSES:
        made[ref] = process_create(
            by=by,
            sites=[ctx.sites[c] for c in codes if c in ctx.sites],
            reference=ref,
            name=name,
            kind=kind,
            owner=ctx.users.get(owner, ctx.admin),
            purpose=purpose,
            inputs=inputs,
            outputs=outputs,
            customers=customers,
            resources="",
            standards=standards,
            related_records="",
            review_date=review,
        )
    for source, target, label in LINKS:
        link_add(by=by, source=made[source], target=made[target], label=label)
