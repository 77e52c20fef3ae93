"""Forms of monitoring; the services decide, these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ims.monitoring.models import (
    Category,
    Frequency,
    ImportMapping,
    Layout,
    Quality,
    ReadingKind,
    Series,
    Source,
    WasteRoute,
    WasteStream,
)
from ims.org.models import Site
from ims.web.forms import VersionedForm

NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class SeriesFieldsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = forms.CharField(
        label=_("Unit"), max_length=40, help_text=_("Any unit pint understands: kWh, MWh, m3, L, kg, t, piece.")
    )
    reading_kind = forms.ChoiceField(label=_("Kind of reading"), choices=ReadingKind.choices)
    register_rollover = forms.FloatField(
        label=_("Register rolls over at"),
        required=False,
        widget=NUMBER,
        help_text=_("Registers only: the count at which the register returns to zero (1000000 for six digits)."),
    )
    expected_frequency = forms.ChoiceField(label=_("Expected frequency"), choices=Frequency.choices)
    expected_min = forms.FloatField(label=_("Lowest expected value"), required=False, widget=NUMBER)
    expected_max = forms.FloatField(
        label=_("Highest expected value"),
        required=False,
        widget=NUMBER,
        help_text=_("Per reading (for a register: the consumption since the previous reading)."),
    )
    source = forms.ChoiceField(label=_("Readings come from"), choices=Source.choices)
    waste_stream = forms.ChoiceField(label=_("Waste stream"), choices=_blank(WasteStream.choices), required=False)
    ewc_code = forms.CharField(
        label=_("EWC code"), max_length=9, required=False, help_text=_("European Waste Catalogue, e.g. 12 01 09*")
    )
    waste_route = forms.ChoiceField(label=_("Waste route"), choices=_blank(WasteRoute.choices), required=False)
    equipment = forms.CharField(label=_("Meter or instrument"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, parents: QuerySet[Series], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = forms.ModelChoiceField(
            label=_("Sub-meter of"),
            queryset=parents,
            required=False,
            empty_label=str(_("None: a main meter or a metric of its own")),
            help_text=_(
                "The meter of the same site whose consumption already includes this one; "
                "site totals then leave this one out."
            ),
        )
        self.order_fields(["name", "category", "parent"])


class SeriesCreateForm(SeriesFieldsForm):
    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(label=_("Site"), queryset=sites)
        self.fields["reference"] = forms.CharField(
            label=_("Reference"),
            max_length=40,
            required=False,
            help_text=_("Stable key such as LYO-ELEC-MAIN; leave blank for the next number (LYO-ELEC-01 …)."),
        )
        self.order_fields(["site", "reference"])


class SeriesEditForm(VersionedForm, SeriesFieldsForm):
    pass


class ReadingForm(forms.Form):
    ts = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "60"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    value = forms.FloatField(label=_("Value"), widget=NUMBER)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    quality = forms.ChoiceField(label=_("Quality"), choices=Quality.choices, initial=Quality.MEASURED)
    confirmed = forms.BooleanField(
        label=_("The value is correct although outside the expected range"),
        required=False,
    )

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ts"].help_text = _("Local time of the site (%(zone)s).") % {"zone": time_zone}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    mapping = forms.ModelChoiceField(
        label=_("Import mapping"),
        queryset=ImportMapping.objects.none(),
        required=False,
        empty_label=str(_("None: recognise the columns")),
        to_field_name="name",
    )
    source = forms.CharField(
        label=_("Where the data comes from"), max_length=100, required=False, help_text=_("e.g. EDF portal, SCADA")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self.fields["mapping"]
        assert isinstance(mapping, forms.ModelChoiceField)
        mapping.queryset = ImportMapping.objects.order_by("name")


class MappingFieldsForm(forms.Form):
    layout = forms.ChoiceField(label=_("Layout"), choices=Layout.choices)
    timestamp_column = forms.CharField(label=_("Timestamp column"), max_length=100, required=False)
    series_column = forms.CharField(label=_("Series column (long layout)"), max_length=100, required=False)
    value_column = forms.CharField(label=_("Value column (long layout)"), max_length=100, required=False)
    unit_column = forms.CharField(label=_("Unit column"), max_length=100, required=False)
    quality_column = forms.CharField(label=_("Quality column"), max_length=100, required=False)
    columns = forms.CharField(
        label=_("Series columns (wide layout)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: file column = series reference (“-” to ignore a column)."),
    )
    unit = forms.CharField(label=_("Unit of the values"), max_length=40, required=False)
    date_format = forms.CharField(label=_("Date format"), max_length=60, required=False)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, required=False)
    sheet = forms.CharField(label=_("Sheet (XLSX)"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_columns(self) -> dict[str, str]:
        raw = self.cleaned_data.get("columns") or ""
        result: dict[str, str] = {}
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            column, sep, reference = line.partition("=")
            if not sep or not column.strip() or not reference.strip():
                raise forms.ValidationError(_("Line %(n)d: write “file column = series reference”.") % {"n": number})
            result[column.strip()] = reference.strip()
        return result

    @staticmethod
    def columns_text(columns: dict[str, str]) -> str:
        return "\n".join(f"{k} = {v}" for k, v in (columns or {}).items())


class MappingCreateForm(MappingFieldsForm):
    name = forms.SlugField(label=_("Name of the source"), max_length=60, help_text=_("e.g. edf-portal"))
    field_order = ["name"]


class MappingEditForm(VersionedForm, MappingFieldsForm):
    pass
