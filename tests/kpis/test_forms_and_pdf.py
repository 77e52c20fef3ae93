"""The KPIs app in the browser: equipment, energy baseline, KPI edit and links, aspect monitoring, dashboard PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from ims.aspects.models import Aspect
from ims.audit.models import AuditEntry
from ims.kpis import services
from ims.kpis.models import AspectMonitoring, EnergyBaseline, Equipment, Kpi
from ims.monitoring.models import Category
from tests.kpis.conftest import put

MONDAY = dt.date(2026, 1, 5)


def _kpi(manager: Any, north: Any, defects: Any, production: Any) -> Kpi:
    return services.kpi_create_from_template(
        by=manager,
        template="defect_rate",
        fill={"defects": [defects], "production": [production]},
        reference="N-DEFECT-RATE",
        site=north,
        target=2.0,
        at_risk=4.0,
    )


def _gauge(manager: Any, north: Any, production: Any) -> Equipment:
    return services.equipment_create(
        by=manager,
        site=north,
        series=[production],
        reference="N-GAUGE-1",
        name="Gauge",
        interval_months=6,
        last_calibrated_on=dt.date(2025, 1, 15),
        certificate="C-1",
    )


def _aspect(north: Any, reference: str) -> Aspect:
    return Aspect.objects.create(
        reference=reference, site=north, activity="Painting", aspect="Solvent use", impact="VOC", significant=True
    )


def _html(response: Any) -> str:
    return str(response.content.decode())


# -- measuring equipment -----------------------------------------------------------------------------


def test_it_creates_equipment_through_the_form(manager: Any, north: Any, production: Any, web: Any) -> None:
    client = web(manager)
    assert "New equipment" in _html(client.get("/kpis/equipment/"))
    response = client.post(
        "/kpis/equipment/new",
        {
            "reference": "n-gauge-7",
            "name": "Bore gauge",
            "site": north.pk,
            "series": [production.pk],
            "interval_months": "6",
            "last_calibrated_on": "2025-01-31",
            "certificate": "Cal. 2025-07",
        },
    )
    item = Equipment.objects.get(reference="N-GAUGE-7")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/equipment/{item.pk}/"
    assert (item.name, item.site_id, item.interval_months, item.certificate) == (
        "Bore gauge",
        north.pk,
        6,
        "Cal. 2025-07",
    )
    assert [s.reference for s in item.series.all()] == ["N-PROD"]
    assert item.due_on == dt.date(2025, 7, 31)


def test_it_refuses_bad_equipment_input_naming_the_field(
    manager: Any, north: Any, south: Any, make_series: Any, web: Any
) -> None:
    client = web(manager)
    elsewhere = make_series(south, "S-PROD", Category.PRODUCTION, "piece")
    fields = {"reference": "N-GAUGE-8", "name": "Gauge", "site": north.pk, "interval_months": "0"}
    response = client.post("/kpis/equipment/new", fields)
    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to 1." in _html(response)
    response = client.post("/kpis/equipment/new", {**fields, "interval_months": "12", "series": [elsewhere.pk]})
    assert response.status_code == 422
    assert "S-PROD belongs to another site than the equipment." in _html(response)
    assert not Equipment.objects.exists()


def test_it_edits_calibrates_and_archives_equipment(
    manager: Any, north: Any, production: Any, defects: Any, web: Any
) -> None:
    item = _gauge(manager, north, production)
    client = web(manager)
    assert f'href="/kpis/equipment/{item.pk}/"' in _html(client.get("/kpis/equipment/"))
    detail = _html(client.get(f"/kpis/equipment/{item.pk}/"))
    assert "Record calibration" in detail
    assert "Archive" in detail
    response = client.post(
        f"/kpis/equipment/{item.pk}/edit",
        {
            "version": "1",
            "name": "Gauge, line 2",
            "series": [defects.pk],
            "interval_months": "12",
            "last_calibrated_on": "2025-01-15",
            "certificate": "C-1",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.interval_months, item.version) == ("Gauge, line 2", 12, 2)
    assert [s.reference for s in item.series.all()] == ["N-DEF"]
    assert item.due_on == dt.date(2026, 1, 15)

    response = client.post(
        f"/kpis/equipment/{item.pk}/calibration", {"version": "2", "on": "2025-03-10", "certificate": "C-2"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.last_calibrated_on, item.next_due_on, item.certificate) == (dt.date(2025, 3, 10), None, "C-2")
    assert item.due_on == dt.date(2026, 3, 10)
    assert item.version == 3

    response = client.post(f"/kpis/equipment/{item.pk}/archive", {"version": "3"})
    assert response.status_code == 302
    assert response["Location"] == "/kpis/equipment/"
    item.refresh_from_db()
    assert item.archived_at is not None
    listing = _html(client.get("/kpis/equipment/"))
    assert "Equipment N-GAUGE-1 archived." in listing
    assert f'href="/kpis/equipment/{item.pk}/"' not in listing


def test_a_calibration_in_the_future_is_refused(manager: Any, north: Any, production: Any, web: Any) -> None:
    item = _gauge(manager, north, production)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = web(manager).post(
        f"/kpis/equipment/{item.pk}/calibration", {"version": "1", "on": tomorrow.isoformat(), "certificate": "C-9"}
    )
    assert response.status_code == 422
    assert "A calibration cannot be recorded in the future." in _html(response)
    item.refresh_from_db()
    assert (item.last_calibrated_on, item.certificate, item.version) == (dt.date(2025, 1, 15), "C-1", 1)


def test_a_stale_equipment_edit_shows_the_conflict(manager: Any, north: Any, production: Any, web: Any) -> None:
    item = _gauge(manager, north, production)
    services.equipment_update(by=manager, item=item, version=1, changes={"name": "Gauge A"})
    response = web(manager).post(
        f"/kpis/equipment/{item.pk}/edit",
        {"version": "1", "name": "Gauge B", "interval_months": "6", "last_calibrated_on": "2025-01-15"},
    )
    assert response.status_code == 409
    assert "was changed by someone else (now version 2, you edited version 1)" in _html(response)
    item.refresh_from_db()
    assert (item.name, item.version) == ("Gauge A", 2)


# -- energy baselines --------------------------------------------------------------------------------


@pytest.fixture
def plant(make_series: Any, north: Any) -> tuple[Any, Any, Any]:
    """Electricity = 70 + 3 × parts each day for 8 weeks; visitors barely vary and explain nothing."""
    elec = make_series(north, "N-ELEC", Category.ELECTRICITY, "kWh", expected_frequency="irregular")
    parts = make_series(north, "N-PARTS", Category.PRODUCTION, "piece", expected_frequency="irregular")
    visits = make_series(north, "N-VISITS", Category.PRODUCTION, "piece", expected_frequency="irregular")
    energy_rows, parts_rows, visit_rows = [], [], []
    for day in range(12 * 7):
        moment = (dt.datetime.combine(MONDAY, dt.time(10)) + dt.timedelta(days=day)).isoformat()
        made = 100.0 + 10.0 * ((day // 7) % 5) + day % 7
        noise = (1.0 if (day // 7) % 2 else -1.0) if day % 7 == 0 else 0.0
        energy_rows.append((moment, 70.0 + 3.0 * made + noise))
        parts_rows.append((moment, made))
        visit_rows.append((moment, 5.0 if day != 20 else 6.0))
    put(elec, *energy_rows)
    put(parts, *parts_rows)
    put(visits, *visit_rows)
    return elec, parts, visits


def _baseline_post(energy: Any, production: Any) -> dict[str, Any]:
    return {
        "reference": "n-enb-1",
        "name": "Machining hall electricity",
        "energy": energy.pk,
        "production": production.pk,
        "temperature": "",
        "degree_days": "heating",
        "degree_day_base": "15.5",
        "granularity": "week",
        "baseline_from": "2026-01-05",
        "baseline_to": "2026-03-02",
        "reporting_from": "2026-03-02",
        "reporting_to": "2026-03-30",
    }


def test_it_creates_a_valid_energy_baseline(manager: Any, plant: Any, web: Any) -> None:
    elec, parts, _ = plant
    client = web(manager)
    assert "New energy baseline" in _html(client.get("/kpis/"))
    response = client.post("/kpis/baselines/new", _baseline_post(elec, parts))
    record = EnergyBaseline.objects.get(reference="N-ENB-1")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/baselines/{record.pk}/"
    assert (record.energy_id, record.production_id, record.temperature_id) == (elec.pk, parts.pk, None)
    assert (record.granularity, record.baseline_from, record.reporting_to) == (
        "week",
        dt.date(2026, 1, 5),
        dt.date(2026, 3, 30),
    )


def test_a_refused_model_shows_its_reasons_and_writes_nothing(manager: Any, plant: Any, web: Any) -> None:
    elec, _, visits = plant
    response = web(manager).post("/kpis/baselines/new", _baseline_post(elec, visits))
    page = _html(response)
    assert response.status_code == 422
    assert "This model cannot be used as an energy baseline:" in page
    assert "below the required 0.50: the variables explain too little of the variation in energy use." in page
    assert "Variable &#x27;production&#x27; is not significant: p = " in page
    assert not EnergyBaseline.objects.exists()
    assert not AuditEntry.objects.filter(record_type="kpis.energybaseline").exists()


def test_a_baseline_needs_a_variable(manager: Any, plant: Any, web: Any) -> None:
    elec, parts, _ = plant
    response = web(manager).post("/kpis/baselines/new", {**_baseline_post(elec, parts), "production": ""})
    assert response.status_code == 422
    assert "Choose a production series, a temperature series or both." in _html(response)
    assert not EnergyBaseline.objects.exists()


# -- KPI edit and links ------------------------------------------------------------------------------


def _kpi_post(**override: str) -> dict[str, str]:
    return {
        "version": "1",
        "name": "Defect rate, line 1",
        "direction": "lower",
        "target": "1.5",
        "at_risk": "3",
        "unit": "%",
        "description": "Defective parts per hundred made.",
        **override,
    }


def test_it_edits_a_kpi(manager: Any, north: Any, defects: Any, production: Any, web: Any) -> None:
    kpi = _kpi(manager, north, defects, production)
    client = web(manager)
    assert f"/kpis/{kpi.pk}/edit" in _html(client.get(f"/kpis/{kpi.pk}/"))
    response = client.post(f"/kpis/{kpi.pk}/edit", _kpi_post())
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/{kpi.pk}/"
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target, kpi.at_risk, kpi.unit, kpi.version) == ("Defect rate, line 1", 1.5, 3.0, "%", 2)
    assert kpi.description == "Defective parts per hundred made."
    assert kpi.terms.count() == 2


def test_a_kpi_edit_with_a_bad_threshold_or_stale_version_is_refused(
    manager: Any, north: Any, defects: Any, production: Any, web: Any
) -> None:
    kpi = _kpi(manager, north, defects, production)
    client = web(manager)
    response = client.post(f"/kpis/{kpi.pk}/edit", _kpi_post(at_risk="1"))
    assert response.status_code == 422
    assert "When lower is better the at-risk threshold must not be below the target." in _html(response)
    response = client.post(f"/kpis/{kpi.pk}/edit", _kpi_post(target="abc"))
    assert response.status_code == 422
    assert "Enter a number." in _html(response)
    services.kpi_update(by=manager, kpi=kpi, version=1, changes={"name": "Someone else's name"})
    response = client.post(f"/kpis/{kpi.pk}/edit", _kpi_post())
    assert response.status_code == 409
    assert "now version 2, you edited version 1" in _html(response)
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target, kpi.at_risk) == ("Someone else's name", 2.0, 4.0)


def test_it_links_a_kpi_to_objectives_and_processes(
    manager: Any, north: Any, defects: Any, production: Any, web: Any
) -> None:
    from ims.objectives.services import objective_create
    from ims.processes.services import process_create

    kpi = _kpi(manager, north, defects, production)
    objective = objective_create(
        by=manager,
        site=north,
        title="Halve the defect rate",
        standards=["iso9001"],
        baseline_value=Decimal("4.0"),
        baseline_date=dt.date(2026, 1, 1),
        target_value=Decimal("2.0"),
        unit="%",
        direction="decrease",
        deadline=dt.date(2026, 12, 31),
        plan_what="SPC on the worst part numbers.",
    )
    machining = process_create(by=manager, sites=[north], name="Machining", kind="core")
    client = web(manager)
    assert "Objectives it measures" in _html(client.get(f"/kpis/{kpi.pk}/"))
    response = client.post(f"/kpis/{kpi.pk}/links", {"objectives": [objective.pk], "processes": [machining.pk]})
    assert response.status_code == 302
    assert list(kpi.objectives.all()) == [objective]
    assert list(kpi.processes.all()) == [machining]
    entry = AuditEntry.objects.filter(record_type="kpis.kpi", action="link").get()
    assert entry.changes == {"objectives": [objective.pk], "processes": [machining.pk]}
    response = client.post(f"/kpis/{kpi.pk}/links", {"objectives": ["999999"]})
    assert response.status_code == 422
    assert "Select a valid choice. 999999 is not one of the available choices." in _html(response)
    assert list(kpi.objectives.all()) == [objective]


# -- monitoring of significant aspects ---------------------------------------------------------------


def test_it_links_and_unlinks_the_monitoring_of_a_significant_aspect(
    manager: Any, north: Any, defects: Any, production: Any, web: Any
) -> None:
    solvent = _aspect(north, "ASP-002")
    kpi = _kpi(manager, north, defects, production)
    client = web(manager)
    assert "/kpis/aspects/" in _html(client.get("/kpis/"))
    assert "/kpis/aspects/" in _html(client.get("/kpis/equipment/"))
    page = _html(client.get("/kpis/aspects/"))
    assert "ASP-002" in page
    assert "not monitored" in page
    response = client.post("/kpis/aspects/", {"aspect": solvent.pk, "series": production.pk})
    assert response.status_code == 302
    response = client.post("/kpis/aspects/", {"aspect": solvent.pk, "kpi": kpi.pk})
    assert response.status_code == 302
    links = list(AspectMonitoring.objects.filter(aspect=solvent).order_by("pk"))
    assert [(link.series_id, link.kpi_id) for link in links] == [(production.pk, None), (None, kpi.pk)]
    assert "not monitored" not in _html(client.get("/kpis/aspects/"))

    response = client.post(f"/kpis/aspects/links/{links[0].pk}/remove")
    assert response.status_code == 302
    assert [link.kpi_id for link in AspectMonitoring.objects.filter(aspect=solvent)] == [kpi.pk]
    entry = AuditEntry.objects.filter(record_type="aspects.aspect", action="unmonitor").get()
    assert entry.changes == {"series": production.pk, "kpi": None}


def test_a_monitoring_link_needs_one_series_or_kpi_of_the_aspects_site(
    manager: Any, north: Any, south: Any, production: Any, make_series: Any, web: Any
) -> None:
    solvent = _aspect(north, "ASP-002")
    elsewhere = make_series(south, "S-VOC", Category.OTHER, "kg")
    client = web(manager)
    response = client.post("/kpis/aspects/", {"aspect": solvent.pk})
    assert response.status_code == 422
    assert "Choose a series or a KPI, one of the two." in _html(response)
    response = client.post("/kpis/aspects/", {"aspect": solvent.pk, "series": elsewhere.pk})
    assert response.status_code == 422
    assert "S-VOC belongs to another site than the aspect." in _html(response)
    assert not AspectMonitoring.objects.exists()


# -- who may --------------------------------------------------------------------------------------------


def test_a_read_only_user_is_refused_every_form(
    manager: Any, viewer: Any, north: Any, defects: Any, production: Any, plant: Any, web: Any
) -> None:
    kpi = _kpi(manager, north, defects, production)
    item = _gauge(manager, north, production)
    solvent = _aspect(north, "ASP-002")
    link = services.aspect_monitor(by=manager, aspect=solvent, series=production)
    elec, parts, _ = plant
    client = web(viewer)
    assert client.get(f"/kpis/{kpi.pk}/").status_code == 200
    assert "Objectives it measures" not in _html(client.get(f"/kpis/{kpi.pk}/"))
    assert "Record calibration" not in _html(client.get(f"/kpis/equipment/{item.pk}/"))
    for url in (
        "/kpis/equipment/new",
        f"/kpis/equipment/{item.pk}/edit",
        f"/kpis/{kpi.pk}/edit",
        "/kpis/baselines/new",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/kpis/{kpi.pk}/edit", _kpi_post()).status_code == 403
    assert client.post(f"/kpis/{kpi.pk}/links", {"processes": []}).status_code == 403
    assert (
        client.post(f"/kpis/equipment/{item.pk}/calibration", {"version": "1", "on": "2025-03-01"}).status_code == 403
    )
    assert client.post(f"/kpis/equipment/{item.pk}/archive", {"version": "1"}).status_code == 403
    assert client.post("/kpis/baselines/new", _baseline_post(elec, parts)).status_code == 403
    assert client.post("/kpis/aspects/", {"aspect": solvent.pk, "kpi": kpi.pk}).status_code == 403
    assert client.post(f"/kpis/aspects/links/{link.pk}/remove").status_code == 403
    kpi.refresh_from_db()
    item.refresh_from_db()
    assert (kpi.name, kpi.version, item.version, item.archived_at) == ("Defect rate", 1, 1, None)
    assert list(AspectMonitoring.objects.values_list("pk", flat=True)) == [link.pk]
    assert not EnergyBaseline.objects.exists()


def test_another_sites_user_cannot_reach_the_equipment(
    manager: Any, outsider: Any, north: Any, production: Any, web: Any
) -> None:
    item = _gauge(manager, north, production)
    client = web(outsider)
    assert client.get(f"/kpis/equipment/{item.pk}/edit").status_code == 404
    assert client.post(f"/kpis/equipment/{item.pk}/archive", {"version": "1"}).status_code == 404
    item.refresh_from_db()
    assert item.archived_at is None


# -- the dashboard as PDF ------------------------------------------------------------------------------


def test_the_dashboard_pdf_holds_the_kpis_and_the_control_charts(
    manager: Any, north: Any, defects: Any, production: Any, make_series: Any, web: Any
) -> None:
    _kpi(manager, north, defects, production)
    diameter = make_series(north, "N-DIAM", Category.OTHER, "mm", expected_frequency="irregular")
    put(
        diameter,
        *(((dt.datetime(2026, 1, 1, 8) + dt.timedelta(days=i)).isoformat(), 10.0 + (i % 3) / 10) for i in range(20)),
    )
    services.chart_create(
        by=manager,
        series=diameter,
        reference="N-DIAM-I",
        name="Shaft diameter",
        baseline_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        baseline_to=dt.datetime(2026, 1, 21, tzinfo=dt.UTC),
    )
    client = web(manager)
    assert "/kpis/dashboard.pdf" in _html(client.get("/kpis/dashboard"))
    response = client.get("/kpis/dashboard.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="quality-dashboard-')
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "N-DEFECT-RATE" in text
    assert "N-DIAM-I Shaft diameter" in text
    assert "Data of the" in text  # the control chart's figures as a table


def test_every_form_page_opens_for_a_manager(manager: Any, north: Any, defects: Any, production: Any, web: Any) -> None:
    kpi = _kpi(manager, north, defects, production)
    item = _gauge(manager, north, production)
    _aspect(north, "ASP-002")
    client = web(manager)
    expected = {
        "/kpis/equipment/new": "New measuring equipment",
        f"/kpis/equipment/{item.pk}/edit": "Edit N-GAUGE-1",
        f"/kpis/equipment/{item.pk}/calibration": "Record a calibration of N-GAUGE-1",
        "/kpis/baselines/new": "Degree-day base (°C)",
        f"/kpis/{kpi.pk}/edit": "Edit N-DEFECT-RATE",
        f"/kpis/{kpi.pk}/links": "Objectives and processes of N-DEFECT-RATE",
        "/kpis/aspects/": "Add a monitoring link",
    }
    for url, text in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in _html(response), url
