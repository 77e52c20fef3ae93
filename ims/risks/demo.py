"""Demo data: the risks and opportunities of a machining plant and an assembly plant, with treatment actions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.risks.services import risk_create, treatment_add, treatment_done

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E, B = ["iso9001"], ["iso14001"], ["iso9001", "iso14001"]

# site (None: organisation-wide), title, kind, source kind, standards, (L, C), residual (L, C) or None,
# treatments: (action, days from today until due, done?)
RISKS: list[
    tuple[str | None, str, str, str, list[str], tuple[int, int], tuple[int, int] | None, list[tuple[str, int, bool]]]
] = [
    (
        None,
        "Dependence on two tractor makers for 55 % of turnover",
        "risk",
        "issue",
        Q,
        (3, 5),
        (2, 4),
        [
            ("Qualify two customers in food-processing machinery", 120, False),
            ("Quarterly key-account review with sales", -20, True),
        ],
    ),
    (
        None,
        "Aluminium price volatility erodes margins",
        "risk",
        "issue",
        Q,
        (4, 3),
        (3, 2),
        [("Index clauses on aluminium in all framework contracts", 60, False)],
    ),
    (
        "LYO",
        "Breakdown of the 5-axis machining centre (single point of failure)",
        "risk",
        "process",
        Q,
        (3, 4),
        (2, 3),
        [("Spare spindle kept in stock", -40, True), ("Preventive maintenance every 500 h", 30, False)],
    ),
    (
        "LYO",
        "Loss of CMM programming know-how when the senior inspector retires",
        "risk",
        "issue",
        Q,
        (4, 3),
        (2, 2),
        [("Train two technicians on CMM programming", 90, False)],
    ),
    (
        "LYO",
        "Spill of spent metalworking fluid to the storm drain",
        "risk",
        "aspect",
        E,
        (2, 5),
        (1, 4),
        [("Bunded storage and drain covers at the fluid store", -60, True), ("Spill drill twice a year", 45, False)],
    ),
    (
        "LYO",
        "Chromium VI passivation restricted under REACH",
        "risk",
        "obligation",
        B,
        (4, 4),
        (2, 2),
        [("Switch to trivalent passivation with the coater", 150, False)],
    ),
    (
        "BRQ",
        "Late deliveries from the casting supplier",
        "risk",
        "process",
        Q,
        (4, 3),
        (3, 2),
        [("Second-source castings from a Polish foundry", 100, False)],
    ),
    (
        "BRQ",
        "Fire in the packaging store",
        "risk",
        "aspect",
        E,
        (2, 5),
        (1, 5),
        [("Sprinkler extension to the packaging store", 75, False)],
    ),
    ("BRQ", "Noise complaints from the new housing estate", "risk", "party", E, (3, 2), None, []),
    ("BRQ", "Assembly errors from undocumented torque settings", "risk", "process", Q, (2, 3), None, []),
    (
        None,
        "Heat waves stop production in un-cooled halls",
        "risk",
        "issue",
        B,
        (3, 3),
        None,
        [("Night-shift plan for heat alerts", 40, False)],
    ),
    (
        None,
        "Customers ask for product carbon footprints",
        "opportunity",
        "party",
        B,
        (4, 4),
        None,
        [("Pilot footprint for the hydraulic manifold family", 120, False)],
    ),
    (
        "LYO",
        "Recover heat from the compressors for the offices",
        "opportunity",
        "aspect",
        E,
        (3, 3),
        None,
        [("Feasibility study with the energy consultant", 60, False)],
    ),
    ("BRQ", "Regional subsidy for rooftop solar", "opportunity", "obligation", E, (3, 2), None, []),
    ("LYO", "Sell aluminium swarf briquettes at a premium", "opportunity", "aspect", B, (2, 2), None, []),
]


def step_risks(ctx: DemoContext) -> None:
    manager = ctx.users["marie.dubois"]
    owners = {"LYO": ctx.users["julien.petit"], "BRQ": ctx.users["tomas.novak"], None: manager}
    today = timezone.localdate()
    for i, (code, title, kind, source, standards, (lik, con), residual, treatments) in enumerate(RISKS):
        by = owners[code]
        risk = risk_create(
            by=by,
            site=ctx.sites[code] if code else None,
            title=title,
            kind=kind,
            source_kind=source,
            standards=standards,
            likelihood=lik,
            consequence=con,
            residual_likelihood=residual[0] if residual else None,
            residual_consequence=residual[1] if residual else None,
            owner=by,
            review_date=today + dt.timedelta(days=90 + 10 * i),
        )
        for action, days, done in treatments:
            treatment = treatment_add(by=by, risk=risk, action=action, owner=by, due_date=today + dt.timedelta(days))
            if done:
                treatment_done(by=by, treatment=treatment, done_on=today - dt.timedelta(days=abs(days) + 5))
