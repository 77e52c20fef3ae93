"""Demo data: the improvement register of the machining group — twenty recent events, two years of history.

The twenty recent events show each type and step: a recurrence (burrs on
manifold bores, twice within 180 days), a shallow “training” root cause with
two whys (so its page warns), an effectiveness check due and others ahead.

The two years of history before them are built by :mod:`.demo_history`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ims.improvement import actions, investigation, services
from ims.improvement.models import CauseCategory, Event, EventStatus, EventType, Severity
from ims.processes.models import Process

S = EventStatus
T = EventType

PATH: list[str] = [S.TRIAGED, S.CONTAINMENT, S.ROOT_CAUSE, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS, S.CLOSED]


@dataclass
class Plan:
    """One demo event and how far it has gone."""

    type: str
    site: str
    reporter: str
    process: str | None
    days_ago: int
    description: str
    location: str
    goal: str
    owner: str = "marie.dubois"
    severity: str = "major"
    containment: tuple[str, str | None, str, str] | None = None  # what, quantity, unit, disposition
    whys: list[tuple[str, str]] = field(default_factory=list)
    root_cause: str = ""
    cause: str = ""
    action: str = ""
    criterion: str = "No recurrence in 90 days"
    done_days_ago: int | None = None  # when the action was done
    check_after: int = 90
    reason: str = ""
    duplicate_of: int | None = None  # index in PLANS
    fishbone: list[tuple[str, str, bool]] = field(default_factory=list)
    obligation: str = ""  # the source: the compliance obligation whose title starts so
    series: str = ""  # the source: the monitoring series (by reference) whose readings show it


PLANS: list[Plan] = [
    Plan(
        T.PRODUCT_NC,
        "LYO",
        "lucas.martin",
        "PRC-06",
        130,
        "Burrs on hydraulic manifold bores, 240 parts of order 7710.\nFound at final inspection.",
        "Cell 4, DMG Mori DMU 50",
        S.CLOSED,
        owner="julien.petit",
        containment=("Parts quarantined, deburred by hand and re-inspected.", "240", "pcs", "rework"),
        whys=[
            ("Why were there burrs?", "The deburring tool was worn."),
            ("Why was it worn?", "It had machined about 2 000 parts."),
            ("Why so many?", "No tool life was set for deburring tools."),
            ("Why not?", "The tool life list covered cutting tools only."),
        ],
        root_cause="Deburring tools had no tool life limit, so worn tools stayed in use.",
        cause="tooling",
        action="Add deburring tools to the tool life list: replace every 500 parts.",
        done_days_ago=110,
        fishbone=[
            ("machine", "Worn deburring tool", True),
            ("method", "Tool life list covers cutting tools only", True),
            ("people", "Operator did not see the burr", False),
            ("measurement", "Bores checked by sampling, 1 in 20", False),
            ("material", "Harder aluminium lot", False),
        ],
    ),
    Plan(
        T.PRODUCT_NC,
        "LYO",
        "lucas.martin",
        "PRC-06",
        20,
        "Burrs again on manifold bores, batch 2231 (36 parts).",
        "Cell 4",
        S.ROOT_CAUSE,
        owner="julien.petit",
        containment=("Batch held and deburred.", "36", "pcs", "rework"),
        root_cause="Tool life counter reset by mistake after a program change.",
        cause="tooling",
    ),
    Plan(
        T.ENVIRONMENTAL_INCIDENT,
        "LYO",
        "lucas.martin",
        "PRC-07",
        8,
        "Hydraulic oil leaking from the pump of anodising line 2; a puddle reached the floor drain grating.",
        "Anodising line 2, pump bay",
        S.CONTAINMENT,
        owner="julien.petit",
        severity="critical",
        containment=("Drain covered, 35 L absorbed and collected as hazardous waste.", "35", "L", "other"),
    ),
    Plan(
        T.COMPLIANCE_BREACH,
        "LYO",
        "julien.petit",
        "PRC-07",
        30,
        "Nickel in treated wastewater 0.62 mg/L against a permit limit of 0.5 mg/L (monthly sample).",
        "Wastewater treatment outlet",
        S.ACTION_PLAN,
        owner="julien.petit",
        severity="critical",
        obligation="Industrial effluent discharge permit",
        containment=("Discharge stopped, effluent held in the buffer tank and retreated.", "18", "m³", "rework"),
        whys=[
            ("Why was nickel high?", "Precipitation was incomplete."),
            ("Why?", "The pH in the reactor drifted low."),
            ("Why did it drift?", "The pH probe was fouled and read high."),
        ],
        root_cause="The reactor pH probe is not cleaned or calibrated on a schedule.",
        cause="calibration",
        action="Weekly cleaning and two-point calibration of the reactor pH probe.",
        criterion="Nickel below 0.4 mg/L in the next 3 monthly samples",
    ),
    Plan(
        T.CUSTOMER_COMPLAINT,
        "BRQ",
        "tomas.novak",
        "PRC-09",
        45,
        "Agri-Tech reports 6 bracket assemblies with bolts under-torqued (delivery 2025-114).",
        "Customer site, Olomouc",
        S.IMPLEMENTATION,
        owner="tomas.novak",
        containment=("Stock at Brno re-checked; customer stock sorted by our technician.", "420", "pcs", "rework"),
        whys=[
            ("Why under-torqued?", "A manual wrench was used."),
            ("Why?", "The controlled station was down."),
            ("Why was there no fallback?", "The instruction has no procedure for station downtime."),
        ],
        root_cause="No procedure for assembling when the torque-controlled station is down.",
        cause="procedure",
        action="Write the downtime procedure: stop the line or use the calibrated click wrench with a log.",
    ),
    Plan(
        T.SUPPLIER_NC,
        "BRQ",
        "petra.svobodova",
        "PRC-05",
        15,
        "Steel sheet lot 4471 from Ocel Brno out of flatness tolerance.",
        "Goods receipt",
        S.CONTAINMENT,
        owner="tomas.novak",
        containment=("Lot blocked and returned to the supplier with an 8D request.", "2.4", "t", "return_to_supplier"),
    ),
    Plan(
        T.AUDIT_FINDING,
        "LYO",
        "eva.horakova",
        "PRC-12",
        60,
        "Internal audit: no training records for two setters hired in spring.",
        "HR office",
        S.EFFECTIVENESS,
        severity="minor",
        whys=[("Why are records missing?", "The setters were not trained."), ("Why?", "Training was forgotten.")],
        root_cause="Training of new setters was forgotten.",
        cause="training",
        action="Train both setters and file the records.",
        done_days_ago=10,
    ),
    Plan(
        T.NEAR_MISS,
        "BRQ",
        "petra.svobodova",
        "PRC-10",
        3,
        "A forklift reversing out of dock 2 nearly hit a pedestrian.",
        "Dock 2",
        S.REPORTED,
    ),
    Plan(
        T.IMPROVEMENT,
        "LYO",
        "lucas.martin",
        "PRC-07",
        5,
        "Reuse the rinse water of the last anodising tank for the first rinse.",
        "Anodising line 1",
        S.REPORTED,
    ),
    Plan(
        T.IMPROVEMENT,
        "BRQ",
        "petra.svobodova",
        "PRC-08",
        40,
        "Magnetic trays for screws at the assembly stations: fewer dropped screws.",
        "Assembly line B",
        S.IMPLEMENTATION,
        owner="tomas.novak",
        severity="minor",
        action="Buy and fit magnetic trays at the six stations.",
        criterion="Screw consumption down 20 % in 3 months",
    ),
    Plan(
        T.PROCESS_NC,
        "BRQ",
        "tomas.novak",
        "PRC-08",
        25,
        "Torque wrench TW-12 used two weeks after its calibration due date.",
        "Assembly line A",
        S.ROOT_CAUSE,
        owner="tomas.novak",
        severity="minor",
    ),
    Plan(
        T.PRODUCT_NC,
        "BRQ",
        "petra.svobodova",
        "PRC-08",
        1,
        "Missing washer on 14 assemblies of order 8890.",
        "Assembly line A",
        S.REPORTED,
    ),
    Plan(
        T.ENVIRONMENTAL_INCIDENT,
        "BRQ",
        "petra.svobodova",
        None,
        50,
        "Neighbour complains of compressor noise at night.",
        "Compressor house",
        S.REJECTED,
        reason="The plant and its compressors were shut down that night (public holiday); the noise came from the "
        "logistics park next door.",
    ),
    Plan(
        T.ENVIRONMENTAL_INCIDENT,
        "LYO",
        "lucas.martin",
        "PRC-07",
        8,
        "Oil on the floor next to the anodising pump.",
        "Anodising line 2",
        S.DUPLICATE,
        reason="Same leak as reported just before.",
        duplicate_of=2,
    ),
    Plan(
        T.PROCESS_NC,
        "LYO",
        "julien.petit",
        "PRC-03",
        35,
        "Contract review skipped for a rush order from Fermax.",
        "Sales office",
        S.TRIAGED,
        severity="minor",
    ),
    Plan(
        T.IMPROVEMENT,
        "LYO",
        "julien.petit",
        "PRC-11",
        75,
        "Vibration sensors on spindle bearings to plan bearing changes before they fail.",
        "CNC cell 2",
        S.CLOSED,
        owner="julien.petit",
        severity="minor",
        action="Fit vibration sensors on the four spindles of cell 2 and add alarms to the maintenance plan.",
        criterion="No unplanned spindle stop in 30 days",
        done_days_ago=45,
        check_after=30,
    ),
    Plan(
        T.PRODUCT_NC,
        "LYO",
        "lucas.martin",
        "PRC-07",
        100,
        "Scratches on 80 anodised housings.",
        "Anodising line 1, unloading",
        S.EFFECTIVENESS,
        owner="julien.petit",
        containment=("Housings stripped and re-anodised.", "80", "pcs", "rework"),
        whys=[
            ("Why scratched?", "Parts touched each other on the rack."),
            ("Why?", "The rack holds parts too close."),
            ("Why?", "The rack was designed for the previous, smaller housing."),
        ],
        root_cause="Racks designed for the previous housing size.",
        cause="process_design",
        action="New racks with 30 mm spacing for the housing family.",
        done_days_ago=95,
    ),
    Plan(
        T.NEAR_MISS,
        "LYO",
        "lucas.martin",
        "PRC-06",
        12,
        "Chip conveyor guard found open while the conveyor ran.",
        "Cell 2",
        S.TRIAGED,
        owner="julien.petit",
    ),
    Plan(
        T.CUSTOMER_COMPLAINT,
        "LYO",
        "julien.petit",
        "PRC-10",
        14,
        "Fermax: 200 brackets delivered four days late.",
        "Shipping",
        S.TRIAGED,
        owner="julien.petit",
        severity="minor",
    ),
    Plan(
        T.COMPLIANCE_BREACH,
        "BRQ",
        "tomas.novak",
        None,
        6,
        "Hazardous waste (used coolant) stored on site longer than the 12 months allowed.",
        "Waste store",
        S.TRIAGED,
        owner="tomas.novak",
    ),
    # The stories of the monitoring demo (ims.monitoring.demo.milestones), as the register recorded them.
    Plan(
        T.IMPROVEMENT,
        "BRQ",
        "tomas.novak",
        "PRC-11",
        470,
        "Compressed air runs all weekend and the hall lighting is 400 W metal halide: cut Brno's base load.",
        "Compressor house and assembly hall",
        S.CLOSED,
        owner="tomas.novak",
        severity="minor",
        action="Ultrasonic survey and repair of compressed-air leaks; LED high-bay lighting; idle-off on test benches.",
        criterion="Electricity per assembly 15 % below the energy baseline over 3 months",
        done_days_ago=420,
        check_after=90,
        series="BRQ-ELEC-MAIN",
    ),
    Plan(
        T.IMPROVEMENT,
        "LYO",
        "julien.petit",
        "PRC-06",
        330,
        "Cardboard and plastic film go into the general-waste skip to landfill: segregate them for recycling.",
        "Goods-in and machining hall",
        S.CLOSED,
        owner="julien.petit",
        severity="minor",
        action="Cardboard and film cages at goods-in and in each hall; contract with a recycler; toolbox talk.",
        criterion="Landfilled general waste halved and diversion above 75 % for 3 months",
        done_days_ago=300,
        check_after=90,
        series="LYO-WASTE-CARD",
    ),
    Plan(
        T.ENVIRONMENTAL_INCIDENT,
        "LYO",
        "julien.petit",
        "PRC-11",
        250,
        "Chiller CH-2 low on charge: 11.5 kg of R410A topped up; about 22 t CO2e released.",
        "Roof plant, chiller CH-2",
        S.CLOSED,
        owner="julien.petit",
        severity="major",
        containment=("Chiller isolated and pumped down; leak found with a detector.", "11.5", "kg", "other"),
        whys=[
            ("Why was the chiller low on refrigerant?", "A brazed joint on the discharge line had cracked."),
            ("Why did it crack?", "The line vibrated against an unsupported bracket."),
            ("Why was it unsupported?", "A clamp was not refitted after the compressor change in spring."),
        ],
        root_cause="No check that pipe supports are refitted after work on the refrigerant circuit.",
        cause="maintenance",
        action="Re-braze the joint; fit vibration isolators; add pipe-support checks to the F-gas work permit; "
        "fixed leak detector with alarm on CH-2.",
        criterion="No top-up beyond the routine 1 kg at the next two leak checks",
        done_days_ago=229,
        check_after=180,
        series="LYO-REFR-CH2",
    ),
]


def _password(ctx: Any, username: str) -> str:
    return next(p for u, _, p in ctx.credentials if u == username)


def _reload(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


def _step(ctx: Any, event: Event, plan: Plan, target: str, by: Any) -> Event:
    """Do what ``target`` needs, then move there."""
    today = timezone.localdate()
    if target == S.ROOT_CAUSE and plan.whys:
        investigation.whys_save(by=by, event=event, version=event.version, steps=plan.whys)
        event = _reload(event)
    if target == S.ROOT_CAUSE and plan.fishbone:
        investigation.fishbone_save(by=by, event=event, version=event.version, causes=plan.fishbone)
        event = _reload(event)
    if target == S.ACTION_PLAN and plan.root_cause:
        cause = CauseCategory.objects.get(code=plan.cause)
        services.event_update(
            by=by, event=event, version=event.version, root_cause=plan.root_cause, cause_category=cause
        )
        event = _reload(event)
    if target == S.IMPLEMENTATION and plan.action:
        actions.action_add(
            by=by,
            event=event,
            description=plan.action,
            owner=event.owner or by,
            due=today if plan.done_days_ago is not None else today + dt.timedelta(days=30),
            criterion=plan.criterion,
            kind="improvement" if plan.type == T.IMPROVEMENT else "corrective",
            check_after_days=plan.check_after,
        )
    if target == S.EFFECTIVENESS and plan.done_days_ago is not None:
        for action in event.actions.filter(status="open"):
            actions.action_complete(
                by=by, action=action, version=action.version, done_on=today - dt.timedelta(days=plan.done_days_ago)
            )
    if target == S.CLOSED:
        for action in event.actions.filter(status="done"):
            actions.check_record(
                by=by,
                action=action,
                version=action.version,
                result="effective",
                evidence="Production and inspection records since the action show no recurrence.",
            )
        return services.event_close(by=by, event=event, version=event.version, password=_password(ctx, by.username))
    return services.event_transition(by=by, event=event, version=event.version, to=target)


def _path(plan: Plan) -> list[str]:
    if plan.type == T.IMPROVEMENT:
        return [S.TRIAGED, S.ACTION_PLAN, S.IMPLEMENTATION, S.EFFECTIVENESS, S.CLOSED]
    if plan.containment is None:
        return [s for s in PATH if s != S.CONTAINMENT]
    return PATH


def _source(plan: Plan, reporter: Any) -> tuple[str, str]:
    """The compliance obligation the event breaches, or the series that shows it, when the demo has them."""
    if plan.series:
        from ims.monitoring.selectors import series_visible_to

        series = series_visible_to(reporter).filter(reference=plan.series).first()
        return ("monitoring.series", str(series.pk)) if series else ("", "")
    if not plan.obligation:
        return "", ""
    from ims.obligations.selectors import obligations_visible_to

    found = obligations_visible_to(reporter).filter(title__startswith=plan.obligation).first()
    return ("obligations.obligation", str(found.pk)) if found else ("", "")


def _build(ctx: Any, plan: Plan, made: list[Event], processes: dict[str, Process]) -> Event:
    reporter = ctx.users.get(plan.reporter, ctx.admin)
    source_type, source_id = _source(plan, reporter)
    now = timezone.now()
    event = services.event_report(
        by=reporter,
        site=ctx.sites[plan.site],
        type=plan.type,
        description=plan.description,
        location=plan.location,
        occurred_at=now - dt.timedelta(days=plan.days_ago, hours=3),
        process=processes.get(plan.process) if plan.process else None,
        source_type=source_type,
        source_id=source_id,
    )
    return advance(ctx, plan, event, made)


def advance(ctx: Any, plan: Plan, event: Event, made: list[Event]) -> Event:
    """Take a reported event as far as ``plan.goal``, doing what each step needs, through the services."""
    users = ctx.users
    manager = users.get("marie.dubois", ctx.admin)
    if plan.goal in (S.REJECTED, S.DUPLICATE):
        original = made[plan.duplicate_of] if plan.duplicate_of is not None else None
        return services.event_transition(
            by=manager, event=event, version=event.version, to=plan.goal, reason=plan.reason, duplicate_of=original
        )
    if plan.goal == S.REPORTED:
        return event
    owner = users.get(plan.owner, manager)
    severity = Severity.objects.get(code=plan.severity)
    event = services.event_triage(by=manager, event=event, version=event.version, owner=owner, severity=severity)
    path = _path(plan)
    for target in path[1 : path.index(plan.goal) + 1]:
        event = _step(ctx, _reload(event), plan, target, owner)
        if target == S.CONTAINMENT and plan.containment is not None:
            what, quantity, unit, disposition = plan.containment
            investigation.containment_add(
                by=owner,
                event=event,
                description=what,
                quantity=quantity,
                unit=unit,
                disposition=disposition,
                done_at=event.occurred_at + dt.timedelta(hours=2),
            )
    if plan.goal == S.ROOT_CAUSE and plan.root_cause:  # analysed, the action plan not started yet
        event = _reload(event)
        cause = CauseCategory.objects.get(code=plan.cause)
        services.event_update(
            by=owner, event=event, version=event.version, root_cause=plan.root_cause, cause_category=cause
        )
    return event


def step_improvement(ctx: Any) -> None:
    processes = {p.reference: p for p in Process.objects.all()}
    made: list[Event] = []
    for plan in PLANS:
        made.append(_build(ctx, plan, made, processes))
    from ims.improvement.demo_history import Dating, build_history, number_by_year, redate

    now = timezone.now()
    redate([Dating(_reload(e), closed_at=_closed_at(plan, now)) for plan, e in zip(PLANS, made, strict=True)])
    number_by_year(made, by=ctx.users.get("marie.dubois", ctx.admin))
    build_history(ctx, processes)


def _closed_at(plan: Plan, now: dt.datetime) -> dt.datetime:
    """A closed plan was closed a few days after its effectiveness check fell due."""
    if plan.goal == S.CLOSED and plan.done_days_ago is not None:
        return now - dt.timedelta(days=max(plan.done_days_ago - plan.check_after - 3, 0))
    return now
