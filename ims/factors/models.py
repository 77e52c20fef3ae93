"""The emission factor library: published factor sets, users' own factors, GWP values.

A factor turns an activity (kWh of grid electricity, litres of diesel, tonnes
of waste to landfill) into greenhouse-gas emissions for the GHG inventory
(ISO 14001 6.1.2 and 9.1.1; ISO 14064-1). Every shipped factor keeps the
publisher's own identifier, hierarchy, unit text and figures exactly as
published, so each CO2e figure can be traced to its line in the official table.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel
from ims.factors.fields import ExactDecimalField


class GwpSet(models.TextChoices):
    AR4 = "AR4", _("IPCC AR4, 100-year")
    AR5 = "AR5", _("IPCC AR5, 100-year")
    AR6 = "AR6", _("IPCC AR6, 100-year")


class Scope(models.TextChoices):
    SCOPE_1 = "1", _("Scope 1")
    SCOPE_2 = "2", _("Scope 2")
    SCOPE_3 = "3", _("Scope 3")
    OUTSIDE = "outside", _("Outside of scopes")


class Category(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    NATURAL_GAS = "natural_gas", _("Natural gas")
    DIESEL = "diesel", _("Diesel")
    PETROL = "petrol", _("Petrol / gasoline")
    LPG = "lpg", _("LPG, propane, butane")
    FUEL_OIL = "fuel_oil", _("Fuel oil, gas oil, kerosene")
    REFRIGERANT = "refrigerant", _("Refrigerants and other gases")
    WATER_SUPPLY = "water_supply", _("Water supply")
    WATER_TREATMENT = "water_treatment", _("Water treatment")
    WASTE = "waste", _("Waste")
    BUSINESS_TRAVEL = "business_travel", _("Business travel")
    MATERIAL = "material", _("Materials")
    OTHER = "other", _("Other")


class GasBasis(models.TextChoices):
    """What the per-gas figures of a factor are."""

    CO2E = "co2e", _("CO2e of each gas (the publisher applied the GWPs)")
    MASS = "mass", _("Mass of each gas (CO2e computed with the inventory's GWP set)")


class MassUnit(models.TextChoices):
    KG = "kg", _("kg")
    G = "g", _("g")
    T = "t", _("metric ton")
    LB = "lb", _("lb")


class FactorSource(models.Model):
    """One edition of a published factor set, with its citation and licence."""

    key = models.SlugField(max_length=60, unique=True, help_text=_("Stable key, e.g. uk-desnz-2025."))
    publisher = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    edition = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    licence = models.CharField(max_length=200)
    licence_url = models.URLField(blank=True)
    attribution = models.TextField(help_text=_("The attribution statement the licence asks for."))
    url = models.URLField(blank=True, help_text=_("The publisher's page for this edition."))
    gwp_set = models.CharField(max_length=3, choices=GwpSet.choices, blank=True)
    source_file = models.CharField(max_length=300, help_text=_("The official file the figures were taken from."))
    sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of that file."))
    provenance = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    data_file = models.CharField(max_length=200, blank=True, help_text=_("IMS data file it was loaded from."))
    data_hash = models.CharField(max_length=64, blank=True, editable=False)
    shipped = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["publisher", "-year", "key"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title} ({self.edition})"

    @property
    def citation(self) -> str:
        return f"{self.publisher}, {self.title}, {self.edition}."


class EmissionFactor(VersionedModel):
    """Emissions per unit of activity, from a published set or entered by the organisation."""

    source = models.ForeignKey(
        FactorSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="factors",
        help_text=_("The published set; empty for the organisation's own factors."),
    )
    external_id = models.CharField(
        max_length=100, help_text=_("The publisher's identifier (e.g. DESNZ 7_400_4000_5_1) or our reference.")
    )
    year = models.PositiveSmallIntegerField(help_text=_("Reporting year the factor is for."))
    region = models.CharField(max_length=20, help_text=_("GB, US, an eGRID subregion such as CAMX, …"))
    scope = models.CharField(max_length=10, choices=Scope.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    activity = models.CharField(max_length=500, help_text=_("What is measured, from the publisher's hierarchy."))
    level_1 = models.CharField(max_length=200, blank=True)
    level_2 = models.CharField(max_length=200, blank=True)
    level_3 = models.CharField(max_length=200, blank=True)
    level_4 = models.CharField(max_length=200, blank=True)
    column_text = models.CharField(max_length=200, blank=True)
    activity_unit = models.CharField(max_length=40, help_text=_("The unit of activity, as pint writes it: kWh, litre."))
    source_unit = models.CharField(max_length=100, help_text=_("The unit as the publisher wrote it."))
    co2e = ExactDecimalField(null=True, blank=True, help_text=_("CO2e per unit of activity."))
    co2e_unit = models.CharField(max_length=2, choices=MassUnit.choices, default=MassUnit.KG)
    co2 = ExactDecimalField(null=True, blank=True)
    ch4 = ExactDecimalField(null=True, blank=True)
    n2o = ExactDecimalField(null=True, blank=True)
    gas_basis = models.CharField(max_length=4, choices=GasBasis.choices, default=GasBasis.CO2E)
    co2_unit = models.CharField(max_length=2, choices=MassUnit.choices, default=MassUnit.KG)
    ch4_unit = models.CharField(max_length=2, choices=MassUnit.choices, default=MassUnit.KG)
    n2o_unit = models.CharField(max_length=2, choices=MassUnit.choices, default=MassUnit.KG)
    gwp_set = models.CharField(
        max_length=3, choices=GwpSet.choices, blank=True, help_text=_("GWPs behind the CO2e figures.")
    )
    market_based = models.BooleanField(default=False, help_text=_("Supplier- or contract-specific (Scope 2)."))
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole organisation."),
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source_ref = models.CharField(
        max_length=300, blank=True, help_text=_("Where in the official table: sheet, row, cell.")
    )
    citation = models.CharField(max_length=500, blank=True, help_text=_("For own factors: where it comes from."))
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["category", "activity", "source_unit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(source__isnull=False),
                name="factor_source_id_unique",
                violation_error_message=_("This source already has a factor with this ID."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(source__isnull=True),
                name="factor_own_reference_unique",
                violation_error_message=_("An own factor with this reference already exists."),
            ),
        ]
        indexes = [models.Index(fields=["category", "region", "year"], name="factor_lookup")]

    def __str__(self) -> str:
        return f"{self.external_id} {self.activity} ({self.source_unit})"

    @property
    def shipped(self) -> bool:
        return self.source_id is not None

    @property
    def site_label(self) -> str:
        return self.site.name if self.site is not None else str(_("Organisation-wide"))

    @property
    def origin_label(self) -> str:
        return str(self.source.title if self.source is not None else _("Own factor"))

    @property
    def gases(self) -> dict[str, Decimal]:
        """The per-gas figures the source gives, in its units."""
        values = {"CO2": self.co2, "CH4": self.ch4, "N2O": self.n2o}
        return {gas: value for gas, value in values.items() if value is not None}

    def gas_unit(self, gas: str) -> str:
        return {"CO2": self.co2_unit, "CH4": self.ch4_unit, "N2O": self.n2o_unit}[gas]


class GwpValue(models.Model):
    """A 100-year global warming potential of one gas in one IPCC assessment."""

    gwp_set = models.CharField(max_length=3, choices=GwpSet.choices)
    gas = models.CharField(max_length=40, help_text=_("As the source names it: CH4, N2O, HFC134a, SF6."))
    value = ExactDecimalField()
    source = models.ForeignKey(FactorSource, on_delete=models.PROTECT, related_name="gwp_values")

    class Meta:
        ordering = ["gwp_set", "gas"]
        constraints = [models.UniqueConstraint(fields=["gwp_set", "gas"], name="gwp_set_gas_unique")]

    def __str__(self) -> str:
        return f"{self.gas} {self.gwp_set}: {self.value}"
