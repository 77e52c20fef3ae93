"""Roles, responsibilities and authorities (5.3 of both standards).

A role says what its holders answer for and what they may decide. Top
management is a role too: the people who direct and control the organisation
at the highest level, and who approve its policies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, default_standards, validate_standards
from ims.core.models import VersionedModel


class Duty(models.TextChoices):
    """The assignments 5.3 asks top management to make, in our own words."""

    CONFORMITY = "conformity", _("Ensure the management system conforms to the standard")
    REPORTING = "reporting", _("Report on the performance of the management system to top management")
    PROCESS_OUTPUTS = "process_outputs", _("Ensure processes deliver their intended outputs")
    CUSTOMER_FOCUS = "customer_focus", _("Promote customer focus throughout the organisation")
    INTEGRITY_CHANGES = (
        "integrity_changes",
        _("Keep the management system intact when changes are planned and carried out"),
    )


# Which standards ask for each duty: ISO 14001 5.3 has the first two, ISO 9001 5.3 all five.
DUTY_STANDARDS: dict[str, tuple[str, ...]] = {
    Duty.CONFORMITY: (StandardServed.ISO9001, StandardServed.ISO14001),
    Duty.REPORTING: (StandardServed.ISO9001, StandardServed.ISO14001),
    Duty.PROCESS_OUTPUTS: (StandardServed.ISO9001,),
    Duty.CUSTOMER_FOCUS: (StandardServed.ISO9001,),
    Duty.INTEGRITY_CHANGES: (StandardServed.ISO9001,),
}


def validate_duties(value: Any) -> None:
    """A list of duty codes, each once (empty: the role carries none of the 5.3 duties)."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the duties as a list of codes."))
    wrong = [str(v) for v in value if v not in Duty.values]
    if wrong:
        raise ValidationError(
            _("Unknown duty: %(wrong)s; use %(allowed)s.")
            % {"wrong": ", ".join(wrong), "allowed": ", ".join(Duty.values)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each duty only once."))


def default_duties() -> list[str]:
    return []


class Responsibility(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. RES-004."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    title = models.CharField(max_length=200, help_text=_("The role, e.g. Environmental coordinator."))
    responsibilities = models.TextField(help_text=_("What the role answers for."))
    authorities = models.TextField(blank=True, help_text=_("What the role may decide, stop or approve."))
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="responsibilities", help_text=_("The people in the role.")
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    processes = models.ManyToManyField("processes.Process", blank=True, related_name="responsibilities")
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both."),
    )
    duties = models.JSONField(
        default=default_duties,
        blank=True,
        validators=[validate_duties],
        help_text=_("The 5.3 assignments this role carries."),
    )
    top_management = models.BooleanField(
        default=False,
        help_text=_("Part of top management: directs and controls the organisation and approves its policies."),
    )
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "responsibilities"
        indexes = [models.Index(fields=["top_management", "archived_at"], name="resp_top_active")]

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
    def duty_labels(self) -> list[str]:
        labels = dict(Duty.choices)
        return [str(labels.get(d, d)) for d in self.duties or []]
