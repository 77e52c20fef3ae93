"""Improvement (clause 10 of ISO 9001 and ISO 14001; 9001 8.7): one register of events and their corrective actions.

An *event* is anything that calls for correction or improvement: a nonconforming
product, a process nonconformity, an audit finding, a customer complaint, a
supplier's nonconformity, an environmental incident, a compliance breach, a
near miss or an improvement idea. Each goes through the same workflow
(:mod:`ims.improvement.workflow`): triage, containment, root cause analysis, an
action plan, implementation, an effectiveness check and a signed closure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, validate_standards
from ims.core.models import VersionedModel


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 120.000 → 120, 2.500 → 2.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class EventType(models.TextChoices):
    PRODUCT_NC = "product_nc", _("Product or service nonconformity")
    PROCESS_NC = "process_nc", _("Process nonconformity")
    AUDIT_FINDING = "audit_finding", _("Audit finding")
    CUSTOMER_COMPLAINT = "customer_complaint", _("Customer complaint")
    SUPPLIER_NC = "supplier_nc", _("Supplier nonconformity")
    ENVIRONMENTAL_INCIDENT = "environmental_incident", _("Environmental incident")
    COMPLIANCE_BREACH = "compliance_breach", _("Compliance breach")
    NEAR_MISS = "near_miss", _("Near miss")
    IMPROVEMENT = "improvement", _("Improvement opportunity")


# How the short report form names each type, in the words of someone on the shop floor.
PLAIN_WORDS: dict[str, Any] = {
    EventType.PRODUCT_NC: _("A part or service is not right"),
    EventType.PROCESS_NC: _("A procedure was not followed or does not work"),
    EventType.CUSTOMER_COMPLAINT: _("A customer complained"),
    EventType.SUPPLIER_NC: _("Something we bought is not right"),
    EventType.ENVIRONMENTAL_INCIDENT: _("Spill, leak, emission, smell or noise"),
    EventType.COMPLIANCE_BREACH: _("A permit limit or legal requirement was exceeded"),
    EventType.NEAR_MISS: _("Something nearly went wrong"),
    EventType.IMPROVEMENT: _("I have an idea to improve"),
    EventType.AUDIT_FINDING: _("Audit finding"),
}

# Which standard an event serves unless someone says otherwise.
ENVIRONMENTAL_TYPES = frozenset({EventType.ENVIRONMENTAL_INCIDENT, EventType.COMPLIANCE_BREACH, EventType.NEAR_MISS})
# Nonconforming outputs (9001 8.7): the output itself must be contained and given a disposition.
OUTPUT_TYPES = frozenset({EventType.PRODUCT_NC, EventType.SUPPLIER_NC})
# Containment comes before the root cause analysis for these; others may go straight to analysis.
CONTAINMENT_REQUIRED = OUTPUT_TYPES | {EventType.ENVIRONMENTAL_INCIDENT}


def standards_for(event_type: str) -> list[str]:
    if event_type == EventType.IMPROVEMENT or event_type == EventType.AUDIT_FINDING:
        return [StandardServed.ISO9001.value, StandardServed.ISO14001.value]
    if event_type in ENVIRONMENTAL_TYPES:
        return [StandardServed.ISO14001.value]
    return [StandardServed.ISO9001.value]


class EventStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    TRIAGED = "triaged", _("Triaged")
    CONTAINMENT = "containment", _("Containment")
    ROOT_CAUSE = "root_cause", _("Root cause analysis")
    ACTION_PLAN = "action_plan", _("Action plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    EFFECTIVENESS = "effectiveness", _("Effectiveness check")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


FINAL_STATUSES = frozenset({EventStatus.CLOSED, EventStatus.REJECTED, EventStatus.DUPLICATE})
OPEN_STATUSES = tuple(s for s in EventStatus.values if s not in FINAL_STATUSES)


class Branch(models.TextChoices):
    """The six branches of a fishbone (Ishikawa) diagram."""

    PEOPLE = "people", _("People")
    METHOD = "method", _("Method")
    MACHINE = "machine", _("Machine")
    MATERIAL = "material", _("Material")
    MEASUREMENT = "measurement", _("Measurement")
    ENVIRONMENT = "environment", _("Environment")


class Severity(VersionedModel):
    """How serious an event is; the organisation configures the scale (minor, major, critical …)."""

    code = models.SlugField(max_length=30, unique=True)
    label = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(help_text=_("Higher is more serious."))
    step_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("Days allowed for each workflow step unless someone sets another due date."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name_plural = "severities"

    def __str__(self) -> str:
        return self.label


class CauseCategory(VersionedModel):
    """The cause taxonomy, for trends across events; each category sits on one fishbone branch."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=150)
    branch = models.CharField(max_length=20, choices=Branch.choices)
    shallow = models.BooleanField(
        default=False,
        help_text=_("A cause that usually hides a deeper one (human error, training): ask why again."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["branch", "label"]
        verbose_name_plural = "cause categories"

    def __str__(self) -> str:
        return self.label


# The columns the analysis reads, in the order of their index: where and when, then what is counted and summed.
ANALYSIS_COLUMNS = [
    "site", "occurred_at", "status", "type", "process", "cause_category",
    "cost_currency", "cost_internal", "cost_external", "cost_kg_co2e", "cost_mass_kg",
]  # fmt: skip


class Event(VersionedModel):
    """One nonconformity, incident, complaint, finding, near miss or improvement idea."""

    reference = models.CharField(max_length=20, unique=True, editable=False, help_text=_("e.g. NC-2026-0001"))
    type = models.CharField(max_length=30, choices=EventType.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text=_("What happened, as the reporter saw it."))
    occurred_at = models.DateTimeField()
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    location = models.CharField(max_length=200, blank=True, help_text=_("Where on the site: line, machine, area."))
    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, null=True, blank=True, related_name="improvement_events"
    )
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    standards = models.JSONField(validators=[validate_standards])
    clauses = models.ManyToManyField("standards.Clause", blank=True, related_name="improvement_events")
    source_type = models.CharField(
        max_length=100, blank=True, help_text=_("The kind of record it came from (an audit, a KPI, a supplier …).")
    )
    source_id = models.CharField(max_length=64, blank=True)
    external_ref = models.CharField(
        max_length=100, blank=True, help_text=_("The sending system's own id, e.g. an inspection reject number.")
    )
    photo = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Responsible for taking the event to closure; assigned at triage."),
    )
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.REPORTED, editable=False)
    root_cause = models.TextField(blank=True, help_text=_("The root cause found, in one or two sentences."))
    cause_category = models.ForeignKey(
        CauseCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    recurrences = models.ManyToManyField("self", blank=True, symmetrical=True)
    reason = models.TextField(blank=True, editable=False, help_text=_("Why it was rejected or is a duplicate."))
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    closure_signature = models.ForeignKey(
        "signatures.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # What the event cost, summed from its cost lines by ims.improvement.costs each time a line changes,
    # so the analysis adds up events without joining every line (money in ``cost_currency``).
    cost_internal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0), editable=False)
    cost_external = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0), editable=False)
    cost_currency = models.CharField(max_length=3, blank=True, editable=False)
    cost_kg_co2e = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0), editable=False)
    cost_mass_kg = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0), editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["status", "site"], name="event_status_site"),
            models.Index(fields=["process", "cause_category", "occurred_at"], name="event_recurrence"),
            models.Index(fields=["source_type", "source_id"], name="event_source"),
            # The analysis (ims.improvement.analysis) reads these columns only: its Pareto and cost
            # totals, the ageing, the flow per month and the time to close are answered from these
            # indexes, without reading the events' rows.
            models.Index(fields=ANALYSIS_COLUMNS, name="event_analysis"),
            models.Index(fields=["status", "site", "created_at", "closed_at", "type"], name="event_ageing"),
            models.Index(fields=["site", "created_at", "status", "closed_at", "type"], name="event_flow"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="event_external_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def needs_root_cause(self) -> bool:
        return self.type != EventType.IMPROVEMENT

    @property
    def standards_label(self) -> str:
        labels = dict(StandardServed.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.standards or [])


class Step(models.Model):
    """One pass of an event through a workflow step: who owns it, when it is due, when it started and ended."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=EventStatus.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_id", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(finished_at__isnull=True), name="event_one_open_step")
        ]
        indexes = [models.Index(fields=["finished_at", "due"], name="step_open_due")]

    def __str__(self) -> str:
        return f"{self.event.reference}: {self.get_status_display()}"

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)


class Disposition(models.TextChoices):
    SCRAP = "scrap", _("Scrap")
    REWORK = "rework", _("Rework")
    USE_AS_IS = "use_as_is_concession", _("Use as is, with concession")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("Return to supplier")
    OTHER = "other", _("Other")


class Containment(VersionedModel):
    """What was done at once to contain the event or correct the output (8.7; 10.2.1 a)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="containments")
    description = models.TextField()
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    unit = models.CharField(max_length=30, blank=True, help_text=_("pcs, kg, L, m … (any unit pint knows)."))
    mass_kg = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Mass affected, for waste and material accounting."),
    )
    disposition = models.CharField(max_length=30, choices=Disposition.choices, blank=True)
    concession = models.CharField(
        max_length=200, blank=True, help_text=_("Who granted the concession, and its reference.")
    )
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["event_id", "done_at", "id"]

    def __str__(self) -> str:
        return f"{self.event.reference} containment: {self.description[:60]}"

    @property
    def quantity_text(self) -> str:
        return f"{plain(self.quantity)} {self.unit}".strip() if self.quantity is not None else ""

    @property
    def mass_text(self) -> str:
        return plain(self.mass_kg) if self.mass_kg is not None else ""

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)


class WhyStep(models.Model):
    """One link of a 5 Whys chain: why did it happen, because …"""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="whys")
    position = models.PositiveSmallIntegerField()
    why = models.TextField()
    because = models.TextField()

    class Meta:
        ordering = ["event_id", "position"]
        constraints = [models.UniqueConstraint(fields=["event", "position"], name="why_position_unique")]

    def __str__(self) -> str:
        return f"Why {self.position}: {self.why[:60]}"


class FishboneCause(models.Model):
    """A possible cause on one branch of the fishbone diagram; ``is_root`` marks the ones confirmed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="fishbone")
    branch = models.CharField(max_length=20, choices=Branch.choices)
    text = models.CharField(max_length=300)
    is_root = models.BooleanField(default=False)

    class Meta:
        ordering = ["event_id", "branch", "id"]

    def __str__(self) -> str:
        return f"{self.get_branch_display()}: {self.text}"


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective action")
    IMPROVEMENT = "improvement", _("Improvement action")
    CORRECTION = "correction", _("Correction")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, effectiveness to check")
    VERIFIED_EFFECTIVE = "verified_effective", _("Verified effective")
    INEFFECTIVE = "ineffective", _("Ineffective")
    CANCELLED = "cancelled", _("Cancelled")


class Action(VersionedModel):
    """A corrective or improvement action: owned, dated, and verified effective after it is done (10.2.1)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField(editable=False, help_text=_("1, 2, 3 … within the event."))
    kind = models.CharField(max_length=20, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN, editable=False)
    criterion = models.CharField(
        max_length=300,
        help_text=_("How effectiveness will be judged, e.g. “no recurrence in 90 days”."),
    )
    check_after_days = models.PositiveSmallIntegerField(
        default=90, help_text=_("The effectiveness check falls due this many days after the action is done.")
    )
    follow_up_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups")
    done_on = models.DateField(null=True, blank=True, editable=False)
    done_note = models.TextField(blank=True, editable=False)
    cancel_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["event_id", "number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="action_number_in_event")]
        indexes = [models.Index(fields=["status", "due"], name="action_status_due")]

    def __str__(self) -> str:
        return f"{self.event.reference} action {self.number} “{self.short}”"

    @property
    def short(self) -> str:
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)


class ActionLink(models.Model):
    """A record the action changes: a document, a process, a risk, an aspect … (any linkable record type)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["action_id", "record_type", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "record_type", "record_id"], name="action_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class CheckResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    INEFFECTIVE = "ineffective", _("Ineffective")


class EffectivenessCheck(VersionedModel):
    """The check that an action worked, scheduled when the action is done; its verdict moves the action on."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="checks")
    criterion = models.CharField(max_length=300)
    due = models.DateField()
    result = models.CharField(max_length=20, choices=CheckResult.choices, blank=True, editable=False)
    evidence = models.TextField(blank=True, editable=False, help_text=_("What was looked at to decide."))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["action_id", "due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action"], condition=Q(result=""), name="check_one_pending_per_action")
        ]

    def __str__(self) -> str:
        return f"Effectiveness check of {self.action}"

    @property
    def audit_site_id(self) -> int:
        return int(self.action.event.site_id)


# --- Cost of poor quality: money and environmental impact ---------------------------------


class CostCategory(models.TextChoices):
    """Failure costs in the classic split: found before the customer (internal) or after (external)."""

    SCRAP = "scrap", _("Scrap")
    REWORK = "rework", _("Rework")
    REINSPECTION = "reinspection", _("Re-inspection and sorting")
    DOWNTIME = "downtime", _("Downtime")
    INTERNAL_LABOUR = "internal_labour", _("Labour (internal failure)")
    RETURNS = "returns", _("Returns and replacements")
    WARRANTY = "warranty", _("Warranty")
    PENALTIES = "penalties", _("Penalties and fines")
    COMPLAINT_HANDLING = "complaint_handling", _("Complaint handling")
    EXTERNAL_LABOUR = "external_labour", _("Labour (external failure)")


INTERNAL_FAILURE = frozenset(
    {
        CostCategory.SCRAP,
        CostCategory.REWORK,
        CostCategory.REINSPECTION,
        CostCategory.DOWNTIME,
        CostCategory.INTERNAL_LABOUR,
    }
)


class FailureCost(VersionedModel):
    """One cost an event caused, in the currency it was paid in and in the organisation's reporting currency."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="costs")
    category = models.CharField(max_length=30, choices=CostCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(max_length=3, help_text=_("ISO 4217 code of the amount, e.g. EUR."))
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        null=True,
        blank=True,
        help_text=_("Units of the reporting currency per one unit of the amount's currency; empty when the same."),
    )
    reporting_currency = models.CharField(max_length=3, editable=False)
    amount_reporting = models.DecimalField(max_digits=14, decimal_places=2, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return f"{self.event.reference} {self.get_category_display()} {plain(self.amount)} {self.currency}"

    @property
    def internal(self) -> bool:
        return self.category in INTERNAL_FAILURE

    @property
    def rate_text(self) -> str:
        return plain(self.rate) if self.rate is not None else ""

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)


class DisposalRoute(models.TextChoices):
    """What became of wasted material; each maps to a column of the DESNZ “Waste disposal” factors."""

    OPEN_LOOP = "open_loop", _("Recycled (open loop)")
    CLOSED_LOOP = "closed_loop", _("Recycled (closed loop)")
    INCINERATION = "incineration", _("Incinerated with energy recovery")
    LANDFILL = "landfill", _("Landfill")
    COMPOSTING = "composting", _("Composted")
    ANAEROBIC_DIGESTION = "anaerobic_digestion", _("Anaerobic digestion")


class MaterialFactorMap(VersionedModel):
    """Which emission factors a wasted material takes: its “Material use” factor and its “Waste disposal” ones.

    The defaults point at the UK DESNZ tables; the organisation changes them (or
    adds its own materials) without a code change.
    """

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=150)
    material_activity = models.CharField(
        max_length=300,
        help_text=_("The “Material use” factor's activity, e.g. “Metal: scrap metal › Primary material production”."),
    )
    waste_activity = models.CharField(
        max_length=300,
        help_text=_("The “Waste disposal” activity without the route, e.g. “Metal: scrap metal”."),
    )
    region = models.CharField(max_length=20, default="GB", help_text=_("Region of the factors, e.g. GB."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class EnergyFactorMap(VersionedModel):
    """Which emission factor extra energy of one carrier takes (electricity, natural gas, diesel …)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=150)
    category = models.CharField(max_length=20, help_text=_("The factor library's category, e.g. electricity."))
    activity = models.CharField(max_length=300, blank=True, help_text=_("e.g. “Natural gas”; empty for any."))
    factor_unit = models.CharField(
        max_length=100, help_text=_("The unit of the factor to use, as published, e.g. kWh or kWh (Gross CV).")
    )
    scope = models.CharField(max_length=10, blank=True)
    by_site_country = models.BooleanField(
        default=False,
        help_text=_("Look for the factor of the site's country first (a grid electricity factor), then the region."),
    )
    region = models.CharField(max_length=20, default="GB", help_text=_("The region used otherwise, e.g. GB."))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class WastedMaterial(VersionedModel):
    """Material lost to scrap or rework, with the kg CO2e of replacing it and of disposing of it.

    The figures are computed with the emission factors when the line is saved
    and kept with the factors used and the calculation, so each one can be
    checked later even if the factors or the mapping change.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="wasted_materials")
    material = models.ForeignKey(MaterialFactorMap, on_delete=models.PROTECT, related_name="+")
    mass_kg = models.DecimalField(max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal(0))])
    route = models.CharField(max_length=30, choices=DisposalRoute.choices)
    description = models.CharField(max_length=300, blank=True)
    containment = models.ForeignKey(
        Containment, on_delete=models.PROTECT, null=True, blank=True, related_name="wasted_materials"
    )
    factor_year = models.PositiveSmallIntegerField()
    material_factor = models.ForeignKey("factors.EmissionFactor", on_delete=models.PROTECT, related_name="+")
    disposal_factor = models.ForeignKey("factors.EmissionFactor", on_delete=models.PROTECT, related_name="+")
    material_kg_co2e = models.DecimalField(max_digits=16, decimal_places=3)
    disposal_kg_co2e = models.DecimalField(max_digits=16, decimal_places=3)
    kg_co2e = models.DecimalField(max_digits=16, decimal_places=3)
    calculation = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return f"{self.event.reference} {plain(self.mass_kg)} kg {self.material}"

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)


class ExtraEnergy(VersionedModel):
    """Energy spent because of the event (rework, re-melting, extra shifts), with its kg CO2e."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="extra_energy")
    carrier = models.ForeignKey(EnergyFactorMap, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal(0))])
    unit = models.CharField(max_length=30)
    description = models.CharField(max_length=300, blank=True)
    factor_year = models.PositiveSmallIntegerField()
    factor = models.ForeignKey("factors.EmissionFactor", on_delete=models.PROTECT, related_name="+")
    kg_co2e = models.DecimalField(max_digits=16, decimal_places=3)
    calculation = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name_plural = "extra energy"

    def __str__(self) -> str:
        return f"{self.event.reference} {plain(self.quantity)} {self.unit} {self.carrier}"

    @property
    def audit_site_id(self) -> int:
        return int(self.event.site_id)
