"""Units converted by pint (once per unit pair), and local times around daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ims.core.errors import ValidationFailed
from ims.monitoring import services, units
from ims.monitoring.checking import ReadingsRefused
from ims.monitoring.models import Reading

UTC = dt.UTC


def test_mwh_into_a_kwh_series_is_exact(elec, run_import):
    conversion = units.conversion("MWh", "kWh")
    assert (conversion.scale, conversion.offset) == (Decimal(1000), Decimal(0))
    assert conversion.apply(1.005) == 1005.0  # 1.005 * 1000.0 in binary floating point is 1004.9999999999999
    run_import("series,timestamp,value,unit\nN-ELEC-MAIN,2024-01-01,1.005,MWh\nN-ELEC-MAIN,2024-01-02,2500,Wh\n")
    assert list(Reading.objects.order_by("ts").values_list("value", "original_value", "original_unit")) == [
        (1005.0, 1.005, "MWh"),
        (2.5, 2500.0, "Wh"),
    ]


def test_an_incompatible_unit_is_refused_with_its_reason(elec, manager):
    with pytest.raises(units.IncompatibleUnit, match="“kg” cannot be converted to kWh"):
        units.conversion("kg", "kWh")
    with pytest.raises(ValidationFailed) as caught:
        services.reading_record(by=manager, series=elec, ts=dt.datetime(2024, 1, 1, tzinfo=UTC), value=1, unit="kg")
    assert caught.value.errors == {"unit": ["“kg” cannot be converted to kWh, the unit of N-ELEC-MAIN"]}


def test_units_of_counts_and_volumes_metering_writes():
    assert units.quantity_kind("pcs") == "count"  # a piece, not a parsec
    assert units.quantity_kind("m3") == "volume"
    assert units.quantity_kind("MWh") == "energy"
    assert units.quantity_kind("t") == "mass"
    assert units.conversion("L", "m3").apply(1234.5) == 1.2345
    assert units.conversion("degC", "K").apply(20.0) == 293.15
    with pytest.raises(ValidationFailed) as caught:
        units.parse_unit("kwhh")
    assert caught.value.errors == {"unit": ["“kwhh” is not a unit: “kwhh” is unknown."]}


def instants(series):
    return list(Reading.objects.filter(series=series).order_by("ts").values_list("ts", "value"))


def test_the_autumn_hour_that_occurs_twice_is_read_in_file_order(elec, run_import):
    """Berlin, 27 October 2024: 02:00–02:59 happens twice (CEST, then CET)."""
    content = "series,timestamp,value\n" + "".join(
        f"N-ELEC-MAIN,2024-10-27 {hour},{i}\n"
        for i, hour in enumerate(["01:00", "02:00", "02:30", "02:00", "02:30", "03:00"])
    )
    run_import(content)
    assert instants(elec) == [
        (dt.datetime(2024, 10, 26, 23, 0, tzinfo=UTC), 0.0),
        (dt.datetime(2024, 10, 27, 0, 0, tzinfo=UTC), 1.0),
        (dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC), 2.0),
        (dt.datetime(2024, 10, 27, 1, 0, tzinfo=UTC), 3.0),
        (dt.datetime(2024, 10, 27, 1, 30, tzinfo=UTC), 4.0),
        (dt.datetime(2024, 10, 27, 2, 0, tzinfo=UTC), 5.0),
    ]
    again = run_import(content)  # the same file gives the same instants
    assert (again.created, again.unchanged) == (0, 6)


def test_an_ambiguous_time_on_its_own_is_the_first_occurrence(elec, run_import):
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-10-27 02:30,7\n")
    assert instants(elec) == [(dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC), 7.0)]


def test_the_spring_gap_moves_forward(elec, run_import):
    """Berlin, 31 March 2024: 02:00–02:59 does not exist; 02:30 is read as 03:30 CEST."""
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-03-31 01:30,1\nN-ELEC-MAIN,2024-03-31 02:30,2\n")
    assert instants(elec) == [
        (dt.datetime(2024, 3, 31, 0, 30, tzinfo=UTC), 1.0),
        (dt.datetime(2024, 3, 31, 1, 30, tzinfo=UTC), 2.0),
    ]
    with pytest.raises(ReadingsRefused) as caught:
        run_import("series,timestamp,value\nN-ELEC-MAIN,2024-03-31 02:30,2\nN-ELEC-MAIN,2024-03-31 03:30,3\n")
    assert caught.value.extra["problems"] == [
        "Row 3, column “timestamp”: N-ELEC-MAIN already has a reading at 2024-03-31 03:30 CEST in row 2"
    ]


def test_an_offset_or_a_mapping_zone_wins_over_the_site_zone(elec, manager, run_import):
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-07-01T12:00:00Z,1\nN-ELEC-MAIN,2024-07-01T12:00+05:00,2\n")
    mapping = services.mapping_create(by=manager, name="tokyo", time_zone="Asia/Tokyo")
    run_import("series,timestamp,value\nN-ELEC-MAIN,2024-07-02 09:00,3\n", mapping=mapping)
    assert instants(elec) == [
        (dt.datetime(2024, 7, 1, 7, 0, tzinfo=UTC), 2.0),
        (dt.datetime(2024, 7, 1, 12, 0, tzinfo=UTC), 1.0),
        (dt.datetime(2024, 7, 2, 0, 0, tzinfo=UTC), 3.0),
    ]
