"""KPIs, control charts and measuring equipment (ISO 9001 9.1.1, 7.1.5; ISO 14001 9.1.1).

A *KPI* turns monitoring series into one figure per period: a single series,
or a ratio, sum or difference of series, times a scale factor (×100 for a
percentage, ×1,000,000 for "per million"). Its status per period compares the
figure with a target and an at-risk threshold in the KPI's direction.

A *control chart* watches one series with statistical process control; the
run-rule violations it finds are kept as *signals*, each of which can open one
nonconformity in the improvement register. Variables charts (I-MR, X̄-R, X̄-S)
plot measurements; attribute charts (p, np, c, u) plot counts per day or week,
with the sample sizes of each period taken from a second series.

*Equipment* is the measuring equipment behind series, with its calibration
due date (9001 7.1.5).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ims.core.models import VersionedModel
from ims.monitoring.models import validate_reference


class Formula(models.TextChoices):
    SINGLE = "single", _("One series")
    RATIO = "ratio", _("Ratio of series")
    SUM = "sum", _("Sum of series")
    DIFFERENCE = "difference", _("Difference of series")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


class Kpi(VersionedModel):
    """A key performance indicator computed from monitoring series, period by period."""

    reference = models.CharField(max_length=40, unique=True, validators=[validate_reference])
    name = models.CharField(max_length=200)
    site = models.ForeignKey(
        "org.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for an organisation-wide KPI."),
    )
    template = models.CharField(max_length=40, blank=True, help_text=_("The shipped template it was created from."))
    formula = models.CharField(max_length=12, choices=Formula.choices, default=Formula.SINGLE)
    scale = models.FloatField(default=1.0, help_text=_("Multiplies the result: 100 for %, 1000000 for per million."))
    unit = models.CharField(max_length=40, help_text=_("Unit label shown with the values, e.g. %, kWh/part."))
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.MONTH)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    target = models.FloatField()
    at_risk = models.FloatField(
        help_text=_("Threshold between at risk and off track, on the far side of the target from 'better'.")
    )
    description = models.TextField(blank=True)
    processes = models.ManyToManyField("processes.Process", blank=True, related_name="+")
    objectives = models.ManyToManyField("objectives.Objective", blank=True, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def clean(self) -> None:
        if self.direction == Direction.HIGHER and self.at_risk > self.target:
            raise ValidationError(
                {"at_risk": _("When higher is better the at-risk threshold must not exceed the target.")}
            )
        if self.direction == Direction.LOWER and self.at_risk < self.target:
            raise ValidationError(
                {"at_risk": _("When lower is better the at-risk threshold must not be below the target.")}
            )
        if self.scale == 0:
            raise ValidationError({"scale": _("A scale factor of 0 would make every value 0.")})


class Role(models.TextChoices):
    NUMERATOR = "numerator", _("Numerator (or the terms added up)")
    DENOMINATOR = "denominator", _("Denominator")


class KpiTerm(models.Model):
    """One series in a KPI's formula: added (+1) or subtracted (−1), above or below the fraction bar."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="terms")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.NUMERATOR)
    series = models.ForeignKey("monitoring.Series", on_delete=models.PROTECT, related_name="+")
    sign = models.SmallIntegerField(default=1, choices=[(1, "+"), (-1, "−")])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kpi", "role", "position"]

    def __str__(self) -> str:
        return f"{self.get_sign_display()} {self.series_id} ({self.role})"


class RuleSet(models.TextChoices):
    WESTERN_ELECTRIC = "WE", _("Western Electric 1–4")
    NELSON = "N", _("Nelson 1–8")


class ChartKind(models.TextChoices):
    INDIVIDUALS = "I", _("Individuals and moving range (I-MR)")
    XBAR_R = "xbar_r", _("X̄ and R (subgroup means and ranges)")
    XBAR_S = "xbar_s", _("X̄ and S (subgroup means and standard deviations)")
    P = "p", _("p (fraction nonconforming, sizes may vary)")
    NP = "np", _("np (number nonconforming, constant size)")
    C = "c", _("c (nonconformities per period)")
    U = "u", _("u (nonconformities per unit, sizes may vary)")


ATTRIBUTE_KINDS = frozenset({ChartKind.P, ChartKind.NP, ChartKind.C, ChartKind.U})
SIZED_KINDS = frozenset({ChartKind.P, ChartKind.NP, ChartKind.U})  # need a series of sample sizes


class Subgrouping(models.TextChoices):
    NONE = "", _("None (individual readings)")
    SIZE = "size", _("Consecutive readings, fixed size")
    DAY = "day", _("Readings of one day")
    WEEK = "week", _("Readings of one week (Monday to Sunday)")


def default_rules() -> list[str]:
    return ["WE1", "WE2", "WE3", "WE4"]


class ControlChart(VersionedModel):
    """Statistical process control of one series, with limits from a baseline window (9001 9.1.1, 9.1.3)."""

    reference = models.CharField(max_length=40, unique=True, validators=[validate_reference])
    name = models.CharField(max_length=200)
    series = models.ForeignKey("monitoring.Series", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ChartKind.choices, default=ChartKind.INDIVIDUALS)
    size_series = models.ForeignKey(
        "monitoring.Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("p, np and u charts: the sample sizes per period, e.g. parts produced."),
    )
    subgrouping = models.CharField(max_length=4, choices=Subgrouping.choices, blank=True, default="")
    subgroup_size = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_from = models.DateTimeField(help_text=_("Limits are computed from the readings of this window."))
    baseline_to = models.DateTimeField()
    rules = models.JSONField(default=default_rules, help_text=_("Run rules switched on: WE1–WE4, N1–N8."))
    lsl = models.FloatField(null=True, blank=True, verbose_name=_("lower specification limit"))
    usl = models.FloatField(null=True, blank=True, verbose_name=_("upper specification limit"))
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def site(self) -> models.Model:
        return self.series.site

    @property
    def audit_site_id(self) -> int:
        return int(self.series.site_id)

    @property
    def is_attribute(self) -> bool:
        """p, np, c or u: counts per period rather than measurements."""
        return self.kind in ATTRIBUTE_KINDS

    def clean(self) -> None:
        if self.baseline_from and self.baseline_to and self.baseline_to <= self.baseline_from:
            raise ValidationError({"baseline_to": _("The baseline window must end after it starts.")})
        if self.is_attribute and self.subgrouping not in (Subgrouping.DAY, Subgrouping.WEEK):
            raise ValidationError({"subgrouping": _("An attribute chart has one point per day or per week.")})
        if self.kind != ChartKind.INDIVIDUALS and not self.subgrouping:
            raise ValidationError(
                {"subgrouping": _("An X̄ chart needs subgroups: a fixed size, one per day or one per week.")}
            )
        if self.subgrouping == Subgrouping.SIZE and (self.subgroup_size or 0) < 2:
            raise ValidationError({"subgroup_size": _("A subgroup holds at least 2 readings.")})
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise ValidationError({"usl": _("The upper specification limit must be above the lower one.")})


class ChartSignal(models.Model):
    """One run-rule violation on a control chart, kept once per (chart, rule, point)."""

    chart = models.ForeignKey(ControlChart, on_delete=models.CASCADE, related_name="signals")
    rule = models.CharField(max_length=4)
    point_ts = models.DateTimeField(help_text=_("Time of the point that completes the pattern."))
    description = models.TextField()
    found_at = models.DateTimeField(auto_now_add=True)
    event = models.ForeignKey("improvement.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-point_ts", "rule"]
        constraints = [models.UniqueConstraint(fields=["chart", "rule", "point_ts"], name="chartsignal_once")]

    def __str__(self) -> str:
        return f"{self.chart.reference} {self.rule} @ {self.point_ts:%Y-%m-%d %H:%M}"

    @property
    def site(self) -> models.Model:
        return self.chart.series.site

    @property
    def audit_site_id(self) -> int:
        return int(self.chart.series.site_id)


class Equipment(VersionedModel):
    """Monitoring and measuring equipment with its calibration interval and due date (9001 7.1.5)."""

    reference = models.CharField(max_length=40, unique=True, validators=[validate_reference])
    name = models.CharField(max_length=200)
    site = models.ForeignKey("org.Site", on_delete=models.PROTECT, related_name="+")
    series = models.ManyToManyField("monitoring.Series", blank=True, related_name="+")
    interval_months = models.PositiveSmallIntegerField(default=12)
    last_calibrated_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(null=True, blank=True, help_text=_("Empty: last calibration + interval."))
    certificate = models.CharField(max_length=200, blank=True, help_text=_("Certificate number or note."))
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def due_on(self) -> dt.date | None:
        """When the next calibration is due: set explicitly, or the last one plus the interval."""
        if self.next_due_on is not None:
            return self.next_due_on
        if self.last_calibrated_on is None:
            return None
        return add_months(self.last_calibrated_on, self.interval_months)

    def overdue(self, today: dt.date) -> bool:
        due = self.due_on
        return due is None or due < today


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class AspectMonitoring(models.Model):
    """How a significant environmental aspect is monitored: by a series or a KPI (14001 9.1.1)."""

    aspect = models.ForeignKey("aspects.Aspect", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey("monitoring.Series", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True, related_name="aspect_links")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(series__isnull=False) | models.Q(kpi__isnull=False), name="aspectmonitoring_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.aspect_id} → {self.series_id or self.kpi_id}"


class Granularity(models.TextChoices):
    WEEK = "week", _("Week (Monday to Sunday)")
    MONTH = "month", _("Month")


class DegreeDays(models.TextChoices):
    HEATING = "heating", _("Heating degree days")
    COOLING = "cooling", _("Cooling degree days")


class EnergyBaseline(VersionedModel):
    """An energy baseline on monitoring series (ISO 50001 6.5, ISO 50006): energy regressed on its variables.

    The variables are a production series and/or degree days computed from a
    temperature series; periods are weeks or months in the site's time zone.
    Windows run from the first day to the day before the end.
    """

    reference = models.CharField(max_length=40, unique=True, validators=[validate_reference])
    name = models.CharField(max_length=200)
    energy = models.ForeignKey("monitoring.Series", on_delete=models.PROTECT, related_name="+")
    production = models.ForeignKey(
        "monitoring.Series", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    temperature = models.ForeignKey(
        "monitoring.Series", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    degree_days = models.CharField(max_length=8, choices=DegreeDays.choices, default=DegreeDays.HEATING)
    degree_day_base = models.FloatField(default=15.5, help_text=_("Balance temperature of the building, °C."))
    granularity = models.CharField(max_length=5, choices=Granularity.choices, default=Granularity.WEEK)
    baseline_from = models.DateField()
    baseline_to = models.DateField()
    reporting_from = models.DateField()
    reporting_to = models.DateField()
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def site(self) -> models.Model:
        return self.energy.site

    @property
    def audit_site_id(self) -> int:
        return int(self.energy.site_id)

    def clean(self) -> None:
        if self.production_id is None and self.temperature_id is None:
            raise ValidationError({"production": _("Choose a production series, a temperature series or both.")})
        if self.baseline_from and self.baseline_to and self.baseline_to <= self.baseline_from:
            raise ValidationError({"baseline_to": _("The baseline period must end after it starts.")})
        if self.reporting_from and self.reporting_to and self.reporting_to <= self.reporting_from:
            raise ValidationError({"reporting_to": _("The reporting period must end after it starts.")})
