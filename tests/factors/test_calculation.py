"""co2e_for and find_factor against the shipped library: exact arithmetic, units, GWP sets, one factor per lookup."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ims.core.errors import NotFound, ValidationFailed
from ims.factors.calculation import co2e_for
from ims.factors.selectors import find_factor
from ims.factors.services import factor_create
from tests.factors.conftest import factor

pytestmark = pytest.mark.usefixtures("shipped")

LB = Decimal("0.45359237")  # kg, exactly (international pound)
US_GALLON = Decimal("3.785411784")  # litres, exactly


def test_one_megawatt_hour_of_uk_grid_electricity(db):
    calc = co2e_for(Decimal("1"), "MWh", factor("7_400_4000_5_1", 2025))
    assert calc.activity_quantity == 1000
    assert calc.kg_co2e == 1000 * Decimal("0.177") == Decimal("177")
    assert calc.parts == {"CO2": Decimal("174.89"), "CH4": Decimal("0.9"), "N2O": Decimal("1.22")}
    assert calc.gwp_set == "AR5"
    assert calc.steps[:5] == (
        "Activity: 1 MWh = 1000 kWh",
        "CO2: 1000 kWh × 0.17489 kg CO2e/kWh = 174.89 kg CO2e",
        "CH4: 1000 kWh × 0.0009 kg CO2e/kWh = 0.9 kg CO2e",
        "N2O: 1000 kWh × 0.00122 kg CO2e/kWh = 1.22 kg CO2e",
        "Total: 1000 kWh × 0.177 kg CO2e/kWh = 177 kg CO2e",
    )
    assert calc.steps[5].startswith("Factor 7_400_4000_5_1: UK electricity › Electricity generated › Electricity: UK")
    assert "Factors by Category, rows 3066–3069. GWP set AR5." in calc.explanation


def test_the_quantity_is_converted_exactly(db):
    diesel = factor("1_101_1011_8_1", 2025)
    assert co2e_for(Decimal("100"), "litre", diesel).kg_co2e == Decimal("257.082")
    in_gallons = co2e_for(Decimal("10"), "gallon", diesel)
    assert in_gallons.activity_quantity == 10 * US_GALLON
    assert in_gallons.kg_co2e == 10 * US_GALLON * Decimal("2.57082")


def test_an_incompatible_unit_is_refused_naming_both_units(db):
    with pytest.raises(ValidationFailed) as refused:
        co2e_for(Decimal("5"), "kg", factor("7_400_4000_5_1", 2025))
    assert refused.value.errors == {"unit": ["kg cannot be converted to kWh, the unit of factor 7_400_4000_5_1 (kWh)."]}
    with pytest.raises(ValidationFailed) as unknown:
        co2e_for(Decimal("5"), "bananas", factor("7_400_4000_5_1", 2025))
    assert unknown.value.errors == {"unit": ["“bananas” is not a unit: “bananas” is unknown."]}


def test_a_float_quantity_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        co2e_for(0.1, "kWh", factor("7_400_4000_5_1", 2025))  # type: ignore[arg-type]
    assert refused.value.errors == {"quantity": ["Give the quantity as a Decimal, not a float."]}


def test_an_egrid_rate_in_pounds_of_each_gas_is_weighed_with_the_chosen_gwp_set(db):
    camx = factor("T6.CAMX")
    ar5 = co2e_for(Decimal("1000"), "MWh", camx)
    co2, ch4, n2o = 436655 * LB, 25 * LB * 28, 3 * LB * 265
    assert ar5.parts == {"CO2": co2, "CH4": ch4, "N2O": n2o}
    assert ar5.kg_co2e == co2 + ch4 + n2o == Decimal("198741.4969155")
    assert (ar5.gwp_set, ar5.gwp) == ("AR5", {"CO2": 1, "CH4": 28, "N2O": 265})
    assert ar5.steps[2] == "CH4: 1000 MWh × 0.025 lb CH4/MWh = 11.33980925 kg CH4 × GWP 28 = 317.514659 kg CO2e"
    ar6 = co2e_for(Decimal("1000"), "MWh", camx, gwp_set="AR6")
    assert ar6.kg_co2e == co2 + 25 * LB * Decimal("27.9") + 3 * LB * 273


def test_grams_per_unit_are_turned_into_kilograms(db):
    gas = factor("T1.natural-gas.scf")
    calc = co2e_for(Decimal("1000"), "scf", gas, gwp_set="AR4")
    assert calc.parts == {
        "CO2": Decimal("54.44"),
        "CH4": Decimal("0.00103") * 25,
        "N2O": Decimal("0.0001") * 298,
    }


def test_a_co2e_factor_cannot_join_an_inventory_of_another_gwp_set(db):
    with pytest.raises(ValidationFailed) as refused:
        co2e_for(Decimal("1"), "kWh", factor("7_400_4000_5_1", 2025), gwp_set="AR6")
    assert refused.value.errors == {
        "gwp_set": [
            "Factor 7_400_4000_5_1 states CO2e with AR5 GWPs; it cannot be used in a calculation with AR6 GWPs "
            "(one inventory uses one GWP set)."
        ]
    }


def test_metric_tons_per_short_ton(db):
    calc = co2e_for(Decimal("2"), "short_ton", factor("T9.asphalt-concrete.recycled"))
    assert calc.kg_co2e == Decimal("7.04107699093334")
    assert calc.gwp_set == "AR4"
    assert calc.steps[1] == (
        "Total: 2 short_ton × 0.00352053849546667 t CO2e/short_ton = 0.00704107699093334 t CO2e "
        "= 7.04107699093334 kg CO2e"
    )


def test_biogenic_co2_outside_of_scopes_has_only_its_co2(db):
    calc = co2e_for(Decimal("1000"), "kWh", factor("99_400_4001_5_2", 2025))
    assert (calc.kg_co2e, calc.parts) == (Decimal("115.07"), {"CO2": Decimal("115.07")})


def test_find_factor_finds_the_one_factor(db):
    assert find_factor(category="electricity", region="GB", year=2025, scope="2").external_id == "7_400_4000_5_1"
    assert find_factor(category="electricity", region="GB", year=2024, scope="2").co2e == Decimal("0.20705")
    gas = {"category": "natural_gas", "region": "GB", "year": 2025, "scope": "1", "activity": "Natural gas"}
    assert find_factor(**gas, unit="kWh (Gross CV)").external_id == "1_100_1004_6_1"
    assert find_factor(**gas, unit="m^3").external_id == "1_100_1004_1_1"
    assert find_factor(**gas, unit="ft^3").external_id == "1_100_1004_1_1", "any unit that converts"
    assert find_factor(category="electricity", region="camx", year=2025).external_id == "T6.CAMX"


def test_find_factor_says_how_to_narrow_an_ambiguous_lookup(db):
    gas = {"category": "natural_gas", "region": "GB", "year": 2025, "scope": "1", "activity": "Natural gas"}
    with pytest.raises(ValidationFailed) as refused:
        find_factor(**gas, unit="kWh")
    assert refused.value.errors == {
        "__all__": [
            "2 emission factors match category natural_gas, region GB, year 2025, unit kWh, scope 1, activity "
            "Natural gas: 1_100_1004_7_1 Fuels › Gaseous fuels › Natural gas (kWh (Net CV)); 1_100_1004_6_1 "
            "Fuels › Gaseous fuels › Natural gas (kWh (Gross CV)). Say which activity, unit or scope."
        ]
    }
    with pytest.raises(NotFound) as missing:
        find_factor(category="electricity", region="FR", year=2025)
    assert missing.value.detail == "No emission factor for category electricity, region FR, year 2025."


def test_a_sites_own_factor_comes_before_the_published_one(db, manager, north, south):
    own = factor_create(
        by=manager,
        site=north,
        year=2025,
        region="GB",
        scope="2",
        category="electricity",
        activity="Electricity: UK, site meter",
        activity_unit="kWh",
        co2e=Decimal("0.15"),
        gwp_set="AR5",
    )
    lookup = {"category": "electricity", "region": "GB", "year": 2025, "scope": "2"}
    assert find_factor(**lookup, site=north) == own
    assert find_factor(**lookup, site=south).external_id == "7_400_4000_5_1"
    assert find_factor(**lookup).external_id == "7_400_4000_5_1"
