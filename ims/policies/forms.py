"""Forms of policies; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.org.models import Site
from ims.policies.models import CommunicationMethod, PolicyKind
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 16})


class PolicyFieldsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    review_date = forms.DateField(label=_("Next review"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class PolicyCreateForm(PolicyFieldsForm):
    text = forms.CharField(
        label=_("Policy text"),
        widget=TEXT,
        help_text=_("The first revision, saved as a draft for top management to approve."),
    )
    effective_from = forms.DateField(label=_("Proposed effective date"), required=False, widget=DATE)

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
            help_text=_("Leave blank for the next automatic number (POL-001, POL-002, …)."),
        )
        self.order_fields(["site", "reference", "kind", "title", "owner", "review_date", "text", "effective_from"])


class PolicyEditForm(VersionedForm, PolicyFieldsForm):
    pass


class DraftForm(VersionedForm):
    text = forms.CharField(label=_("Policy text"), widget=TEXT)
    change_summary = forms.CharField(
        label=_("Change summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed from the previous revision, and why."),
    )
    effective_from = forms.DateField(label=_("Proposed effective date"), required=False, widget=DATE)


class SignForm(VersionedForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign."),
    )


class ApproveForm(SignForm):
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    field_order = ["effective_from", "password", "version"]


class RejectForm(SignForm):
    reason = forms.CharField(label=_("Changes needed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    field_order = ["reason", "password", "version"]


class WithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CommunicationForm(forms.Form):
    communicated_on = forms.DateField(label=_("Communicated on"), widget=DATE)
    audience = forms.CharField(label=_("To whom"), max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=CommunicationMethod.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
