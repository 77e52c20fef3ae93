"""Demo documents: the controlled documents and records of a machining company with plants in Lyon and Brno.

About forty documents cover what ISO 9001:2015 and ISO 14001:2015 say to
maintain, linked to their clauses and processes. Most are effective; a few
have a history of superseded revisions, some have a draft or a revision in
review, one was withdrawn, a few are records with a retention period, and one
is past its review date. Some are distributed to sites, roles or people, who
have acknowledged them or not yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ims.core.records import update_record
from ims.documents.models import Document, Revision
from ims.documents.services import (
    acknowledge,
    distribution_add,
    document_create,
    draft_update,
    publish,
    revision_start,
    sign_step,
    steps_set,
    submit,
    withdraw,
)
from ims.processes.models import Process
from ims.signatures.models import Meaning
from ims.standards.models import Clause, Edition

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

Q, E = "iso9001", "iso14001"
MANAGER, LYON, BRNO = "marie.dubois", "julien.petit", "tomas.novak"


@dataclass(frozen=True)
class Doc:
    """One demo document: who writes it, where it applies, what it serves, and its story."""

    doc_type: str
    area: str
    title: str
    author: str
    text: str
    sites: tuple[str, ...] = ()
    clauses: tuple[tuple[str, str], ...] = ()
    processes: tuple[str, ...] = ()
    review_months: int | None = 24
    revisions: tuple[tuple[str, str], ...] = ()  # later revisions made effective: (change summary, text)
    then: str = ""  # "draft", "review" (a next revision in review), "withdrawn", "new" (never effective)
    readers: tuple[str, ...] = ()  # "site:LYO", "role:process_owner" or a username
    read_by: tuple[str, ...] = ()
    retention: tuple[int, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


DOCS: tuple[Doc, ...] = (
    Doc(
        "manual",
        "IMS",
        "Integrated management system manual",
        MANAGER,
        "# Integrated management system manual\n\n"
        "## Scope\nDesign, CNC machining, surface treatment and assembly of precision metal components at Lyon "
        "and Brno, for quality (ISO 9001) and the environment (ISO 14001). Design applies at Lyon only.\n\n"
        "## Processes\nTwelve processes (PRC-01 to PRC-12), their owners, inputs and outputs are kept in IMS; "
        "this manual explains how they fit together.",
        clauses=((Q, "4.3"), (Q, "4.4.2"), (E, "4.3"), (E, "4.4")),
        processes=("PRC-01", "PRC-02"),
        revisions=(
            (
                "Adds the Brno plant to the scope.",
                "# Integrated management system manual\n\n## Scope\nDesign, CNC machining, surface treatment and "
                "assembly of precision metal components at Lyon and Brno. Design applies at Lyon only.\n\n"
                "## Processes\nTwelve processes (PRC-01 to PRC-12) are kept in IMS with their owners, inputs and "
                "outputs; this manual explains how they fit together and which standard each serves.",
            ),
        ),
        readers=("role:process_owner",),
        read_by=(LYON, BRNO),
    ),
    Doc(
        "policy",
        "IMS",
        "Quality and environmental policy (display copy)",
        MANAGER,
        "# Quality and environmental policy\n\nThe signed policy is kept in the policies register (POL-001). "
        "This controlled copy is the one posted at the plant entrances and on the intranet.",
        clauses=((Q, "5.2.2"), (E, "5.2")),
        processes=("PRC-01",),
        review_months=12,
        readers=("site:LYO", "site:BRQ"),
        read_by=(LYON, BRNO, "lucas.martin", "claire.bernard"),
    ),
    Doc(
        "plan",
        "IMS",
        "Quality and environmental objectives 2026",
        MANAGER,
        "# Objectives 2026\n\n| objective | target | owner |\n|---|---|---|\n"
        "| On-time delivery | 97 % | Sales |\n| Scrap rate | below 1.5 % | Machining |\n"
        "| Energy per part | -5 % against 2025 | Maintenance |\n\nProgress is tracked in the objectives register.",
        clauses=((Q, "6.2.1"), (E, "6.2.1")),
        processes=("PRC-02",),
        review_months=12,
    ),
    Doc(
        "procedure",
        "IMS",
        "Control of documented information",
        MANAGER,
        "# Control of documented information\n\nDocuments are written, reviewed and approved in IMS. "
        "Only the effective revision is used on the shop floor.",
        clauses=((Q, "7.5"), (E, "7.5")),
        processes=("PRC-01",),
        revisions=(
            (
                "Electronic signatures replace the paper approval sheet.",
                "# Control of documented information\n\nDocuments are written, reviewed and approved in IMS with "
                "electronic signatures. Only the effective revision is used on the shop floor.",
            ),
            (
                "Adds retention of records and periodic review.",
                "# Control of documented information\n\n1. Documents are written, reviewed and approved in IMS "
                "with electronic signatures.\n2. Only the effective revision is used on the shop floor; printed "
                "copies are stamped *uncontrolled*.\n3. Each document is reviewed at the period set on it.\n"
                "4. Records keep their retention period and are disposed of as stated.",
            ),
        ),
        readers=("role:process_owner",),
        read_by=(LYON,),
    ),
    Doc(
        "procedure",
        "IMS",
        "Risks and opportunities",
        MANAGER,
        "# Risks and opportunities\n\nEach process owner reviews the risks and opportunities of their process "
        "twice a year, scores them by likelihood and consequence and plans actions for those scoring 12 or more.",
        clauses=((Q, "6.1"), (E, "6.1.1")),
        processes=("PRC-02",),
    ),
    Doc(
        "procedure",
        "IMS",
        "Internal audits",
        MANAGER,
        "# Internal audits\n\nThe audit programme covers every process and both standards within three years, "
        "more often where risks or past findings call for it. Auditors never audit their own work.",
        clauses=((Q, "9.2"), (E, "9.2")),
        processes=("PRC-01",),
        then="review",
    ),
    Doc(
        "procedure",
        "IMS",
        "Management review",
        MANAGER,
        "# Management review\n\nTop management reviews the system twice a year using the inputs listed in the "
        "standards; the minutes record decisions, owners and dates.",
        clauses=((Q, "9.3"), (E, "9.3")),
        processes=("PRC-01",),
    ),
    Doc(
        "procedure",
        "IMS",
        "Nonconformity and corrective action",
        MANAGER,
        "# Nonconformity and corrective action\n\nAnyone reports a nonconformity in IMS. The process owner "
        "contains it, finds the root cause and plans actions; their effectiveness is checked after 90 days.",
        clauses=((Q, "10.2"), (E, "10.2")),
        processes=("PRC-09",),
    ),
    Doc(
        "procedure",
        "IMS",
        "Competence, training and awareness",
        MANAGER,
        "# Competence, training and awareness\n\nEach job has a competence profile. New staff follow an "
        "induction covering the policy, their environmental aspects and what happens if they do not follow "
        "the procedures.",
        clauses=((Q, "7.2"), (Q, "7.3"), (E, "7.2"), (E, "7.3")),
        processes=("PRC-12",),
    ),
    Doc(
        "procedure",
        "IMS",
        "Internal and external communication",
        MANAGER,
        "# Communication\n\nWhat we communicate, when, to whom and how: monthly shift briefings, the notice "
        "boards, the customer portal and the yearly letter to the neighbours of each plant.",
        clauses=((Q, "7.4"), (E, "7.4")),
        processes=("PRC-01",),
    ),
    Doc(
        "procedure",
        "QUA",
        "Customer requirements and contract review",
        MANAGER,
        "# Contract review\n\nBefore accepting an order, sales checks drawing revision, tolerances, quantities, "
        "delivery dates and packaging with production planning.",
        clauses=((Q, "8.2"),),
        processes=("PRC-03",),
    ),
    Doc(
        "procedure",
        "QUA",
        "Purchasing and supplier evaluation",
        MANAGER,
        "# Purchasing\n\nMaterial is bought from approved suppliers only. Suppliers are rated each quarter on "
        "quality, delivery and their environmental performance.",
        clauses=((Q, "8.4"), (E, "8.1")),
        processes=("PRC-05",),
    ),
    Doc(
        "procedure",
        "QUA",
        "Control of production",
        MANAGER,
        "# Control of production\n\nEach order runs from a released drawing and CNC program, with the "
        "inspection plan for the part. First articles are approved before the batch continues.",
        clauses=((Q, "8.1"), (Q, "8.5.1")),
        processes=("PRC-06", "PRC-08"),
        then="draft",
    ),
    Doc(
        "procedure",
        "QUA",
        "Monitoring and measuring equipment",
        MANAGER,
        "# Monitoring and measuring equipment\n\nEvery gauge and the CMMs carry an ID and a calibration due "
        "date. Out-of-date equipment is quarantined and the parts it measured are assessed.",
        clauses=((Q, "7.1.5"),),
        processes=("PRC-09",),
    ),
    Doc(
        "procedure",
        "QUA",
        "Control of nonconforming outputs",
        MANAGER,
        "# Nonconforming outputs\n\nSuspect parts are tagged red and moved to the quarantine rack. "
        "Quality decides: rework, scrap, or use with the customer's written concession.",
        clauses=((Q, "8.7"),),
        processes=("PRC-09",),
    ),
    Doc(
        "procedure",
        "QUA",
        "Inspection and release of products",
        MANAGER,
        "# Inspection and release\n\nNo batch ships before final inspection is signed in the ERP by an "
        "authorised inspector.",
        clauses=((Q, "8.6"),),
        processes=("PRC-09", "PRC-10"),
    ),
    Doc(
        "procedure",
        "ENV",
        "Environmental aspects: identification and evaluation",
        MANAGER,
        "# Environmental aspects\n\nEach process owner lists the aspects of their activities, products and "
        "services. Aspects scoring 40 or more are significant.",
        clauses=((E, "6.1.2"),),
        processes=("PRC-02",),
        revisions=(
            (
                "Adds the life-cycle perspective.",
                "# Environmental aspects\n\nEach process owner lists the aspects of their activities, products and "
                "services, from raw material to end of life. Scores use severity, frequency and legal concern; "
                "aspects scoring 40 or more are significant.",
            ),
        ),
    ),
    Doc(
        "procedure",
        "ENV",
        "Compliance obligations: identification and evaluation",
        MANAGER,
        "# Compliance obligations\n\nThe legal watch service sends monthly updates. The environmental "
        "coordinator updates the obligations register and evaluates compliance once a year per site.",
        clauses=((E, "6.1.3"), (E, "9.1.2")),
        processes=("PRC-02",),
    ),
    Doc(
        "procedure",
        "ENV",
        "Operational control of significant aspects",
        MANAGER,
        "# Operational control\n\nEach significant aspect has a control: a work instruction, a check or a "
        "maintenance task. Contractors receive the rules that apply to them before they start.",
        clauses=((E, "8.1"),),
        processes=("PRC-06", "PRC-07", "PRC-08"),
    ),
    Doc(
        "procedure",
        "ENV",
        "Emergency preparedness and response",
        MANAGER,
        "# Emergency preparedness\n\nPotential emergencies: chemical spill, fire, coolant leak to the drains. "
        "Each plant has its emergency plan and drills it at least once a year.",
        clauses=((E, "8.2"),),
        processes=("PRC-07", "PRC-11"),
        readers=("site:LYO", "site:BRQ"),
        read_by=(LYON, BRNO),
    ),
    Doc(
        "procedure",
        "ENV",
        "Waste management",
        MANAGER,
        "# Waste management\n\nSwarf, spent coolant, oily rags and packaging are sorted at source and "
        "collected by licensed carriers. Consignment notes are kept five years.",
        clauses=((E, "8.1"),),
        processes=("PRC-06", "PRC-08"),
        review_months=12,
        extra={"overdue_days": 24},
    ),
    Doc(
        "procedure",
        "ENV",
        "Energy and water monitoring",
        MANAGER,
        "# Energy and water monitoring\n\nMeters are read monthly. Energy per part is the key indicator; "
        "deviations of more than 10 % are investigated.",
        clauses=((E, "9.1.1"), (Q, "9.1.1")),
        processes=("PRC-11",),
    ),
    Doc(
        "work_instruction",
        "LYO",
        "Setting up the 5-axis machining centre",
        LYON,
        "# 5-axis set-up\n\n1. Load the released program.\n2. Measure the tools on the presetter.\n"
        "3. Run the first part and measure it on the CMM before the batch.",
        sites=("LYO",),
        clauses=((Q, "8.5.1"),),
        processes=("PRC-06",),
        readers=("lucas.martin",),
        read_by=("lucas.martin",),
    ),
    Doc(
        "work_instruction",
        "LYO",
        "Coolant concentration check",
        LYON,
        "# Coolant concentration\n\nCheck each machine at the start of the shift with the refractometer. "
        "Target 6 to 8 %. Top up with premix only.",
        sites=("LYO",),
        clauses=((Q, "8.5.1"), (E, "8.1")),
        processes=("PRC-06",),
        then="review",
    ),
    Doc(
        "work_instruction",
        "LYO",
        "Anodising line: bath additions and rinsing",
        LYON,
        "# Anodising line\n\nAdd acid only with the extraction running. Rinse in cascade.",
        sites=("LYO",),
        clauses=((E, "8.1"),),
        processes=("PRC-07",),
        revisions=(
            (
                "Records each addition in the bath log.",
                "# Anodising line\n\nAdd acid only with the extraction running and record each addition in the "
                "bath log. Rinse in cascade to save water.",
            ),
        ),
    ),
    Doc(
        "work_instruction",
        "LYO",
        "Spill response at the anodising line",
        LYON,
        "# Spill at the anodising line\n\nStop the pump, close the drain valve, contain with the yellow spill "
        "kit, call the shift leader.",
        sites=("LYO",),
        clauses=((E, "8.2"),),
        processes=("PRC-07",),
        review_months=12,
        readers=("site:LYO",),
        read_by=("lucas.martin",),
    ),
    Doc(
        "form",
        "LYO",
        "First-article inspection report",
        LYON,
        "| characteristic | nominal | tolerance | measured | OK |\n|---|---|---|---|---|",
        sites=("LYO",),
        clauses=((Q, "8.6"),),
        processes=("PRC-09",),
    ),
    Doc(
        "work_instruction",
        "LYO",
        "Manual degreasing with solvent",
        LYON,
        "# Manual degreasing\n\nWipe parts with solvent in the ventilated booth; gloves and goggles required.",
        sites=("LYO",),
        clauses=((E, "8.1"),),
        processes=("PRC-07",),
        then="withdrawn",
    ),
    Doc(
        "work_instruction",
        "BRQ",
        "Torque tightening of hydraulic manifolds",
        BRNO,
        "# Torque tightening\n\nUse the calibrated torque wrench set to the value on the drawing. "
        "Tighten crosswise in two passes and mark each screw.",
        sites=("BRQ",),
        clauses=((Q, "8.5.1"),),
        processes=("PRC-08",),
        readers=("petra.svobodova",),
        read_by=("petra.svobodova",),
    ),
    Doc(
        "work_instruction",
        "BRQ",
        "Leak test of assembled manifolds",
        BRNO,
        "# Leak test\n\nPressurise to 1.5 times the working pressure for 60 s. Any pressure drop: red tag.",
        sites=("BRQ",),
        clauses=((Q, "8.6"),),
        processes=("PRC-08", "PRC-09"),
    ),
    Doc(
        "work_instruction",
        "BRQ",
        "Waste sorting in the assembly hall",
        BRNO,
        "# Waste sorting\n\nBlue bin: cardboard. Yellow: plastic film. Red: oily rags. Metal offcuts go to "
        "the scrap skip by the gate.",
        sites=("BRQ",),
        clauses=((E, "8.1"),),
        processes=("PRC-08",),
        readers=("site:BRQ",),
        read_by=(BRNO, "petra.svobodova"),
    ),
    Doc(
        "plan",
        "BRQ",
        "Brno emergency plan",
        BRNO,
        "# Brno emergency plan\n\nAssembly point: car park B. Emergency number 112. Spill kits at docks 1 and 4.",
        sites=("BRQ",),
        clauses=((E, "8.2"),),
        processes=("PRC-11",),
        review_months=12,
    ),
    Doc(
        "form",
        "BRQ",
        "Shift handover checklist",
        BRNO,
        "- [ ] Open orders\n- [ ] Machine issues\n- [ ] Waste bins emptied",
        sites=("BRQ",),
        processes=("PRC-08",),
        then="new",
    ),
    Doc(
        "external",
        "IMS",
        "AgriTrac supplier quality requirements",
        MANAGER,
        "The customer's supplier manual, edition 7. Received through the customer portal; checked for a new "
        "edition every quarter.",
        clauses=((Q, "8.2"),),
        processes=("PRC-03",),
        review_months=3,
    ),
    Doc(
        "external",
        "IMS",
        "Safety data sheets of purchased chemicals",
        MANAGER,
        "Supplier safety data sheets of coolants, acids, oils and solvents; the purchasing team requests the "
        "current one with each new product.",
        clauses=((E, "8.1"),),
        processes=("PRC-05",),
        review_months=12,
    ),
    Doc(
        "record",
        "QUA",
        "Calibration certificate CMM-01, 2026",
        LYON,
        "Certificate 2026-0412 from the accredited laboratory: CMM-01 within specification.",
        sites=("LYO",),
        clauses=((Q, "7.1.5"),),
        processes=("PRC-09",),
        review_months=None,
        retention=(10, "Destroy securely after the retention period."),
    ),
    Doc(
        "record",
        "ENV",
        "Emergency drill Brno, March 2026",
        BRNO,
        "Spill drill at dock 4: contained in 6 minutes. Action: a second spill kit at dock 2.",
        sites=("BRQ",),
        clauses=((E, "8.2"),),
        processes=("PRC-11",),
        review_months=None,
        retention=(5, "Delete after the retention period."),
    ),
    Doc(
        "record",
        "ENV",
        "Waste consignment notes 2025, Lyon",
        LYON,
        "Scanned consignment notes of the licensed carriers for 2025, one file per month.",
        sites=("LYO",),
        clauses=((E, "9.1.1"),),
        processes=("PRC-06",),
        review_months=None,
        retention=(5, "Delete after the retention period."),
    ),
    Doc(
        "record",
        "QUA",
        "Management review minutes, 2025",
        MANAGER,
        "Minutes of the two 2025 reviews: decisions on the Brno extension and the 2026 objectives.",
        clauses=((Q, "9.3.3"), (E, "9.3")),
        processes=("PRC-01",),
        review_months=None,
        retention=(10, "Archive, then destroy securely."),
    ),
    Doc(
        "procedure",
        "IMS",
        "Climate change considerations",
        MANAGER,
        "# Climate change\n\nDraft: how we decide whether climate change is a relevant issue for each "
        "process, following the 2024 amendment of both standards.",
        clauses=((Q, "4.1"), (E, "4.1")),
        processes=("PRC-02",),
        then="new",
    ),
)


class _Demo:
    """The context the steps share: people, passwords, clauses, processes."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.passwords = {username: password for username, _, password in ctx.credentials}
        self.people = {**ctx.users, "admin": ctx.admin}
        self.processes = {p.reference: p for p in Process.objects.all()}
        self.clauses = self._clauses()

    def _clauses(self) -> dict[tuple[str, str], Clause]:
        """The 2015 clauses of both standards, loading the standards library first if it is not there yet."""
        from ims.standards.loader import DATA_DIR, load

        if not Edition.objects.exists():
            load(DATA_DIR, by=self.ctx.admin)
        rows = Clause.objects.filter(edition__code="2015", edition__standard__code__in=[Q, E]).select_related(
            "edition__standard"
        )
        return {(c.edition.standard.code, c.number): c for c in rows}

    def approver_of(self, author: str) -> str:
        return "admin" if author == MANAGER else MANAGER

    def through_approval(self, revision: Revision, author: str) -> Revision:
        """Submit, sign and publish: the revision becomes effective (the one before it superseded)."""
        approver = self.approver_of(author)
        steps_set(by=self.people[author], revision=revision, approvers=[self.people[approver]])
        submit(by=self.people[author], revision=revision, version=revision.version)
        sign_step(
            by=self.people[approver],
            revision=revision,
            version=revision.version,
            password=self.passwords[approver],
            meaning=Meaning.APPROVED,
        )
        return publish(by=self.people[MANAGER], revision=revision, version=revision.version)

    def create(self, spec: Doc) -> Document:
        fields: dict[str, Any] = {"review_months": spec.review_months}
        if spec.retention:
            fields["retention_years"], fields["disposal"] = spec.retention
        return document_create(
            by=self.people[spec.author],
            doc_type=spec.doc_type,
            area=spec.area,
            title=spec.title,
            owner=self.people[spec.author],
            sites=[self.ctx.sites[code] for code in spec.sites],
            clauses=[self.clauses[c] for c in spec.clauses if c in self.clauses],
            processes=[self.processes[p] for p in spec.processes if p in self.processes],
            text=spec.text,
            **fields,
        )

    def revise(self, document: Document, author: str, summary: str, text: str) -> Revision:
        document.refresh_from_db()  # publishing the last revision moved its review date on
        draft = revision_start(by=self.people[author], document=document, change_summary=summary)
        return draft_update(by=self.people[author], revision=draft, version=draft.version, text=text)

    def distribute(self, document: Document, spec: Doc) -> None:
        by = self.people[spec.author]
        for target in spec.readers:
            kind, _, value = target.partition(":")
            if kind == "site":
                distribution_add(by=by, document=document, site=self.ctx.sites[value])
            elif kind == "role":
                distribution_add(by=by, document=document, role=value)
            else:
                distribution_add(by=by, document=document, user=self.people[target])
        effective = document.revisions.get(status="effective")
        for username in spec.read_by:
            acknowledge(by=self.people[username], revision=effective)


def _afterwards(demo: _Demo, document: Document, spec: Doc) -> None:
    """What happens after the last effective revision: a draft, a revision in review, a withdrawal."""
    author = demo.people[spec.author]
    if spec.then == "draft":
        demo.revise(document, spec.author, "Adds the set-up sheet for the new lathe.", spec.text + "\n\nDraft.")
    elif spec.then == "review":
        draft = demo.revise(document, spec.author, "Clarifies who signs.", spec.text + "\n\nReviewed yearly.")
        reviewers = [demo.people["eva.horakova"]] if spec.author == MANAGER else []
        steps_set(
            by=author, revision=draft, reviewers=reviewers, approvers=[demo.people[demo.approver_of(spec.author)]]
        )
        submit(by=author, revision=draft, version=draft.version)
    elif spec.then == "withdrawn":
        effective = document.revisions.get(status="effective")
        withdraw(
            by=demo.people[MANAGER],
            revision=effective,
            version=effective.version,
            reason="The aqueous washer replaced solvent degreasing in January.",
        )


def _overdue(demo: _Demo, document: Document, days: int) -> None:
    """A document whose periodic review date, carried over from the paper register, has passed."""
    document.refresh_from_db()
    update_record(
        document,
        by=demo.people[MANAGER],
        version=document.version,
        changes={"next_review": timezone.localdate() - dt.timedelta(days=days)},
        note="review date carried over from the paper document register",
    )


def step_documents(ctx: DemoContext) -> None:
    demo = _Demo(ctx)
    for spec in DOCS:
        document = demo.create(spec)
        if spec.then == "new":
            continue
        demo.through_approval(document.revisions.get(), spec.author)
        for summary, text in spec.revisions:
            demo.through_approval(demo.revise(document, spec.author, summary, text), spec.author)
        if spec.readers:
            demo.distribute(document, spec)
        _afterwards(demo, document, spec)
        if "overdue_days" in spec.extra:
            _overdue(demo, document, spec.extra["overdue_days"])
