"""Demo data: the machining group's customers, two years of complaints, four satisfaction surveys, compliments.

Each complaint raises its improvement event; the older ones were answered,
closed and their events taken to a signed closure, a recent one waits past its
response date. The surveys (one per half-year, the last still running) show a
gently improving CSAT and NPS; units shipped per site and month give the
complaint rate per million. Everything is written through the services and is
the same on every run; it runs after the improvement step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ims.feedback import services
from ims.feedback.models import Customer, Survey
from ims.feedback.services import QuestionSpec
from ims.improvement import costs
from ims.improvement.demo import Plan, advance
from ims.improvement.demo_history import CZK_PER_EUR, Dating, number_by_year, redate
from ims.improvement.models import Event, EventStatus, EventType
from ims.processes.models import Process

S = EventStatus

# code, name, sites served, contact
CUSTOMERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("AGRITECH", "Agri-Tech s.r.o.", ("BRQ",), "Jana Dvořáková, quality"),
    ("FERMAX", "Fermax SA", ("LYO",), "Luc Garnier, purchasing"),
    ("HYDROLIFT", "Hydrolift GmbH", ("LYO",), "Stefan Maier, supplier quality"),
    ("BOREAL", "Boreal Tractors AB", ("LYO", "BRQ"), "Karin Lind, supplier development"),
    ("KOVOSTROJ", "Kovostroj a.s.", ("BRQ",), "Petr Kučera, quality"),
    ("LUMAGRI", "Lumière Agricole", ("LYO",), "Claire Fabre, purchasing"),
)


@dataclass(frozen=True)
class Story:
    """One complaint and how it went."""

    customer: str
    site: str
    days_ago: int
    description: str
    order: str
    product: str
    process: str
    goal: str  # how far its improvement event went
    cause: str = ""
    root_cause: str = ""
    action: str = ""
    answered_after: int | None = 5  # days to respond; None: not answered yet
    closed: bool = True  # the customer's matter settled
    cost: str = ""
    cost_eur: str = "0"


STORIES: tuple[Story, ...] = (
    Story("FERMAX", "LYO", 700, "Housings with burrs in the bores, 40 parts returned.", "F-24-118", "HS-210", "PRC-06",
          S.CLOSED, "tooling", "Deburring tool worn beyond its life.", "Tool life set for deburring tools.",
          cost="returns", cost_eur="1240"),
    Story("AGRITECH", "BRQ", 640, "Brackets delivered with the wrong surface finish.", "AT-5521", "BR-114", "PRC-08",
          S.CLOSED, "specification", "Finish code misread on the old drawing format.",
          "Drawing template with the finish code in the title block.", cost="complaint_handling", cost_eur="350"),
    Story("HYDROLIFT", "LYO", 590, "Manifolds leaking at the test bench: porosity.", "HL-9902", "MF-440", "PRC-05",
          S.CLOSED, "supplier", "Casting porosity at the supplier's new foundry.",
          "Supplier requalified; X-ray sampling on first lots.", cost="warranty", cost_eur="3800"),
    Story("BOREAL", "BRQ", 540, "Delivery two weeks late: the line stopped for a shift.", "BT-3310", "BR-220", "PRC-10",
          S.CLOSED, "planning", "Capacity not checked when the order was confirmed.",
          "Capacity check in contract review for orders above 500 pieces.", cost="penalties", cost_eur="2500"),
    Story("KOVOSTROJ", "BRQ", 480, "Bolts under-torqued on 12 assemblies.", "KS-0041", "AS-310", "PRC-08",
          S.CLOSED, "procedure", "No instruction for torque station downtime.",
          "Downtime procedure with the calibrated click wrench.", cost="returns", cost_eur="610"),
    Story("LUMAGRI", "LYO", 430, "Anodised covers scratched in transit.", "LA-2207", "CV-120", "PRC-10",
          S.CLOSED, "handling_storage", "Covers packed without interleaves.", "Interleaved packaging specified.",
          cost="returns", cost_eur="430"),
    Story("FERMAX", "LYO", 380, "Certificate of conformity missing with the delivery.", "F-25-031", "HS-210", "PRC-09",
          S.CLOSED, "procedure", "Release checklist does not include the certificate.",
          "Certificate added to the release checklist.", cost="complaint_handling", cost_eur="120"),
    Story("BOREAL", "LYO", 330, "Thread depth out of tolerance on 30 housings.", "BT-3402", "HS-310", "PRC-06",
          S.CLOSED, "specification", "Program not updated to the new drawing revision.",
          "Programs released against the current drawing revision only.", cost="returns", cost_eur="1860"),
    Story("AGRITECH", "BRQ", 290, "Wrong quantity in 3 boxes (48 instead of 50).", "AT-5702", "BR-114", "PRC-10",
          S.CLOSED, "measurement", "Counting scale not verified after a battery change.",
          "Scale check with a reference weight at each shift start.", cost="complaint_handling", cost_eur="90"),
    Story("HYDROLIFT", "LYO", 240, "Paint adhesion failures on brackets.", "HL-9975", "BR-330", "PRC-07",
          S.CLOSED, "procedure", "Pre-treatment time shortened to catch up with the plan.",
          "Minimum pre-treatment time locked in the line's controller.", cost="warranty", cost_eur="2200"),
    Story("KOVOSTROJ", "BRQ", 190, "Missing washers on 6 assemblies.", "KS-0107", "AS-310", "PRC-08",
          S.CLOSED, "training", "New operator not trained on the variant.", "Variant training with a sign-off.",
          cost="returns", cost_eur="180"),
    Story("FERMAX", "LYO", 150, "Housings delivered with coolant residue.", "F-25-144", "HS-210", "PRC-06",
          S.EFFECTIVENESS, "maintenance", "Washer nozzles clogged.", "Nozzle cleaning in the weekly maintenance.",
          cost="complaint_handling", cost_eur="260"),
    Story("BOREAL", "BRQ", 110, "Brackets bent in transport: pallet not strapped.", "BT-3551", "BR-220", "PRC-10",
          S.IMPLEMENTATION, "handling_storage", "No strapping rule for mixed pallets.",
          "Strapping rule and check at loading.", cost="returns", cost_eur="740"),
    Story("LUMAGRI", "LYO", 75, "Invoice and delivery note do not match.", "LA-2391", "CV-120", "PRC-10",
          S.ACTION_PLAN, "communication", "Partial delivery not reported to invoicing.",
          "Partial deliveries flagged automatically to invoicing."),
    Story("AGRITECH", "BRQ", 40, "Corrosion spots on brackets after two weeks in stock.", "AT-5890", "BR-114",
          "PRC-08", S.ROOT_CAUSE, closed=False),
    Story("HYDROLIFT", "LYO", 26, "Manifold port threads damaged.", "HL-10120", "MF-440", "PRC-06", S.TRIAGED,
          answered_after=None, closed=False),
    Story("KOVOSTROJ", "BRQ", 9, "Label missing on two boxes.", "KS-0190", "AS-310", "PRC-10", S.REPORTED,
          answered_after=None, closed=False),
    Story("FERMAX", "LYO", 4, "Drawing revision on the delivery note is wrong.", "F-25-233", "HS-210", "PRC-09",
          S.REPORTED, answered_after=None, closed=False),
)  # fmt: skip

QUESTIONS = [
    QuestionSpec("quality", "How satisfied are you with the quality of our parts?", 1, 5),
    QuestionSpec("delivery", "How satisfied are you with our delivery reliability?", 1, 5),
    QuestionSpec("responsiveness", "How satisfied are you with our responsiveness?", 1, 5),
    QuestionSpec("recommend", "How likely are you to recommend us to a colleague?", 0, 10, recommend=True),
]

# Each customer's scores in the first survey (quality, delivery, responsiveness, recommend); they improve a little.
BASE_SCORES = {
    "AGRITECH": (4, 3, 4, 7),
    "FERMAX": (3, 3, 4, 6),
    "HYDROLIFT": (4, 4, 3, 8),
    "BOREAL": (4, 2, 3, 5),
    "KOVOSTROJ": (5, 4, 4, 9),
    "LUMAGRI": (4, 4, 5, 9),
}
COMMENTS = {
    "BOREAL": "Delivery dates still slip on large orders.",
    "FERMAX": "Documentation with the deliveries has improved.",
    "LUMAGRI": "Very responsive team, thank you.",
}

COMPLIMENTS: tuple[tuple[str, str, int, str], ...] = (
    ("LUMAGRI", "LYO", 600, "Urgent order turned round in three days."),
    ("KOVOSTROJ", "BRQ", 470, "Packaging much improved: no damage for a year."),
    ("BOREAL", "LYO", 350, "The 8D on the thread depth issue was clear and fast."),
    ("AGRITECH", "BRQ", 210, "Thanks for sorting stock at our site the same day."),
    ("HYDROLIFT", "LYO", 120, "First-off samples were right first time."),
    ("FERMAX", "LYO", 30, "Delivery performance this quarter was excellent."),
)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _customers(ctx: Any, manager: Any) -> dict[str, Customer]:
    return {
        code: services.customer_create(
            by=manager, code=code, name=name, sites=[ctx.sites[s] for s in sites], contact=contact
        )
        for code, name, sites, contact in CUSTOMERS
    }


DONE_AFTER, CHECK_AFTER = 15, 45  # days from the complaint to the action done, then to its effectiveness check


def _plan(story: Story, owner: str) -> Plan:
    closed = story.goal == S.CLOSED
    return Plan(
        EventType.CUSTOMER_COMPLAINT,
        story.site,
        owner,
        story.process,
        story.days_ago,
        story.description,
        "Customer",
        story.goal,
        owner=owner,
        severity="major",
        root_cause=story.root_cause,
        cause=story.cause,
        action=story.action,
        done_days_ago=story.days_ago - DONE_AFTER if closed else 20 if story.goal == S.EFFECTIVENESS else None,
        check_after=CHECK_AFTER if closed else 90,
    )


def _complaints(ctx: Any, customers: dict[str, Customer]) -> list[Dating]:
    today = timezone.localdate()
    owners = {"LYO": "julien.petit", "BRQ": "tomas.novak"}
    processes = {p.reference: p for p in Process.objects.all()}
    datings = []
    for n, story in enumerate(STORIES, start=1):
        by = ctx.users.get(owners[story.site], ctx.admin)
        received = today - dt.timedelta(days=story.days_ago)
        complaint = services.complaint_create(
            by=by,
            customer=customers[story.customer],
            site=ctx.sites[story.site],
            received_on=received,
            description=story.description,
            order_ref=story.order,
            product_ref=story.product,
            external_ref=f"CRM-{received.year}-{n:04d}",
            process=processes.get(story.process),
        )
        assert complaint.event is not None
        event = advance(ctx, _plan(story, owners[story.site]), complaint.event, [])
        if story.answered_after is not None:
            services.complaint_respond(
                by=by,
                complaint=complaint,
                version=complaint.version,
                response="We have contained the issue and started a root cause analysis; our 8D report follows.",
                sent_on=min(received + dt.timedelta(days=story.answered_after), today),
            )
            if story.closed:
                services.complaint_transition(by=by, complaint=complaint, version=complaint.version, operation="close")
        if story.cost:
            _cost(by, event, story)
        closing = DONE_AFTER + CHECK_AFTER + 2 + story.days_ago % 9
        datings.append(Dating(Event.objects.get(pk=event.pk), event.occurred_at + dt.timedelta(days=closing)))
    return datings


def _cost(by: Any, event: Event, story: Story) -> None:
    eur = Decimal(story.cost_eur)
    if story.site == "BRQ":
        czk = (eur / CZK_PER_EUR).quantize(Decimal("1"))
        costs.cost_add(by=by, event=event, category=story.cost, amount=czk, currency="CZK", rate=CZK_PER_EUR)
    else:
        costs.cost_add(by=by, event=event, category=story.cost, amount=eur, currency="EUR")


def _surveys(manager: Any, customers: dict[str, Customer]) -> list[Survey]:
    """One survey per half-year over the last two years; the last one is still collecting answers."""
    today = timezone.localdate()
    current = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    made = []
    for k in range(3, -1, -1):
        start = _add_months(current, -6 * k)
        end = _add_months(start, 6) - dt.timedelta(days=1)
        half = "H1" if start.month == 1 else "H2"
        survey = services.survey_create(
            by=manager,
            title=f"Customer satisfaction survey {start.year} {half}",
            period_start=start,
            period_end=end,
            questions=QUESTIONS,
            description="Sent to each customer's main contact at the end of the half-year.",
        )
        answered = min(end + dt.timedelta(days=15), today - dt.timedelta(days=3))
        better = 3 - k  # a little better each half-year
        for n, (code, base) in enumerate(BASE_SCORES.items()):
            quality, delivery, responsiveness, recommend = base
            scores = {
                "quality": min(5, quality + (better + n) // 4),
                "delivery": min(5, delivery + (better + n % 2) // 2),
                "responsiveness": min(5, responsiveness + better // 3),
                "recommend": min(10, recommend + (better + n) // 3),
            }
            services.response_add(
                by=manager,
                survey=survey,
                customer=customers[code],
                answered_on=answered - dt.timedelta(days=n),
                scores=scores,
                comment=COMMENTS.get(code, "") if k == 0 else "",
                external_ref=f"SRV-{start.year}{half}-{code}",
            )
        made.append(survey)
    return made


def _volumes(ctx: Any, manager: Any) -> None:
    today = timezone.localdate()
    first = _add_months(today.replace(day=1), -24)
    for k in range(24):
        month = _add_months(first, k)
        season = (3, 5, 6, 4, 2, 0, -6, -4, 3, 5, 4, -2)[month.month - 1]
        services.shipment_volume_save(
            by=manager, site=ctx.sites["LYO"], month=month, units=21_000 + 400 * season + 90 * k
        )
        services.shipment_volume_save(
            by=manager, site=ctx.sites["BRQ"], month=month, units=34_000 + 700 * season + 60 * k
        )


def step_feedback(ctx: Any) -> None:
    manager = ctx.users.get("marie.dubois", ctx.admin)
    customers = _customers(ctx, manager)
    datings = _complaints(ctx, customers)
    number_by_year([d.event for d in datings], by=manager)
    redate(datings)
    _surveys(manager, customers)
    for code, site, days_ago, text in COMPLIMENTS:
        services.compliment_add(
            by=manager,
            customer=customers[code],
            site=ctx.sites[site],
            received_on=timezone.localdate() - dt.timedelta(days=days_ago),
            description=text,
        )
    _volumes(ctx, manager)
