"""Demo data: two years of the improvement register's history, before the recent events of :mod:`.demo`.

A hundred and ten events drawn from kinds that keep happening, so the Pareto
charts, the ageing and the cost of poor quality have something to show: most
are closed with a signature, some still wait in their workflow and a few are
stuck past their due date; actions are seen in every state (open, done,
verified effective, ineffective with a follow-up, cancelled). Scrap and rework
carry their failure costs (Brno's in CZK, with the rate used), the material
wasted and the extra energy, with kg CO2e from the factor library.
Everything is written through the services; only the dates the services stamp
“now” are then set to when each step happened (:func:`redate`), the same on
every run, and each event is numbered in the year it occurred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ims.improvement import actions, services
from ims.improvement.demo import Plan, _build, _reload
from ims.improvement.models import Event, EventStatus, EventType
from ims.processes.models import Process

S = EventStatus
T = EventType

HISTORY_SEED = 9001
HISTORY_EVENTS = 110
HISTORY_DAYS = (140, 730)  # how long ago the history's events occurred (the plans above are more recent)
CZK_PER_EUR = Decimal("0.0398")  # the demo's rate for Brno's costs, kept on each cost line


@dataclass(frozen=True)
class Kind:
    """A kind of event that keeps happening, with what is done about it and what it costs."""

    type: str
    site: str
    process: str | None
    cause: str
    weight: int
    description: str
    location: str
    root_cause: str
    action: str
    containment: tuple[str, str, str] | None = None  # what was done, unit, disposition
    pieces: tuple[int, int] = (0, 0)  # how many are affected, at least and at most
    material: str = ""  # wasted material (scrap, spills)
    kg_each: str = "0"
    route: str = "open_loop"  # what became of the material wasted
    kwh_each: str = "0"  # extra electricity per piece reworked
    cost: str = ""  # the failure cost category
    cost_each: str = "0"  # EUR per piece (or per unit affected)
    cost_fixed: str = "0"  # EUR once
    obligation: str = ""  # the compliance obligation breached, by the start of its title


KINDS: tuple[Kind, ...] = (
    Kind(T.PRODUCT_NC, "LYO", "PRC-06", "maintenance", 9, "Bores of aluminium housings out of tolerance (+0.03 mm).",
         "CNC cell 2", "Spindle thermal drift: the warm-up cycle was skipped after maintenance.",
         "Add the warm-up cycle to the restart checklist and interlock the spindle.",
         ("Parts quarantined, measured one by one; out-of-tolerance parts scrapped.", "pcs", "scrap"),
         (20, 140), material="aluminium", kg_each="0.85", cost="scrap", cost_each="38"),
    Kind(T.PRODUCT_NC, "LYO", "PRC-07", "handling_storage", 8, "Scratches on anodised covers after unloading.",
         "Anodising line 1", "Covers stacked without interleaves in the unloading bins.",
         "Interleaved trays for anodised parts; bins withdrawn.",
         ("Covers stripped and re-anodised.", "pcs", "rework"), (30, 220), kwh_each="0.9", cost="rework",
         cost_each="6.5"),
    Kind(T.PROCESS_NC, "LYO", "PRC-07", "procedure", 6, "Anodising bath analysis skipped for two weeks.",
         "Laboratory", "The analysis plan is on paper and was not handed over during holidays.",
         "Bath analyses scheduled as reminders with a named deputy."),
    Kind(T.PRODUCT_NC, "LYO", "PRC-06", "specification", 5, "Thread depth machined to a superseded drawing revision.",
         "CNC cell 4", "The program was not updated when the drawing changed: no link between the two.",
         "Programs released only against the current drawing revision in document control.",
         ("Batch held; parts scrapped.", "pcs", "scrap"), (10, 80), material="aluminium", kg_each="0.6",
         cost="scrap", cost_each="44"),
    Kind(T.PRODUCT_NC, "BRQ", "PRC-08", "procedure", 9, "Bolts under-torqued on bracket assemblies.",
         "Assembly line A", "The work instruction does not say what to do when the torque station is down.",
         "Downtime procedure: stop the line or use the calibrated click wrench and log each bolt.",
         ("Assemblies re-torqued and re-inspected.", "pcs", "rework"), (40, 400), kwh_each="0.05", cost="rework",
         cost_each="1.2"),
    Kind(T.SUPPLIER_NC, "BRQ", "PRC-05", "supplier", 7, "Steel sheet lot out of flatness tolerance.",
         "Goods receipt", "The supplier's leveller was worn; no flatness check at their shipping.",
         "Supplier 8D closed; flatness certificate required with every lot.",
         ("Lot blocked and returned to the supplier.", "kg", "return_to_supplier"), (400, 2600),
         cost="reinspection", cost_each="0.05", cost_fixed="120"),
    Kind(T.PRODUCT_NC, "BRQ", "PRC-08", "training", 4, "Brackets assembled the wrong way round.",
         "Assembly line B", "New operators were not shown the orientation mark.",
         "Poka-yoke pin in the fixture so the bracket fits one way only.",
         ("Assemblies taken apart and rebuilt.", "pcs", "rework"), (12, 90), material="steel", kg_each="0.02",
         kwh_each="0.02", cost="rework", cost_each="3.5"),
    Kind(T.ENVIRONMENTAL_INCIDENT, "LYO", "PRC-07", "maintenance", 4, "Degreasing bath leaking at a flange.",
         "Surface treatment", "The flange gasket was past its replacement interval.",
         "Gaskets of bath flanges added to the preventive maintenance plan.",
         ("Leak stopped, liquid absorbed and collected as hazardous waste.", "L", "other"), (5, 60),
         cost="downtime", cost_each="4", cost_fixed="1800"),
    Kind(T.ENVIRONMENTAL_INCIDENT, "BRQ", "PRC-10", "handling_storage", 3,
         "Drum of hydraulic oil punctured by a forklift.", "Dock 2", "Drums stored in the forklift lane.",
         "Marked drum storage bay with a bund, out of the lane.",
         ("Spill absorbed; absorbents sent as hazardous waste.", "L", "other"), (10, 120), material="mineral_oil",
         kg_each="0.87", route="incineration", cost="downtime", cost_each="3", cost_fixed="600"),
    Kind(T.COMPLIANCE_BREACH, "LYO", "PRC-07", "calibration", 2, "Wastewater pH outside the permit range for an hour.",
         "Wastewater outlet", "The pH probe drifted between calibrations.",
         "Two-point calibration weekly and a second probe as a cross-check.",
         obligation="Industrial effluent discharge permit"),
    Kind(T.PROCESS_NC, "BRQ", "PRC-09", "measurement", 4, "New plug gauge used without a measurement system analysis.",
         "Final inspection", "No rule requires an MSA before a new gauge is used.",
         "Gauge release procedure with an MSA before first use."),
    Kind(T.NEAR_MISS, "LYO", "PRC-11", "equipment_failure", 3, "Forklift mast chain found cracked at the daily check.",
         "Warehouse", "Chain inspection interval too long for the forklift's use.",
         "Chain inspections every three months; chains replaced."),
    Kind(T.AUDIT_FINDING, "BRQ", "PRC-12", "training", 3,
         "Internal audit: training records missing for temporary staff.", "HR office",
         "Temporary staff are trained by the agency and no record comes back.",
         "Induction for temporary staff given and recorded by us."),
    Kind(T.PRODUCT_NC, "LYO", "PRC-09", "measurement", 3, "Good parts rejected by a worn go/no-go gauge.",
         "Final inspection", "Gauges are not in the calibration plan.", "Every gauge registered and calibrated.",
         ("Rejected parts re-measured on the CMM and released.", "pcs", "rework"), (20, 150), cost="reinspection",
         cost_each="3"),
    Kind(T.IMPROVEMENT, "BRQ", "PRC-08", "", 3, "Kitting trolleys for the assembly lines: fewer walks to the store.",
         "Assembly lines", "", "Kitting trolleys for both lines."),
    Kind(T.IMPROVEMENT, "LYO", "PRC-06", "", 3, "Recycle the cutting fluid through a centrifuge.",
         "Machining hall", "", "Centrifuge installed on the central coolant system."),
)  # fmt: skip

ORDER_OF_STEPS = [S.TRIAGED, S.CONTAINMENT, S.ROOT_CAUSE, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS, S.CLOSED]


@dataclass
class Past:
    """One event of the history: what it is, when, and how far it went."""

    kind: Kind
    days_ago: int
    goal: str
    pieces: int
    days_to_close: int
    cancelled_action: bool = False
    ineffective_first: bool = False
    late: bool = False  # stuck past its step's due date


def _goal(rng: Any, days_ago: int, kind: Kind) -> tuple[str, bool]:
    """Older events are mostly closed; recent ones are still in their workflow; a few are stuck (overdue)."""
    roll = rng.random()
    if roll < 0.04:
        return S.REJECTED, False
    if roll < 0.06:
        return S.DUPLICATE, False
    if days_ago > 230:
        return (S.CLOSED, False) if roll < 0.95 else (S.ACTION_PLAN if kind.cause else S.TRIAGED, True)
    if roll < 0.55:
        return S.CLOSED, False
    if roll < 0.72:
        return S.EFFECTIVENESS, False
    if roll < 0.86:
        return S.IMPLEMENTATION, False
    return (S.ROOT_CAUSE if kind.cause else S.ACTION_PLAN), True


def history(seed: int = HISTORY_SEED) -> list[Past]:
    """The history, the same every time: events spread over the two years before the recent ones."""
    import random

    rng = random.Random(seed)  # noqa: S311  (a repeatable demo, not a secret)
    weights = [k.weight for k in KINDS]
    first, last = HISTORY_DAYS
    found = []
    for n in range(HISTORY_EVENTS):
        kind = rng.choices(KINDS, weights)[0]
        days_ago = last - int((last - first) * (n + rng.random()) / HISTORY_EVENTS)
        goal, late = _goal(rng, days_ago, kind)
        low, high = kind.pieces
        close = rng.randint(25, 110) + (30 if kind.type in (T.SUPPLIER_NC, T.COMPLIANCE_BREACH) else 0)
        found.append(
            Past(
                kind=kind,
                days_ago=days_ago,
                goal=goal,
                pieces=rng.randint(low, high) if high else 0,
                days_to_close=min(close, days_ago - 5),
                late=late,
            )
        )
    # Some actions cancelled, some found ineffective and followed up: every state of an action is seen.
    waiting = [p for p in found if p.goal in (S.IMPLEMENTATION, S.EFFECTIVENESS)]
    for p in waiting[::3]:
        p.cancelled_action = True
    for p in [p for p in found if p.goal == S.EFFECTIVENESS][::2]:
        p.ineffective_first = True
    return found


SITE_PEOPLE = {"LYO": ("lucas.martin", "julien.petit"), "BRQ": ("petra.svobodova", "tomas.novak")}


def _plan_of(past: Past, earlier: list[tuple[Past, Event]]) -> Plan:
    """The history event as a :class:`Plan`, so it is built like the others, through the services."""
    kind = past.kind
    reporter, owner = SITE_PEOPLE[kind.site]
    goal, duplicate_of = past.goal, None
    if goal == S.DUPLICATE:
        same = [i for i, (p, e) in enumerate(earlier) if p.kind is kind and e.status not in (S.REJECTED, S.DUPLICATE)]
        duplicate_of = same[-1] if same else None
        goal = S.DUPLICATE if same else S.REJECTED
    containment = None
    if kind.containment is not None:
        what, unit, disposition = kind.containment
        containment = (what, str(past.pieces), unit, disposition)
    done_days_ago, check_after = None, 90
    if goal == S.CLOSED:  # done after 40 % of the time to close; checked two days before closing
        doing = round(past.days_to_close * 0.4)
        done_days_ago = past.days_ago - doing
        check_after = max(past.days_to_close - doing - 2, 1)
    elif goal == S.EFFECTIVENESS:
        done_days_ago = 5 + past.pieces % 30
    severity = "minor" if kind.type in (T.NEAR_MISS, T.IMPROVEMENT, T.AUDIT_FINDING) else "major"
    return Plan(
        kind.type,
        kind.site,
        reporter,
        kind.process,
        past.days_ago,
        kind.description + (f"\n{past.pieces} {kind.containment[1]} affected." if kind.containment else ""),
        kind.location,
        goal,
        owner=owner,
        severity="critical" if kind.type == T.COMPLIANCE_BREACH else severity,
        containment=containment,
        root_cause=kind.root_cause,
        cause=kind.cause,
        action=kind.action,
        criterion="No recurrence in 90 days" if kind.cause else "Benefit confirmed after 3 months",
        done_days_ago=done_days_ago,
        check_after=max(check_after, 0),
        reason="Not a nonconformity: within the tolerance agreed with the customer."
        if goal == S.REJECTED
        else "Same event, reported twice.",
        duplicate_of=duplicate_of,
        obligation=kind.obligation,
    )


def _extra_actions(ctx: Any, past: Past, event: Event) -> None:
    """An action cancelled, or one found ineffective and followed up — so actions are seen in every state."""
    owner = ctx.users.get(SITE_PEOPLE[past.kind.site][1], ctx.admin)
    today = timezone.localdate()
    if past.cancelled_action and event.is_open and event.status != S.REPORTED:
        spare = actions.action_add(
            by=owner,
            event=event,
            description="Second operator to double-check every batch.",
            owner=owner,
            due=today + dt.timedelta(days=20),
            criterion="No escape in 90 days",
        )
        actions.action_cancel(by=owner, action=spare, version=spare.version, reason="Replaced by the fixture change.")
    if past.ineffective_first and event.status == S.EFFECTIVENESS:
        first = event.actions.get(status="done")
        actions.check_record(
            by=owner,
            action=first,
            version=first.version,
            result="ineffective",
            evidence="The same defect was found again two weeks after the action.",
        )
        actions.action_add(
            by=owner,
            event=_reload(event),
            description="Mistake-proof it: a sensor stops the cycle when the condition is not met.",
            owner=owner,
            due=today + dt.timedelta(days=45),
            criterion="No recurrence in 90 days",
            follow_up_of=first,
        )


def build_history(ctx: Any, processes: dict[str, Process]) -> list[tuple[Past, Event]]:
    """Two years of events before the recent ones, built through the services, then dated as they happened."""
    made: list[tuple[Past, Event]] = []
    for past in history():
        plan = _plan_of(past, made)
        event = _build(ctx, plan, [e for _, e in made], processes)
        _extra_actions(ctx, past, _reload(event))
        made.append((past, _reload(event)))
    number_by_year([e for _, e in made], by=ctx.users.get("marie.dubois", ctx.admin))
    redate(
        [
            Dating(
                event,
                event.occurred_at + dt.timedelta(hours=2, days=past.days_to_close),
                3 + past.days_ago % 45 if past.late else 0,
            )
            for past, event in made
        ]
    )
    demo_factors(ctx)
    for past, event in made:
        demo_costs(ctx, past, event)
    return made


def number_by_year(events: list[Event], *, by: Any) -> None:
    """Number each event of an earlier year in that year's series (NC-2025-0007), as its register had it."""
    from ims.core.records import update_record

    for event in sorted(events, key=lambda e: e.occurred_at):
        year = timezone.localtime(event.occurred_at).year
        if event.reference.startswith(f"NC-{year}-"):
            continue
        current = _reload(event)
        reference = services._next_reference(year)
        update_record(
            current, by=by, version=current.version, changes={"reference": reference}, note="year of occurrence"
        )
        event.reference = reference


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@dataclass(frozen=True)
class Dating:
    """When an event was reported (two hours after it occurred), closed, and whether its step is late."""

    event: Event
    closed_at: dt.datetime | None = None
    late_days: int = 0


def redate(datings: list[Dating]) -> None:
    """Date what the services stamped “now” as it happened: reports, steps, closures and checks."""
    from ims.improvement.models import Action, EffectivenessCheck, Step
    from ims.signatures.models import Signature

    today = timezone.localdate()
    now = timezone.now()
    events, steps, checks, signatures, done = [], [], [], [], []
    for d in datings:
        event = d.event
        reported = event.occurred_at + dt.timedelta(hours=2)
        end = d.closed_at if event.status == S.CLOSED and d.closed_at else now
        event.created_at, event.updated_at = reported, end
        if event.status == S.CLOSED:
            event.closed_at = end
            if event.closure_signature_id is not None:
                signatures.append(Signature(pk=event.closure_signature_id, signed_at=end))
        events.append(event)
        own = list(Step.objects.filter(event=event).order_by("id"))
        span = (end - reported) / (len(own) + (0 if event.status == S.CLOSED else 1))
        for n, step in enumerate(own):
            step.started_at = reported + span * n
            if step.finished_at is not None:
                step.finished_at = reported + span * (n + 1)
            elif d.late_days:
                step.due = today - dt.timedelta(days=d.late_days)
            steps.append(step)
        for action in Action.objects.filter(event=event, done_on__isnull=False):
            assert action.done_on is not None
            action.due = action.done_on - dt.timedelta(days=3)
            done.append(action)
        for check in EffectivenessCheck.objects.filter(action__event=event).exclude(result=""):
            check.checked_at = min(_at(min(check.due, today), 15), now)
            checks.append(check)
    Event.objects.bulk_update(events, ["created_at", "updated_at", "closed_at"])
    Step.objects.bulk_update(steps, ["started_at", "finished_at", "due"])
    Action.objects.bulk_update(done, ["due"])
    EffectivenessCheck.objects.bulk_update(checks, ["checked_at"])
    Signature.objects.bulk_update(signatures, ["signed_at"])


# Illustrative grid electricity factors for the demo's own sites (not official figures): the factor
# library ships UK and US factors; a French or Czech plant adds its own, per site.
DEMO_GRID = {"LYO": ("FR", Decimal("0.052")), "BRQ": ("CZ", Decimal("0.436"))}


def demo_factors(ctx: Any) -> None:
    """The emission factor library, loaded if it is not yet, and each plant's own grid electricity factor."""
    from ims.factors.loader import load
    from ims.factors.models import EmissionFactor
    from ims.factors.services import factor_create

    if not EmissionFactor.objects.filter(source__isnull=False).exists():
        load(by=ctx.admin)
    manager = ctx.users.get("marie.dubois", ctx.admin)
    for code, (country, co2e) in DEMO_GRID.items():
        site = ctx.sites[code]
        for year in (2024, 2025, 2026):
            factor_create(
                by=manager,
                site=site,
                year=year,
                region=country,
                scope="2",
                category="electricity",
                activity=f"Grid electricity, {country} supplier mix",
                activity_unit="kWh",
                co2e=co2e,
                gwp_set="AR5",
                citation="Illustrative figure for the demo organisation, not an official factor.",
            )


def demo_costs(ctx: Any, past: Past, event: Event) -> None:
    """What the event cost: money (Brno's in CZK, with the rate used) and, for scrap and rework, CO2e."""
    from ims.improvement import costs

    kind = past.kind
    if event.status in (S.REJECTED, S.DUPLICATE) or not kind.cost:
        return
    owner = ctx.users.get(SITE_PEOPLE[kind.site][1], ctx.admin)
    eur = (Decimal(kind.cost_fixed) + Decimal(kind.cost_each) * past.pieces).quantize(Decimal("0.01"))
    if kind.site == "BRQ":
        czk = (eur / CZK_PER_EUR).quantize(Decimal("1"))
        costs.cost_add(by=owner, event=event, category=kind.cost, amount=czk, currency="CZK", rate=CZK_PER_EUR)
    else:
        costs.cost_add(by=owner, event=event, category=kind.cost, amount=eur, currency="EUR")
    if kind.material:
        mass = Decimal(kind.kg_each) * past.pieces
        costs.material_add(by=owner, event=event, material=kind.material, mass_kg=mass, route=kind.route)
    if Decimal(kind.kwh_each):
        kwh = (Decimal(kind.kwh_each) * past.pieces).quantize(Decimal("0.1"))
        costs.energy_add(by=owner, event=event, carrier="electricity", quantity=kwh, description="Rework")
