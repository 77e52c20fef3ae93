"""Processes of the management system (4.4) and the links between them (an output of one feeds the other)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed, default_standards, validate_standards
from ims.core.models import VersionedModel


class ProcessKind(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    CORE = "core", _("Core (operational)")
    SUPPORT = "support", _("Support")


RELATED_HELP = _(
    "Free text for now: KPIs, risks, aspects and documents cannot be linked yet, "
    "so name them here until those links exist."
)


def lines(text: str) -> list[str]:
    """One entry per line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Process(VersionedModel):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. PRC-07."))
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProcessKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sites = models.ManyToManyField(
        "org.Site", blank=True, related_name="+", help_text=_("Sites where it runs; none means all sites.")
    )
    purpose = models.TextField(blank=True)
    inputs = models.TextField(blank=True, help_text=_("One input per line."))
    outputs = models.TextField(blank=True, help_text=_("One output per line."))
    customers = models.TextField(blank=True, help_text=_("Internal and external customers of the process."))
    resources = models.TextField(blank=True)
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both."),
    )
    related_records = models.TextField(blank=True, help_text=RELATED_HELP)
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["kind", "reference"], name="process_kind_ref")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def audit_site_id(self) -> int | None:
        """The audit trail files the record under its one site; several or none: organisation-wide."""
        ids = getattr(self, "_audit_site_ids", None)
        if ids is None and self.pk:
            ids = [s.pk for s in self.sites.all()]
        return ids[0] if ids and len(ids) == 1 else None

    @property
    def input_list(self) -> list[str]:
        return lines(self.inputs)

    @property
    def output_list(self) -> list[str]:
        return lines(self.outputs)

    @property
    def sites_label(self) -> str:
        return ", ".join(s.name for s in self.sites.all()) or str(_("All sites"))

    @property
    def standards_label(self) -> str:
        labels = dict(StandardServed.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.standards or [])


class ProcessLink(models.Model):
    """An output of ``source`` that is an input of ``target``."""

    source = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="links_in")
    label = models.CharField(max_length=200, help_text=_("What flows: an output of one that is an input of the other."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source__reference", "target__reference"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="process_link_once"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="process_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source.reference} → {self.target.reference}: {self.label}"
