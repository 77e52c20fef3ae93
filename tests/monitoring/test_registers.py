"""Cumulative registers become consumption: differences, rollover, resets — the same in Python and in SQL."""

from __future__ import annotations

import datetime as dt

from ims.monitoring import services
from ims.monitoring.models import Reading
from ims.monitoring.registers import difference

UTC = dt.UTC


def rows(series):
    return list(Reading.objects.filter(series=series).order_by("ts").values_list("value", "consumption", "event"))


def test_the_difference_rule():
    assert difference(None, 120.0, None) == (None, "")
    assert difference(100.0, 120.5, None) == (20.5, "")
    assert difference(100.0, 100.0, None) == (0.0, "")
    assert difference(999_990.0, 15.0, 1_000_000.0) == (25.0, "rollover")
    assert difference(500.0, 20.0, None) == (None, "reset")


REGISTER_FILE = (
    "series,timestamp,value\n"
    "N-ELEC-REG,2024-01-01,999900\n"
    "N-ELEC-REG,2024-01-02,999990\n"
    "N-ELEC-REG,2024-01-03,15\n"
    "N-ELEC-REG,2024-01-04,40\n"
)


def test_an_import_in_time_order_works_out_consumption_with_rollover(register, run_import):
    report = run_import(REGISTER_FILE)
    assert rows(register) == [
        (999_900.0, None, ""),
        (999_990.0, 90.0, ""),
        (15.0, 25.0, "rollover"),
        (40.0, 25.0, ""),
    ]
    assert report.resets == []


def test_a_register_without_rollover_that_falls_is_a_reset(register, manager, run_import):
    services.series_update(by=manager, series=register, version=register.version, register_rollover=None)
    report = run_import(REGISTER_FILE)
    assert rows(register) == [
        (999_900.0, None, ""),
        (999_990.0, 90.0, ""),
        (15.0, None, "reset"),
        (40.0, 25.0, ""),
    ]
    assert report.resets == [("N-ELEC-REG", "2024-01-03 00:00 CET")]


def test_out_of_order_files_and_backfills_give_the_same_consumption(register, run_import):
    lines = REGISTER_FILE.splitlines()
    run_import("\n".join([lines[0], lines[4], lines[2], lines[1]]) + "\n")  # out of order, one missing
    assert rows(register) == [(999_900.0, None, ""), (999_990.0, 90.0, ""), (40.0, 50.0, "rollover")]
    report = run_import("\n".join([lines[0], lines[3]]) + "\n")  # the missing day arrives later
    assert (report.created, report.unchanged) == (1, 0)
    assert rows(register) == [
        (999_900.0, None, ""),
        (999_990.0, 90.0, ""),
        (15.0, 25.0, "rollover"),
        (40.0, 25.0, ""),
    ]


def test_appending_continues_from_the_stored_reading(register, run_import):
    run_import(REGISTER_FILE)
    run_import("series,timestamp,value\nN-ELEC-REG,2024-01-05,52.5\n")
    assert rows(register)[-1] == (52.5, 12.5, "")


def test_correcting_a_reading_recomputes_its_neighbours(register, manager, run_import):
    run_import(REGISTER_FILE)
    run_import("series,timestamp,value\nN-ELEC-REG,2024-01-02,999950\n")
    assert rows(register)[1:3] == [(999_950.0, 50.0, ""), (15.0, 65.0, "rollover")]
    services.reading_record(
        by=manager, series=register, ts=dt.datetime(2024, 1, 2, tzinfo=UTC) - dt.timedelta(hours=1), value=999_960
    )
    assert rows(register)[1:3] == [(999_960.0, 60.0, ""), (15.0, 55.0, "rollover")]
    assert Reading.objects.get(series=register, value=999_960).quality == "corrected"


def test_changing_the_rollover_recomputes_the_series(register, manager, run_import):
    run_import(REGISTER_FILE)
    services.series_update(by=manager, series=register, version=register.version, register_rollover=None)
    assert rows(register)[2] == (15.0, None, "reset")
