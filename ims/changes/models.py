"""Planned changes to the management system (6.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, default_standards, validate_standards
from ims.core.models import VersionedModel


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PlannedChange(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. CHG-007."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text=_("Why the change is made."))
    consequences = models.TextField(blank=True, help_text=_("Potential consequences considered."))
    resources = models.TextField(blank=True, help_text=_("Resources needed."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsibilities = models.TextField(blank=True, help_text=_("Who does what."))
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both."),
    )
    processes = models.ManyToManyField("processes.Process", blank=True, related_name="planned_changes")
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED, editable=False
    )
    cancel_reason = models.TextField(blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    planned_date = models.DateField(null=True, blank=True, help_text=_("When the change should be complete."))
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["status", "planned_date"], name="change_status_planned")]

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
    def open(self) -> bool:
        return self.status in (ChangeStatus.APPROVED, ChangeStatus.IN_PROGRESS)
