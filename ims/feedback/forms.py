"""Forms of the customer feedback pages; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.feedback.models import Customer, SurveyQuestion
from ims.org.models import Site
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})
QUESTION_ROWS = 8


class CustomerForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("As in the ERP or CRM, e.g. AGRITECH."))
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites serving this customer"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole organisation."),
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sites"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = sites
        if editing:
            del self.fields["code"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ComplaintForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    site = forms.ModelChoiceField(
        label=_("Site handling it"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_("Empty: the customer's site."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("What the customer says"), widget=TEXT)
    order_ref = forms.CharField(label=_("Order or delivery"), max_length=100, required=False)
    product_ref = forms.CharField(label=_("Product or part"), max_length=100, required=False)
    response_due = forms.DateField(
        label=_("Response due"), widget=DATE, required=False, help_text=_("Empty: the usual response time.")
    )

    def __init__(self, *args: Any, customers: QuerySet[Customer], sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer = self.fields["customer"]
        assert isinstance(customer, forms.ModelChoiceField)
        customer.queryset = customers
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = sites


class ComplaintEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What the customer says"), widget=TEXT)
    order_ref = forms.CharField(label=_("Order or delivery"), max_length=100, required=False)
    product_ref = forms.CharField(label=_("Product or part"), max_length=100, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    response_due = forms.DateField(label=_("Response due"), widget=DATE)


class RespondForm(VersionedForm):
    response = forms.CharField(label=_("What was answered"), widget=TEXT)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE, required=False, help_text=_("Empty: today."))


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, help_text=_("Empty: the whole organisation.")
    )
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = sites


class ResponseForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE)
    respondent = forms.CharField(label=_("Respondent"), max_length=200, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self, *args: Any, customers: QuerySet[Customer], questions: list[SurveyQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        customer = self.fields["customer"]
        assert isinstance(customer, forms.ModelChoiceField)
        customer.queryset = customers
        for q in questions:
            self.fields[f"q_{q.code}"] = forms.CharField(
                label=f"{q.text} ({q.scale})",
                required=False,
                widget=forms.NumberInput(attrs={"min": q.scale_min, "max": q.scale_max, "step": 1}),
            )

    def scores(self) -> dict[str, Any]:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_") and value}


class ComplimentForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    description = forms.CharField(label=_("What the customer liked"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, customers: QuerySet[Customer], sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (("customer", customers), ("site", sites)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class VolumeForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    units = forms.IntegerField(label=_("Units shipped"), min_value=0)

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sites


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
