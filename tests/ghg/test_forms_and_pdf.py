"""Emission sources and contractual instruments through the web pages, and the dashboard as a PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ims.ghg import services
from ims.ghg.models import ContractualInstrument, EmissionSource
from ims.monitoring.models import Category
from tests.factors.conftest import factor

pytestmark = pytest.mark.usefixtures("shipped")

DIESEL = "1_101_1011_8_1"  # DESNZ diesel, per litre
EPA_AR4 = "T9.aluminum-cans.combusted"  # EPA waste factor, CO2e with AR4 GWPs


@pytest.fixture
def inventory_2025(db, manager, elec, grid_2025, record):
    record(elec, ("2025-01-10", 12000))
    return services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)


@pytest.fixture
def instrument(db, manager, north):
    return services.instrument_create(
        by=manager,
        site=north,
        kind="go",
        reference="GO-2025-1",
        period_from="2025-01-01",
        period_to="2025-12-31",
        mwh=Decimal("50"),
        kg_co2e_per_kwh=Decimal("0"),
        evidence="AIB registry, checked by M. Dubois",
    )


def source_post(series, fac, **extra):
    data = {"series": series.pk, "year": 2025, "scope": "2", "scope3_category": "", "factor": fac.pk, "notes": ""}
    data.update(extra)
    return data


# --- emission sources ---------------------------------------------------------------------


def test_the_new_source_form_lists_only_factors_the_series_can_use(web, manager, elec, grid_2025):
    client = web(manager)
    assert "Choose the series first" in client.get("/ghg/sources/new").content.decode()
    html = client.get("/ghg/sources/new", {"series": elec.pk, "year": 2025}).content.decode()
    assert f'<option value="{grid_2025.pk}">7_400_4000_5_1' in html
    assert f'value="{factor(DIESEL, 2025).pk}"' not in html
    assert f'value="{factor(EPA_AR4).pk}"' not in html


def test_a_manager_creates_a_source_with_a_real_post(web, manager, north, elec, grid_2025):
    client = web(manager)
    response = client.post("/ghg/sources/new", source_post(elec, grid_2025, notes="Main incomer"))
    assert response.status_code == 302
    assert response["Location"] == "/ghg/sources/?year=2025"
    source = EmissionSource.objects.get()
    assert (source.series, source.year, source.scope, source.factor, source.notes, source.version) == (
        elec,
        2025,
        "2",
        grid_2025,
        "Main incomer",
        1,
    )
    listing = client.get("/ghg/sources/", {"year": 2025, "site": north.pk}).content.decode()
    assert "N-ELEC-MAIN" in listing
    assert "North plant" in listing
    assert "7_400_4000_5_1" in listing
    assert "uk-desnz-2025, 2025" in listing
    assert "Main incomer" in listing
    assert f'href="/ghg/sources/{source.pk}/edit"' in listing


def test_an_incompatible_factor_shows_the_service_error_on_the_field_and_writes_nothing(web, manager, elec):
    diesel = factor(DIESEL, 2025)
    response = web(manager).post("/ghg/sources/new", source_post(elec, diesel))
    assert response.status_code == 422
    expected = f"kWh cannot be converted to litre, the unit of factor {DIESEL} ({diesel.source_unit})."
    assert response.context["form"].errors["factor"] == [expected]
    assert 'id="id_factor_error"' in response.content.decode()
    assert not EmissionSource.objects.exists()


def test_a_factor_of_another_gwp_set_is_refused_on_the_field(web, manager, north, make_series):
    swarf = make_series(
        north, "N-WASTE-ALU", category=Category.WASTE, unit="kg", waste_stream="non_hazardous", waste_route="recycling"
    )
    epa = factor(EPA_AR4)
    response = web(manager).post("/ghg/sources/new", source_post(swarf, epa, scope="3", scope3_category="5"))
    assert response.status_code == 422
    assert response.context["form"].errors["factor"] == [
        f"Factor {EPA_AR4} states CO2e with AR4 GWPs; it cannot be used in a calculation with AR5 GWPs "
        "(one inventory uses one GWP set)."
    ]
    assert not EmissionSource.objects.exists()


def test_a_scope_3_source_without_its_category_is_refused_naming_the_field(web, manager, elec, grid_2025):
    response = web(manager).post("/ghg/sources/new", source_post(elec, grid_2025, scope="3"))
    assert response.status_code == 422
    assert response.context["form"].errors["scope3_category"] == [
        "Say which scope 3 category (1–15) this source belongs to."
    ]
    assert not EmissionSource.objects.exists()


def test_a_manager_edits_a_source_with_a_real_post(web, manager, inventory_2025, grid_2025):
    client = web(manager)
    form = client.get(f"/ghg/sources/{inventory_2025.pk}/edit")
    assert form.status_code == 200
    assert f'<option value="{grid_2025.pk}" selected>' in form.content.decode()
    data = {"version": 1, "scope": "2", "scope3_category": "", "factor": grid_2025.pk, "notes": "Checked"}
    response = client.post(f"/ghg/sources/{inventory_2025.pk}/edit", data)
    assert response.status_code == 302
    inventory_2025.refresh_from_db()
    assert (inventory_2025.notes, inventory_2025.version) == ("Checked", 2)
    stale = client.post(f"/ghg/sources/{inventory_2025.pk}/edit", {**data, "notes": "Mine"})
    assert stale.status_code == 409
    inventory_2025.refresh_from_db()
    assert (inventory_2025.notes, inventory_2025.version) == ("Checked", 2)


def test_editing_to_an_incompatible_factor_changes_nothing(web, manager, inventory_2025):
    diesel = factor(DIESEL, 2025)
    data = {"version": 1, "scope": "2", "scope3_category": "", "factor": diesel.pk, "notes": "x"}
    response = web(manager).post(f"/ghg/sources/{inventory_2025.pk}/edit", data)
    assert response.status_code == 422
    assert response.context["form"].errors["factor"] == [
        f"kWh cannot be converted to litre, the unit of factor {DIESEL} ({diesel.source_unit})."
    ]
    inventory_2025.refresh_from_db()
    assert (inventory_2025.factor.external_id, inventory_2025.notes, inventory_2025.version) == (
        "7_400_4000_5_1",
        "",
        1,
    )


def test_a_manager_removes_a_source_unless_it_changed_meanwhile(web, manager, inventory_2025):
    client = web(manager)
    stale = client.post(f"/ghg/sources/{inventory_2025.pk}/remove", {"version": 7})
    assert stale.status_code == 302
    assert EmissionSource.objects.filter(pk=inventory_2025.pk).exists()
    removed = client.post(f"/ghg/sources/{inventory_2025.pk}/remove", {"version": 1})
    assert (removed.status_code, removed["Location"]) == (302, "/ghg/sources/?year=2025")
    assert not EmissionSource.objects.exists()


def test_a_read_only_user_sees_sources_but_may_not_change_them(web, viewer, elec, grid_2025, inventory_2025):
    client = web(viewer)
    listing = client.get("/ghg/sources/", {"year": 2025}).content.decode()
    assert "N-ELEC-MAIN" in listing
    assert "/ghg/sources/new" not in listing
    assert f"/ghg/sources/{inventory_2025.pk}/edit" not in listing
    assert client.get("/ghg/sources/new").status_code == 403
    assert client.post("/ghg/sources/new", source_post(elec, grid_2025, year=2026)).status_code == 403
    edit = {"version": 1, "scope": "2", "scope3_category": "", "factor": grid_2025.pk, "notes": "x"}
    assert client.post(f"/ghg/sources/{inventory_2025.pk}/edit", edit).status_code == 403
    assert client.post(f"/ghg/sources/{inventory_2025.pk}/remove", {"version": 1}).status_code == 403
    inventory_2025.refresh_from_db()
    assert (EmissionSource.objects.count(), inventory_2025.notes, inventory_2025.version) == (1, "", 1)


def test_an_outsider_cannot_reach_a_source_of_another_site(web, outsider, inventory_2025):
    client = web(outsider)
    assert "N-ELEC-MAIN" not in client.get("/ghg/sources/", {"year": 2025}).content.decode()
    assert client.get(f"/ghg/sources/{inventory_2025.pk}/edit").status_code == 404


# --- contractual instruments --------------------------------------------------------------


def instrument_post(**extra):
    data = {
        "kind": "go",
        "reference": "GO-2025-7",
        "period_from": "2025-01-01",
        "period_to": "2025-06-30",
        "mwh": "120.5",
        "kg_co2e_per_kwh": "0",
        "evidence": "AIB registry extract in the EMS folder",
    }
    data.update(extra)
    return data


def test_a_manager_records_and_edits_an_instrument_with_real_posts(web, manager, north):
    client = web(manager)
    created = client.post("/ghg/instruments/new", instrument_post(site=north.pk))
    assert (created.status_code, created["Location"]) == (302, "/ghg/instruments/?year=2025")
    instrument = ContractualInstrument.objects.get()
    assert (instrument.site, instrument.kind, instrument.mwh, instrument.period_to.isoformat()) == (
        north,
        "go",
        Decimal("120.500"),
        "2025-06-30",
    )
    listing = client.get("/ghg/instruments/", {"year": 2025}).content.decode()
    assert "GO-2025-7" in listing
    assert "Guarantee of Origin (EU)" in listing
    assert "2025-01-01 – 2025-06-30" in listing
    edited = client.post(f"/ghg/instruments/{instrument.pk}/edit", instrument_post(version=1, mwh="99"))
    assert edited.status_code == 302
    instrument.refresh_from_db()
    assert (instrument.mwh, instrument.version) == (Decimal("99.000"), 2)


def test_an_instrument_ending_before_it_starts_is_refused_on_the_field(web, manager, north, instrument):
    client = web(manager)
    response = client.post("/ghg/instruments/new", instrument_post(site=north.pk, period_to="2024-12-31"))
    assert response.status_code == 422
    assert response.context["form"].errors["period_to"] == ["The period ends before it starts."]
    edit = client.post(f"/ghg/instruments/{instrument.pk}/edit", instrument_post(version=1, mwh="-5"))
    assert edit.status_code == 422
    assert edit.context["form"].errors["mwh"] == ["An instrument covers a positive number of MWh."]
    instrument.refresh_from_db()
    assert (ContractualInstrument.objects.count(), instrument.mwh, instrument.version) == (1, Decimal("50.000"), 1)


def test_a_read_only_user_may_not_record_or_remove_instruments(web, viewer, north, instrument):
    client = web(viewer)
    assert "GO-2025-1" in client.get("/ghg/instruments/", {"year": 2025}).content.decode()
    assert client.get("/ghg/instruments/new").status_code == 403
    assert client.post("/ghg/instruments/new", instrument_post(site=north.pk)).status_code == 403
    assert client.post(f"/ghg/instruments/{instrument.pk}/edit", instrument_post(version=1)).status_code == 403
    assert client.post(f"/ghg/instruments/{instrument.pk}/remove", {"version": 1}).status_code == 403
    assert ContractualInstrument.objects.get().version == 1


def test_a_manager_removes_an_instrument(web, manager, instrument):
    response = web(manager).post(f"/ghg/instruments/{instrument.pk}/remove", {"version": 1})
    assert response.status_code == 302
    assert not ContractualInstrument.objects.exists()


def test_the_inventory_and_both_lists_link_to_each_other(web, manager):
    client = web(manager)
    inventory = client.get("/ghg/", {"year": 2025}).content.decode()
    assert 'href="/ghg/sources/?year=2025"' in inventory
    assert 'href="/ghg/instruments/?year=2025"' in inventory
    assert 'href="/ghg/instruments/?year=2025"' in client.get("/ghg/sources/", {"year": 2025}).content.decode()
    assert 'href="/ghg/sources/?year=2025"' in client.get("/ghg/instruments/", {"year": 2025}).content.decode()


# --- the dashboard as a PDF ---------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_dashboard_links_to_its_pdf_with_the_same_filters(web, manager, north, inventory_2025):
    html = web(manager).get("/ghg/dashboard", {"year": 2025, "site": north.pk}).content.decode()
    assert f'href="/ghg/dashboard.pdf?year=2025&amp;site={north.pk}"' in html


def test_the_dashboard_pdf_carries_the_figures_of_the_page(web, manager, north, inventory_2025):
    response = web(manager).get("/ghg/dashboard.pdf", {"year": 2025, "site": north.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="environmental-dashboard-2025-n.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Environmental performance 2025" in text
    assert "North plant" in text
    assert "2,124.0" in text  # 12,000 kWh × 0.177 kg CO2e/kWh, scope 2 in January
    assert "12,000.0" in text  # the energy of January in the resources table
    assert "N-ELEC-MAIN" in text


def test_the_dashboard_pdf_of_another_year_has_no_figures(web, manager, inventory_2025):
    text = pdf_text(web(manager).get("/ghg/dashboard.pdf", {"year": 2024}).content)
    assert "Environmental performance 2024" in text
    assert "2,124.0" not in text
    assert "No emission sources with activity for this year." in text
