"""Forms of planned changes; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.changes.models import ChangeStatus
from ims.context.models import StandardServed
from ims.org.models import Site
from ims.processes.models import Process
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChangeFieldsForm(forms.Form):
    title = forms.CharField(label=_("Change"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    consequences = forms.CharField(
        label=_("Potential consequences considered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resources = forms.CharField(label=_("Resources needed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("Responsible"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    responsibilities = forms.CharField(
        label=_("Responsibilities"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    processes = forms.ModelMultipleChoiceField(
        label=_("Affected processes"),
        queryset=Process.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_date = forms.DateField(label=_("Planned completion"), required=False, widget=DATE)
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)

    def __init__(self, *args: Any, processes: QuerySet[Process], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        affected = self.fields["processes"]
        assert isinstance(affected, forms.ModelMultipleChoiceField)
        affected.queryset = processes


class ChangeCreateForm(ChangeFieldsForm):
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
            help_text=_("Leave blank for the next automatic number (CHG-001, CHG-002, …)."),
        )
        self.order_fields(["site", "reference"])


class ChangeEditForm(VersionedForm, ChangeFieldsForm):
    pass


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ChangeStatus.choices)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=2000)
