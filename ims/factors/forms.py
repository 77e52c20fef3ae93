"""Forms of own emission factors; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.factors.models import Category, GwpSet, Scope
from ims.org.models import Site
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIGURE = forms.TextInput(attrs={"inputmode": "decimal"})


class FactorFieldsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    region = forms.CharField(label=_("Region"), max_length=20, help_text=_("GB, US, an eGRID subregion, a country."))
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    activity = forms.CharField(label=_("Activity"), max_length=500)
    activity_unit = forms.CharField(
        label=_("Unit of activity"), max_length=40, help_text=_("kWh, litre, m^3, tonne, km, passenger_km …")
    )
    source_unit = forms.CharField(
        label=_("Unit as the supplier writes it"), max_length=100, required=False, help_text=_("Default: the unit.")
    )
    co2e = forms.DecimalField(label=_("kg CO2e per unit"), widget=FIGURE)
    co2 = forms.DecimalField(label=_("of which CO2 (kg CO2e)"), required=False, widget=FIGURE)
    ch4 = forms.DecimalField(label=_("of which CH4 (kg CO2e)"), required=False, widget=FIGURE)
    n2o = forms.DecimalField(label=_("of which N2O (kg CO2e)"), required=False, widget=FIGURE)
    gwp_set = forms.ChoiceField(label=_("GWP set of the CO2e figures"), choices=GwpSet.choices, initial=GwpSet.AR5)
    market_based = forms.BooleanField(label=_("Market-based (supplier- or contract-specific)"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    citation = forms.CharField(
        label=_("Citation"), max_length=500, required=False, help_text=_("Supplier, contract, measurement report.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FactorCreateForm(FactorFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], allow_org_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(
            label=_("Site"),
            queryset=sites,
            required=not allow_org_wide,
            empty_label=str(_("Organisation-wide (all sites)")) if allow_org_wide else "—",
        )
        self.fields["external_id"] = forms.CharField(
            label=_("Reference"),
            max_length=100,
            required=False,
            help_text=_("Leave blank for the next automatic number (EF-001, EF-002, …)."),
        )
        self.order_fields(["site", "external_id"])


class FactorEditForm(VersionedForm, FactorFieldsForm):
    pass


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
