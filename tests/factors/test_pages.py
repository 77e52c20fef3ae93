"""Pages of the factor library: the register and its filters, citations, own factors' forms, exports, import."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ims.factors.models import EmissionFactor
from ims.factors.services import factor_create

pytestmark = pytest.mark.usefixtures("shipped")


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "year": "2025",
        "region": "GB",
        "scope": "2",
        "category": "electricity",
        "activity": "Green tariff",
        "activity_unit": "kWh",
        "source_unit": "",
        "co2e": "0.0123",
        "co2": "",
        "ch4": "",
        "n2o": "",
        "gwp_set": "AR5",
        "market_based": "on",
        "valid_from": "",
        "valid_to": "",
        "citation": "Supplier disclosure",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_register_filters_sorts_and_pages(web, viewer):
    client = web(viewer)
    page = client.get("/factors/").content.decode()
    assert "1,946 emission factors" in page or "1946 emission factors" in page
    assert "Page 1 of 39" in page
    electricity = client.get("/factors/", {"source": "uk-desnz-2025", "category": "electricity"}).content.decode()
    assert "5 emission factors" in electricity
    assert "UK electricity › Electricity generated › Electricity: UK" in electricity
    search = client.get("/factors/", {"q": "CAMX", "sort": "-year"}).content.decode()
    assert "1 emission factor" in search
    assert "WECC California" in search
    assert 'aria-sort="descending"' in search
    assert "New own factor" not in page, "a viewer may not create"


def test_a_published_factor_shows_its_citation_and_licence(web, viewer):
    published = EmissionFactor.objects.get(external_id="7_400_4000_5_1", year=2025)
    page = web(viewer).get(f"/factors/{published.pk}/").content.decode()
    assert "0.177 kg CO2e" in page
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in page
    assert "ghg-conversion-factors-2025-flat-format.xlsx: Factors by Category, rows 3066–3069" in page
    assert "8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94" in page
    assert ">Edit<" not in page


def test_the_sources_page_lists_each_attribution(web, viewer):
    page = web(viewer).get("/factors/sources").content.decode()
    assert page.count("Attribution") == 4
    assert "Source: U.S. Environmental Protection Agency, GHG Emission Factors Hub (2025)" in page
    assert "compiled from IPCC assessment reports" in page
    assert "converted from XLSX to CSV" in page


def test_create_and_edit_an_own_factor(web, owner, north):
    client = web(owner)
    assert "Organisation-wide (all sites)" not in client.get("/factors/new").content.decode()
    response = client.post("/factors/new", {"site": north.pk, "external_id": "", **form()})
    assert response.status_code == 302, response.content
    made = EmissionFactor.objects.get(source__isnull=True)
    assert (made.external_id, str(made.co2e), made.market_based) == ("EF-001", "0.0123", True)
    detail = client.get(response["Location"]).content.decode()
    assert "Emission factor EF-001 created." in detail
    edit = client.post(f"/factors/{made.pk}/edit", {**form(co2e="0.0119"), "version": 1})
    assert edit.status_code == 302
    stale = client.post(f"/factors/{made.pk}/edit", {**form(co2e="0.02"), "version": 1})
    assert stale.status_code == 409
    assert "Changed by someone else meanwhile" in stale.content.decode()
    bad = client.post("/factors/new", {"site": north.pk, **form(activity_unit="bananas")})
    assert bad.status_code == 422
    assert "“bananas” is not a unit: “bananas” is unknown." in bad.content.decode()


def test_published_factors_have_no_edit_form(web, manager, viewer):
    published = EmissionFactor.objects.get(external_id="7_400_4000_5_1", year=2025)
    response = web(manager).get(f"/factors/{published.pk}/edit", follow=True)
    assert "Published factors are reference data and cannot be changed" in response.content.decode()
    assert web(viewer).get("/factors/new").status_code == 403


def test_exports_keep_the_figures_exact(web, viewer):
    client = web(viewer)
    query = {"source": "uk-desnz-2025", "category": "electricity", "scope": "2"}
    text = client.get("/factors/export.csv", query).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["ID"], r["CO2e per unit"], r["Licence"][:24]) for r in rows] == [
        ("7_400_4000_5_1", "0.177", "Contains public sector i")
    ]
    book = load_workbook(io.BytesIO(client.get("/factors/export.xlsx", {"region": "CAMX"}).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (values["ID"], values["CO2"], values["Gas units (CO2, CH4, N2O)"]) == ("T6.CAMX", "436.655", "lb, lb, lb")


def test_import_page_lists_every_problem_and_imports_nothing(web, owner, north):
    client = web(owner)
    bad = (
        "Reference,Site,Year,Region,Scope,Category,Activity,Unit,kg CO2e,GWP set\n"
        "X-1,N,2025,GB,9,Electricity,Tariff,kWh,,AR5\n"
    )
    response = client.post("/factors/import", {"file": SimpleUploadedFile("f.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Row 2, column “scope”: “9” is not one of: Scope 1, Scope 2, Scope 3, Outside of scopes" in page
    assert "Row 2, column “kg co2e”: is required" in page
    good = bad.replace(",9,", ",2,").replace("kWh,,", "kWh,0.2,")
    done = client.post("/factors/import", {"file": SimpleUploadedFile("f.csv", good.encode())}, follow=True)
    assert "Imported: 1 created, 0 updated, 0 unchanged." in done.content.decode()
    assert EmissionFactor.objects.get(external_id="X-1").co2e == Decimal("0.2")


def test_archive_from_the_page(web, owner, north):
    made = factor_create(
        by=owner,
        site=north,
        year=2025,
        region="GB",
        scope="1",
        category="natural_gas",
        activity="Site gas",
        activity_unit="kWh",
        co2e=Decimal("0.2"),
        gwp_set="AR5",
    )
    response = web(owner).post(f"/factors/{made.pk}/archive", {"version": 1}, follow=True)
    assert "Emission factor EF-001 archived." in response.content.decode()
