"""Forms of the processes register; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed
from ims.org.models import Site
from ims.processes.models import RELATED_HELP, Process, ProcessKind
from ims.web.forms import VersionedForm


def _text(label: Any, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


class ProcessFieldsForm(forms.Form):
    name = forms.CharField(label=_("Process"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProcessKind.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the process runs at all sites (needs a role for all sites)."),
    )
    purpose = _text(_("Purpose"))
    inputs = _text(_("Inputs"), 4, _("One per line."))
    outputs = _text(_("Outputs"), 4, _("One per line."))
    customers = _text(_("Customers (internal and external)"), 2)
    resources = _text(_("Resources"), 2)
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    related_records = _text(_("Related KPIs, risks, aspects and documents"), 3, RELATED_HELP)
    review_date = forms.DateField(
        label=_("Review date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        site_field = self.fields["sites"]
        assert isinstance(site_field, forms.ModelMultipleChoiceField)
        site_field.queryset = sites


class ProcessCreateForm(ProcessFieldsForm):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        required=False,
        help_text=_("Leave blank for the next automatic number (PRC-01, PRC-02, …)."),
    )
    field_order = ["reference"]


class ProcessEditForm(VersionedForm, ProcessFieldsForm):
    pass


class LinkForm(forms.Form):
    target = forms.ModelChoiceField(label=_("To process"), queryset=Process.objects.none(), empty_label="—")
    label = forms.CharField(
        label=_("What flows"),
        max_length=200,
        help_text=_("An output of this process that is an input of the other."),
    )

    def __init__(self, *args: Any, targets: QuerySet[Process], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = targets
