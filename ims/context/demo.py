"""Demo data: the issues (4.1) and interested parties (4.2) of a machining group with plants in Lyon and Brno."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.context.services import issue_create, party_create

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E = "iso9001", "iso14001"

# site (None = organisation-wide), title, description, category, origin, effect, related processes, standards
ISSUES: list[tuple[str | None, str, str, str, str, str, str, list[str]]] = [
    (
        None,
        "Climate change: heat waves and water stress",
        "Summer heat waves stop the paint line and strain cooling; the Rhône and Svratka run low, "
        "so water withdrawal may be restricted. Customers also ask for our carbon footprint.",
        "climate",
        "external",
        "both",
        "Production, maintenance, sales",
        [Q, E],
    ),
    (
        None,
        "Volatile energy prices",
        "Electricity and gas prices doubled in 2022 and stay volatile; energy is our third largest cost.",
        "economic",
        "external",
        "negative",
        "Purchasing, production",
        [Q, E],
    ),
    (
        None,
        "Shortage of skilled machinists and maintenance technicians",
        "Recruiting CNC programmers takes six months or more in both regions; several experts retire by 2028.",
        "knowledge",
        "external",
        "negative",
        "Human resources, production",
        [Q],
    ),
    (
        None,
        "New EU regulation: CSRD reporting and the Ecodesign regulation",
        "Our largest customers must report their value-chain emissions and will ask us for data; "
        "ecodesign requirements reach components.",
        "legal",
        "external",
        "both",
        "Management, sales, engineering",
        [Q, E],
    ),
    (
        None,
        "Customer demand for low-carbon parts",
        "Automotive and rail customers score suppliers on CO2 per part and recycled aluminium content.",
        "market",
        "external",
        "positive",
        "Sales, engineering, purchasing",
        [Q, E],
    ),
    (
        None,
        "Quality culture: pride in precision, reluctance to report near misses",
        "People are proud of tight tolerances but rarely report mistakes that were caught in time.",
        "culture",
        "internal",
        "both",
        "All processes",
        [Q],
    ),
    (
        "LYO",
        "Ageing anodising line",
        "The anodising line dates from 1998; spare parts are scarce and rinse water use is high.",
        "infrastructure",
        "internal",
        "negative",
        "Surface treatment, maintenance",
        [Q, E],
    ),
    (
        "LYO",
        "Discharge limits of the industrial zone tightened",
        "The Lyon metropolitan sewer operator lowers the limits for metals in industrial effluent.",
        "pollution",
        "external",
        "negative",
        "Surface treatment",
        [E],
    ),
    (
        "LYO",
        "Flood-prone site near the Rhône",
        "Part of the site lies in a flood-risk zone; the chemical store is on the ground floor.",
        "environmental",
        "external",
        "negative",
        "Maintenance, emergency preparedness",
        [E],
    ),
    (
        "BRQ",
        "Growing assembly volumes for rail customers",
        "Orders for rail sub-assemblies grow by about 15 % a year; the hall is near its capacity.",
        "performance",
        "internal",
        "positive",
        "Assembly, planning",
        [Q],
    ),
    (
        "BRQ",
        "Protected wetland next to the site",
        "A small wetland with protected amphibians borders the car park; runoff must stay clean.",
        "biodiversity",
        "external",
        "negative",
        "Site services",
        [E],
    ),
    (
        "BRQ",
        "Digitalisation of assembly instructions",
        "Tablets at each station replace paper instructions; fewer errors, but staff need training.",
        "technological",
        "internal",
        "positive",
        "Assembly, training",
        [Q],
    ),
]

# site, name, kind, needs, compliance obligation, customer requirement, monitoring, standards
PARTIES: list[tuple[str | None, str, str, str, bool, bool, str, list[str]]] = [
    (
        None,
        "Automotive customers (tier 1 suppliers)",
        "customer",
        "Parts on time and to drawing; IATF-style PPAP; CO2 per part and recycled content data.",
        False,
        True,
        "Customer scorecards monthly; complaints; annual supplier audits.",
        [Q, E],
    ),
    (
        "BRQ",
        "Rail customers",
        "customer",
        "Traceability of every sub-assembly; fire-safety certificates; delivery to schedule.",
        False,
        True,
        "Quarterly business reviews; delivery performance.",
        [Q],
    ),
    (
        "LYO",
        "DREAL Auvergne-Rhône-Alpes (environmental inspectorate)",
        "regulator",
        "Compliance with the ICPE permit: effluent limits, waste tracking, annual emissions declaration.",
        True,
        False,
        "Permit register; inspection reports; annual GEREP declaration.",
        [E],
    ),
    (
        "BRQ",
        "Czech Environmental Inspectorate (ČIŽP)",
        "regulator",
        "Compliance with the integrated permit, waste law and water protection.",
        True,
        False,
        "Legal register review twice a year; inspection reports.",
        [E],
    ),
    (
        "LYO",
        "Neighbours of the Lyon plant",
        "community",
        "No noise at night, no odour from the paint shop, safe truck traffic.",
        False,
        False,
        "Complaints log; yearly meeting with the neighbourhood association.",
        [E],
    ),
    (
        None,
        "Employees and their representatives",
        "employees",
        "Safe, healthy work; stable jobs; training; being informed about changes.",
        True,
        False,
        "Works council meetings; staff survey every two years.",
        [Q, E],
    ),
    (
        None,
        "Shareholders",
        "owners",
        "Profitable growth; no environmental liabilities; credible sustainability reporting.",
        False,
        False,
        "Board meetings; annual report.",
        [Q, E],
    ),
    (
        None,
        "Aluminium and steel suppliers",
        "supplier",
        "Accurate forecasts, fair payment terms, feedback on quality.",
        False,
        False,
        "Supplier evaluation each year.",
        [Q, E],
    ),
    (
        None,
        "Property and liability insurer",
        "insurer",
        "Fire prevention, flood protection at Lyon, chemical storage to standard.",
        True,
        False,
        "Insurer risk survey every two years; action plan follow-up.",
        [E],
    ),
    (
        "BRQ",
        "Local nature protection association",
        "ngo",
        "Protection of the wetland next to the site; information on any spill.",
        False,
        False,
        "Contact person; informed of incidents within 24 hours.",
        [E],
    ),
]


def step_context(ctx: DemoContext) -> None:
    manager = ctx.users["marie.dubois"]
    owners = {"LYO": ctx.users["julien.petit"], "BRQ": ctx.users["tomas.novak"]}
    today = timezone.localdate()
    for i, (code, title, description, category, origin, effect, processes, standards) in enumerate(ISSUES):
        by = owners[code] if code else manager
        issue_create(
            by=by,
            site=ctx.sites[code] if code else None,
            title=title,
            description=description,
            category=category,
            origin=origin,
            effect=effect,
            related_processes=processes,
            standards=standards,
            owner=by,
            review_date=today + dt.timedelta(days=90 + 14 * i),
        )
    for i, (code, name, kind, needs, obligation, requirement, monitoring, standards) in enumerate(PARTIES):
        by = owners[code] if code else manager
        party_create(
            by=by,
            site=ctx.sites[code] if code else None,
            name=name,
            kind=kind,
            needs=needs,
            compliance_obligation=obligation,
            customer_requirement=requirement,
            monitoring=monitoring,
            standards=standards,
            owner=by,
            review_date=today + dt.timedelta(days=120 + 14 * i),
        )
