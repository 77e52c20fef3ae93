"""Forms of control charts; the services decide, these only shape the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.kpis.models import ChartKind, Subgrouping, default_rules
from ims.monitoring.models import Series
from ims.spc.rules import Rule
from ims.web.forms import VersionedForm

NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})


class SiteDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a time zone: the service reads it as the site's local time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "60"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None


class ChartFieldsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=Series.objects.none(),
        help_text=_("Measurements (I-MR, X̄), or the counts of an attribute chart: defects, scrapped parts."),
    )
    kind = forms.ChoiceField(label=_("Kind of chart"), choices=ChartKind.choices, initial=ChartKind.INDIVIDUALS)
    size_series = forms.ModelChoiceField(
        label=_("Size series"),
        queryset=Series.objects.none(),
        required=False,
        empty_label=_("None (I-MR, X̄ and c charts)"),
        help_text=_("p, np and u charts: the sample size of each period, e.g. parts produced or units inspected."),
    )
    subgrouping = forms.ChoiceField(
        label=_("Subgroups"),
        choices=Subgrouping.choices,
        required=False,
        help_text=_("Attribute charts: one point per day or per week, in the site's time zone."),
    )
    subgroup_size = forms.IntegerField(
        label=_("Subgroup size"),
        required=False,
        min_value=2,
        max_value=25,
        help_text=_("Only for consecutive readings of a fixed size."),
    )
    baseline_from = SiteDateTimeField(label=_("Baseline from"), help_text=_("Local time of the series' site."))
    baseline_to = SiteDateTimeField(
        label=_("Baseline to"), help_text=_("The limits are computed from the points of this window.")
    )
    rules = forms.MultipleChoiceField(
        label=_("Run rules"),
        choices=[(rule.value, rule.summary) for rule in Rule],
        widget=forms.CheckboxSelectMultiple,
        initial=default_rules,
        error_messages={"required": _("Switch on at least one run rule, or the chart can never signal.")},
    )
    lsl = forms.FloatField(
        label=_("Lower specification limit"),
        required=False,
        widget=NUMBER,
        help_text=_("Measurements only: capability is not computed for attribute charts."),
    )
    usl = forms.FloatField(label=_("Upper specification limit"), required=False, widget=NUMBER)

    def __init__(self, *args: Any, series: QuerySet[Series], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("series", "size_series"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = series

    def clean_subgroup_size(self) -> int | None:
        value: int | None = self.cleaned_data.get("subgroup_size")
        if self.cleaned_data.get("subgrouping") != Subgrouping.SIZE:
            return None  # a size typed for another kind of subgroup means nothing
        return value


class ChartCreateForm(ChartFieldsForm):
    reference = forms.CharField(label=_("Reference"), max_length=40, help_text=_("Stable key such as N-SCRAP-P."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["reference", "name"])


class ChartEditForm(VersionedForm, ChartFieldsForm):
    pass
