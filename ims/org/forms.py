from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ims.web.forms import VersionedForm


class SiteForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20, help_text=_("Short code, e.g. LYN."))
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *list(countries)])
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, help_text=_("IANA name, e.g. Europe/Berlin."))
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SiteEditForm(VersionedForm, SiteForm):
    pass


class OrganisationForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What the organisation does"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScopeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    in_scope = forms.BooleanField(label=_("In scope of the management system"), required=False)
    statement = forms.CharField(
        label=_("Scope statement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Products, services, activities and locations covered."),
    )
    boundaries = forms.CharField(
        label=_("Boundaries and exclusions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sites = forms.MultipleChoiceField(label=_("Sites covered"), required=False, widget=forms.CheckboxSelectMultiple)

    def set_edition_choices(self, choices: list[tuple[str, str]]) -> None:
        self.fields["edition"] = forms.ChoiceField(
            label=_("Edition applied"),
            choices=[("", "—"), *choices],
            required=False,
            help_text=_("The edition you are certified to, or transitioning to."),
        )

    def set_site_choices(self, choices: list[tuple[str, str]]) -> None:
        field = self.fields["sites"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
