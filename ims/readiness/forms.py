from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.accounts.models import User
from ims.readiness import evidence
from ims.readiness.models import Assessment


class AssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Assessment.Status.choices)
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, owners: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners


class ApplicabilityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    applicable = forms.TypedChoiceField(
        label=_("Applicability"),
        choices=[("yes", _("Applicable")), ("no", _("Not applicable"))],
        coerce=lambda v: v == "yes",
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the requirement cannot be applied; it is stated in the scope."),
    )


class EvidenceForm(forms.Form):
    record_type = forms.ChoiceField(
        label=_("Kind of record"), choices=[(k, t.label) for k, t in sorted(evidence.TYPES.items())]
    )
    record_id = forms.CharField(label=_("Record id"), max_length=64)
