"""Period totals of a series: readings at period boundaries and across daylight-saving changes.

The north site is in Europe/Berlin: CET (UTC+1) in winter, CEST (UTC+2) from
29 March 2026 02:00 to 25 October 2026 03:00 local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncQuarter, TruncYear

from ims.kpis import selectors
from ims.monitoring.models import Category, Reading, ReadingKind, Series
from tests.kpis.conftest import put

BERLIN = ZoneInfo("Europe/Berlin")
D = dt.date


@pytest.fixture
def meter(make_series: Callable[..., Series], north: Any) -> Series:
    series = make_series(north, "N-ELEC", Category.ELECTRICITY, "kWh")
    put(
        series,
        ("2026-01-31T22:30", 1),  # 23:30 on 31 January in Berlin: January
        ("2026-01-31T23:00", 2),  # 00:00 on 1 February: February
        ("2026-03-29T00:59", 4),  # 01:59 CET, just before the spring change: 29 March
        ("2026-03-29T01:00", 8),  # 03:00 CEST, just after it: 29 March
        ("2026-03-29T21:59", 16),  # 23:59 CEST: still 29 March (a day of 23 hours)
        ("2026-03-29T22:00", 32),  # 00:00 on 30 March
        ("2026-03-31T21:30", 64),  # 23:30 on 31 March (CEST): March and Q1
        ("2026-03-31T22:00", 128),  # 00:00 on 1 April: April and Q2
        ("2026-06-30T21:30", 256),  # 23:30 on 30 June: Q2
        ("2026-10-25T00:30", 512),  # 02:30 CEST, first pass of the repeated hour: 25 October
        ("2026-10-25T01:30", 1024),  # 02:30 CET, second pass: 25 October
        ("2026-10-25T22:30", 2048),  # 23:30 CET: still 25 October (a day of 25 hours)
        ("2026-10-25T23:00", 4096),  # 00:00 on 26 October
        ("2026-10-31T22:30", 8192),  # 23:30 on 31 October (CET): October
        ("2026-12-31T22:30", 16384),  # 23:30 on 31 December: 2026
        ("2026-12-31T23:00", 32768),  # 00:00 on 1 January 2027: 2027
    )
    return series


def totals(series: Series, period: str, start: dt.date, end: dt.date, **kw: Any) -> dict[dt.date, float]:
    return selectors.series_period_totals(series, period=period, tz=BERLIN, start=start, end=end, **kw)


def test_month_totals_follow_local_midnight_on_the_last_day(meter: Series) -> None:
    assert totals(meter, "month", D(2026, 1, 1), D(2027, 1, 1)) == {
        D(2026, 1, 1): 1,
        D(2026, 2, 1): 2,
        D(2026, 3, 1): 4 + 8 + 16 + 32 + 64,
        D(2026, 4, 1): 128,
        D(2026, 6, 1): 256,
        D(2026, 10, 1): 512 + 1024 + 2048 + 4096 + 8192,
        D(2026, 12, 1): 16384,
    }


def test_quarter_and_year_totals(meter: Series) -> None:
    assert totals(meter, "quarter", D(2026, 1, 1), D(2028, 1, 1)) == {
        D(2026, 1, 1): 1 + 2 + 4 + 8 + 16 + 32 + 64,
        D(2026, 4, 1): 128 + 256,
        D(2026, 10, 1): 512 + 1024 + 2048 + 4096 + 8192 + 16384,
        D(2027, 1, 1): 32768,
    }
    assert totals(meter, "year", D(2026, 1, 1), D(2028, 1, 1)) == {D(2026, 1, 1): 32767, D(2027, 1, 1): 32768}


def test_days_of_23_and_25_hours(meter: Series) -> None:
    spring = totals(meter, "day", D(2026, 3, 28), D(2026, 4, 1))
    assert spring == {D(2026, 3, 29): 4 + 8 + 16, D(2026, 3, 30): 32, D(2026, 3, 31): 64}
    autumn = totals(meter, "day", D(2026, 10, 25), D(2026, 10, 27))
    assert autumn == {D(2026, 10, 25): 512 + 1024 + 2048, D(2026, 10, 26): 4096}


def test_the_window_starts_and_ends_at_local_midnight(meter: Series) -> None:
    # From 30 March: the readings of 29 March stay out, 30 and 31 March count for March.
    assert totals(meter, "month", D(2026, 3, 30), D(2026, 4, 1)) == {D(2026, 3, 1): 32 + 64}
    assert totals(meter, "month", D(2026, 4, 1), D(2026, 4, 1)) == {}


def test_registers_add_consumption_and_samples_are_averaged(make_series: Callable[..., Series], north: Any) -> None:
    register = make_series(north, "N-GAS-REG", Category.NATURAL_GAS, "m3", reading_kind=ReadingKind.REGISTER)
    Reading.objects.bulk_create(
        Reading(series=register, ts=dt.datetime.fromisoformat(ts).replace(tzinfo=dt.UTC), value=v, consumption=c)
        for ts, v, c in (
            ("2026-03-31T21:30", 100, 10),
            ("2026-03-31T22:00", 130, 30),
            ("2026-04-30T21:59", 135, None),  # a reset: no consumption
        )
    )
    assert totals(register, "month", D(2026, 3, 1), D(2026, 5, 1)) == {D(2026, 3, 1): 10, D(2026, 4, 1): 30}
    level = make_series(north, "N-TEMP", Category.OTHER, "degC", reading_kind=ReadingKind.SAMPLE)
    put(level, ("2026-03-31T21:30", 10), ("2026-03-31T20:00", 14), ("2026-03-31T22:00", 3))
    assert totals(level, "month", D(2026, 3, 1), D(2026, 5, 1)) == {D(2026, 3, 1): 12, D(2026, 4, 1): 3}


TRUNC = {"day": TruncDay, "month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


@pytest.mark.parametrize("period", ["day", "month", "quarter", "year"])
def test_hourly_readings_of_two_years_match_truncation_in_the_zone(
    make_series: Callable[..., Series], north: Any, period: str
) -> None:
    series = make_series(north, "N-HOURLY", Category.ELECTRICITY, "kWh")
    first = dt.datetime(2025, 12, 31, 20, tzinfo=dt.UTC)
    Reading.objects.bulk_create(
        Reading(series=series, ts=first + dt.timedelta(hours=h), value=h % 7 + 1) for h in range(2 * 8760)
    )
    start, end = D(2026, 1, 1), D(2027, 7, 1)
    expected = {}
    rows = (
        Reading.objects.filter(
            series=series, ts__gte=dt.datetime(2026, 1, 1, tzinfo=BERLIN), ts__lt=dt.datetime(2027, 7, 1, tzinfo=BERLIN)
        )
        .annotate(p=TRUNC[period]("ts", tzinfo=BERLIN))
        .values("p")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("p", "total")
    )
    for moment, total in rows:
        expected[moment.astimezone(BERLIN).date() if isinstance(moment, dt.datetime) else moment] = total
    assert totals(series, period, start, end) == expected
    assert len(expected) == {"day": 546, "month": 18, "quarter": 6, "year": 2}[period]
