"""Monitoring and measurement (ISO 9001 9.1.1, ISO 14001 9.1.1): series, their readings, import set-up.

A *series* is one thing the organisation measures at one site — a meter
(grid electricity, natural gas, water) or a metric (production output,
defects, waste collected by stream and route). Its *readings* are the
measurements, kept in the series' unit. Readings are the largest table of the
system (an hourly meter is 8,760 rows a year), so :class:`Reading` stays
narrow and is written in bulk by :mod:`ims.monitoring.importing`.

A *sub-meter* names its main meter as ``parent``: its consumption is already
inside the main meter's, so site totals leave it out, while KPIs and energy
baselines use it freely (that is what sub-meters are for).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel


class Category(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    NATURAL_GAS = "natural_gas", _("Natural gas")
    FUEL = "fuel", _("Fuel (diesel, LPG, fuel oil)")
    WATER = "water", _("Water")
    WASTE = "waste", _("Waste")
    REFRIGERANT = "refrigerant", _("Refrigerant")
    PRODUCTION = "production", _("Production output")
    DEFECTS = "defects", _("Defects")
    DELIVERIES = "deliveries", _("Deliveries")
    OTHER = "other", _("Other")


# Short codes for generated references: LYO-ELEC-01.
CATEGORY_CODES: dict[str, str] = {
    Category.ELECTRICITY: "ELEC",
    Category.NATURAL_GAS: "GAS",
    Category.FUEL: "FUEL",
    Category.WATER: "WATER",
    Category.WASTE: "WASTE",
    Category.REFRIGERANT: "REFR",
    Category.PRODUCTION: "PROD",
    Category.DEFECTS: "DEF",
    Category.DELIVERIES: "DELIV",
    Category.OTHER: "MISC",
}


class ReadingKind(models.TextChoices):
    """What a reading's value means, which decides how readings add up."""

    INTERVAL = "interval", _("Consumption per interval")
    REGISTER = "register", _("Cumulative register (meter index)")
    SAMPLE = "sample", _("Instantaneous sample (level, concentration, temperature)")


class Frequency(models.TextChoices):
    """How often a reading is expected; gaps are reported against it."""

    MIN15 = "15min", _("Every 15 minutes")
    MIN30 = "30min", _("Every 30 minutes")
    HOUR = "hour", _("Hourly")
    DAY = "day", _("Daily")
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")
    IRREGULAR = "irregular", _("Irregular (no gap check)")


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    IMPORT = "import", _("File import")
    API = "api", _("API")


class Quality(models.TextChoices):
    MEASURED = "measured", _("Measured")
    ESTIMATED = "estimated", _("Estimated")
    CORRECTED = "corrected", _("Corrected")


class WasteStream(models.TextChoices):
    HAZARDOUS = "hazardous", _("Hazardous")
    NON_HAZARDOUS = "non_hazardous", _("Non-hazardous")


class WasteRoute(models.TextChoices):
    """Where waste goes, in the order of the waste hierarchy."""

    REUSE = "reuse", _("Reuse")
    RECYCLING = "recycling", _("Recycling")
    RECOVERY = "recovery", _("Other recovery (incl. energy recovery)")
    INCINERATION = "incineration", _("Incineration without energy recovery")
    LANDFILL = "landfill", _("Landfill")


# Routes that keep waste out of disposal; the diversion rate is their share of all waste.
DIVERTED_ROUTES = (WasteRoute.REUSE, WasteRoute.RECYCLING, WasteRoute.RECOVERY)


class RegisterEvent(models.TextChoices):
    """What happened between a register reading and the one before it."""

    NONE = "", _("—")
    ROLLOVER = "rollover", _("Register rolled over")
    RESET = "reset", _("Register reset (meter replaced or reset)")


EWC_PATTERN = re.compile(r"\d{2} \d{2} \d{2}\*?")

validate_reference = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_.-]*$",
    _("Use capital letters, digits and - _ . only, e.g. LYO-ELEC-MAIN."),
)


def validate_ewc(value: str) -> None:
    if value and not EWC_PATTERN.fullmatch(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a European Waste Catalogue code; "
                "write it as “12 01 09*” (six digits in pairs, “*” for hazardous)."
            ),
            params={"value": value},
        )


class Series(VersionedModel):
    """A meter or metric of one site, with the unit its readings are kept in."""

    reference = models.CharField(
        max_length=40, unique=True, validators=[validate_reference], help_text=_("Stable key, e.g. LYO-ELEC-MAIN.")
    )
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    quantity = models.CharField(
        max_length=40, editable=False, help_text=_("What the unit measures (energy, volume, mass …), from the unit.")
    )
    unit = models.CharField(max_length=40, help_text=_("Any unit pint understands: kWh, MWh, m3, L, kg, t, piece."))
    reading_kind = models.CharField(max_length=10, choices=ReadingKind.choices, default=ReadingKind.INTERVAL)
    register_rollover = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Register only: the count at which the register returns to zero (1000000 for six digits)."),
    )
    expected_frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAY)
    expected_min = models.FloatField(null=True, blank=True, help_text=_("Lowest plausible value per reading."))
    expected_max = models.FloatField(null=True, blank=True, help_text=_("Highest plausible value per reading."))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    waste_stream = models.CharField(max_length=20, choices=WasteStream.choices, blank=True)
    ewc_code = models.CharField(
        max_length=9, blank=True, validators=[validate_ewc], verbose_name=_("EWC code"), help_text=_("e.g. 12 01 09*")
    )
    waste_route = models.CharField(max_length=20, choices=WasteRoute.choices, blank=True)
    equipment = models.CharField(
        max_length=200, blank=True, help_text=_("Meter or instrument, e.g. its serial number.")
    )
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submeters",
        verbose_name=_("Sub-meter of"),
        help_text=_("The series whose consumption already includes this one, e.g. the site's main meter."),
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "series"
        indexes = [models.Index(fields=["site", "category"], name="series_site_category")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def is_register(self) -> bool:
        return self.reading_kind == ReadingKind.REGISTER

    @property
    def is_waste(self) -> bool:
        return self.category == Category.WASTE

    @property
    def diverted(self) -> bool:
        return self.waste_route in DIVERTED_ROUTES


class Reading(models.Model):
    """One measurement of a series at one moment, in the series' unit.

    ``ts`` is stored in UTC to the second. ``original_value``/``original_unit``
    keep what was supplied when it was in another unit. ``consumption`` is set
    for register series only: the difference to the previous reading, with the
    rollover taken into account; ``event`` says when a register rolled over or
    was reset (a reset leaves ``consumption`` empty).
    """

    # The key is the series and the instant: no surrogate id (no sequence to maintain on a
    # million-row import) and one index, which also serves every lookup by series.
    pk = models.CompositePrimaryKey("series", "ts")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="readings", db_index=False)
    ts = models.DateTimeField()
    value = models.FloatField()
    consumption = models.FloatField(null=True, blank=True)
    event = models.CharField(max_length=8, choices=RegisterEvent.choices, blank=True, default="")
    quality = models.CharField(max_length=9, choices=Quality.choices, default=Quality.MEASURED)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.MANUAL)
    original_value = models.FloatField(null=True, blank=True)
    original_unit = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["series", "ts"]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.ts:%Y-%m-%d %H:%M}: {self.value}"

    @property
    def audit_site_id(self) -> int:
        return int(self.series.site_id)


class Layout(models.TextChoices):
    AUTO = "auto", _("Recognise from the header")
    LONG = "long", _("Long: one reading per row (series, timestamp, value)")
    WIDE = "wide", _("Wide: a timestamp column and one column per series")


class ImportMapping(VersionedModel):
    """How to read the files of one source (a utility portal, a SCADA export): columns, layout, dates.

    Saved once, used by the import page, ``ims import readings --mapping`` and
    the API. Column names are matched ignoring case and spacing.
    """

    name = models.SlugField(max_length=60, unique=True, help_text=_("Name of the source, e.g. edf-portal."))
    layout = models.CharField(max_length=4, choices=Layout.choices, default=Layout.AUTO)
    series_column = models.CharField(max_length=100, blank=True, help_text=_("Long layout; default “series”."))
    timestamp_column = models.CharField(max_length=100, blank=True, help_text=_("Default “timestamp”."))
    value_column = models.CharField(max_length=100, blank=True, help_text=_("Long layout; default “value”."))
    unit_column = models.CharField(max_length=100, blank=True, help_text=_("Default “unit” if present."))
    quality_column = models.CharField(max_length=100, blank=True, help_text=_("Default “quality” if present."))
    columns = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Wide layout: file column → series reference, for columns not named after the series."),
    )
    unit = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("Unit of the values when the file has no unit column (default: each series' unit)."),
    )
    date_format = models.CharField(
        max_length=60,
        blank=True,
        help_text=_(
            "strftime pattern such as %d/%m/%Y %H:%M; empty recognises ISO 8601, day-first and spreadsheet dates."
        ),
    )
    time_zone = models.CharField(
        max_length=64, blank=True, help_text=_("IANA zone of times without an offset; empty: each series' site zone.")
    )
    sheet = models.CharField(max_length=100, blank=True, help_text=_("XLSX: the sheet to read (default: the first)."))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """The record of one successful import of readings: who, what, how many (retained information, 7.5)."""

    created_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    channel = models.CharField(max_length=10)
    file_name = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text=_("Where the data came from."))
    mapping = models.ForeignKey(ImportMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    layout = models.CharField(max_length=4, choices=Layout.choices)
    rows = models.PositiveIntegerField(default=0)
    readings = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    series_count = models.PositiveIntegerField(default=0)
    first_ts = models.DateTimeField(null=True, blank=True)
    last_ts = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    notes = models.TextField(blank=True)
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When one site only."),
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.readings} readings ({self.file_name or self.source or self.channel})"
