"""Monthly activity: each series' consumption per site-local calendar month, kept beside the readings.

Dashboards and the inventory read this table and never scan readings. It is
refreshed by :func:`refresh_changed`, which monitoring calls inside the
transaction that wrote the readings: every month a write touched is summed
again from its readings, so a correction or a re-import is reflected exactly
(no running totals that could drift).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from ims.ghg.models import MonthlyActivity
from ims.monitoring.hooks import Changed
from ims.monitoring.models import Reading, ReadingKind, Series


def month_start(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    local = moment.astimezone(tz)
    return dt.date(local.year, local.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which a local calendar month starts and the next one starts."""
    end = next_month(month)
    return (
        dt.datetime(month.year, month.month, 1, tzinfo=tz).astimezone(dt.UTC),
        dt.datetime(end.year, end.month, 1, tzinfo=tz).astimezone(dt.UTC),
    )


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def refresh(series: Iterable[Series], months: Iterable[dt.date]) -> None:
    """Sum the readings of these series (of one time zone) again for these months."""
    by_id = {s.pk: s for s in series}
    if not by_id:
        return
    tz = ZoneInfo(next(iter(by_id.values())).site.time_zone)
    for month in sorted(set(months)):
        start, end = month_bounds(month, tz)
        sums = (
            Reading.objects.filter(series_id__in=list(by_id), ts__gte=start, ts__lt=end)
            .values("series_id")
            .annotate(n=Count("ts"), value=Sum("value"), consumption=Sum("consumption"))
            .values_list("series_id", "n", "value", "consumption")
        )
        rows = [
            MonthlyActivity(
                series_id=sid,
                month=month,
                readings=n,
                quantity=(consumption if by_id[sid].reading_kind == ReadingKind.REGISTER else value) or 0.0,
            )
            for sid, n, value, consumption in sums
        ]
        MonthlyActivity.objects.filter(series_id__in=list(by_id), month=month).delete()
        MonthlyActivity.objects.bulk_create(rows)


def refresh_changed(changed: Changed) -> None:
    """Refresh every month touched by a write (monitoring's readings-changed hook)."""
    series = Series.objects.select_related("site").filter(pk__in=list(changed))
    groups: dict[tuple[str, tuple[dt.date, ...]], list[Series]] = defaultdict(list)
    for s in series:
        tz = ZoneInfo(s.site.time_zone)
        first, last = changed[s.pk]
        if s.reading_kind == ReadingKind.REGISTER:
            # The reading after the span has a new consumption too.
            following = Reading.objects.filter(series=s, ts__gt=last).order_by("ts").values_list("ts", flat=True)
            last = following.first() or last
        months = tuple(months_between(month_start(first, tz), month_start(last, tz)))
        groups[(s.site.time_zone, months)].append(s)
    for (_tz, months), members in groups.items():
        refresh(members, months)


def rebuild(series: Iterable[Series]) -> None:
    """Build the monthly activity of these series from all their readings (set-up and repair)."""
    by_zone: dict[str, list[Series]] = defaultdict(list)
    for s in series:
        by_zone[s.site.time_zone].append(s)
    for zone, members in by_zone.items():
        tz = ZoneInfo(zone)
        span = Reading.objects.filter(series__in=members).values_list("ts", flat=True)
        first, last = span.order_by("ts").first(), span.order_by("-ts").first()
        if first is None or last is None:
            continue
        refresh(members, months_between(month_start(first, tz), month_start(last, tz)))
