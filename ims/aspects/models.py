"""Aspects register, the significance method (documented information) and evaluations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class Condition(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal")
    EMERGENCY = "emergency", _("Emergency")


class LifeCycleStage(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw material acquisition")
    DESIGN = "design", _("Design")
    PRODUCTION = "production", _("Production")
    TRANSPORT = "transport", _("Transport and delivery")
    USE = "use", _("Use")
    END_OF_LIFE = "end_of_life", _("End-of-life treatment and disposal")


class SignificanceMethod(models.Model):
    """How significance is judged; versioned, because the method is documented information (6.1.2)."""

    version = models.PositiveIntegerField(unique=True)
    criteria = models.JSONField(
        help_text=_("List of {key, label, weight, max, forces_significance_at?}; scores run from 1 to max.")
    )
    threshold = models.PositiveIntegerField(help_text=_("A weighted total at or above this is significant."))
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Significance method v{self.version}"


class Aspect(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. ASP-007."))
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(max_length=200, help_text=_("Activity, product or service."))
    aspect = models.CharField(max_length=200, help_text=_("What interacts with the environment."))
    impact = models.CharField(max_length=300, help_text=_("The change to the environment it causes."))
    condition = models.CharField(max_length=10, choices=Condition.choices, default=Condition.NORMAL)
    stage = models.CharField(max_length=20, choices=LifeCycleStage.choices, default=LifeCycleStage.PRODUCTION)
    controls = models.TextField(blank=True, help_text=_("Operational controls in place."))
    no_action_reason = models.TextField(
        blank=True, help_text=_("For a significant aspect with no control or objective: why not.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest evaluation, kept on the row so the register filters and sorts by it in SQL.
    significant = models.BooleanField(null=True, editable=False)
    score = models.PositiveIntegerField(null=True, editable=False)
    evaluated_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["site", "significant"], name="aspect_site_significant"),
            # The register's default view (live rows of a site, highest score first): the first
            # page reads 50 index entries instead of sorting the whole site.
            models.Index(fields=["site", "archived_at", "-score", "id"], name="aspect_site_live_score"),
            # A text search counts by scanning this covering index, not the table rows (SQLite;
            # PostgreSQL will want pg_trgm for LIKE '%word%').
            models.Index(
                fields=["site", "archived_at", "reference", "activity", "aspect", "impact"], name="aspect_site_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.aspect}"

    @property
    def needs_attention(self) -> bool:
        """Significant, yet neither controlled nor explained (the register warns)."""
        return bool(self.significant) and not self.controls.strip() and not self.no_action_reason.strip()


class Evaluation(models.Model):
    """One significance evaluation of an aspect, kept as a record (retained documented information)."""

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="evaluations")
    method = models.ForeignKey(SignificanceMethod, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField()
    total = models.PositiveIntegerField()
    significant = models.BooleanField()
    reason = models.CharField(max_length=300)
    evaluated_at = models.DateTimeField()
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-evaluated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.aspect.reference}: {self.total} ({'significant' if self.significant else 'not significant'})"
