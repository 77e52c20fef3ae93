"""Forms of the KPIs app; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ims.kpis.models import DegreeDays, Direction, Granularity, Period
from ims.kpis.templates import KpiTemplate
from ims.monitoring.models import Series
from ims.org.models import Site
from ims.web.forms import VersionedForm


class TemplateKpiForm(forms.Form):
    """Create a KPI from a shipped template: the series for each role, the target and threshold."""

    reference = forms.CharField(max_length=40)
    name = forms.CharField(max_length=200)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, empty_label=_("Organisation-wide"))
    period = forms.ChoiceField(choices=Period.choices, initial=Period.MONTH)
    target = forms.FloatField()
    at_risk = forms.FloatField(label=_("At-risk threshold"))

    def __init__(self, *args: Any, template: KpiTemplate, sites: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["name"].initial = template.name
        for role in template.roles:
            self.fields[f"role_{role.key}"] = forms.ModelMultipleChoiceField(
                queryset=series.filter(category__in=role.categories, archived_at__isnull=True),
                label=role.label,
                help_text=_("Several series are added up."),
            )

    def fill(self) -> dict[str, list[Series]]:
        return {role.key: list(self.cleaned_data[f"role_{role.key}"]) for role in self.template.roles}


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # ModelMultipleChoiceField is one too
    field.queryset = queryset


# -- measuring equipment (9001 7.1.5) ----------------------------------------------------------------


class EquipmentFieldsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    series = forms.ModelMultipleChoiceField(
        label=_("Series measured"),
        queryset=Series.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Monitoring series whose readings come from this equipment."),
    )
    interval_months = forms.IntegerField(
        label=_("Calibration interval (months)"), min_value=1, max_value=240, initial=12
    )
    last_calibrated_on = forms.DateField(label=_("Last calibrated on"), required=False, widget=DATE)
    next_due_on = forms.DateField(
        label=_("Next calibration due"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to count one interval from the last calibration."),
    )
    certificate = forms.CharField(
        label=_("Certificate"), max_length=200, required=False, help_text=_("Certificate number or note.")
    )

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "series", series)


class EquipmentCreateForm(EquipmentFieldsForm):
    reference = forms.CharField(label=_("Reference"), max_length=40, help_text=_("Stable key, e.g. LYO-EQ-BG07."))
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), empty_label="—")
    field_order = ["reference", "name", "site"]

    def __init__(self, *args: Any, sites: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, series=series, **kwargs)
        _set_queryset(self, "site", sites)


class EquipmentEditForm(EquipmentFieldsForm, VersionedForm):
    pass


class CalibrationForm(VersionedForm):
    on = forms.DateField(label=_("Calibrated on"), widget=DATE)
    certificate = forms.CharField(
        label=_("Certificate"),
        max_length=200,
        required=False,
        help_text=_("Certificate number or note; empty keeps the previous one."),
    )


# -- energy baselines (ISO 50001 6.5) ------------------------------------------------------------------


class BaselineForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=40, help_text=_("Stable key, e.g. LYO-ENB-HALL."))
    name = forms.CharField(label=_("Name"), max_length=200)
    energy = forms.ModelChoiceField(label=_("Energy series"), queryset=Series.objects.none(), empty_label="—")
    production = forms.ModelChoiceField(
        label=_("Production series"), queryset=Series.objects.none(), required=False, empty_label="—"
    )
    temperature = forms.ModelChoiceField(
        label=_("Outdoor temperature series"),
        queryset=Series.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Its daily means give the degree days."),
    )
    degree_days = forms.ChoiceField(label=_("Degree days"), choices=DegreeDays.choices, initial=DegreeDays.HEATING)
    degree_day_base = forms.FloatField(
        label=_("Degree-day base (°C)"), initial=15.5, help_text=_("Balance temperature of the building.")
    )
    granularity = forms.ChoiceField(label=_("Periods"), choices=Granularity.choices, initial=Granularity.WEEK)
    baseline_from = forms.DateField(label=_("Baseline period from"), widget=DATE)
    baseline_to = forms.DateField(label=_("Baseline period to"), widget=DATE, help_text=_("The first day after it."))
    reporting_from = forms.DateField(label=_("Reporting period from"), widget=DATE)
    reporting_to = forms.DateField(label=_("Reporting period to"), widget=DATE, help_text=_("The first day after it."))

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("energy", "production", "temperature"):
            _set_queryset(self, name, series)


# -- KPIs --------------------------------------------------------------------------------------------


class KpiEditForm(VersionedForm):
    """What may change on a KPI once it has values; its formula stays as created."""

    name = forms.CharField(label=_("Name"), max_length=200)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    target = forms.FloatField(label=_("Target"))
    at_risk = forms.FloatField(
        label=_("At-risk threshold"), help_text=_("Beyond it, on the far side of the target, the KPI is off track.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("Shown with the values, e.g. %, kWh/part."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class KpiLinkForm(forms.Form):
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectives it measures"),
        queryset=Series.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes it belongs to"),
        queryset=Series.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )

    def __init__(self, *args: Any, objectives: Any, processes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "objectives", objectives)
        _set_queryset(self, "processes", processes)


# -- monitoring of significant environmental aspects (14001 9.1.1) ----------------------------------------


class AspectMonitorForm(forms.Form):
    aspect = forms.ModelChoiceField(label=_("Significant aspect"), queryset=Series.objects.none(), empty_label="—")
    series = forms.ModelChoiceField(
        label=_("Monitored by series"), queryset=Series.objects.none(), required=False, empty_label="—"
    )
    kpi = forms.ModelChoiceField(label=_("or by KPI"), queryset=Series.objects.none(), required=False, empty_label="—")

    def __init__(self, *args: Any, aspects: Any, series: Any, kpis: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "aspect", aspects)
        _set_queryset(self, "series", series)
        _set_queryset(self, "kpi", kpis)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("series")) == bool(data.get("kpi")):
            self.add_error("series", _("Choose a series or a KPI, one of the two."))
        return data
