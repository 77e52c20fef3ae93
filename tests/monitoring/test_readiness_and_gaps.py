"""Gaps against the expected frequency, the 9.1.1 readiness check, and the demo series that satisfy it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ims.demo.loader import DemoContext
from ims.monitoring import selectors, services
from ims.monitoring.checks import monitoring_recorded
from ims.monitoring.demo import SERIES, milestones, step_monitoring
from ims.monitoring.models import Reading, Series
from ims.readiness.checks import REGISTRY, Status

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def test_hourly_gaps_are_counted_in_real_hours_across_a_clock_change(elec, manager, run_import):
    services.series_update(by=manager, series=elec, version=elec.version, expected_frequency="hour")
    # 31 March 2024 in Berlin has 23 hours; readings every hour but 04:00 and 05:00 local (CEST).
    hours = [h for h in range(23) if h not in (2, 3)]  # UTC hours 02 and 03 = 04:00 and 05:00 CEST
    run_import(
        "series,timestamp,value\n"
        + "".join(f"N-ELEC-MAIN,2024-03-30T{23 if h < 0 else h:02d}:00:00Z,1\n" for h in [-1])
        + "".join(f"N-ELEC-MAIN,2024-03-31T{h:02d}:00:00Z,1\n" for h in hours)
    )
    start = dt.datetime(2024, 3, 31, tzinfo=BERLIN)
    gaps = selectors.gaps(elec, start=start, end=start + dt.timedelta(hours=23))
    assert [(g.start.isoformat(), g.end.isoformat(), g.slots) for g in gaps] == [
        ("2024-03-31T04:00:00+02:00", "2024-03-31T06:00:00+02:00", 2)
    ]


def test_monthly_gaps_follow_the_calendar(elec, manager, run_import):
    services.series_update(by=manager, series=elec, version=elec.version, expected_frequency="month")
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-01-31,1\nN-ELEC-MAIN,2024-04-01,1\n")
    start = dt.datetime(2024, 1, 1, tzinfo=BERLIN)
    gaps = selectors.gaps(elec, start=start, end=dt.datetime(2024, 5, 1, tzinfo=BERLIN))
    assert [(g.start.date().isoformat(), g.end.date().isoformat(), g.slots) for g in gaps] == [
        ("2024-02-01", "2024-04-01", 2)
    ]


def test_the_check_has_no_data_without_series(db):
    assert "monitoring_recorded" in REGISTRY
    result = monitoring_recorded(dt.datetime(2024, 5, 1, tzinfo=UTC))
    assert result.status == Status.NO_DATA
    assert result.explanation == "No data yet: no monitoring series is recorded."


def daily(days: int, *, end: dt.date, skip: tuple[dt.date, ...] = ()) -> str:
    dates = [end - dt.timedelta(days=d) for d in range(days)]
    return "series,timestamp,value\n" + "".join(f"N-ELEC-MAIN,{d.isoformat()},5\n" for d in dates if d not in skip)


def test_the_check_fails_for_a_late_series_or_one_with_gaps(elec, run_import):
    now = dt.datetime(2024, 5, 10, 9, 30, tzinfo=UTC)
    assert monitoring_recorded(now).explanation == (
        "1 of 1 monitoring series are behind or have gaps: N-ELEC-MAIN: no reading yet."
    )
    run_import(daily(40, end=dt.date(2024, 5, 9), skip=(dt.date(2024, 5, 1), dt.date(2024, 5, 2))), now=now)
    result = monitoring_recorded(now)
    assert result.status == Status.FAIL
    assert result.explanation == (
        "1 of 1 monitoring series are behind or have gaps: N-ELEC-MAIN: 2 of 29 expected readings missing."
    )
    assert result.evidence == (f"monitoring.series:{elec.pk}",)
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-05-01,5\nN-ELEC-MAIN,2024-05-02,5\n", now=now)
    assert monitoring_recorded(now).status == Status.PASS
    later = dt.datetime(2024, 5, 12, 9, 30, tzinfo=UTC)
    assert monitoring_recorded(later).explanation == (
        "1 of 1 monitoring series are behind or have gaps: N-ELEC-MAIN: no reading since 2024-05-09 00:00."
    )


def test_irregular_and_archived_series_are_not_chased(elec, manager, make_series, north):
    irregular = make_series(north, "N-SPOT", expected_frequency="irregular")
    services.series_archive(by=manager, series=elec, version=elec.version)
    result = monitoring_recorded(dt.datetime(2024, 5, 10, tzinfo=UTC))
    assert result.status == Status.PASS
    assert irregular.reference not in result.explanation


def test_the_demo_series_pass_the_check(admin, north, south):
    north.code, south.code = "LYO", "BRQ"
    step_monitoring(DemoContext(admin=admin, sites={"LYO": north, "BRQ": south}))
    assert Series.objects.count() == len(SERIES) == 16
    result = monitoring_recorded(dt.datetime.now(UTC))
    assert result.status == Status.PASS, result.explanation
    main = Series.objects.get(reference="LYO-ELEC-MAIN")
    assert Reading.objects.filter(series=main, event="rollover").count() >= 5  # a six-digit register, three years
    assert not Reading.objects.filter(event="reset").exists()


def test_the_demo_history_covers_three_years_and_tells_its_stories(admin, north, south):
    north.code, south.code = "LYO", "BRQ"
    step_monitoring(DemoContext(admin=admin, sites={"LYO": north, "BRQ": south}))
    when = milestones()
    start = dt.datetime.combine(when.start, dt.time(0), ZoneInfo(north.time_zone))
    first = Reading.objects.filter(series__reference="LYO-GAS-MAIN").order_by("ts").first()
    assert first is not None
    assert first.ts == start
    hourly = Reading.objects.filter(series__reference="BRQ-ELEC-MAIN")
    hours = (dt.datetime.now(UTC) - start).total_seconds() // 3600
    assert hours - 2 <= hourly.count() <= hours + 1

    def total(reference: str, begin: dt.date, end: dt.date) -> float:
        zone = ZoneInfo(south.time_zone if reference.startswith("BRQ") else north.time_zone)
        rows = Reading.objects.filter(
            series__reference=reference,
            ts__gte=dt.datetime.combine(begin, dt.time(0), zone),
            ts__lt=dt.datetime.combine(end, dt.time(0), zone),
        )
        return sum(r.value for r in rows)

    # Brno's energy project: electricity per assembly at least 15 % lower in the 12 weeks after than before.
    project = when.energy_project
    weeks = dt.timedelta(weeks=12)
    before = total("BRQ-ELEC-MAIN", project - weeks, project) / total("BRQ-PROD-ASSY", project - weeks, project)
    after = total("BRQ-ELEC-MAIN", project, project + weeks) / total("BRQ-PROD-ASSY", project, project + weeks)
    assert after < 0.85 * before
    # The chiller leak: 11.5 kg and 4 kg against routine top-ups below 1 kg.
    leaks = Reading.objects.filter(series__reference="LYO-REFR-CH2", value__gt=1)
    assert sorted(r.value for r in leaks) == [4.0, 11.5]
    # Waste segregation: diversion from about 60 % to above 75 %.
    waste = Series.objects.filter(category="waste")
    zone = ZoneInfo(north.time_zone)
    cut = dt.datetime.combine(when.segregation, dt.time(0), zone)
    early = selectors.diversion(waste, start=cut - dt.timedelta(days=120), end=cut).rate
    late = selectors.diversion(waste, start=cut + dt.timedelta(days=7), end=cut + dt.timedelta(days=127)).rate
    assert early is not None
    assert late is not None
    assert 55 < early < 65 < 75 < late


def test_a_slot_counts_whole_and_only_once_it_is_over(elec, manager, run_import):
    services.series_update(by=manager, series=elec, version=elec.version, expected_frequency="week")
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-06-03,1\nN-ELEC-MAIN,2024-06-17,1\n")  # Mondays
    wednesday = dt.datetime(2024, 6, 5, tzinfo=BERLIN)
    now = dt.datetime(2024, 6, 26, 12, tzinfo=BERLIN)  # in the week of 24 June, not over yet
    gaps = selectors.gaps(elec, start=wednesday, end=now, now=now)
    assert [(g.start.date().isoformat(), g.slots) for g in gaps] == [("2024-06-10", 1)]
