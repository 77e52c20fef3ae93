"""The organisation's own readiness records: applicability and assessments.

A *common* requirement (the Harmonized Structure's shared clause) is assessed
once for the integrated system, keyed by its HS number, and counts for every
standard; a *specific* requirement is assessed for its own clause.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ims.core.models import VersionedModel


class Applicability(VersionedModel):
    """A clause declared not applicable (with justification), or applicable again."""

    clause = models.OneToOneField("standards.Clause", on_delete=models.PROTECT, related_name="applicability")
    applicable = models.BooleanField(default=True)
    justification = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "applicability decisions"

    def __str__(self) -> str:
        return f"{self.clause.ref}: {'applicable' if self.applicable else 'not applicable'}"


class Assessment(VersionedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        VERIFIED = "verified", "Verified"

    hs_number = models.CharField(max_length=20, blank=True, help_text="Common requirement: the HS clause")
    clause = models.OneToOneField(
        "standards.Clause", on_delete=models.PROTECT, null=True, blank=True, related_name="assessment"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(hs_number="") & Q(clause__isnull=False)) | (~Q(hs_number="") & Q(clause__isnull=True)),
                name="assessment_common_xor_specific",
            ),
            models.UniqueConstraint(fields=["hs_number"], condition=~Q(hs_number=""), name="assessment_one_per_hs"),
        ]

    def __str__(self) -> str:
        return f"HS {self.hs_number}" if self.hs_number else str(self.clause)


class EvidenceLink(models.Model):
    """A record in IMS that shows a requirement is met."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "record_type", "record_id"], name="evidence_once")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class Snapshot(models.Model):
    """Readiness of one edition on one day, kept for the trend."""

    day = models.DateField()
    edition = models.ForeignKey("standards.Edition", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    groups = models.JSONField(default=dict)
    requirements = models.PositiveIntegerField()
    failing_checks = models.PositiveIntegerField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["day", "edition"], name="snapshot_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.edition}: {self.score}%"
