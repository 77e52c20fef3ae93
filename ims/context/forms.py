"""Forms of the issues and interested parties registers; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.context.models import Effect, IssueCategory, Origin, PartyKind, StandardServed
from ims.org.models import Site
from ims.web.forms import VersionedForm


class ContextFieldsForm(forms.Form):
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    review_date = forms.DateField(
        label=_("Review date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class IssueFieldsForm(ContextFieldsForm):
    title = forms.CharField(label=_("Issue"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), choices=IssueCategory.choices)
    origin = forms.ChoiceField(label=_("Internal or external"), choices=Origin.choices)
    effect = forms.ChoiceField(label=_("Effect"), choices=Effect.choices, initial=Effect.NEGATIVE)
    related_processes = forms.CharField(
        label=_("Related processes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Free text for now: the processes register does not exist yet, so processes cannot be linked."),
    )
    field_order = ["title", "description", "category", "origin", "effect", "related_processes", "standards"]


class PartyFieldsForm(ContextFieldsForm):
    name = forms.CharField(label=_("Interested party"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    needs = forms.CharField(
        label=_("Needs and expectations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Their needs and expectations relevant to the management system."),
    )
    compliance_obligation = forms.BooleanField(
        label=_("Adopted as compliance obligation"),
        required=False,
        help_text=_("Some of these needs are compliance obligations the organisation adopts (ISO 14001)."),
    )
    customer_requirement = forms.BooleanField(
        label=_("Adopted as customer requirement"),
        required=False,
        help_text=_("Some of these needs are customer requirements the organisation adopts (ISO 9001)."),
    )
    monitoring = forms.CharField(
        label=_("How they are monitored"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the party and its requirements are monitored and reviewed."),
    )
    field_order = [
        "name",
        "kind",
        "needs",
        "compliance_obligation",
        "customer_requirement",
        "monitoring",
        "standards",
    ]


class _CreateMixin(forms.Form):
    def _setup_site(self, sites: QuerySet[Site], allow_org_wide: bool, prefix: str) -> None:
        self.fields["site"] = forms.ModelChoiceField(
            label=_("Site"),
            queryset=sites,
            required=not allow_org_wide,
            empty_label=str(_("Organisation-wide (all sites)")) if allow_org_wide else "—",
            help_text=_("Leave organisation-wide for an issue of the whole organisation.")
            if allow_org_wide
            else _("Only someone with a role for all sites may record organisation-wide entries."),
        )
        self.fields["reference"] = forms.CharField(
            label=_("Reference"),
            max_length=20,
            required=False,
            help_text=_("Leave blank for the next automatic number (%(prefix)s001, %(prefix)s002, …).")
            % {"prefix": prefix},
        )
        self.order_fields(["site", "reference"])


class IssueCreateForm(_CreateMixin, IssueFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], allow_org_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_site(sites, allow_org_wide, "ISS-")


class IssueEditForm(VersionedForm, IssueFieldsForm):
    pass


class PartyCreateForm(_CreateMixin, PartyFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], allow_org_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_site(sites, allow_org_wide, "IP-")


class PartyEditForm(VersionedForm, PartyFieldsForm):
    pass
