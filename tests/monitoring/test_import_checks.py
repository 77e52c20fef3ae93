"""The import checks the whole file first: every problem named by row and column, nothing written on any."""

from __future__ import annotations

import datetime as dt

import pytest

from ims.audit.models import AuditEntry
from ims.monitoring.checking import ReadingsRefused
from ims.monitoring.models import ImportRun, Quality, Reading

UTC = dt.UTC


def refused(run_import, content: str, **kwargs) -> list[str]:
    with pytest.raises(ReadingsRefused) as caught:
        run_import(content, **kwargs)
    return caught.value.extra["problems"]


def test_a_messy_real_world_file_is_read(elec, run_import):
    """Byte-order mark, semicolons, decimal commas, a spreadsheet serial date, a day-first date, an offset."""
    content = (
        "\ufeffSeries;Timestamp;Value;Unit;Quality\r\n"
        "N-ELEC-MAIN;31/01/2024 10:00;1,5;MWh;measured\r\n"
        "N-ELEC-MAIN;45322,5;2;kWh;E\r\n"
        "n-elec-main ;2024-01-31T14:00:00+00:00;1 234,5;;\r\n"
        ";;;;\r\n"
    )
    report = run_import(content)
    assert (report.rows, report.readings, report.created, report.layout) == (3, 3, 3, "long")
    stored = list(
        Reading.objects.order_by("ts").values_list("ts", "value", "quality", "original_value", "original_unit")
    )
    assert stored == [
        (dt.datetime(2024, 1, 31, 9, 0, tzinfo=UTC), 1500.0, Quality.MEASURED, 1.5, "MWh"),
        (dt.datetime(2024, 1, 31, 11, 0, tzinfo=UTC), 2.0, Quality.ESTIMATED, None, ""),
        (dt.datetime(2024, 1, 31, 14, 0, tzinfo=UTC), 1234.5, Quality.MEASURED, None, ""),
    ]


def test_every_kind_of_problem_is_named_by_row_and_column(elec, run_import):
    content = (
        "series;timestamp;value;unit\n"
        "N-ELEC-MAIN;2024-02-30 10:00;1;kWh\n"
        "N-NOPE;2024-02-01 10:00;1;kWh\n"
        "N-ELEC-MAIN;2024-02-01 11:00;1;kg\n"
        "N-ELEC-MAIN;2024-02-01 12:00;abc;kWh\n"
        "N-ELEC-MAIN;2024-02-01 13:00;-4;kWh\n"
        "N-ELEC-MAIN;2024-02-01 14:00;5;kWh\n"
        "N-ELEC-MAIN;2024-02-01 14:00;6;kWh\n"
        "N-ELEC-MAIN;2024-02-01 15:00;6;kwhh\n"
    )
    assert refused(run_import, content) == [
        "Row 2, column “timestamp”: “2024-02-30 10:00” is not a date and time; "
        "use ISO 8601 (2026-01-31T14:00), DD/MM/YYYY HH:MM or a spreadsheet date",
        "Row 3, column “series”: “N-NOPE” is not a known series",
        "Row 4, column “unit”: “kg” cannot be converted to kWh, the unit of N-ELEC-MAIN",
        "Row 5, column “value”: “abc” is not a number",
        "Row 6, column “value”: -4 is negative; N-ELEC-MAIN records consumption, which cannot be negative",
        "Row 8, column “timestamp”: N-ELEC-MAIN already has a reading at 2024-02-01 14:00 CET in row 7",
        "Row 9, column “unit”: “kwhh” is not a unit: “kwhh” is unknown.",
    ]


def test_nothing_is_written_when_anything_is_wrong(elec, run_import):
    audit_before = AuditEntry.objects.count()
    good = "".join(f"N-ELEC-MAIN;2024-03-{d:02d};{d}\n" for d in range(1, 29))
    problems = refused(run_import, "series;timestamp;value\n" + good + "N-ELEC-MAIN;2024-03-29;lots\n")
    assert problems == ["Row 30, column “value”: “lots” is not a number"]
    assert not Reading.objects.exists()
    assert not ImportRun.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_all_problems_of_one_row_are_listed(elec, run_import):
    problems = refused(run_import, "series,timestamp,value,unit,quality\nN-GONE,yesterday,?,furlongs,maybe\n")
    assert problems == [
        "Row 2, column “series”: “N-GONE” is not a known series",
        "Row 2, column “timestamp”: “yesterday” is not a date and time; "
        "use ISO 8601 (2026-01-31T14:00), DD/MM/YYYY HH:MM or a spreadsheet date",
        "Row 2, column “value”: “?” is not a number",
        "Row 2, column “quality”: “maybe” is not a quality; use measured, estimated, corrected",
    ]


def test_duplicates_are_found_in_a_file_out_of_time_order(elec, make_series, north, run_import):
    make_series(north, "N-GAS", unit="m3", category="natural_gas")
    content = (
        "series,timestamp,value\n"
        "N-ELEC-MAIN,2024-02-02,1\n"
        "N-GAS,2024-02-01,1\n"
        "N-ELEC-MAIN,2024-02-01,1\n"
        "N-GAS,2024-02-02,1\n"
        "N-ELEC-MAIN,2024-02-02 00:00,2\n"
    )
    assert refused(run_import, content) == [
        "Row 6, column “timestamp”: N-ELEC-MAIN already has a reading at 2024-02-02 00:00 CET in row 2"
    ]


def test_a_header_without_the_needed_columns_is_refused(elec, run_import):
    assert refused(run_import, "series;when;value\nN-ELEC-MAIN;2024-01-01;1\n") == [
        "Row 1, column “timestamp”: this required column is missing from the header row"
    ]
    assert refused(run_import, "timestamp;N-ELEC-MAIN;N-UNKNOWN\n2024-01-01;1;2\n") == [
        "Row 1, column “N-UNKNOWN”: not a series column: “N-UNKNOWN” is not a known series"
    ]


def test_series_the_importer_may_not_change_are_refused(elec, make_series, south, run_import, viewer, outsider):
    make_series(south, "S-ELEC-MAIN")
    content = "series,timestamp,value\nN-ELEC-MAIN,2024-01-01,1\nS-ELEC-MAIN,2024-01-01,1\n"
    assert refused(run_import, content, by=outsider) == ["Row 2, column “series”: “N-ELEC-MAIN” is not a known series"]
    from ims.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        run_import(content, by=viewer)


def test_an_archived_series_takes_no_readings(elec, manager, run_import):
    from ims.monitoring.services import series_archive

    series_archive(by=manager, series=elec, version=elec.version)
    assert refused(run_import, "series,timestamp,value\nN-ELEC-MAIN,2024-01-01,1\n") == [
        "Row 2, column “series”: N-ELEC-MAIN is archived; it takes no readings"
    ]


def test_future_and_ancient_timestamps_are_refused(elec, run_import):
    now = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    content = "series,timestamp,value\nN-ELEC-MAIN,2024-06-03,1\nN-ELEC-MAIN,1969-12-31,1\n"
    assert refused(run_import, content, now=now) == [
        "Row 2, column “timestamp”: “2024-06-03” is in the future",
        "Row 3, column “timestamp”: “1969-12-31” is before 1970",
    ]


def test_problems_are_capped_and_counted(elec, run_import):
    content = "series,timestamp,value\n" + "".join(
        f"N-ELEC-MAIN,2024-01-01 {h % 24:02d}:{h // 24:02d},x\n" for h in range(250)
    )
    with pytest.raises(ReadingsRefused) as caught:
        run_import(content)
    problems = caught.value.extra["problems"]
    assert len(problems) == 201
    assert problems[-1] == "… and 50 more problems"
    assert caught.value.detail.startswith("Nothing was imported: 250 problem(s). Row 2, column “value”")
