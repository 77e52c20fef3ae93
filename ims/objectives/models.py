"""Objectives (6.2), the plans to achieve them and their progress entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, default_standards, validate_standards
from ims.core.models import VersionedModel
from ims.objectives import progress as rule


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class Objective(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. OBJ-007."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    title = models.CharField(max_length=200)
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both (at least one)."),
    )
    # The measurable target
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4)
    baseline_date = models.DateField(help_text=_("When the baseline was measured; time elapsed counts from here."))
    target_value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=50, help_text=_("Any unit such as %, kWh, t, L."))
    direction = models.CharField(max_length=10, choices=Direction.choices)
    deadline = models.DateField()
    # The plan to achieve it
    plan_what = models.TextField(help_text=_("What will be done."))
    plan_resources = models.TextField(blank=True, help_text=_("Resources required."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who is responsible."),
    )
    evaluation = models.TextField(blank=True, help_text=_("How the results will be evaluated."))
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest progress entry, kept on the row so the register sorts and filters by it.
    latest_value = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        editable=False,
        help_text=_("From the progress entries; once the monitoring register lands, it will come from a KPI."),
    )
    latest_on = models.DateField(null=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["site", "archived_at", "deadline"], name="objective_site_deadline")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def site_label(self) -> str:
        return self.site.name if self.site is not None else str(_("Organisation-wide"))

    @property
    def standards_label(self) -> str:
        labels = dict(StandardServed.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.standards or [])

    def assess(self, today: dt.date) -> tuple[Decimal, Decimal, rule.Status]:
        return rule.assess(
            baseline=self.baseline_value,
            target=self.target_value,
            value=self.latest_value,
            start=self.baseline_date,
            deadline=self.deadline,
            today=today,
        )


class Progress(models.Model):
    """One measured value of an objective's indicator."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="progress_entries")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "progress entries"

    def __str__(self) -> str:
        return f"{self.objective.reference} {self.date:%Y-%m-%d}: {self.value}"

    @property
    def audit_site_id(self) -> int | None:
        return self.objective.site_id
