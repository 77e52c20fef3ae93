"""Forms of the risks register; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed
from ims.org.models import Site
from ims.risks.models import Kind, SourceKind
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _owner_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label="—",
    )


class RiskFieldsForm(forms.Form):
    title = forms.CharField(label=_("Risk or opportunity"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    source_kind = forms.ChoiceField(label=_("Arises from"), choices=SourceKind.choices, initial=SourceKind.OTHER)
    source_record_type = forms.CharField(
        label=_("Source record type"),
        max_length=60,
        required=False,
        help_text=_("Optional: the record it comes from, e.g. context.issue, aspects.aspect."),
    )
    source_record_id = forms.CharField(label=_("Source record id"), max_length=40, required=False)
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    likelihood = forms.IntegerField(label=_("Likelihood (before treatment)"), min_value=1)
    consequence = forms.IntegerField(label=_("Consequence (before treatment)"), min_value=1)
    residual_likelihood = forms.IntegerField(
        label=_("Residual likelihood"), min_value=1, required=False, help_text=_("After the treatment actions.")
    )
    residual_consequence = forms.IntegerField(label=_("Residual consequence"), min_value=1, required=False)
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field()


class RiskCreateForm(RiskFieldsForm):
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
            help_text=_("Leave blank for the next automatic number (RSK-001, RSK-002, …)."),
        )
        self.order_fields(["site", "reference"])


class RiskEditForm(VersionedForm, RiskFieldsForm):
    pass


class TreatmentForm(forms.Form):
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field()
