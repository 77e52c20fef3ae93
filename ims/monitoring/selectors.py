"""Reads of monitoring: series and readings filtered by the reader's sites in SQL, gaps, totals, diversion.

Gaps are worked out against the series' expected frequency in slots: fixed
lengths of 15 or 30 minutes and hours (in UTC, so a daylight-saving change
neither creates nor hides a gap), and calendar days, weeks (from Monday),
months, quarters and years in the site's time zone. A slot without any
reading is missing; consecutive missing slots are reported as one gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from ims.accounts.permissions import Action, scope_for, visible
from ims.core.errors import NotFound, ValidationFailed
from ims.monitoring import units
from ims.monitoring.models import (
    DIVERTED_ROUTES,
    Category,
    Frequency,
    ImportMapping,
    ImportRun,
    Reading,
    ReadingKind,
    Series,
)

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "name": "name",
    "-name": "-name",
    "site": "site__name",
    "-site": "-site__name",
    "category": "category",
    "-category": "-category",
}

FIXED: dict[str, int] = {Frequency.MIN15: 900, Frequency.MIN30: 1800, Frequency.HOUR: 3600}
MONTHS: dict[str, int] = {Frequency.MONTH: 1, Frequency.QUARTER: 3, Frequency.YEAR: 12}
MAX_GAP_SLOTS = 400_000  # a window of gaps is worked out in memory; this bounds it


def series_visible_to(user: Any) -> QuerySet[Series]:
    return visible(Series.objects.select_related("site"), user)


def series_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    category: str = "",
    archived: bool = False,
    sort: str = "reference",
) -> QuerySet[Series]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if category and category not in Category.values:
        raise ValidationFailed({"category": [f"Filter by one of: {', '.join(Category.values)}."]})
    qs = series_visible_to(user).filter(archived_at__isnull=not archived)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q) | Q(name__icontains=q) | Q(equipment__icontains=q) | Q(ewc_code__icontains=q)
        )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by(SORTS[sort], "id")


def with_latest(qs: QuerySet[Series]) -> QuerySet[Series]:
    """Each series with the instant and value of its latest reading (one index lookup per series)."""
    latest = Reading.objects.filter(series=OuterRef("pk")).order_by("-ts")
    return qs.annotate(latest_ts=Subquery(latest.values("ts")[:1]), latest_value=Subquery(latest.values("value")[:1]))


def series_get(user: Any, pk: int) -> Series:
    series = series_visible_to(user).filter(pk=pk).first()
    if series is None:
        raise NotFound(f"No monitoring series with id {pk} that you may see.")
    return series


def series_by_reference(user: Any, reference: str) -> Series:
    series = series_visible_to(user).filter(reference=reference.strip().upper()).first()
    if series is None:
        raise NotFound(f"No monitoring series “{reference}” that you may see.")
    return series


def readings(series: Series, *, start: dt.datetime | None = None, end: dt.datetime | None = None) -> QuerySet[Reading]:
    """Readings of one series in [start, end), oldest first."""
    qs = Reading.objects.filter(series=series)
    if start is not None:
        qs = qs.filter(ts__gte=start)
    if end is not None:
        qs = qs.filter(ts__lt=end)
    return qs.order_by("ts")


def latest_readings(series: Series, limit: int = 50) -> list[Reading]:
    return list(Reading.objects.filter(series=series).order_by("-ts")[:limit])


def zone_of(series: Series) -> ZoneInfo:
    return ZoneInfo(series.site.time_zone)


# -- totals ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    count: int
    first: dt.datetime | None
    last: dt.datetime | None
    total: float | None  # consumption over the window (interval and register series), or None
    minimum: float | None
    maximum: float | None
    resets: int


def totals(series: Series, *, start: dt.datetime, end: dt.datetime) -> Totals:
    """What the readings of a window add up to: consumption for interval and register series."""
    qs = readings(series, start=start, end=end)
    agg = qs.aggregate(
        n=Count("ts"),
        first=Min("ts"),
        last=Max("ts"),
        low=Min("value"),
        high=Max("value"),
        value_sum=Sum("value"),
        consumption_sum=Sum("consumption"),
        resets=Count("ts", filter=Q(event="reset")),
    )
    total: float | None = None
    if series.reading_kind == ReadingKind.INTERVAL:
        total = agg["value_sum"]
    elif series.reading_kind == ReadingKind.REGISTER:
        total = agg["consumption_sum"]
    return Totals(agg["n"], agg["first"], agg["last"], total, agg["low"], agg["high"], agg["resets"])


# -- gaps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    start: dt.datetime  # first missing slot, local time of the site
    end: dt.datetime  # end of the last missing slot
    slots: int


def _floor(moment: dt.datetime, frequency: str, tz: ZoneInfo) -> dt.datetime:
    """The start of the slot holding ``moment``: UTC for fixed lengths, local calendar otherwise."""
    if frequency in FIXED:
        step = FIXED[frequency]
        epoch = int(moment.timestamp())
        return dt.datetime.fromtimestamp(epoch - epoch % step, dt.UTC)
    local = moment.astimezone(tz)
    day = local.date()
    if frequency == Frequency.WEEK:
        day -= dt.timedelta(days=day.weekday())
    elif frequency == Frequency.MONTH:
        day = day.replace(day=1)
    elif frequency == Frequency.QUARTER:
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    elif frequency == Frequency.YEAR:
        day = day.replace(month=1, day=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def _next(slot: dt.datetime, frequency: str, tz: ZoneInfo) -> dt.datetime:
    if frequency in FIXED:
        return slot + dt.timedelta(seconds=FIXED[frequency])
    day = slot.date()
    if frequency == Frequency.DAY:
        day += dt.timedelta(days=1)
    elif frequency == Frequency.WEEK:
        day += dt.timedelta(days=7)
    else:
        months = MONTHS[frequency]
        index = day.year * 12 + day.month - 1 + months
        day = dt.date(index // 12, index % 12 + 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def slots(frequency: str, tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
    """Starts of the slots that begin in [start, end), from the slot holding ``start``."""
    slot = _floor(start, frequency, tz)
    while slot < end:
        yield slot
        slot = _next(slot, frequency, tz)


def gaps(series: Series, *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> list[Gap]:
    """Missing slots of the expected frequency among those that meet [start, end), merged into gaps.

    A slot is judged whole (a reading anywhere in it counts, also before ``start``), and only once
    it is over: the current one is not missing yet.
    """
    frequency = series.expected_frequency
    if frequency == Frequency.IRREGULAR:
        return []
    tz = zone_of(series)
    end = min(end, _floor(now or timezone.now(), frequency, tz))
    expected = list(slots(frequency, tz, start, end))
    if len(expected) > MAX_GAP_SLOTS:
        raise ValidationFailed({"window": ["The window is too long for this frequency; choose a shorter one."]})
    if not expected:
        return []
    found = readings(series, start=expected[0], end=_next(expected[-1], frequency, tz)).values_list("ts", flat=True)
    seen = {_floor(ts, frequency, tz) for ts in found}
    result: list[Gap] = []
    run: list[dt.datetime] = []
    for slot in expected:
        if slot in seen:
            if run:
                result.append(_gap(run, frequency, tz))
                run = []
        else:
            run.append(slot)
    if run:
        result.append(_gap(run, frequency, tz))
    return result


def _gap(run: list[dt.datetime], frequency: str, tz: ZoneInfo) -> Gap:
    return Gap(run[0].astimezone(tz), _next(run[-1], frequency, tz).astimezone(tz), len(run))


def last_complete_period(frequency: str, tz: ZoneInfo, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The latest slot of the frequency that has fully ended before ``now``."""
    current = _floor(now, frequency, tz)
    previous = _floor(current - dt.timedelta(seconds=1), frequency, tz)
    return previous, current


# -- waste -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diversion:
    diverted_kg: float
    total_kg: float

    @property
    def rate(self) -> float | None:
        """Share of waste kept from disposal (reuse, recycling, other recovery), in percent."""
        return 100 * self.diverted_kg / self.total_kg if self.total_kg else None


def diversion(series: Iterable[Series], *, start: dt.datetime, end: dt.datetime) -> Diversion:
    """Waste by route over a window, in kg, and the share diverted from disposal."""
    waste = [s for s in series if s.category == Category.WASTE and s.waste_route]
    sums = dict(
        Reading.objects.filter(series__in=waste, ts__gte=start, ts__lt=end)
        .values("series")
        .annotate(total=Sum("value"))
        .values_list("series", "total")
    )
    diverted = total = 0.0
    for s in waste:
        kg = units.conversion(s.unit, "kg").apply(sums.get(s.pk) or 0.0)
        total += kg
        if s.waste_route in DIVERTED_ROUTES:
            diverted += kg
    return Diversion(diverted, total)


# -- import set-up -----------------------------------------------------------------------------------


def mappings() -> QuerySet[ImportMapping]:
    return ImportMapping.objects.order_by("name")


def mapping_get(name: str) -> ImportMapping:
    mapping = ImportMapping.objects.filter(name=name.strip().lower()).first()
    if mapping is None:
        known = ", ".join(mappings().values_list("name", flat=True)) or "none yet"
        raise NotFound(f"No import mapping named “{name}” (known: {known}).")
    return mapping


def import_runs(user: Any) -> QuerySet[ImportRun]:
    """Import runs of the reader's sites, and those spanning several sites for all-sites readers."""
    qs = ImportRun.objects.select_related("by", "site", "mapping").order_by("-created_at")
    scope = scope_for(user, Action.VIEW)
    if scope.all_sites:
        return qs
    return qs.filter(Q(site_id__in=sorted(scope.site_ids)) | Q(by_id=getattr(user, "pk", None)))


def recent_window(days: int = 90, *, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    end = now or timezone.now()
    return end - dt.timedelta(days=days), end
