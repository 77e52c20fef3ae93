"""Internal and external issues (4.1) and interested parties with their needs and expectations (4.2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class StandardServed(models.TextChoices):
    ISO9001 = "iso9001", _("ISO 9001 (quality)")
    ISO14001 = "iso14001", _("ISO 14001 (environment)")


class IssueCategory(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    TECHNOLOGICAL = "technological", _("Technological")
    LEGAL = "legal", _("Legal and regulatory")
    MARKET = "market", _("Market and competition")
    SOCIAL = "social", _("Social and cultural")
    ENVIRONMENTAL = "environmental", _("Environmental conditions")
    CLIMATE = "climate", _("Climate change")
    RESOURCES = "resources", _("Natural resources")
    BIODIVERSITY = "biodiversity", _("Biodiversity and ecosystems")
    POLLUTION = "pollution", _("Pollution")
    CULTURE = "culture", _("Organisational culture")
    KNOWLEDGE = "knowledge", _("Knowledge and competence")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    PERFORMANCE = "performance", _("Performance")


class Origin(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class Effect(models.TextChoices):
    POSITIVE = "positive", _("Positive (opportunity)")
    NEGATIVE = "negative", _("Negative (threat)")
    BOTH = "both", _("Both")


class PartyKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    REGULATOR = "regulator", _("Regulator")
    COMMUNITY = "community", _("Neighbours and community")
    EMPLOYEES = "employees", _("Employees")
    OWNERS = "owners", _("Shareholders and owners")
    SUPPLIER = "supplier", _("Supplier")
    INSURER = "insurer", _("Insurer")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


def validate_standards(value: Any) -> None:
    """A non-empty list of standard codes, each once."""
    allowed = set(StandardServed.values)
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one standard."))
    wrong = [v for v in value if v not in allowed]
    if wrong:
        raise ValidationError(
            _("Unknown standard(s): %(wrong)s; use %(allowed)s.")
            % {"wrong": ", ".join(map(str, wrong)), "allowed": ", ".join(StandardServed.values)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each standard only once."))


def default_standards() -> list[str]:
    return [StandardServed.ISO9001.value, StandardServed.ISO14001.value]


class ContextRecord(VersionedModel):
    """What issues and interested parties share: a site (or none, for the whole organisation) and a review."""

    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    standards = models.JSONField(
        default=default_standards,
        validators=[validate_standards],
        help_text=_("Which standards this serves: iso9001, iso14001 or both."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def site_label(self) -> str:
        return self.site.name if self.site is not None else str(_("Organisation-wide"))

    @property
    def standards_label(self) -> str:
        labels = dict(StandardServed.choices)
        return ", ".join(str(labels.get(s, s)) for s in self.standards or [])


class Issue(ContextRecord):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. ISS-007."))
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=IssueCategory.choices)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices, default=Effect.NEGATIVE)
    related_processes = models.TextField(
        blank=True,
        help_text=_("Free text for now: the processes register does not exist yet, so processes cannot be linked."),
    )

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["site", "category"], name="context_issue_site_category")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class InterestedParty(ContextRecord):
    reference = models.CharField(max_length=20, unique=True, help_text=_("Stable key, e.g. IP-007."))
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartyKind.choices)
    needs = models.TextField(help_text=_("Their relevant needs and expectations."))
    compliance_obligation = models.BooleanField(
        default=False, help_text=_("The organisation adopts some of these needs as compliance obligations.")
    )
    customer_requirement = models.BooleanField(
        default=False, help_text=_("The organisation adopts some of these needs as customer requirements.")
    )
    monitoring = models.TextField(blank=True, help_text=_("How the party and its requirements are monitored."))

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "interested parties"
        indexes = [models.Index(fields=["site", "kind"], name="context_party_site_kind")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"
