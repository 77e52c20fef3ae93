"""Forms of the objectives register; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed
from ims.objectives.models import Direction
from ims.org.models import Site
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectiveFieldsForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=200)
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    baseline_value = forms.DecimalField(label=_("Baseline value"), max_digits=14, decimal_places=4)
    baseline_date = forms.DateField(label=_("Baseline date"), widget=DATE)
    target_value = forms.DecimalField(label=_("Target value"), max_digits=14, decimal_places=4)
    unit = forms.CharField(label=_("Unit"), max_length=50, help_text=_("Any unit such as %, kWh, t, L or count."))
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    plan_what = forms.CharField(label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}))
    plan_resources = forms.CharField(
        label=_("Resources required"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evaluation = forms.CharField(
        label=_("How the results will be evaluated"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Progress is entered by hand for now; when the monitoring register lands, it will come from a KPI."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = forms.ModelChoiceField(
            label=_("Responsible"),
            queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
            required=False,
            empty_label="—",
        )


class ObjectiveCreateForm(ObjectiveFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], allow_org_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(
            label=_("Site"),
            queryset=sites,
            required=not allow_org_wide,
            empty_label=str(_("Organisation-wide (all sites)")) if allow_org_wide else "—",
        )
        self.fields["reference"] = forms.CharField(
            label=_("Reference"),
            max_length=20,
            required=False,
            help_text=_("Leave blank for the next automatic number (OBJ-001, OBJ-002, …)."),
        )
        self.order_fields(["site", "reference"])


class ObjectiveEditForm(VersionedForm, ObjectiveFieldsForm):
    pass


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(
        label=_("Measured value"),
        max_digits=14,
        decimal_places=4,
        help_text=_("Entered by hand for now; when the monitoring register lands, it will come from a KPI."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
