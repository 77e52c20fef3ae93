"""The dashboard's year on year compares like with like: in the running year, the ended months of both years."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ims.ghg import dashboard, services
from ims.ghg.views import _dashboard_tables
from ims.monitoring.models import Category

pytestmark = pytest.mark.usefixtures("shipped")

MID_NOVEMBER = dt.date(2026, 11, 15)


@pytest.fixture
def parts(make_series, north):
    return make_series(north, "N-PROD", name="Parts made", category=Category.PRODUCTION, unit="piece")


@pytest.fixture
def two_years(manager, elec, parts, grid_2025, record):
    """Electricity and parts made in 2025 and 2026 (to mid-November); the meter is in the inventory both years."""
    record(elec, ("2025-01-10", 1000), ("2025-10-10", 500), ("2025-11-10", 4000), ("2025-12-10", 3000))
    record(elec, ("2026-01-10", 1200), ("2026-10-10", 600), ("2026-11-10", 900))
    record(parts, ("2025-01-10", 100), ("2025-11-10", 50), ("2026-01-10", 90), ("2026-11-10", 30))
    for year in (2025, 2026):
        services.source_create(by=manager, series=elec, year=year, scope="2", factor=grid_2025)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def yoy(tables: list[dashboard.Table]) -> dashboard.Table:
    return next(t for t in tables if t.key == "year-on-year")


def test_the_months_that_have_ended():
    assert dashboard.ended_months(year=2026, today=MID_NOVEMBER) == 10
    assert dashboard.ended_months(year=2026, today=dt.date(2026, 2, 1)) == 1
    assert dashboard.ended_months(year=2026, today=dt.date(2026, 1, 31)) == 0
    assert dashboard.ended_months(year=2025, today=MID_NOVEMBER) == 12
    assert dashboard.ended_months(year=2027, today=MID_NOVEMBER) == 0
    assert dashboard.months_span(10, 2026) == "January to October, 2026 against 2025"
    assert dashboard.months_span(1, 2026) == "January, 2026 against 2025"
    assert dashboard.months_span(0, 2026) == "no month of 2026 has ended yet"
    assert dashboard.months_span(12, 2025) == "whole year, 2025 against 2024"


def test_the_running_year_compares_january_to_october_of_both_years(north, parts, two_years):
    table = yoy(_dashboard_tables(2026, [north.pk], parts, today=MID_NOVEMBER))
    assert table.caption == "Year on year and intensity per piece of N-PROD: January to October, 2026 against 2025"
    assert table.header == [
        "Indicator",
        "Jan–Oct 2025",
        "Jan–Oct 2026",
        "Change",
        "Per piece Jan–Oct 2025",
        "Per piece Jan–Oct 2026",
    ]
    # kWh: 1000 + 500 against 1200 + 600; kg CO2e at 0.177 kg/kWh: 265.5 against 318.6; parts: 100 against 90.
    assert table.rows == [
        ["Energy (kWh)", "1,500.0", "1,800.0", "+20.0 %", "15", "20"],
        ["Water (m³)", "0.0", "0.0", "—", "0", "0"],
        ["Waste (kg)", "0.0", "0.0", "—", "0", "0"],
        ["CO2e, kg (scopes 1, 2 market, 3)", "265.5", "318.6", "+20.0 %", "2.655", "3.54"],
    ]


def test_a_past_year_is_compared_whole(north, parts, two_years):
    table = yoy(_dashboard_tables(2025, [north.pk], parts, today=MID_NOVEMBER))
    assert table.caption == "Year on year and intensity per piece of N-PROD: whole year, 2025 against 2024"
    assert table.header == ["Indicator", "2024", "2025", "Change", "Per piece 2024", "Per piece 2025"]
    # 1000 + 500 + 4000 + 3000 kWh, 8500 × 0.177 kg; 150 parts.
    assert table.rows[0] == ["Energy (kWh)", "0.0", "8,500.0", "—", "—", "56.67"]
    assert table.rows[3] == ["CO2e, kg (scopes 1, 2 market, 3)", "0.0", "1,504.5", "—", "—", "10.03"]


def test_in_january_no_month_has_ended_yet(north, parts, two_years):
    table = yoy(_dashboard_tables(2026, [north.pk], parts, today=dt.date(2026, 1, 20)))
    assert table.caption.endswith(": no month of 2026 has ended yet")
    assert table.header[1:3] == ["no months 2025", "no months 2026"]
    assert table.rows[0] == ["Energy (kWh)", "0.0", "0.0", "—", "—", "—"]


def test_the_page_csv_and_pdf_say_which_months_they_compare(monkeypatch, web, manager, north, two_years):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: MID_NOVEMBER)
    client = web(manager)
    html = client.get("/ghg/dashboard", {"year": 2026}).content.decode()
    assert "January to October, 2026 against 2025" in html
    assert '<td class="num">1,800.0</td>' in html
    response = client.get("/ghg/dashboard/year-on-year.csv", {"year": 2026})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Indicator", "Jan–Oct 2025", "Jan–Oct 2026", "Change"]
    # A leading “+” is neutralised as a spreadsheet formula.
    assert rows[1] == ["Energy (kWh)", "1,500.0", "1,800.0", "'+20.0 %", "15", "20"]
    text = pdf_text(client.get("/ghg/dashboard.pdf", {"year": 2026}).content)
    assert "January to October, 2026 against 2025" in text
    assert "318.6" in text


def test_the_monthly_table_still_shows_every_month_of_the_running_year(north, parts, two_years):
    resources = next(t for t in _dashboard_tables(2026, [north.pk], parts, today=MID_NOVEMBER) if t.key == "resources")
    assert [row[1] for row in resources.rows[9:12]] == ["600.0", "900.0", "0.0"]


def test_the_months_that_have_ended_are_counted_where_the_chosen_site_is(monkeypatch, db, settings):
    """22:00 UTC on 31 January is already 1 February in Tokyo: January has ended there, not in the organisation."""
    from ims.ghg.views import _today
    from ims.org.models import Site

    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 31, 22, 0, tzinfo=dt.UTC))
    tokyo = Site.objects.create(code="T", name="Tokyo plant", country="JP", time_zone="Asia/Tokyo")
    assert _today({"sites": [tokyo], "site_id": tokyo.pk}) == dt.date(2026, 2, 1)
    assert _today({"sites": [tokyo], "site_id": None}) == dt.date(2026, 1, 31)
