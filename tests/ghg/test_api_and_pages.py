"""The monthly API, the calculation API, sources and instruments over HTTP, and the pages with CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ims.ghg import services
from ims.ghg.models import ContractualInstrument, EmissionSource
from tests.conftest import assert_problem

pytestmark = pytest.mark.usefixtures("shipped")


@pytest.fixture
def inventory_2025(db, manager, elec, grid_2025, record):
    record(elec, ("2025-01-10", 12000))
    return services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)


def test_monthly_co2e_by_scope_and_site(api, manager, north, inventory_2025):
    response = api(manager).get("/ghg/monthly", year=2025)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "year": 2025,
        "gwp_set": "AR5",
        "rows": [
            {"month": "2025-01", "site_id": north.pk, "scope": "2-location", "kg_co2e": 2124.0},
            {"month": "2025-01", "site_id": north.pk, "scope": "2-market", "kg_co2e": 2124.0},
        ],
    }


def test_an_outsider_sees_no_figures_of_another_site(api, outsider, north, inventory_2025):
    assert api(outsider).get("/ghg/monthly", year=2025).json()["rows"] == []
    assert_problem(api(outsider).get("/ghg/monthly", year=2025, site_id=north.pk), 404, "not-found")


def test_the_calculation_api_lists_the_steps(api, manager, inventory_2025):
    body = api(manager).get("/ghg/calculation", source_id=inventory_2025.pk, month="2025-01").json()
    assert Decimal(body["kg_co2e"]) == Decimal("2124")
    assert body["steps"][0]["title"] == "Readings"


def test_sources_and_instruments_over_the_api(api, manager, north, elec, grid_2025):
    client = api(manager)
    created = client.post("/ghg/sources", {"series_id": elec.pk, "year": 2026, "scope": "2", "factor_id": grid_2025.pk})
    assert created.status_code == 201, created.content
    source_id = created.json()["id"]
    changed = client.patch(f"/ghg/sources/{source_id}", {"version": 1, "notes": "Main incomer"})
    assert changed.json()["notes"] == "Main incomer"
    assert client.delete(f"/ghg/sources/{source_id}").status_code == 204
    assert not EmissionSource.objects.exists()
    instrument = client.post(
        "/ghg/instruments",
        {
            "site_id": north.pk,
            "kind": "go",
            "reference": "GO-1",
            "period_from": "2025-01-01",
            "period_to": "2024-12-31",
            "mwh": "10",
            "kg_co2e_per_kwh": "0",
            "evidence": "Registry",
        },
    )
    body = assert_problem(instrument, 422, "validation")
    assert "The period ends before it starts." in str(body)
    assert not ContractualInstrument.objects.exists()


def test_the_inventory_page_links_each_figure_to_its_calculation(web, manager, inventory_2025):
    page = web(manager).get("/ghg/", {"year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert "2,124.0" in html
    link = f"/ghg/calculation?source={inventory_2025.pk}&amp;month=2025-01&amp;method=location"
    assert link in html
    calc = web(manager).get("/ghg/calculation", {"source": inventory_2025.pk, "month": "2025-01", "method": "market"})
    assert calc.status_code == 200
    assert "2124" in calc.content.decode()


def test_the_dashboard_and_its_csv(web, manager, inventory_2025):
    page = web(manager).get("/ghg/dashboard", {"year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waste diversion rate" in html
    assert 'class="co2e"' in html
    csv = web(manager).get("/ghg/dashboard/scope-month.csv", {"year": 2025})
    assert csv["Content-Type"].startswith("text/csv")
    assert '"2,124.0"' in csv.content.decode()
    assert web(manager).get("/ghg/inventory.csv", {"year": 2025}).status_code == 200


def test_monthly_api_is_current_right_after_an_import(api, manager, inventory_2025, record, elec):
    record(elec, ("2025-01-20", 1000))
    rows = api(manager).get("/ghg/monthly", year=2025).json()["rows"]
    assert rows[0]["kg_co2e"] == 13000 * 0.177
