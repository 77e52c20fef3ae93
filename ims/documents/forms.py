"""Forms of document control; the services decide, these only shape the input."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ims.accounts.roles import Role
from ims.context.models import StandardServed
from ims.documents.files import ALLOWED_EXTENSIONS
from ims.documents.models import ApprovalMode, Confidentiality, DocType, StepRole
from ims.org.models import Site
from ims.processes.models import Process
from ims.signatures.models import Meaning
from ims.standards.models import Clause
from ims.web.forms import VersionedForm

MARKDOWN = forms.Textarea(attrs={"rows": 18, "spellcheck": "true"})
FILE_HELP = format_lazy(
    _("Accepted: {types}. The type is checked from the content, not only the name."),
    types=", ".join(ALLOWED_EXTENSIONS),
)


def active_people() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ClauseChoiceField(forms.MultipleChoiceField):
    """Clauses of every edition in the standards library, grouped by edition; cleans to Clause objects."""

    widget = forms.SelectMultiple(attrs={"size": 12})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)

    def load(self) -> None:
        clauses = (
            Clause.objects.filter(withdrawn=False)
            .select_related("edition__standard")
            .order_by("edition__standard__code", "edition__code", "sort_key")
        )
        self.choices = [
            (edition.label, [(str(c.pk), f"{c.number} {c.title}") for c in group])
            for edition, group in groupby(clauses, key=lambda c: c.edition)
        ]

    def clean(self, value: Any) -> list[Clause]:
        picked = super().clean(value)
        return list(Clause.objects.filter(pk__in=[int(v) for v in picked]).order_by("edition_id", "sort_key"))


class DocumentFieldsForm(forms.Form):
    """The register entry: what the document is, who owns it, where it applies and what it serves."""

    title = forms.CharField(label=_("Title"), max_length=300)
    area = forms.CharField(
        label=_("Area"), max_length=10, initial="IMS", help_text=_("Short area code used in the number, e.g. ENV.")
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the document applies at all sites."),
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards served"),
        choices=StandardServed.choices,
        initial=StandardServed.values,
        widget=forms.CheckboxSelectMultiple,
    )
    clauses = ClauseChoiceField(
        label=_("Clauses served"),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes"), queryset=Process.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.INTERNAL
    )
    review_months = forms.IntegerField(
        label=_("Review every (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Empty: no periodic review."),
    )
    approval_mode = forms.ChoiceField(label=_("Approval"), choices=ApprovalMode.choices, initial=ApprovalMode.PARALLEL)
    retention_years = forms.IntegerField(
        label=_("Retention (years)"),
        required=False,
        min_value=0,
        max_value=200,
        help_text=_("Records only: how long the record is kept."),
    )
    disposal = forms.CharField(
        label=_("Disposal"),
        max_length=200,
        required=False,
        help_text=_("Records only: what happens at the end of retention."),
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], processes: QuerySet[Process], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("owner", active_people())
        self._set_queryset("sites", sites)
        self._set_queryset("processes", processes)
        clauses = self.fields["clauses"]
        assert isinstance(clauses, ClauseChoiceField)
        clauses.load()

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class DocumentCreateForm(DocumentFieldsForm):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices, initial=DocType.PROCEDURE)
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        required=False,
        help_text=_("Leave blank for the next number of the type's scheme, e.g. PRO-ENV-004."),
    )
    text = forms.CharField(
        label=_("Content (Markdown)"),
        required=False,
        widget=MARKDOWN,
        help_text=_("The first revision, saved as a draft. Headings with #, lists with -, tables with |."),
    )
    file = forms.FileField(label=_("File"), required=False, help_text=FILE_HELP)

    field_order = ["doc_type", "area", "number", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.required = False
        owner.empty_label = str(_("Me"))


class DocumentEditForm(VersionedForm, DocumentFieldsForm):
    """The register entry of an existing document; the services refuse what its type does not allow."""


class DraftForm(VersionedForm):
    text = forms.CharField(label=_("Content (Markdown)"), required=False, widget=MARKDOWN)
    change_summary = forms.CharField(
        label=_("Change summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed from the previous revision, and why."),
    )
    file = forms.FileField(label=_("Replace the file"), required=False, help_text=FILE_HELP)
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("file") and data.get("remove_file"):
            self.add_error("remove_file", _("Either replace the file or remove it, not both."))
        return data


class StepsForm(forms.Form):
    """Reviewers sign first, in the order given, then approvers (the order counts when approval is in sequence)."""

    def __init__(self, *args: Any, people: QuerySet[Any], rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for role, label in ((StepRole.REVIEWER, _("Reviewer")), (StepRole.APPROVER, _("Approver"))):
            for i in range(1, rows + 1):
                self.fields[f"{role}_{i}"] = forms.ModelChoiceField(
                    label=f"{label} {i}", queryset=people, required=False, empty_label="—"
                )

    def _chosen(self, role: str) -> list[Any]:
        return [p for i in range(1, self.rows + 1) if (p := self.cleaned_data.get(f"{role}_{i}")) is not None]

    @property
    def reviewers(self) -> list[Any]:
        return self._chosen(StepRole.REVIEWER)

    @property
    def approvers(self) -> list[Any]:
        return self._chosen(StepRole.APPROVER)


class SignForm(VersionedForm):
    meaning = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you reject: say what must change."),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign."),
    )
    field_order = ["meaning", "reason", "password", "version"]

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        positive = Meaning.REVIEWED if role == StepRole.REVIEWER else Meaning.APPROVED
        meaning = self.fields["meaning"]
        assert isinstance(meaning, forms.ChoiceField)
        meaning.choices = [(positive.value, positive.label), (Meaning.REJECTED.value, Meaning.REJECTED.label)]


class MoveForm(VersionedForm):
    operation = forms.ChoiceField(
        choices=[(op, op) for op in ("submit", "recall", "rework", "publish", "withdraw")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(required=False, max_length=2000)


class DistributionForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.none(), required=False, empty_label="—"
    )
    role = forms.ChoiceField(label=_("Everyone with the role"), choices=[("", "—"), *Role.choices], required=False)
    site = forms.ModelChoiceField(
        label=_("Everyone at the site"), queryset=Site.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, people: QuerySet[Any], sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        site = self.fields["site"]
        assert isinstance(user, forms.ModelChoiceField)
        assert isinstance(site, forms.ModelChoiceField)
        user.queryset = people
        site.queryset = sites


class ReviewConfirmForm(VersionedForm):
    note = forms.CharField(label=_("What the review found"), required=False, max_length=400)
