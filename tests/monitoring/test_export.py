"""Exporting readings (page and API), CSV and XLSX, and importing the export again unchanged."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from typing import Any

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from ims.monitoring import export
from ims.monitoring.models import Reading, Series
from ims.org.models import Site
from tests.conftest import assert_problem

HEADER = "series,site,timestamp,value,unit,quality,source,consumption,event,value in series unit,series unit"
ELEC_ROWS = [
    "N-ELEC-MAIN,North plant,2026-10-25T01:30:00+02:00,10.5,kWh,measured,import,,,10.5,kWh",
    "N-ELEC-MAIN,North plant,2026-10-25T02:30:00+02:00,11.0,kWh,measured,import,,,11.0,kWh",
    "N-ELEC-MAIN,North plant,2026-10-25T02:30:00+01:00,12.0,kWh,estimated,import,,,12.0,kWh",
    "N-ELEC-MAIN,North plant,2026-10-25T03:30:00+01:00,1.25,MWh,measured,import,,,1250.0,kWh",
    "N-ELEC-MAIN,North plant,2026-10-31T23:30:00+01:00,0.1,kWh,measured,import,,,0.1,kWh",
]
REG_ROWS = [
    "N-ELEC-REG,North plant,2026-01-01T00:00:00+01:00,999900.0,kWh,measured,import,,,999900.0,kWh",
    "N-ELEC-REG,North plant,2026-01-02T00:00:00+01:00,999990.0,kWh,measured,import,90.0,,999990.0,kWh",
    "N-ELEC-REG,North plant,2026-01-05T00:00:00+01:00,15.0,kWh,measured,import,25.0,rollover,15.0,kWh",
]


@pytest.fixture
def readings(elec: Series, register: Series, run_import: Any) -> None:
    # The repeated hour of 25 October in Berlin, listed in order: first summer time, then winter time.
    run_import(
        "series,timestamp,value,unit,quality\n"
        "N-ELEC-MAIN,2026-10-25 01:30,10.5,,\n"
        "N-ELEC-MAIN,2026-10-25 02:30,11,,\n"
        "N-ELEC-MAIN,2026-10-25 02:30,12,,estimated\n"
        "N-ELEC-MAIN,2026-10-25 03:30,1.25,MWh,\n"
        "N-ELEC-MAIN,2026-10-31 23:30,0.1,,\n"
        "N-ELEC-REG,2026-01-01,999900,,\n"
        "N-ELEC-REG,2026-01-02,999990,,\n"
        "N-ELEC-REG,2026-01-05,15,,\n"
    )


def lines(response: Any) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return body[1:].split("\r\n")[:-1]


def stored() -> list[tuple[Any, ...]]:
    return list(
        Reading.objects.order_by("series_id", "ts").values_list(
            "series_id", "ts", "value", "consumption", "event", "quality", "original_value", "original_unit"
        )
    )


def test_a_series_exports_as_csv_in_local_time_with_offsets(web: Any, owner: Any, elec: Series, readings: None) -> None:
    response = web(owner).get(f"/monitoring/series/{elec.pk}/export", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="N-ELEC-MAIN-readings.csv"'
    assert lines(response) == [HEADER, *ELEC_ROWS]


def test_the_export_imports_again_unchanged(web: Any, owner: Any, north: Site, readings: None, run_import: Any) -> None:
    before = stored()
    response = web(owner).get("/monitoring/export", {"site": north.pk, "format": "csv"})
    content = b"".join(response.streaming_content)
    assert content.decode("utf-8")[1:].split("\r\n")[:-1] == [HEADER, *ELEC_ROWS, *REG_ROWS]
    report = run_import(content)
    assert (report.readings, report.created, report.updated, report.unchanged) == (8, 0, 0, 8)
    assert stored() == before


def test_the_xlsx_export_holds_the_same_rows_and_imports_again_unchanged(
    web: Any, owner: Any, north: Site, readings: None, run_import: Any
) -> None:
    before = stored()
    response = web(owner).get("/monitoring/export", {"site": north.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="readings.xlsx"'
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Readings"]
    got = [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]
    expected = [tuple(HEADER.split(","))]
    for line in [*ELEC_ROWS, *REG_ROWS]:
        cells: list[Any] = line.split(",")
        for i in (3, 7, 9):
            cells[i] = float(cells[i]) if cells[i] else ""
        expected.append(tuple(cells))
    assert got == expected
    report = run_import(content)
    assert (report.readings, report.unchanged) == (8, 8)
    assert stored() == before


def test_the_window_is_days_of_the_site_both_included(web: Any, owner: Any, elec: Series, readings: None) -> None:
    response = web(owner).get(
        f"/monitoring/series/{elec.pk}/export", {"format": "csv", "from": "2026-10-25", "to": "2026-10-25"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="N-ELEC-MAIN-readings-2026-10-25_2026-10-25.csv"'
    assert lines(response) == [HEADER, *ELEC_ROWS[:4]]
    late = web(owner).get(f"/monitoring/series/{elec.pk}/export", {"format": "csv", "from": "2026-10-31"})
    assert lines(late) == [HEADER, ELEC_ROWS[4]]


def test_the_list_export_follows_the_filters_and_the_readers_sites(
    web: Any, owner: Any, outsider: Any, south: Site, make_series: Any, readings: None, run_import: Any
) -> None:
    make_series(south, "S-WATER", name="South water", category="water", unit="m3")
    run_import("series,timestamp,value\nS-WATER,2026-10-01 08:00,7\n")
    mine = lines(web(owner).get("/monitoring/export", {"site": "", "category": "electricity", "format": "csv"}))
    assert mine == [HEADER, *ELEC_ROWS, *REG_ROWS]
    theirs = lines(web(outsider).get("/monitoring/export", {"site": "", "format": "csv"}))
    assert theirs == [HEADER, "S-WATER,South plant,2026-10-01T08:00:00+02:00,7.0,m3,measured,import,,,7.0,m3"]
    searched = lines(web(owner).get("/monitoring/export", {"site": "", "q": "index", "format": "csv"}))
    assert searched == [HEADER, *REG_ROWS]


def test_a_series_of_another_site_cannot_be_exported(web: Any, outsider: Any, elec: Series, readings: None) -> None:
    assert web(outsider).get(f"/monitoring/series/{elec.pk}/export", {"format": "csv"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "pdf"}, "Format: “pdf” is not an export format; use csv or xlsx."),
        ({"format": "csv", "from": "31/10/2026"}, "From: “31/10/2026” is not a date (YYYY-MM-DD)."),
        ({"format": "csv", "from": "2026-10-31", "to": "2026-10-01"}, "To: The last day comes before the first day."),
    ],
)
def test_bad_input_goes_back_to_the_page_naming_the_field(
    web: Any, owner: Any, elec: Series, params: dict[str, str], message: str
) -> None:
    response = web(owner).get(f"/monitoring/series/{elec.pk}/export", params)
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/series/{elec.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]


def test_the_pages_offer_the_exports(web: Any, owner: Any, elec: Series) -> None:
    detail = web(owner).get(f"/monitoring/series/{elec.pk}/").content.decode()
    assert f'action="/monitoring/series/{elec.pk}/export"' in detail
    assert 'name="format" value="xlsx"' in detail
    listing = web(owner).get("/monitoring/", {"category": "electricity"}).content.decode()
    assert 'action="/monitoring/export"' in listing
    assert '<input type="hidden" name="category" value="electricity">' in listing


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    web: Any, manager: Any, make_series: Any, run_import: Any
) -> None:
    site = Site.objects.create(code="F", name="=HYPERLINK(1)", country="FR", time_zone="Europe/Paris")
    series = make_series(site, "F-TEMP", category="other", unit="degC", reading_kind="sample")
    run_import("series,timestamp,value\nF-TEMP,2026-01-01 00:00,-5\n")
    got = lines(web(manager).get(f"/monitoring/series/{series.pk}/export", {"format": "csv"}))
    # The site's name is text and gets an apostrophe; a negative reading stays a number.
    assert got[1] == "F-TEMP,'=HYPERLINK(1),2026-01-01T00:00:00+01:00,-5.0,degC,measured,import,,,-5.0,degC"


def test_the_api_gives_the_readings_as_csv_or_a_page(
    api: Any, owner: Any, outsider: Any, elec: Series, readings: None
) -> None:
    path = f"/series/{elec.pk}/readings"
    response = api(owner).get(path, format="csv", **{"from": "2026-10-25T00:00:00Z", "to": "2026-10-25T01:00:00Z"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="N-ELEC-MAIN-readings.csv"'
    assert lines(response) == [HEADER, ELEC_ROWS[1]]
    page = api(owner).get(path, limit=2).json()
    assert [item["value"] for item in page["items"]] == [10.5, 11.0]
    book = api(owner).get(path, format="xlsx")
    assert load_workbook(io.BytesIO(b"".join(book.streaming_content)))["Readings"].max_row == 6
    assert_problem(api(owner).get(path, format="pdf"), 422, "validation")
    assert_problem(api(outsider).get(path, format="csv"), 404, "not-found")


def test_the_csv_streams_without_holding_the_readings_in_memory(elec: Series) -> None:
    first = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    Reading.objects.bulk_create(
        (Reading(series=elec, ts=first + dt.timedelta(hours=h), value=h / 4) for h in range(40_000)), batch_size=5000
    )
    series = Series.objects.select_related("site").get(pk=elec.pk)
    tracemalloc.start()
    try:
        size = 0
        for chunk in export.csv_stream(export.windows([series], first=None, last=None)):
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 3_000_000  # about 3.2 MB of CSV went out …
    assert peak < 3_500_000  # … while only a chunk of readings was held at any moment (about 2.3 MB at most)


def test_a_workbook_too_large_is_refused_with_the_way_to_get_the_readings(
    web: Any, api: Any, owner: Any, elec: Series, readings: None, monkeypatch: Any
) -> None:
    monkeypatch.setattr(export, "XLSX_LIMIT", 4)  # the fixture holds 5 readings of this series
    response = web(owner).get(f"/monitoring/series/{elec.pk}/export", {"format": "xlsx"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Format: 5 readings are too many for a workbook (at most 4); "
        "export them as CSV, which streams, or choose fewer series or days."
    ]
    assert web(owner).get(f"/monitoring/series/{elec.pk}/export", {"format": "csv"}).status_code == 200
    assert_problem(api(owner).get(f"/series/{elec.pk}/readings", format="xlsx"), 422, "validation")
    monkeypatch.setattr(export, "XLSX_LIMIT", 5)
    assert web(owner).get(f"/monitoring/series/{elec.pk}/export", {"format": "xlsx"}).status_code == 200
