"""The GHG inventory (GHG Protocol Corporate Standard, ISO 14064-1; evidence for ISO 14001 9.1.1).

An :class:`EmissionSource` says which monitoring series feeds the inventory,
in which scope, and with which factor for one reporting year — chosen once
and stored, so every figure can be traced to its factor. Scope 2 sources
carry two factors: the grid's (location-based) and the supplier's or
residual mix (market-based). :class:`ContractualInstrument` records the
certificates and contracts that give covered electricity its own factor.
:class:`MonthlyActivity` is the series' consumption per site-local calendar
month, kept up to date in the transaction that writes the readings.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel
from ims.factors.models import GwpSet


class Scope(models.TextChoices):
    SCOPE_1 = "1", _("Scope 1 — direct")
    SCOPE_2 = "2", _("Scope 2 — purchased energy")
    SCOPE_3 = "3", _("Scope 3 — value chain")


class Scope3Category(models.IntegerChoices):
    PURCHASED_GOODS = 1, _("1 Purchased goods and services")
    CAPITAL_GOODS = 2, _("2 Capital goods")
    FUEL_AND_ENERGY = 3, _("3 Fuel- and energy-related activities")
    UPSTREAM_TRANSPORT = 4, _("4 Upstream transportation and distribution")
    WASTE = 5, _("5 Waste generated in operations")
    BUSINESS_TRAVEL = 6, _("6 Business travel")
    COMMUTING = 7, _("7 Employee commuting")
    UPSTREAM_LEASED = 8, _("8 Upstream leased assets")
    DOWNSTREAM_TRANSPORT = 9, _("9 Downstream transportation and distribution")
    PROCESSING = 10, _("10 Processing of sold products")
    USE_OF_PRODUCTS = 11, _("11 Use of sold products")
    END_OF_LIFE = 12, _("12 End-of-life treatment of sold products")
    DOWNSTREAM_LEASED = 13, _("13 Downstream leased assets")
    FRANCHISES = 14, _("14 Franchises")
    INVESTMENTS = 15, _("15 Investments")


class InstrumentKind(models.TextChoices):
    REGO = "rego", _("REGO certificate (UK)")
    GO = "go", _("Guarantee of Origin (EU)")
    REC = "rec", _("Renewable Energy Certificate (US)")
    PPA = "ppa", _("Power purchase agreement")
    SUPPLIER = "supplier", _("Supplier-specific rate")


class InventorySettings(models.Model):
    """The organisation's one GWP set: every CO2e figure of the inventory uses it."""

    gwp_set = models.CharField(max_length=3, choices=GwpSet.choices, default=GwpSet.AR5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inventory settings"

    def __str__(self) -> str:
        return f"GHG inventory ({self.gwp_set})"


class EmissionSource(VersionedModel):
    """One series in the inventory for one reporting year, with the factor(s) chosen for it."""

    series = models.ForeignKey("monitoring.Series", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope3_category = models.PositiveSmallIntegerField(choices=Scope3Category.choices, null=True, blank=True)
    factor = models.ForeignKey(
        "factors.EmissionFactor",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Scope 2: the grid average (location-based)."),
    )
    market_factor = models.ForeignKey(
        "factors.EmissionFactor",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Scope 2 market-based: supplier or residual-mix factor for electricity no instrument covers."),
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["year", "scope", "series"]
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="ghg_source_series_year")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.year} scope {self.scope}"

    @property
    def audit_site_id(self) -> int:
        return int(self.series.site_id)


class ContractualInstrument(VersionedModel):
    """A certificate or contract claiming the emissions of some electricity (scope 2 market-based)."""

    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=InstrumentKind.choices)
    reference = models.CharField(max_length=100, help_text=_("Certificate or contract number."))
    period_from = models.DateField()
    period_to = models.DateField()
    mwh = models.DecimalField(max_digits=14, decimal_places=3, help_text=_("Electricity covered, MWh."))
    kg_co2e_per_kwh = models.DecimalField(
        max_digits=12, decimal_places=6, help_text=_("The instrument's emission factor; 0 for renewable.")
    )
    evidence = models.TextField(help_text=_("Where the certificate or contract is, and who checked it."))

    class Meta:
        ordering = ["site", "period_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class MonthlyActivity(models.Model):
    """A series' consumption in one site-local calendar month, in the series' unit."""

    series = models.ForeignKey("monitoring.Series", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text=_("First day of the month."))
    quantity = models.FloatField()
    readings = models.PositiveIntegerField()

    class Meta:
        ordering = ["series", "month"]
        constraints = [models.UniqueConstraint(fields=["series", "month"], name="ghg_activity_series_month")]
        indexes = [models.Index(fields=["month", "series"], name="ghg_activity_month")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.month:%Y-%m}: {self.quantity}"
