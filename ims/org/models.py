"""Organisation, sites and scope statements."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ims.core.models import VersionedModel


class Standard(models.TextChoices):
    """Management-system standards the organisation can put in scope."""

    ISO_9001 = "iso9001", "ISO 9001"
    ISO_14001 = "iso14001", "ISO 14001"


class Organisation(VersionedModel):
    """The one organisation of this installation."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text=_("What the organisation does."))

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="organisation_singleton")]

    def __str__(self) -> str:
        return self.name


class Site(VersionedModel):
    """A location of the organisation. Records of a site are visible to its members only."""

    code = models.SlugField(max_length=20, unique=True, help_text=_("Short code, e.g. LYN."))
    name = models.CharField(max_length=200, unique=True)
    country = CountryField()
    time_zone = models.CharField(max_length=64, help_text=_("IANA name, e.g. Europe/Berlin."))
    address = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_site_id(self) -> int:
        return int(self.pk)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ScopeStatement(VersionedModel):
    """Scope of the management system for one standard (4.3 of both standards)."""

    standard = models.CharField(max_length=20, choices=Standard.choices, unique=True)
    in_scope = models.BooleanField(default=True)
    statement = models.TextField(help_text=_("Products, services, activities and locations the system covers."))
    boundaries = models.TextField(
        blank=True, help_text=_("Physical and organisational boundaries; what is left out and why.")
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="scope_statements")
    edition = models.ForeignKey(
        "standards.Edition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The edition the organisation applies (and is certified or transitioning to)."),
    )

    class Meta:
        ordering = ["standard"]

    def __str__(self) -> str:
        return f"Scope — {self.get_standard_display()}"
