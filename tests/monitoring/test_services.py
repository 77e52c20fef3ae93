"""Series rules, manual readings with the expected range, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.monitoring import services
from ims.monitoring.models import Reading

UTC = dt.UTC
WHEN = dt.datetime(2024, 5, 6, 8, 0, tzinfo=UTC)


def errors_of(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    return caught.value.errors


def test_a_series_gets_a_reference_and_its_quantity_from_the_unit(owner, north):
    series = services.series_create(by=owner, site=north, name="Compressed air", category="electricity", unit="MWh")
    assert (series.reference, series.quantity) == ("N-ELEC-01", "energy")
    second = services.series_create(by=owner, site=north, name="Press line", category="electricity", unit="kWh")
    assert second.reference == "N-ELEC-02"
    assert AuditEntry.objects.filter(record_type="monitoring.series", action="create").count() == 2


def test_the_rules_between_fields(owner, north):
    base = {"by": owner, "site": north, "name": "X", "category": "electricity", "unit": "kWh"}
    assert errors_of(services.series_create, **{**base, "unit": "kwhh"}) == {
        "unit": ["“kwhh” is not a unit: “kwhh” is unknown."]
    }
    assert errors_of(services.series_create, **{**base, "register_rollover": 1000})["register_rollover"] == [
        "Only a cumulative register rolls over; leave this empty."
    ]
    assert errors_of(services.series_create, **{**base, "expected_min": 5, "expected_max": 1}) == {
        "expected_max": ["The highest expected value is below the lowest."]
    }
    assert errors_of(services.series_create, **{**base, "waste_route": "landfill"}) == {
        "waste_route": ["Only waste series have a waste stream, EWC code and route."]
    }


def test_waste_series_carry_stream_code_and_route(owner, north):
    waste = {"by": owner, "site": north, "name": "Oily waste", "category": "waste", "unit": "kg"}
    assert errors_of(services.series_create, **waste) == {
        "waste_stream": ["Say whether the waste is hazardous or not."],
        "waste_route": ["Say where the waste goes (reuse, recycling, recovery, incineration, landfill)."],
    }
    hazardous = {**waste, "waste_stream": "hazardous", "waste_route": "incineration"}
    assert errors_of(services.series_create, **{**hazardous, "ewc_code": "120109"}) == {
        "ewc_code": [
            "“120109” is not a European Waste Catalogue code; "
            "write it as “12 01 09*” (six digits in pairs, “*” for hazardous)."
        ]
    }
    assert errors_of(services.series_create, **{**hazardous, "ewc_code": "12 01 01"}) == {
        "ewc_code": ["12 01 01 is not a hazardous entry; hazardous waste has a code marked with *."]
    }
    assert errors_of(services.series_create, **{**hazardous, "ewc_code": "12 01 09*", "unit": "m3"}) == {
        "unit": ["Waste is weighed: give a mass unit such as kg or t, so the diversion rate can be computed."]
    }
    series = services.series_create(**{**hazardous, "ewc_code": "12 01 09*"})
    assert (series.reference, series.quantity, series.diverted) == ("N-WASTE-01", "mass", False)


def test_unit_and_kind_are_fixed_once_readings_exist(elec, manager):
    services.series_update(by=manager, series=elec, version=elec.version, unit="MWh")  # no readings yet
    services.reading_record(by=manager, series=elec, ts=WHEN, value=1)
    assert errors_of(services.series_update, by=manager, series=elec, version=elec.version, unit="kWh") == {
        "unit": ["N-ELEC-MAIN already has readings in this unit; it cannot change."]
    }


def test_a_manual_reading_outside_the_expected_range_needs_confirmation(elec, manager):
    services.series_update(by=manager, series=elec, version=elec.version, expected_min=0, expected_max=500)
    assert errors_of(services.reading_record, by=manager, series=elec, ts=WHEN, value=0.75, unit="MWh") == {
        "value": [
            "The value, 750 kWh, is outside the expected range 0–500 kWh of N-ELEC-MAIN. "
            "Check it; if it is correct, confirm it and save again."
        ]
    }
    assert not Reading.objects.exists()
    reading = services.reading_record(by=manager, series=elec, ts=WHEN, value=0.75, unit="MWh", confirmed=True)
    assert (reading.value, reading.quality, reading.source, reading.original_value) == (
        750.0,
        "measured",
        "manual",
        0.75,
    )
    entry = AuditEntry.objects.get(record_type="monitoring.reading")
    assert entry.note == "outside the expected range, confirmed as correct"
    assert entry.record_id == f"{elec.pk}@2024-05-06T08:00:00Z"
    assert entry.site_id == elec.site_id


def test_entering_a_reading_again_corrects_it(elec, manager):
    services.reading_record(by=manager, series=elec, ts=WHEN, value=10)
    corrected = services.reading_record(by=manager, series=elec, ts=WHEN, value=12)
    assert (corrected.value, corrected.quality) == (12.0, "corrected")
    assert Reading.objects.count() == 1
    estimated = services.reading_record(by=manager, series=elec, ts=WHEN, value=11, quality="estimated")
    assert estimated.quality == "estimated"


def test_a_naive_time_is_the_site_s_local_time(elec, manager):
    reading = services.reading_record(by=manager, series=elec, ts=dt.datetime(2024, 7, 1, 8, 0), value=1)
    assert reading.ts == dt.datetime(2024, 7, 1, 6, 0, tzinfo=UTC)


def test_who_may_do_what(elec, owner, contributor, viewer, outsider, auditor, north):
    services.reading_record(by=owner, series=elec, ts=WHEN, value=1)  # a process owner of the site
    for user in (contributor, viewer, outsider, auditor):
        with pytest.raises(PermissionRefused):
            services.reading_record(by=user, series=elec, ts=WHEN + dt.timedelta(days=1), value=1)
        with pytest.raises(PermissionRefused):
            services.series_create(by=user, site=north, name="X", category="water", unit="m3")
    with pytest.raises(PermissionRefused, match=r"You are not allowed to change monitoring series of North plant\."):
        services.series_archive(by=outsider, series=elec, version=elec.version)


def test_archive_and_restore(elec, owner):
    archived = services.series_archive(by=owner, series=elec, version=elec.version)
    with pytest.raises(WorkflowError, match=r"N-ELEC-MAIN is archived; it takes no readings\."):
        services.reading_record(by=owner, series=archived, ts=WHEN, value=1)
    restored = services.series_restore(by=owner, series=archived, version=archived.version)
    assert restored.archived_at is None


def test_mappings_are_checked(manager, contributor):
    assert errors_of(services.mapping_create, by=manager, name="x", time_zone="Mars/Olympus", date_format="dd/mm") == {
        "time_zone": ["“Mars/Olympus” is not a time zone (use an IANA name such as Europe/Paris)"],
        "date_format": ["Write the format with strftime codes, e.g. %d/%m/%Y %H:%M."],
    }
    with pytest.raises(PermissionRefused):
        services.mapping_create(by=contributor, name="y")
