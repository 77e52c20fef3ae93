"""Forms of the GHG inventory: emission sources and contractual instruments.

The services decide; these only shape the input. The factor lists offer the
factors a series can use — activity in a unit its own unit converts to, and a
CO2e basis that fits the inventory's GWP set — but any factor the person may
see is accepted, so the service's own refusal (naming the units or the GWP
set) is what appears on the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.factors.models import EmissionFactor
from ims.ghg.models import InstrumentKind, Scope, Scope3Category
from ims.monitoring.models import Series
from ims.org.models import Site
from ims.web.forms import VersionedForm

NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def factor_label(factor: EmissionFactor) -> str:
    origin = factor.source.key if factor.source is not None else str(_("own factor"))
    return f"{factor.external_id} — {factor.activity} ({factor.source_unit}) — {origin}, {factor.year}"


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class SeriesField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} — {obj.name} ({obj.site.name}, {obj.unit})"


class SourceFieldsForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    scope3_category = forms.TypedChoiceField(
        label=_("Scope 3 category"),
        choices=_blank(Scope3Category.choices),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Scope 3 sources only."),
    )
    factor = forms.ModelChoiceField(
        label=_("Emission factor"),
        queryset=EmissionFactor.objects.none(),
        help_text=_("Scope 2: the grid average (location-based)."),
    )
    market_factor = forms.ModelChoiceField(
        label=_("Market-based factor"),
        queryset=EmissionFactor.objects.none(),
        required=False,
        help_text=_("Scope 2 only: the supplier's or residual-mix factor for electricity no instrument covers."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        factors: QuerySet[EmissionFactor],
        offered: list[EmissionFactor] | None,
        **kwargs: Any,
    ) -> None:
        """``factors``: every factor accepted; ``offered``: those listed (None: no series chosen yet)."""
        super().__init__(*args, **kwargs)
        for name in ("factor", "market_factor"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = factors
            if offered is None:
                field.choices = [("", _("Choose the series first"))]
            else:
                field.choices = _blank([(f.pk, factor_label(f)) for f in offered])


class SourceCreateForm(SourceFieldsForm):
    def __init__(self, *args: Any, series: QuerySet[Series], refresh_url: str, **kwargs: Any) -> None:
        """``refresh_url``: where the form is fetched again to list the factors of another series."""
        super().__init__(*args, **kwargs)
        refresh = {
            "hx-get": refresh_url,
            "hx-trigger": "change",
            "hx-include": "closest form",
            "hx-params": "not csrfmiddlewaretoken",
            "hx-target": "#source-form",
            "hx-select": "#source-form",
            "hx-swap": "outerHTML",
        }
        self.fields["series"] = SeriesField(
            label=_("Monitoring series"),
            queryset=series,
            widget=forms.Select(attrs=refresh),
            help_text=_("The factor lists follow the series chosen."),
        )
        self.fields["year"] = forms.IntegerField(label=_("Reporting year"), min_value=1990, max_value=2100)
        self.order_fields(["series", "year"])


class SourceEditForm(VersionedForm, SourceFieldsForm):
    pass


class InstrumentFieldsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InstrumentKind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, help_text=_("Certificate or contract number."))
    period_from = forms.DateField(label=_("Period from"), widget=DATE)
    period_to = forms.DateField(label=_("Period to"), widget=DATE)
    mwh = forms.DecimalField(label=_("Electricity covered (MWh)"), max_digits=14, decimal_places=3, widget=NUMBER)
    kg_co2e_per_kwh = forms.DecimalField(
        label=_("Rate (kg CO2e per kWh)"),
        max_digits=12,
        decimal_places=6,
        widget=NUMBER,
        help_text=_("The instrument's emission factor; 0 for renewable."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the certificate or contract is, and who checked it."),
    )


class InstrumentCreateForm(InstrumentFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(label=_("Site"), queryset=sites)
        self.order_fields(["site"])


class InstrumentEditForm(VersionedForm, InstrumentFieldsForm):
    pass
