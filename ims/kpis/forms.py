from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ims.kpis.models import Period
from ims.kpis.templates import KpiTemplate
from ims.monitoring.models import Series
from ims.org.models import Site


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
