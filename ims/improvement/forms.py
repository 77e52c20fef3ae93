"""Forms of the improvement register; the services decide, these only shape the input."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ims.context.models import StandardServed
from ims.improvement.models import (
    PLAIN_WORDS,
    ActionKind,
    Branch,
    CheckResult,
    Disposition,
    EventType,
)
from ims.improvement.selectors import cause_categories, severities
from ims.org.models import Site
from ims.processes.models import Process
from ims.standards.models import Clause
from ims.web.forms import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def people_at(site: Site) -> QuerySet[Any]:
    """Active people who can see records of ``site``: owners of events and actions are chosen among them."""
    users = get_user_model().objects.filter(is_active=True)
    reach = Q(memberships__site=site) | Q(memberships__site__isnull=True) | Q(is_superuser=True)
    return users.filter(reach).distinct().order_by("first_name", "last_name", "username")


def local_naive(moment: dt.datetime, site: Site | None) -> dt.datetime:
    zone = ZoneInfo(site.time_zone) if site is not None else timezone.get_current_timezone()
    return timezone.localtime(moment, zone).replace(tzinfo=None, second=0, microsecond=0)


def aware_at(value: dt.datetime, site: Site) -> dt.datetime:
    """A time read from a datetime-local field, in the site's own time zone."""
    naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
    return timezone.make_aware(naive, ZoneInfo(site.time_zone))


class ReportForm(forms.Form):
    """The short report any employee fills in on a phone: what, where, when, a photo."""

    type = forms.ChoiceField(label=_("What kind of problem or idea?"), choices=())
    description = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("What you saw, how much, what you already did."),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), empty_label=None)
    location = forms.CharField(
        label=_("Where?"), max_length=200, required=False, help_text=_("Line, machine, area, gate …")
    )
    occurred_at = forms.DateTimeField(label=_("When?"), widget=WHEN, input_formats=WHEN_FORMATS)
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "—"), *[(code, PLAIN_WORDS[code]) for code in EventType.values]]
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = sites


class ClauseField(forms.MultipleChoiceField):
    """Clauses of the standards library, grouped by edition; cleans to Clause objects."""

    widget = forms.SelectMultiple(attrs={"size": 8})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)

    def load(self) -> None:
        clauses = (
            Clause.objects.filter(withdrawn=False, requirements=True)
            .select_related("edition__standard")
            .order_by("edition__standard__code", "edition__code", "sort_key")
        )
        self.choices = [
            (edition.label, [(str(c.pk), f"{c.number} {c.title}") for c in group])
            for edition, group in groupby(clauses, key=lambda c: c.edition)
        ]

    def clean(self, value: Any) -> list[Clause]:
        picked = super().clean(value)
        return list(Clause.objects.filter(pk__in=[int(v) for v in picked]).select_related("edition__standard"))


def _severity_field(required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Severity"), queryset=severities(), required=required, empty_label="—", to_field_name="code"
    )


class EventEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=EventType.choices)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = forms.DateTimeField(label=_("When it happened"), widget=WHEN, input_formats=WHEN_FORMATS)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    process = forms.ModelChoiceField(label=_("Process"), queryset=Process.objects.none(), required=False)
    standards = forms.MultipleChoiceField(
        label=_("Standards affected"), choices=StandardServed.choices, widget=forms.CheckboxSelectMultiple
    )
    clauses = ClauseField(label=_("Clauses affected"), required=False)
    source_type = forms.ChoiceField(label=_("Comes from (kind of record)"), choices=(), required=False)
    source_id = forms.CharField(label=_("Comes from (record id)"), max_length=64, required=False)

    def __init__(self, *args: Any, processes: QuerySet[Process], source_types: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["severity"] = _severity_field(required=False)
        process = self.fields["process"]
        assert isinstance(process, forms.ModelChoiceField)
        process.queryset = processes
        source = self.fields["source_type"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [("", "—"), *source_types]
        clauses = self.fields["clauses"]
        assert isinstance(clauses, ClauseField)
        clauses.load()
        self.order_fields(["version", "title", "type", "description", "occurred_at", "location", "process", "severity"])


class TriageForm(VersionedForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), empty_label="—")
    type = forms.ChoiceField(label=_("Type"), choices=EventType.choices)
    process = forms.ModelChoiceField(label=_("Process"), queryset=Process.objects.none(), required=False)
    due = forms.DateField(
        label=_("Next step due"), required=False, widget=DATE, help_text=_("Empty: from the severity's time per step.")
    )

    def __init__(self, *args: Any, people: QuerySet[Any], processes: QuerySet[Process], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"] = _severity_field(required=True)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people
        process = self.fields["process"]
        assert isinstance(process, forms.ModelChoiceField)
        process.queryset = processes
        self.order_fields(["version", "owner", "severity", "type", "process", "due"])


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=30)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=2000)
    duplicate_of = forms.CharField(required=False, max_length=20)
    due = forms.DateField(required=False)


class StepForm(VersionedForm):
    due = forms.DateField(label=_("Due"), required=False, widget=DATE)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people


class ContainmentForm(forms.Form):
    description = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    quantity = forms.DecimalField(label=_("Quantity affected"), required=False, max_digits=14, decimal_places=3)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=30, help_text=_("pcs, kg, L, m …"))
    mass_kg = forms.DecimalField(
        label=_("Mass affected (kg)"),
        required=False,
        max_digits=14,
        decimal_places=3,
        help_text=_("Filled in from the quantity when its unit is a mass."),
    )
    disposition = forms.ChoiceField(label=_("Disposition"), required=False, choices=[("", "—"), *Disposition.choices])
    concession = forms.CharField(
        label=_("Concession"), required=False, max_length=200, help_text=_("For use as is: who granted it, reference.")
    )


class RootCauseForm(VersionedForm):
    root_cause = forms.CharField(
        label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cause_category"] = forms.ModelChoiceField(
            label=_("Cause category"),
            queryset=cause_categories(),
            required=False,
            empty_label="—",
            to_field_name="code",
        )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices, initial=ActionKind.CORRECTIVE)
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), empty_label="—")
    due = forms.DateField(label=_("Due"), widget=DATE)
    criterion = forms.CharField(
        label=_("Effectiveness criterion"),
        max_length=300,
        help_text=_("How you will know it worked, e.g. “no recurrence in 90 days”."),
    )
    check_after_days = forms.IntegerField(
        label=_("Check effectiveness after (days)"), min_value=0, max_value=730, initial=90
    )
    follow_up_of = forms.ChoiceField(label=_("Follow-up of"), required=False, choices=())
    link_type = forms.ChoiceField(label=_("Changes (kind of record)"), required=False, choices=())
    link_id = forms.CharField(label=_("Changes (record id)"), required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Any],
        ineffective: list[tuple[str, str]],
        link_types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people
        follow = self.fields["follow_up_of"]
        assert isinstance(follow, forms.ChoiceField)
        follow.choices = [("", "—"), *ineffective]
        if not ineffective:
            del self.fields["follow_up_of"]
        link = self.fields["link_type"]
        assert isinstance(link, forms.ChoiceField)
        link.choices = [("", "—"), *link_types]


class CompleteForm(VersionedForm):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
    note = forms.CharField(label=_("What was done"), required=False, max_length=2000)


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CheckForm(VersionedForm):
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class LinkForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Kind of record"), choices=())
    record_id = forms.CharField(label=_("Record id"), max_length=64)

    def __init__(self, *args: Any, link_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = link_types


class CloseForm(VersionedForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign the closure."),
    )


def parse_rows(data: Any, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a repeating editor (``prefix-0-why``, ``prefix-0-because`` …), in order, at most 100."""
    rows = []
    for i in range(100):
        keys = [f"{prefix}-{i}-{name}" for name in names]
        if not any(k in data for k in keys):
            break
        rows.append({name: str(data.get(key, "")) for name, key in zip(names, keys, strict=True)})
    return rows


BRANCHES = Branch.choices
