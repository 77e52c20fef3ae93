"""Forms of the aspects register; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.aspects.models import Condition, LifeCycleStage
from ims.org.models import Site
from ims.web.forms import VersionedForm


class AspectFieldsForm(forms.Form):
    activity = forms.CharField(label=_("Activity, product or service"), max_length=200)
    aspect = forms.CharField(
        label=_("Environmental aspect"), max_length=200, help_text=_("What interacts with the environment.")
    )
    impact = forms.CharField(
        label=_("Environmental impact"), max_length=300, help_text=_("The change to the environment it causes.")
    )
    condition = forms.ChoiceField(label=_("Operating condition"), choices=Condition.choices, initial=Condition.NORMAL)
    stage = forms.ChoiceField(
        label=_("Life-cycle stage"), choices=LifeCycleStage.choices, initial=LifeCycleStage.PRODUCTION
    )
    controls = forms.CharField(
        label=_("Operational controls"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Operational controls in place."),
    )
    no_action_reason = forms.CharField(
        label=_("Reason for no control or objective"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a significant aspect with no control or objective: why not."),
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


class AspectCreateForm(AspectFieldsForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), empty_label="—")
    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        required=False,
        help_text=_("Leave blank for the next automatic number (ASP-001, ASP-002, …)."),
    )
    field_order = ["site", "reference"]

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = sites


class AspectEditForm(VersionedForm, AspectFieldsForm):
    pass


class EvaluationForm(forms.Form):
    """One score per criterion of the significance method in force."""

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in criteria:
            help_text = _("From 1 to %(max)s; weight %(weight)s.") % {"max": c["max"], "weight": c["weight"]}
            if c.get("forces_significance_at") is not None:
                help_text += " " + _("A score of %(n)s or more makes the aspect significant on its own.") % {
                    "n": c["forces_significance_at"]
                }
            self.fields[c["key"]] = forms.IntegerField(
                label=c["label"], min_value=1, max_value=c["max"], help_text=help_text
            )
