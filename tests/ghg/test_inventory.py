"""The inventory's figures against hand-calculated values from the shipped factors (exact Decimals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ims.core.errors import ValidationFailed
from ims.factors.services import factor_create
from ims.ghg import inventory, services, tracing
from ims.ghg.models import InstrumentKind, InventorySettings, MonthlyActivity
from ims.monitoring.models import Category
from tests.factors.conftest import factor

pytestmark = pytest.mark.usefixtures("shipped")
JAN = dt.date(2025, 1, 1)


def _one(figures: list[inventory.Figure], method: str = inventory.LOCATION) -> inventory.Figure:
    [figure] = [f for f in figures if f.method == method]
    return figure


def test_uk_grid_electricity_is_scope_2_location_based(db, manager, elec, grid_2025, record):
    record(elec, ("2025-01-10T10:00:00+01:00", 4000), ("2025-01-11T10:00:00+01:00", 4000), ("2025-01-12", 4000))
    services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)
    figure = _one(inventory.figures(year=2025))
    assert (figure.month, figure.quantity) == (JAN, Decimal("12000.0"))
    assert figure.kg_co2e == Decimal("2124") == 12000 * Decimal("0.177")


def test_a_rego_covers_its_mwh_at_zero_and_the_rest_takes_the_residual_factor(
    db, manager, north, elec, grid_2025, record
):
    record(elec, ("2025-01-10", 12000))
    residual = factor_create(
        by=manager,
        site=north,
        year=2025,
        region="GB",
        scope="2",
        category="electricity",
        activity="Residual mix, supplier disclosure",
        activity_unit="kWh",
        co2e=Decimal("0.31"),
        gwp_set="AR5",
        market_based=True,
    )
    services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025, market_factor=residual)
    services.instrument_create(
        by=manager,
        site=north,
        kind=InstrumentKind.REGO,
        reference="REGO-2025-001",
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 31),
        mwh=Decimal("5"),
        kg_co2e_per_kwh=Decimal("0"),
        evidence="Certificate register extract, checked by M. Dubois",
    )
    figures = inventory.figures(year=2025)
    assert _one(figures).kg_co2e == Decimal("2124")
    market = _one(figures, inventory.MARKET)
    assert market.kg_co2e == 7000 * Decimal("0.31") == Decimal("2170")
    assert [(c.instrument.reference, c.kwh) for c in market.covers] == [("REGO-2025-001", Decimal("5000"))]
    rows = inventory.monthly(year=2025)
    assert [(r["scope"], r["kg_co2e"]) for r in rows] == [
        ("2-location", Decimal("2124")),
        ("2-market", Decimal("2170")),
    ]


def test_an_instrument_covers_months_in_time_order_until_its_mwh_are_used(db, manager, north, elec, grid_2025, record):
    record(elec, ("2025-01-10", 3000), ("2025-02-10", 3000))
    services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)
    services.instrument_create(
        by=manager,
        site=north,
        kind=InstrumentKind.PPA,
        reference="PPA-1",
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 6, 30),
        mwh=Decimal("4"),
        kg_co2e_per_kwh=Decimal("0.01"),
        evidence="Contract",
    )
    market = {f.month: f for f in inventory.figures(year=2025) if f.method == inventory.MARKET}
    assert market[JAN].kg_co2e == 3000 * Decimal("0.01")
    # February: 1,000 kWh left on the PPA; no market factor, so the grid factor for the other 2,000 kWh.
    assert market[dt.date(2025, 2, 1)].kg_co2e == 1000 * Decimal("0.01") + 2000 * Decimal("0.177")
    assert market[dt.date(2025, 2, 1)].fallback


def test_without_a_market_factor_the_calculation_says_it_fell_back_to_location(db, manager, elec, grid_2025, record):
    record(elec, ("2025-01-10", 12000))
    source = services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)
    trace = tracing.trace(source=source, month=JAN, method=inventory.MARKET)
    assert trace.kg_co2e == Decimal("2124")
    titles = [s.title for s in trace.steps]
    assert "No supplier or residual-mix factor" in titles
    assert "location-based factor is used" in trace.text


def test_natural_gas_in_kwh_gross_cv_is_scope_1(db, manager, north, make_series, record):
    gas = make_series(north, "N-GAS", category=Category.NATURAL_GAS)
    record(gas, ("2025-03-05", 1500), ("2025-03-06", 1000))
    services.source_create(by=manager, series=gas, year=2025, scope="1", factor=factor("1_100_1004_6_1", 2025))
    figure = _one(inventory.figures(year=2025))
    assert figure.kg_co2e == 2500 * Decimal("0.18296") == Decimal("457.4")
    assert inventory.monthly(year=2025) == [
        {"month": "2025-03", "site_id": north.pk, "scope": "1", "kg_co2e": Decimal("457.4")}
    ]


def test_diesel_litres(db, manager, north, make_series, record):
    diesel = make_series(north, "N-DIESEL", category=Category.FUEL, unit="L")
    record(diesel, ("2025-04-01", 250))
    services.source_create(by=manager, series=diesel, year=2025, scope="1", factor=factor("1_101_1011_8_1", 2025))
    assert _one(inventory.figures(year=2025)).kg_co2e == 250 * Decimal("2.57082") == Decimal("642.705")


def test_an_ar6_inventory_weighs_an_epa_per_gas_factor_with_ar6_gwps(db, manager, admin, north, make_series, record):
    services.settings_update(by=admin, gwp="AR6")
    gas = make_series(north, "N-GAS-SCF", category=Category.NATURAL_GAS, unit="scf")
    record(gas, ("2025-01-15", 1000))
    source = services.source_create(by=manager, series=gas, year=2025, scope="1", factor=factor("T1.natural-gas.scf"))
    expected = Decimal("54.44") + Decimal("0.00103") * Decimal("27.9") + Decimal("0.0001") * 273
    assert _one(inventory.figures(year=2025)).kg_co2e == expected == Decimal("54.496037")
    trace = tracing.trace(source=source, month=JAN)
    assert "GWP set AR6" in [s.title for s in trace.steps]
    assert "× GWP 27.9 =" in trace.text


def test_a_factor_of_another_gwp_set_is_refused_naming_it(db, manager, north, make_series):
    waste = make_series(
        north,
        "N-WASTE",
        category=Category.WASTE,
        unit="short_ton",
        waste_route="landfill",
        waste_stream="non_hazardous",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.source_create(
            by=manager,
            series=waste,
            year=2025,
            scope="3",
            scope3_category=5,
            factor=factor("T9.aluminum-cans.landfilled"),
        )
    assert refused.value.errors == {
        "factor": [
            "Factor T9.aluminum-cans.landfilled states CO2e with AR4 GWPs; it cannot be used in a calculation "
            "with AR5 GWPs (one inventory uses one GWP set)."
        ]
    }


def test_switching_the_gwp_set_is_refused_while_a_source_uses_a_factor_of_the_old_set(
    db, manager, admin, elec, grid_2025
):
    services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)
    with pytest.raises(ValidationFailed) as refused:
        services.settings_update(by=admin, gwp="AR6")
    assert "states CO2e with AR5 GWPs" in refused.value.errors["factor"][0]
    assert not InventorySettings.objects.exists()


def test_a_scope_3_source_needs_its_category(db, manager, elec, grid_2025):
    with pytest.raises(ValidationFailed) as refused:
        services.source_create(by=manager, series=elec, year=2025, scope="3", factor=grid_2025)
    assert refused.value.errors == {"scope3_category": ["Say which scope 3 category (1–15) this source belongs to."]}


def test_monthly_activity_follows_site_local_months_and_corrections(db, manager, elec, record):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Berlin.
    record(elec, ("2025-01-31T23:30:00Z", 10), ("2025-01-31T12:00:00Z", 5))
    rows = dict(MonthlyActivity.objects.values_list("month", "quantity"))
    assert rows == {JAN: 5.0, dt.date(2025, 2, 1): 10.0}
    record(elec, ("2025-01-31T12:00:00Z", 7))  # a corrected value replaces the old one
    assert MonthlyActivity.objects.get(month=JAN).quantity == 7.0


def test_the_calculation_goes_from_readings_to_kg(db, manager, elec, grid_2025, record):
    record(elec, ("2025-01-10", 12000))
    source = services.source_create(by=manager, series=elec, year=2025, scope="2", factor=grid_2025)
    trace = tracing.trace(source=source, month=JAN)
    assert [s.title for s in trace.steps] == [
        "Readings",
        "Monthly activity",
        "Factor (location-based)",
        "GWP set AR5",
        "Calculation",
        "Result",
    ]
    assert trace.steps[0].lines[0].startswith("1 readings of N-ELEC-MAIN")
    assert trace.steps[1].lines == ["12000 kWh from 1 readings"]
    assert "Total: 12000 kWh × 0.177 kg CO2e/kWh = 2124 kg CO2e" in trace.steps[4].lines
    assert trace.steps[2].link.startswith("/factors/")


def test_an_outsider_cannot_add_a_source_to_another_site(db, outsider, elec, grid_2025):
    from ims.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.source_create(by=outsider, series=elec, year=2025, scope="2", factor=grid_2025)


def test_manual_readings_update_the_month_in_the_same_transaction(db, manager, elec):
    from ims.monitoring.services import reading_record

    reading_record(by=manager, series=elec, ts=dt.datetime(2025, 5, 2, 8, tzinfo=dt.UTC), value=42)
    assert MonthlyActivity.objects.get(series=elec, month=dt.date(2025, 5, 1)).quantity == 42.0
