"""Demo data: quality and environmental objectives with their plans and progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.objectives.services import objective_create, progress_add

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

# site (None: organisation-wide), title, standards, baseline, target, unit, direction, plan, resources,
# evaluation, progress values (oldest first, one a month up to last month)
OBJECTIVES: list[tuple[str | None, str, list[str], str, str, str, str, str, str, str, list[str]]] = [
    (
        "LYO",
        "Cut the scrap rate of machined parts",
        ["iso9001"],
        "4.2",
        "2.5",
        "%",
        "decrease",
        "SPC on the ten worst part numbers; first-article inspection on every new program.",
        "Quality engineer 0.3 FTE; SPC software licence.",
        "Monthly scrap report from the ERP, reviewed in the quality meeting.",
        ["3.6", "3.5", "3.4"],
    ),
    (
        None,
        "Raise on-time delivery",
        ["iso9001"],
        "88",
        "97",
        "%",
        "increase",
        "Daily dispatch meeting; supplier scorecards for castings and coatings.",
        "Planning team; ERP report.",
        "On-time-in-full per customer order line, monthly.",
        ["90", "92", "93"],
    ),
    (
        "BRQ",
        "Reduce electricity per assembled unit",
        ["iso14001"],
        "11.7",
        "9.5",
        "kWh",
        "decrease",
        "Fix compressed-air leaks; LED lighting in the assembly hall; idle-off on test benches.",
        "Maintenance 40 h; LED budget 18 k€.",
        "Main meter reading divided by units assembled, monthly.",
        ["9.4", "9.3", "9.4"],
    ),
    (
        None,
        "Lower scope 1 and 2 emissions",
        ["iso14001"],
        "1450",
        "1150",
        "t",
        "decrease",
        "Green-electricity contract at Lyon; heat-pump for the Brno offices.",
        "Capex 120 k€; energy consultant.",
        "Annual carbon inventory (GHG Protocol), estimated quarterly.",
        ["1420", "1380"],
    ),
    (
        "LYO",
        "Divert more waste from landfill",
        ["iso14001"],
        "60",
        "85",
        "%",
        "increase",
        "Separate cardboard and plastic film; swarf briquetting; new contract with a recycler.",
        "Briquetting press 35 k€.",
        "Waste carrier tonnage reports, quarterly.",
        ["77", "78", "79"],
    ),
    (
        "BRQ",
        "Cut solvent use in parts cleaning",
        ["iso14001", "iso9001"],
        "950",
        "600",
        "L",
        "decrease",
        "Replace solvent degreasing with aqueous cleaning; check cleanliness with customers.",
        "Aqueous washer 60 k€; cleanliness tests.",
        "Solvent purchases per quarter; cleanliness test results.",
        ["900", "820"],
    ),
    (
        None,
        "Fewer customer complaints",
        ["iso9001"],
        "24",
        "12",
        "count",
        "decrease",
        "8D on every complaint; lessons learned shared between plants.",
        "Quality team.",
        "Complaints logged per rolling 12 months.",
        ["22", "20", "19"],
    ),
]


def step_objectives(ctx: DemoContext) -> None:
    manager = ctx.users["marie.dubois"]
    owners = {"LYO": ctx.users["julien.petit"], "BRQ": ctx.users["tomas.novak"], None: manager}
    today = timezone.localdate()
    start = today - dt.timedelta(days=120)
    for i, (
        code,
        title,
        standards,
        baseline,
        target,
        unit,
        direction,
        plan,
        resources,
        evaluation,
        values,
    ) in enumerate(OBJECTIVES):
        by = owners[code]
        objective = objective_create(
            by=by,
            site=ctx.sites[code] if code else None,
            title=title,
            standards=standards,
            baseline_value=Decimal(baseline),
            baseline_date=start,
            target_value=Decimal(target),
            unit=unit,
            direction=direction,
            deadline=today + dt.timedelta(days=245 + 30 * i),
            plan_what=plan,
            plan_resources=resources,
            evaluation=evaluation,
            owner=by,
        )
        for n, value in enumerate(values):
            progress_add(
                by=by,
                objective=objective,
                value=Decimal(value),
                date=today - dt.timedelta(days=30 * (len(values) - n)),
                note="Monthly figure",
            )
