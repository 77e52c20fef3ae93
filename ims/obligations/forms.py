"""Forms of the obligations register; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.obligations.models import Kind, Result
from ims.org.models import Site
from ims.web.forms import VersionedForm

STANDARDS = [("iso14001", "ISO 14001"), ("iso9001", "ISO 9001")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObligationFieldsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.REGULATION)
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"), max_length=20, required=False, help_text=_("E.g. EU, FR, CZ.")
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    citation = forms.CharField(label=_("Citation or URL"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sites = forms.ModelMultipleChoiceField(
        label=_("Applies to sites"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_("Choose none for an obligation that applies to all sites."),
    )
    requirement = forms.CharField(
        label=_("What it requires"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Our own summary of what we must do."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    evaluation_frequency_months = forms.IntegerField(
        label=_("Evaluate every (months)"), min_value=1, max_value=60, initial=12
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=STANDARDS,
        required=False,
        initial=["iso14001"],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        site_field = self.fields["sites"]
        assert isinstance(site_field, forms.ModelMultipleChoiceField)
        site_field.queryset = sites


class ObligationCreateForm(ObligationFieldsForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        required=False,
        help_text=_("Leave blank for the next automatic number (OBL-001, OBL-002, …)."),
    )
    field_order = ["reference"]


class ObligationEditForm(VersionedForm, ObligationFieldsForm):
    pass


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE)
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was checked: measurements, registers, certificates, inspection reports."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the result is non-compliant. The nonconformity register does not exist yet: "
            "describe here what will be done, by whom and by when."
        ),
    )


class PermitForm(forms.Form):
    parameter = forms.CharField(label=_("Parameter"), max_length=200, help_text=_("E.g. COD in effluent."))
    limit_value = forms.DecimalField(label=_("Limit value"), max_digits=14, decimal_places=4)
    unit = forms.CharField(
        label=_("Unit"), max_length=50, help_text=_("E.g. mg/L, kg/day, dB; “dimensionless” for pH.")
    )
    averaging_period = forms.CharField(
        label=_("Averaging period"), max_length=100, required=False, help_text=_("E.g. 24-hour composite sample.")
    )
    expires_on = forms.DateField(label=_("Permit expires on"), required=False, widget=DATE)
