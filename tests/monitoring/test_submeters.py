"""Sub-meters: a series under its main meter is counted once in site totals and never as an emission source."""

from __future__ import annotations

import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import ValidationFailed, WorkflowError
from ims.ghg import dashboard
from ims.ghg import services as ghg_services
from ims.ghg.models import EmissionSource
from ims.monitoring import services
from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Series
from tests.conftest import assert_problem
from tests.factors.conftest import factor, shipped  # noqa: F401  (the shipped library, for the emission source)

FORM = {
    "name": "Machining hall",
    "category": "electricity",
    "unit": "kWh",
    "reading_kind": "interval",
    "expected_frequency": "day",
    "source": "manual",
}


def errors_of(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    return caught.value.errors


def record(by, series: Series, *readings: tuple[str, float]) -> None:
    items = [{"series": series.reference, "ts": ts, "value": value} for ts, value in readings]
    import_reading_items(by=by, items=items)


@pytest.fixture
def hall(make_series, north, elec):
    return make_series(north, "N-ELEC-HALL", name="Machining hall sub-meter", parent=elec)


def energy(site) -> list[float]:
    return dashboard.resource_by_month(year=2025, site_ids=[site.pk], resource="energy")


# --- site totals ---------------------------------------------------------------------------


def test_site_totals_count_a_sub_meters_consumption_once(manager, make_series, north, elec):
    hall = make_series(north, "N-ELEC-HALL", name="Machining hall")
    gas = make_series(north, "N-GAS-MAIN", category=Category.NATURAL_GAS, unit="kWh")
    record(manager, elec, ("2025-01-10", 12000), ("2025-02-10", 11000))
    record(manager, hall, ("2025-01-10", 3000), ("2025-02-10", 2500))
    record(manager, gas, ("2025-01-15", 500))
    # Two meters side by side: both count (the hall is not yet known to be behind the main meter).
    assert energy(north)[:3] == [15500.0, 13500.0, 0.0]
    services.series_update(by=manager, series=hall, version=hall.version, parent=elec)
    assert energy(north)[:3] == [12500.0, 11000.0, 0.0]
    assert sum(energy(north)) == 23500.0


def test_a_sub_meter_of_a_sub_meter_is_counted_once_too(manager, make_series, north, elec, hall):
    press = make_series(north, "N-ELEC-PRESS", name="Press line", parent=hall)
    record(manager, elec, ("2025-03-01", 9000))
    record(manager, hall, ("2025-03-01", 4000))
    record(manager, press, ("2025-03-01", 1500))
    assert energy(north)[2] == 9000.0
    assert dashboard.counted_series(site_ids=[north.pk], categories=(Category.ELECTRICITY,)) == [elec.pk]


def test_a_sub_meter_under_a_meter_outside_the_total_still_counts(manager, make_series, north):
    heat = make_series(north, "N-HEAT-MAIN", category=Category.OTHER, unit="kWh")
    pump = make_series(north, "N-ELEC-PUMP", name="Heat pump electricity", parent=heat)
    record(manager, heat, ("2025-04-02", 800))
    record(manager, pump, ("2025-04-02", 200))
    assert energy(north)[3] == 200.0  # the heat meter is not energy bought in; the pump's electricity is


def test_water_sub_meters_are_left_out_of_the_water_total(manager, make_series, north):
    main = make_series(north, "N-WATER-MAIN", category=Category.WATER, unit="m3")
    cooling = make_series(north, "N-WATER-COOL", category=Category.WATER, unit="L", parent=main)
    record(manager, main, ("2025-05-05", 40))
    record(manager, cooling, ("2025-05-05", 9000))
    water = dashboard.resource_by_month(year=2025, site_ids=[north.pk], resource="water")
    assert water[4] == 40.0


# --- the rules, each naming the field ----------------------------------------------------------


def test_a_sub_meter_is_at_the_site_of_its_main_meter(manager, make_series, south, elec):
    assert errors_of(
        services.series_create, by=manager, site=south, name="X", category="electricity", unit="kWh", parent=elec
    ) == {"parent": ["N-ELEC-MAIN is at North plant; a sub-meter is at the same site as its main meter."]}
    assert not Series.objects.filter(site=south).exists()


def test_a_sub_meter_measures_the_same_kind_of_quantity(manager, make_series, north, elec):
    assert errors_of(
        services.series_create, by=manager, site=north, name="X", category="water", unit="m3", parent=elec
    ) == {
        "parent": [
            "N-ELEC-MAIN measures energy (kWh) and this series volume (m3); "
            "a sub-meter measures part of what its main meter measures."
        ]
    }
    mwh = services.series_create(by=manager, site=north, name="Y", category="electricity", unit="MWh", parent=elec)
    assert mwh.parent == elec  # another unit of the same quantity is fine


def test_samples_have_no_sub_meters(manager, north, elec):
    assert errors_of(
        services.series_create,
        by=manager,
        site=north,
        name="Load",
        category="electricity",
        unit="kW",
        reading_kind="sample",
        parent=elec,
    ) == {"parent": ["Instantaneous samples do not add up; only meters of consumption have sub-meters."]}


def test_a_series_is_not_its_own_sub_meter(manager, elec):
    assert errors_of(services.series_update, by=manager, series=elec, version=elec.version, parent=elec) == {
        "parent": ["A series cannot be a sub-meter of itself."]
    }
    elec.refresh_from_db()
    assert (elec.parent_id, elec.version) == (None, 1)


def test_sub_meters_make_no_loop(manager, make_series, north, elec, hall):
    press = make_series(north, "N-ELEC-PRESS", parent=hall)
    for below in (hall, press):
        assert errors_of(services.series_update, by=manager, series=elec, version=elec.version, parent=below) == {
            "parent": [f"{below.reference} is itself under this series; a sub-meter cannot contain its own main meter."]
        }
    elec.refresh_from_db()
    assert elec.parent_id is None


def test_an_archived_series_is_no_main_meter(manager, make_series, north):
    old = make_series(north, "N-ELEC-OLD")
    services.series_archive(by=manager, series=old, version=old.version)
    assert errors_of(
        services.series_create, by=manager, site=north, name="X", category="electricity", unit="kWh", parent=old
    ) == {"parent": ["N-ELEC-OLD is archived; choose a main meter in use."]}


def test_a_main_meter_with_live_sub_meters_is_not_archived(manager, elec, hall):
    with pytest.raises(WorkflowError) as caught:
        services.series_archive(by=manager, series=elec, version=elec.version)
    assert caught.value.detail == (
        "N-ELEC-MAIN still has sub-meters in use (N-ELEC-HALL); archive them or take them out from under it first."
    )
    elec.refresh_from_db()
    assert elec.archived_at is None
    services.series_archive(by=manager, series=hall, version=hall.version)
    services.series_archive(by=manager, series=elec, version=elec.version)
    hall.refresh_from_db()
    with pytest.raises(WorkflowError) as restoring:
        services.series_restore(by=manager, series=hall, version=hall.version)
    assert restoring.value.detail == "N-ELEC-HALL is a sub-meter of N-ELEC-MAIN, which is archived; restore it first."


def test_taking_a_sub_meter_out_is_audited(manager, elec, hall):
    services.series_update(by=manager, series=hall, version=hall.version, parent=None)
    hall.refresh_from_db()
    assert (hall.parent_id, hall.version) == (None, 2)
    entry = AuditEntry.objects.filter(record_type="monitoring.series", record_id=str(hall.pk), action="update").get()
    assert entry.changes["parent"] == [elec.pk, None]


def test_a_sub_meter_counts_in_the_months_before_its_main_meter_was_read(manager, make_series, north):
    """The hall meter alone in 2025; a main meter above it from 2026: 2025 keeps the hall's consumption."""
    hall = make_series(north, "N-HALL", name="Machining hall")
    record(manager, hall, ("2025-03-10T10:00", 500), ("2026-03-10T10:00", 200))
    main = make_series(north, "N-MAIN", name="Main meter")
    record(manager, main, ("2026-03-10T10:00", 900))
    services.series_update(by=manager, series=hall, version=hall.version, parent=main)
    assert dashboard.resource_by_month(year=2025, site_ids=[north.pk], resource="energy")[2] == 500.0
    assert dashboard.resource_by_month(year=2026, site_ids=[north.pk], resource="energy")[2] == 900.0


# --- the inventory -------------------------------------------------------------------------------


def test_a_sub_meter_is_refused_as_an_emission_source(shipped, manager, elec, hall):  # noqa: F811
    grid = factor("7_400_4000_5_1", 2025)
    assert errors_of(ghg_services.source_create, by=manager, series=hall, year=2025, scope="2", factor=grid) == {
        "series": [
            "N-ELEC-HALL is a sub-meter of N-ELEC-MAIN, whose consumption includes it: "
            "make N-ELEC-MAIN the emission source."
        ]
    }
    assert not EmissionSource.objects.exists()
    ghg_services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid)
    assert EmissionSource.objects.get().series == elec


def test_an_emission_source_does_not_become_a_sub_meter(shipped, manager, make_series, north, elec):  # noqa: F811
    grid = factor("7_400_4000_5_1", 2025)
    line = make_series(north, "N-ELEC-LINE", name="Line 2")
    ghg_services.source_create(by=manager, series=line, year=2025, scope="2", factor=grid)
    ghg_services.source_create(by=manager, series=line, year=2026, scope="2", factor=grid)
    assert errors_of(services.series_update, by=manager, series=line, version=line.version, parent=elec) == {
        "parent": [
            "N-ELEC-LINE is an emission source of the inventory (2025, 2026); as a sub-meter its consumption "
            "would be counted twice. Take it out of the inventory first."
        ]
    }
    line.refresh_from_db()
    assert line.parent_id is None
    EmissionSource.objects.filter(series=line).delete()
    services.series_update(by=manager, series=line, version=line.version, parent=elec)
    line.refresh_from_db()
    assert line.parent == elec


# --- the API and the pages ------------------------------------------------------------------------


def test_the_api_takes_the_main_meter_by_reference_or_id(api, owner, north, elec):
    client = api(owner)
    body = {"site_id": north.pk, "reference": "N-ELEC-HALL", "name": "Hall", "category": "electricity", "unit": "kWh"}
    created = client.post("/series", {**body, "parent": "n-elec-main"})
    assert created.status_code == 201, created.content
    assert (created.json()["parent_id"], created.json()["parent"]) == (elec.pk, "N-ELEC-MAIN")
    sid = created.json()["id"]
    cleared = client.patch(f"/series/{sid}", {"version": 1, "parent_id": None})
    assert (cleared.json()["parent_id"], cleared.json()["parent"]) == (None, None)
    again = client.patch(f"/series/{sid}", {"version": 2, "parent_id": elec.pk})
    assert again.json()["parent"] == "N-ELEC-MAIN"
    unknown = assert_problem(client.patch(f"/series/{sid}", {"version": 3, "parent": "N-NOPE"}), 422, "validation")
    assert unknown["errors"] == {"parent": ["No monitoring series “N-NOPE” that you may see."]}
    itself = assert_problem(client.patch(f"/series/{sid}", {"version": 3, "parent_id": sid}), 422, "validation")
    assert itself["errors"] == {"parent": ["A series cannot be a sub-meter of itself."]}
    assert Series.objects.get(pk=sid).version == 3


def test_the_pages_set_and_show_the_main_meter(web, owner, north, elec):
    client = web(owner)
    form = client.get("/monitoring/series/new").content.decode()
    assert "Sub-meter of" in form
    response = client.post(
        "/monitoring/series/new", {**FORM, "site": north.pk, "reference": "N-ELEC-HALL", "parent": elec.pk}
    )
    assert response.status_code == 302, response.content.decode()
    hall = Series.objects.get(reference="N-ELEC-HALL")
    assert hall.parent == elec
    main_page = client.get(f"/monitoring/series/{elec.pk}/").content.decode()
    assert f'<a href="/monitoring/series/{hall.pk}/">N-ELEC-HALL</a> Machining hall' in main_page
    hall_page = client.get(f"/monitoring/series/{hall.pk}/").content.decode()
    assert f'<a href="/monitoring/series/{elec.pk}/">N-ELEC-MAIN</a> Main electricity meter' in hall_page
    refused = client.post(
        f"/monitoring/series/{elec.pk}/edit", {**FORM, "name": "Main", "version": elec.version, "parent": hall.pk}
    )
    assert refused.status_code == 422
    assert "N-ELEC-HALL is itself under this series" in refused.content.decode()
    elec.refresh_from_db()
    assert elec.parent_id is None
