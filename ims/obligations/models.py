"""Compliance obligations (14001 6.1.3), their evaluations (9.1.2) and permit limits."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class Kind(models.TextChoices):
    LAW = "law", _("Law")
    REGULATION = "regulation", _("Regulation")
    PERMIT = "permit", _("Permit")
    LICENCE = "licence", _("Licence")
    CONTRACT = "contract", _("Contract")
    VOLUNTARY = "voluntary", _("Voluntary commitment")
    CUSTOMER = "customer", _("Customer requirement")


class Result(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Obligation(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. OBL-007."))
    title = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=20, blank=True, help_text=_("E.g. EU, FR, CZ."))
    issuer = models.CharField(
        max_length=200, blank=True, help_text=_("Who issued it: legislator, authority, customer.")
    )
    citation = models.TextField(blank=True, help_text=_("Legal reference or URL of the text."))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGULATION)
    sites = models.ManyToManyField(
        "org.Site", blank=True, related_name="+", help_text=_("Sites it applies to; none means all sites.")
    )
    requirement = models.TextField(blank=True, help_text=_("What it requires of us, in our own words."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation_frequency_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    standards = models.JSONField(default=list, blank=True, help_text=_('Standards it serves, e.g. ["iso14001"].'))
    next_evaluation_due = models.DateField(null=True, blank=True, editable=False)
    last_result = models.CharField(max_length=20, choices=Result.choices, blank=True, editable=False)
    last_evaluated_on = models.DateField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["next_evaluation_due"], name="obligation_due")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def audit_site_id(self) -> int | None:
        """The audit trail files the record under its one site; several or none: organisation-wide."""
        ids = getattr(self, "_audit_site_ids", None)
        if ids is None and self.pk:
            ids = [s.pk for s in self.sites.all()]
        return ids[0] if ids and len(ids) == 1 else None

    def overdue(self, today: dt.date) -> bool:
        return self.archived_at is None and (self.next_evaluation_due is None or self.next_evaluation_due < today)


class Evaluation(models.Model):
    """One evaluation of compliance, kept as a record (retained documented information, 9.1.2)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField()
    result = models.CharField(max_length=20, choices=Result.choices)
    evidence = models.TextField(blank=True)
    note = models.TextField(blank=True)
    corrective_action = models.TextField(
        blank=True,
        help_text=_(
            "Required for a non-compliance: what will be done, by whom, by when. "
            "(The nonconformity register does not exist yet; describe the action here.)"
        ),
    )
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.obligation.reference} {self.evaluated_on:%Y-%m-%d}: {self.get_result_display()}"


class Permit(models.Model):
    """A limit set by a permit: a parameter, its limit and unit, and when the permit expires."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="permits")
    parameter = models.CharField(max_length=200, help_text=_("E.g. COD in effluent."))
    limit_value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=50, help_text=_("Any unit such as mg/L, dB, kg/day."))
    averaging_period = models.CharField(max_length=100, blank=True, help_text=_("E.g. 24-hour composite."))
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["parameter", "id"]

    def __str__(self) -> str:
        return f"{self.parameter} ≤ {self.limit_value} {self.unit}"

    def expiry_state(self, today: dt.date) -> str:
        """ "expired", "expiring" (within 90 days) or ""."""
        if self.expires_on is None:
            return ""
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + dt.timedelta(days=90):
            return "expiring"
        return ""
