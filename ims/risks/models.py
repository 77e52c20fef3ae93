"""Risks and opportunities (6.1), the risk matrix (documented information) and treatment actions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, default_standards, validate_standards
from ims.core.models import VersionedModel


class Kind(models.TextChoices):
    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", _("Opportunity")


class SourceKind(models.TextChoices):
    ISSUE = "issue", _("Internal or external issue")
    PARTY = "party", _("Interested party")
    PROCESS = "process", _("Process")
    ASPECT = "aspect", _("Environmental aspect")
    OBLIGATION = "obligation", _("Compliance obligation")
    OTHER = "other", _("Other")


class Band(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class TreatmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RiskMatrix(models.Model):
    """How risks are rated; versioned, because the method is documented information (6.1)."""

    version = models.PositiveIntegerField(unique=True)
    size = models.PositiveSmallIntegerField(help_text=_("Levels of likelihood and of consequence, e.g. 5 for 5×5."))
    likelihood_labels = models.JSONField(help_text=_("One label per likelihood level, lowest first."))
    consequence_labels = models.JSONField(help_text=_("One label per consequence level, lowest first."))
    bands = models.JSONField(help_text=_("List of {band, min}: a score at or above min falls in that band."))
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "risk matrices"

    def __str__(self) -> str:
        return f"Risk matrix v{self.version} ({self.size}×{self.size})"


class Risk(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. RSK-007."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RISK)
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.OTHER)
    source_record_type = models.CharField(
        max_length=60, blank=True, help_text=_("Optional record it comes from, e.g. context.issue.")
    )
    source_record_id = models.CharField(max_length=40, blank=True)
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both."),
    )
    likelihood = models.PositiveSmallIntegerField(help_text=_("Before treatment, 1 to the matrix size."))
    consequence = models.PositiveSmallIntegerField(help_text=_("Before treatment, 1 to the matrix size."))
    residual_likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("After the treatment actions; leave empty until assessed.")
    )
    residual_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Computed by the service from the matrix in force, kept on the row to filter and sort in SQL.
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, null=True, editable=False, related_name="+")
    inherent_score = models.PositiveSmallIntegerField(null=True, editable=False)
    inherent_band = models.CharField(max_length=10, choices=Band.choices, blank=True, editable=False)
    residual_score = models.PositiveSmallIntegerField(null=True, editable=False)
    residual_band = models.CharField(max_length=10, choices=Band.choices, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["site", "archived_at", "inherent_band"], name="risk_site_band"),
            models.Index(fields=["site", "archived_at", "-inherent_score", "id"], name="risk_site_score"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def site_label(self) -> str:
        return self.site.name if self.site is not None else str(_("Organisation-wide"))

    @property
    def standards_label(self) -> str:
        labels = dict(StandardServed.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.standards or [])

    @property
    def band(self) -> str:
        """The current rating: residual once assessed, else inherent."""
        return self.residual_band or self.inherent_band


class Treatment(models.Model):
    """An action that treats a risk or pursues an opportunity."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="treatments")
    action = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=5, choices=TreatmentStatus.choices, default=TreatmentStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.action[:80]}"

    @property
    def audit_site_id(self) -> int | None:
        return self.risk.site_id

    def overdue(self, today: dt.date) -> bool:
        return self.status == TreatmentStatus.OPEN and self.due_date is not None and self.due_date < today
