"""Monitoring pages: list and filters, detail with gaps and sparkline, forms, manual entry, import, mappings."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.monitoring import services
from ims.monitoring.models import Reading, Series

FORM = {
    "name": "Gas boiler",
    "category": "natural_gas",
    "unit": "m3",
    "reading_kind": "interval",
    "register_rollover": "",
    "expected_frequency": "day",
    "expected_min": "",
    "expected_max": "",
    "source": "manual",
    "waste_stream": "",
    "ewc_code": "",
    "waste_route": "",
    "equipment": "",
    "description": "",
}


def test_list_filters_and_shows_the_latest_reading(web, owner, outsider, elec, make_series, north, south, run_import):
    make_series(north, "N-GAS", name="Boiler gas", category="natural_gas", unit="m3")
    make_series(south, "S-ELEC", name="South meter")
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-01-01 10:00,42.5\n")
    page = web(owner).get("/monitoring/").content.decode()
    assert "N-ELEC-MAIN" in page
    assert "N-GAS" in page
    assert "S-ELEC" not in page
    assert "42.5 kWh" in page
    filtered = web(owner).get("/monitoring/", {"category": "natural_gas"}).content.decode()
    assert "N-GAS" in filtered
    assert "N-ELEC-MAIN" not in filtered
    assert "N-GAS" not in web(owner).get("/monitoring/", {"q": "meter"}).content.decode()
    assert "N-ELEC-MAIN" not in web(outsider).get("/monitoring/").content.decode()
    assert web(outsider).get(f"/monitoring/series/{elec.pk}/").status_code == 404


def test_the_diversion_rate_of_waste(web, owner, make_series, north, run_import):
    waste = {"category": "waste", "unit": "kg", "waste_stream": "non_hazardous"}
    make_series(north, "N-SWARF", waste_route="recycling", **waste)
    make_series(north, "N-GENERAL", waste_route="landfill", unit="t", **{k: v for k, v in waste.items() if k != "unit"})
    from django.utils import timezone

    day = (timezone.now() - timezone.timedelta(days=3)).date().isoformat()
    run_import(f"series,timestamp,value\nN-SWARF,{day},3000\nN-GENERAL,{day},1\n")
    page = web(owner).get("/monitoring/").content.decode()
    assert "75.0%" in page
    assert "of 4000 kg of waste diverted from disposal" in page


def test_detail_shows_readings_gaps_consumption_and_sparkline(web, owner, register, run_import):
    run_import(
        "series,timestamp,value\nN-ELEC-REG,2024-01-01,999900\nN-ELEC-REG,2024-01-02,999990\nN-ELEC-REG,2024-01-05,15\n"
    )
    page = web(owner).get(f"/monitoring/series/{register.pk}/", {"from": "2024-01-01", "to": "2024-01-07"}).content
    text = page.decode()
    assert "consumption <strong>115 kWh</strong>" in text
    assert "4 expected periods without a reading (daily)" in text
    assert "2024-01-03 00:00" in text
    assert "2024-01-05 00:00" in text
    assert "Register rolled over" in text
    bad = web(owner).get(f"/monitoring/series/{register.pk}/", {"from": "2024-01-07", "to": "2024-01-01"})
    assert "Choose a window of 1 to 366 days." in bad.content.decode()


def test_create_edit_and_archive_a_series(web, owner, north):
    client = web(owner)
    response = client.post("/monitoring/series/new", {**FORM, "site": north.pk, "reference": "n-gas-boiler"})
    assert response.status_code == 302, response.content.decode()
    series = Series.objects.get()
    assert series.reference == "N-GAS-BOILER"
    changed = client.post(f"/monitoring/series/{series.pk}/edit", {**FORM, "version": 1, "unit": "L"})
    assert changed.status_code == 302  # no readings yet: the unit may still change
    series.refresh_from_db()
    invalid = client.post(f"/monitoring/series/{series.pk}/edit", {**FORM, "version": series.version, "unit": "xyz"})
    assert invalid.status_code == 422
    assert "“xyz” is not a unit" in invalid.content.decode()
    done = client.post(f"/monitoring/series/{series.pk}/archive", {"version": series.version}, follow=True)
    assert "Series N-GAS-BOILER archived." in done.content.decode()


def test_manual_entry_asks_to_confirm_an_unexpected_value(web, owner, contributor, elec, manager):
    services.series_update(by=manager, series=elec, version=elec.version, expected_max=100)
    client = web(owner)
    form = client.get(f"/monitoring/series/{elec.pk}/readings/new").content.decode()
    assert 'type="datetime-local"' in form
    assert "Europe/Berlin" in form
    assert 'name="confirmed"' in form
    assert 'type="hidden"' in form
    data = {"ts": "2024-03-01T08:00", "value": "250", "unit": "kWh", "quality": "measured"}
    asked = client.post(f"/monitoring/series/{elec.pk}/readings/new", data)
    assert asked.status_code == 422
    text = asked.content.decode()
    assert "is outside the expected range" in text
    assert 'type="checkbox" name="confirmed"' in text
    saved = client.post(f"/monitoring/series/{elec.pk}/readings/new", {**data, "confirmed": "on"})
    assert saved.status_code == 302
    reading = Reading.objects.get()
    assert (reading.value, reading.ts.isoformat()) == (250.0, "2024-03-01T07:00:00+00:00")
    assert web(contributor).get(f"/monitoring/series/{elec.pk}/readings/new").status_code == 403


def test_the_import_page(web, owner, viewer, elec):
    client = web(owner)
    page = client.get("/monitoring/import").content.decode()
    assert "monitoring/import.js" in page
    assert "data-upload-progress" in page
    good = client.post(
        "/monitoring/import",
        {"file": SimpleUploadedFile("a.csv", b"series;timestamp;value\nN-ELEC-MAIN;2024-01-01;1,5\n")},
    )
    assert good.status_code == 200
    text = good.content.decode()
    assert "1 readings from 1 rows for 1 series: 1 new, 0 updated, 0 unchanged" in text
    assert "a.csv" in text  # the recent imports
    bad = client.post(
        "/monitoring/import", {"file": SimpleUploadedFile("b.csv", b"series,timestamp,value\nN-ELEC-MAIN,x,1\n")}
    )
    assert bad.status_code == 422
    assert "Row 2, column “timestamp”: “x” is not a date and time" in bad.content.decode()
    assert web(viewer).get("/monitoring/import").status_code == 403


def test_mapping_pages(web, owner, viewer):
    client = web(owner)
    created = client.post(
        "/monitoring/mappings/new",
        {"name": "scada", "layout": "wide", "columns": "Main kWh = N-ELEC-MAIN\nTotal = -", "timestamp_column": "Time"},
    )
    assert created.status_code == 302, created.content.decode()
    mapping = services.ImportMapping.objects.get()
    assert mapping.columns == {"Main kWh": "N-ELEC-MAIN", "Total": "-"}
    edit = client.get("/monitoring/mappings/scada/edit").content.decode()
    assert "Main kWh = N-ELEC-MAIN" in edit
    broken = client.post("/monitoring/mappings/scada/edit", {"version": 1, "layout": "wide", "columns": "nonsense"})
    assert "Line 1: write “file column = series reference”." in broken.content.decode()
    assert "scada" in web(viewer).get("/monitoring/mappings/").content.decode()
    assert web(viewer).get("/monitoring/mappings/new").status_code == 403
