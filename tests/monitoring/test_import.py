"""Importing readings: layouts, saved mappings, XLSX, re-imports that update and never duplicate, the CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from ims.audit.models import AuditEntry
from ims.monitoring import services
from ims.monitoring.checking import ReadingsRefused
from ims.monitoring.importing import import_readings
from ims.monitoring.models import ImportRun, Quality, Reading

UTC = dt.UTC


def stored(series=None):
    qs = Reading.objects.order_by("series__reference", "ts")
    if series is not None:
        qs = qs.filter(series=series)
    return list(qs.values_list("series__reference", "ts", "value"))


def test_re_importing_updates_and_never_duplicates(elec, run_import):
    content = "series,timestamp,value\nN-ELEC-MAIN,2024-01-01,10\nN-ELEC-MAIN,2024-01-02,20\n"
    first = run_import(content)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    again = run_import(content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import(content.replace("02,20", "02,25") + "N-ELEC-MAIN,2024-01-03,30\n")
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 1)
    assert [v for _, _, v in stored()] == [10.0, 25.0, 30.0]
    assert Reading.objects.count() == 3
    assert ImportRun.objects.count() == 3


def test_an_import_is_logged_and_audited(elec, manager, run_import):
    report = run_import("series,timestamp,value\nN-ELEC-MAIN,2024-01-01,10\n", source="EDF portal")
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.by, run.file_name, run.source, run.readings, run.created, run.site_id) == (
        manager,
        "test.csv",
        "EDF portal",
        1,
        1,
        elec.site_id,
    )
    entry = AuditEntry.objects.filter(record_type="monitoring.importrun").get()
    assert entry.note == "1 readings of 1 series from test.csv: 1 new, 0 updated, 0 unchanged"
    assert entry.site_id == elec.site_id


def test_the_wide_layout_with_units_in_the_header(elec, make_series, north, run_import):
    make_series(north, "N-WATER", category="water", unit="m3")
    content = "Date;N-ELEC-MAIN [MWh];N-WATER\n01/02/2024;1,25;12\n02/02/2024;;13,5\n;;\n03/02/2024;2;\n"
    report = run_import(content)
    assert (report.layout, report.rows, report.readings) == ("wide", 3, 4)
    assert stored() == [
        ("N-ELEC-MAIN", dt.datetime(2024, 1, 31, 23, tzinfo=UTC), 1250.0),
        ("N-ELEC-MAIN", dt.datetime(2024, 2, 2, 23, tzinfo=UTC), 2000.0),
        ("N-WATER", dt.datetime(2024, 1, 31, 23, tzinfo=UTC), 12.0),
        ("N-WATER", dt.datetime(2024, 2, 1, 23, tzinfo=UTC), 13.5),
    ]


def test_wide_layout_problems_name_the_series_column(elec, run_import):
    with pytest.raises(ReadingsRefused) as caught:
        run_import("timestamp,N-ELEC-MAIN\n2024-01-01,x\nnot a date,1\n2024-01-03,-1\n")
    assert caught.value.extra["problems"] == [
        "Row 2, column “N-ELEC-MAIN”: “x” is not a number",
        "Row 3, column “timestamp”: “not a date” is not a date and time; "
        "use ISO 8601 (2026-01-31T14:00), DD/MM/YYYY HH:MM or a spreadsheet date",
        "Row 4, column “N-ELEC-MAIN”: -1 is negative; N-ELEC-MAIN records consumption, which cannot be negative",
    ]
    with pytest.raises(ReadingsRefused) as caught:
        run_import("timestamp,N-ELEC-MAIN (kg)\n2024-01-01,1\n")
    assert caught.value.extra["problems"] == [
        "Row 1, column “N-ELEC-MAIN (kg)”: “kg” cannot be converted to kWh, the unit of N-ELEC-MAIN"
    ]


def test_a_saved_mapping_reads_a_source_s_own_columns(elec, manager, run_import):
    mapping = services.mapping_create(
        by=manager,
        name="portal",
        layout="long",
        series_column="Meter ID",
        timestamp_column="Period start",
        value_column="Energy",
        date_format="%m/%d/%Y %I:%M %p",
        time_zone="UTC",
        unit="MWh",
    )
    content = "Meter ID,Period start,Energy,Comment\nN-ELEC-MAIN,01/02/2024 01:30 PM,0.5,x\n"
    report = run_import(content, mapping=mapping)
    assert stored() == [("N-ELEC-MAIN", dt.datetime(2024, 1, 2, 13, 30, tzinfo=UTC), 500.0)]
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.mapping, run.source) == (mapping, "portal")
    with pytest.raises(ReadingsRefused) as caught:
        run_import("Meter,Period start,Energy\nN-ELEC-MAIN,01/02/2024 01:30 PM,0.5\n", mapping=mapping)
    assert caught.value.extra["problems"] == [
        "Row 1, column “Meter ID”: the mapping names this series column, but the file has no such column"
    ]
    with pytest.raises(ReadingsRefused) as caught:
        run_import("Meter ID,Period start,Energy\nN-ELEC-MAIN,2024-01-02 13:30,0.5\n", mapping=mapping)
    assert caught.value.extra["problems"] == [
        "Row 2, column “Period start”: “2024-01-02 13:30” does not match the date format %m/%d/%Y %I:%M %p"
    ]


def test_a_wide_mapping_names_series_by_column(elec, manager, run_import):
    mapping = services.mapping_create(
        by=manager, name="scada", layout="wide", columns={"Main kWh": "N-ELEC-MAIN", "Total": "-"}
    )
    run_import("timestamp,Main kWh,Total\n2024-01-01,5,99\n", mapping=mapping)
    assert stored() == [("N-ELEC-MAIN", dt.datetime(2023, 12, 31, 23, tzinfo=UTC), 5.0)]


def test_xlsx_with_spreadsheet_dates_and_numbers(elec, manager):
    book = Workbook()
    sheet = book.active
    sheet.append(["series", "timestamp", "value", "quality"])
    sheet.append(["N-ELEC-MAIN", dt.datetime(2024, 3, 1, 8, 0), 12.5, "corrected"])
    sheet.append(["N-ELEC-MAIN", 45352.5, 3, None])  # a serial number: 2024-03-01 12:00
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    report = import_readings(by=manager, stream=buffer, file_name="meter.xlsx")
    assert report.readings == 2
    assert list(Reading.objects.order_by("ts").values_list("ts", "value", "quality")) == [
        (dt.datetime(2024, 3, 1, 7, tzinfo=UTC), 12.5, Quality.CORRECTED),
        (dt.datetime(2024, 3, 1, 11, tzinfo=UTC), 3.0, Quality.MEASURED),
    ]


def test_progress_is_reported_while_checking_and_writing(elec, run_import):
    seen = []
    content = "series,timestamp,value\n" + "".join(f"N-ELEC-MAIN,{1704067200 + h * 3600},1\n" for h in range(3))
    with pytest.raises(ReadingsRefused):
        run_import(content)  # epoch seconds are not a date format
    content = "series,timestamp,value\n" + "".join(f"N-ELEC-MAIN,2024-01-01 {h:02d}:00,1\n" for h in range(24))
    run_import(content, progress=seen.append)
    assert seen[-1].phase == "writing"
    assert seen[-1].rows == 24
    assert seen[-1].fraction == 1.0
    assert any(p.phase == "checking" for p in seen)


def test_the_command_line_imports_with_a_progress_line(elec, tmp_path, capsys):
    path = tmp_path / "readings.csv"
    path.write_text("series,timestamp,value\nN-ELEC-MAIN,2024-01-01,10\nN-ELEC-MAIN,2024-01-02,11\n")
    call_command("import", "readings", str(path), "--source", "meter export")
    out, err = capsys.readouterr()
    assert out.startswith("Imported 2 readings of 1 series from 2 rows: 2 new, 0 updated, 0 unchanged in ")
    assert "checking" in err
    assert "writing" in err
    assert ImportRun.objects.get().source == "meter export"
    call_command("import_readings", str(path), "--no-progress")
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out
    path.write_text("series,timestamp,value\nN-ELEC-MAIN,2024-01-03,x\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_readings", str(path), "--no-progress")
    assert (
        str(caught.value) == "Nothing was imported; fix these problems:\n  Row 2, column “value”: “x” is not a number"
    )
    with pytest.raises(CommandError, match="No active user named “nobody”"):
        call_command("import_readings", str(path), "--user", "nobody")


def test_duplicates_in_a_large_shuffled_file_are_found_from_disk(elec, make_series, north, run_import, monkeypatch):
    """Out-of-order readings are checked in sorted runs merged from disk; here runs of 7 pairs."""
    from ims.monitoring import checking

    monkeypatch.setattr(checking, "RUN", 7)
    monkeypatch.setattr(checking, "CHUNK", 5)
    make_series(north, "N-GAS", unit="m3", category="natural_gas")
    days = [f"2024-01-{d:02d}" for d in (5, 3, 9, 1, 7, 2, 8, 4, 6, 10, 12, 11)]
    lines = [f"{ref},{day},1" for day in days for ref in ("N-ELEC-MAIN", "N-GAS")]
    lines.insert(15, "N-GAS,2024-01-09,2")  # row 17 repeats row 7
    with pytest.raises(ReadingsRefused) as caught:
        run_import("series,timestamp,value\n" + "\n".join(lines) + "\n")
    assert caught.value.extra["problems"] == [
        "Row 17, column “timestamp”: N-GAS already has a reading at 2024-01-09 00:00 CET in row 7"
    ]
    del lines[15]
    assert run_import("series,timestamp,value\n" + "\n".join(lines) + "\n").readings == 24


def test_one_file_with_a_series_already_read_and_a_new_one(elec, make_series, north, run_import):
    make_series(north, "N-GAS", unit="m3", category="natural_gas")
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-01-01,1\nN-ELEC-MAIN,2024-01-02,2\n")
    report = run_import("series,timestamp,value\nN-ELEC-MAIN,2024-01-02,3\nN-GAS,2024-01-01,4\nN-GAS,2024-01-02,5\n")
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    assert [v for _, _, v in stored()] == [1.0, 3.0, 4.0, 5.0]
