"""Heating and cooling degree days from a temperature series, by the daily-mean method."""

from __future__ import annotations

import datetime as dt

import pytest

from ims.energy.baseline import daily_means, degree_days, monthly_totals

DAY = dt.date(2025, 1, 1)


def test_heating_degree_days_are_the_shortfall_of_the_daily_mean_below_the_base():
    temperatures = {DAY: 5.5, DAY + dt.timedelta(1): 15.5, DAY + dt.timedelta(2): 20.0}
    assert list(degree_days(temperatures=temperatures).values()) == [10.0, 0.0, 0.0]


def test_cooling_degree_days_are_the_excess_above_the_base():
    temperatures = {DAY: 5.5, DAY + dt.timedelta(1): 22.0, DAY + dt.timedelta(2): 30.0}
    assert list(degree_days(temperatures=temperatures, base=18.0, kind="cooling").values()) == [0.0, 4.0, 12.0]


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="'heating' or 'cooling'; got 'warming'"):
        degree_days(temperatures={DAY: 1.0}, kind="warming")  # type: ignore[arg-type]


def test_daily_means_average_each_calendar_day():
    readings = [
        (dt.datetime(2025, 1, 1, 0, 0), 2.0),
        (dt.datetime(2025, 1, 1, 12, 0), 6.0),
        (dt.datetime(2025, 1, 2, 6, 0), -1.0),
    ]
    assert daily_means(readings) == {dt.date(2025, 1, 1): 4.0, dt.date(2025, 1, 2): -1.0}


def test_monthly_totals_sum_the_days_of_each_month():
    february = {dt.date(2024, 2, d): 1.5 for d in range(1, 30)}  # leap year: 29 days
    march = {dt.date(2024, 3, d): 1.0 for d in range(1, 32)}
    assert monthly_totals({**february, **march}) == {dt.date(2024, 2, 1): 43.5, dt.date(2024, 3, 1): 31.0}


def test_monthly_totals_refuse_a_month_with_missing_days():
    days = {dt.date(2025, 2, d): 1.0 for d in range(1, 27)}
    with pytest.raises(ValueError, match=r"^Monthly totals need every day of the month: 2025-02 has 26 of 28 days\.$"):
        monthly_totals(days)
    assert monthly_totals(days, require_complete=False) == {dt.date(2025, 2, 1): 26.0}


def test_degree_days_feed_a_monthly_baseline():
    temperatures = {dt.date(2025, 1, d): 5.5 for d in range(1, 32)}
    assert monthly_totals(degree_days(temperatures=temperatures)) == {dt.date(2025, 1, 1): 310.0}
