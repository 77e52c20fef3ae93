"""Forms of roles and responsibilities; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed
from ims.org.models import Site
from ims.processes.models import Process
from ims.responsibilities.models import Duty
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResponsibilityFieldsForm(forms.Form):
    title = forms.CharField(label=_("Role"), max_length=200)
    responsibilities = forms.CharField(
        label=_("Responsibilities"),
        help_text=_("What the role answers for."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    authorities = forms.CharField(
        label=_("Authorities"),
        help_text=_("What the role may decide, stop or approve."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    holders = forms.ModelMultipleChoiceField(
        label=_("Held by"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deputy = forms.ModelChoiceField(
        label=_("Deputy"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    top_management = forms.BooleanField(
        label=_("Part of top management"),
        help_text=_("Directs and controls the organisation at the highest level and approves its policies."),
        required=False,
    )
    duties = forms.MultipleChoiceField(
        label=_("Duties assigned (5.3)"),
        choices=Duty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes"),
        queryset=Process.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)

    def __init__(self, *args: Any, processes: QuerySet[Process], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        for name in ("holders", "deputy"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        linked = self.fields["processes"]
        assert isinstance(linked, forms.ModelMultipleChoiceField)
        linked.queryset = processes


class ResponsibilityCreateForm(ResponsibilityFieldsForm):
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
            help_text=_("Leave blank for the next automatic number (RES-001, RES-002, …)."),
        )
        self.order_fields(["site", "reference"])


class ResponsibilityEditForm(VersionedForm, ResponsibilityFieldsForm):
    pass
