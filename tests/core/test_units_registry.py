"""One registry of units: emission factors, meter readings and event quantities mean the same by a unit.

Counted things have one dimension, ``[item]``, whose unit is ``piece``. Every
word each module accepted for a count is still a piece; "pc" and "pcs" are
pieces everywhere (emission factors read them as parsecs before, a unit no
factor table uses; "parsec" itself is still a length).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ims.core import units as core_units
from ims.core.errors import ValidationFailed
from ims.factors import units as factor_units
from ims.improvement import quantities
from ims.monitoring import units as meter_units

ROOT = Path(__file__).resolve().parents[2]

# The words for a count that metering (and now emission factors) accept, letter case as written.
COUNT_UNITS = ("piece", "pieces", "pc", "pcs", "part", "parts")

# The shop-floor words an event quantity accepts for one piece, in any letter case.
SHOP_FLOOR_WORDS = (
    "pc",
    "PCS",
    "piece",
    "Pieces",
    "part",
    "PARTS",
    "unit",
    "Units",
    "ea",
    "EA",
    "each",
    "Each",
    "item",
    "items",
)


def test_emission_factors_meter_readings_and_event_quantities_share_one_registry():
    shared = core_units.registry()
    assert factor_units.registry() is shared
    assert meter_units.registry() is shared
    assert quantities.registry() is shared
    # Quantities parsed by different modules combine: 2 t (a factor's unit) + 5 kg (a meter's unit).
    total = shared.Quantity(Decimal(2), factor_units.parse_unit("t")) + shared.Quantity(
        Decimal(5), meter_units.parse_unit("kg")
    )
    assert total.to("kg").magnitude == Decimal("2005")


def test_loading_the_unit_modules_does_not_import_pint_until_a_unit_is_parsed():
    probe = (
        "import json, sys\n"
        "import ims.core.units, ims.factors.units, ims.monitoring.units, ims.improvement.quantities\n"
        "before = 'pint' in sys.modules\n"
        "ims.monitoring.units.parse_unit('kWh')\n"
        "print(json.dumps([before, 'pint' in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [False, True]


def test_a_count_has_one_dimension_of_its_own():
    assert dict(core_units.registry().parse_units("piece").dimensionality) == {"[item]": 1}
    assert meter_units.quantity_kind("piece/h") == "[item] / [time]"
    assert str(factor_units.parse_unit("kg/pc").dimensionality) == "[mass] / [item]"


@pytest.mark.parametrize("word", COUNT_UNITS)
def test_every_count_word_is_one_piece_in_every_module(word):
    assert meter_units.check_unit(f" {word} ") == word
    assert meter_units.quantity_kind(word) == "count"
    conversion = meter_units.conversion(word, "piece")
    assert (conversion.scale, conversion.offset, conversion.apply(120.0)) == (Decimal(1), Decimal(0), 120.0)
    assert factor_units.check_unit(word) == word
    assert factor_units.convert(Decimal("120"), word, "piece") == Decimal("120")
    assert quantities.check_unit(word) == word
    assert quantities.mass_in_kg(Decimal("120"), word) is None


@pytest.mark.parametrize("word", SHOP_FLOOR_WORDS)
def test_shop_floor_words_for_a_count_are_still_pieces_of_an_event(word):
    assert quantities.check_unit(word) == word  # kept as written
    assert quantities._pint_name(word) == "piece"
    assert quantities.registry().parse_units(quantities._pint_name(word)) == meter_units.parse_unit("pcs")
    assert quantities.mass_in_kg(Decimal("3"), word) is None


def test_a_count_is_never_converted_into_a_mass_or_a_length():
    with pytest.raises(meter_units.IncompatibleUnit, match=r"^“pcs” cannot be converted to kg$"):
        meter_units.conversion("pcs", "kg")
    with pytest.raises(factor_units.IncompatibleUnits, match=r"^pc cannot be converted to km$"):
        factor_units.convert(Decimal(1), "pc", "km")
    assert quantities.mass_in_kg(Decimal("5"), "pcs") is None
    # A parsec is still a length, written out in full.
    assert factor_units.convert(Decimal("1.005"), "parsec", "km") == Decimal("31011059693745.27538691097417")
    assert meter_units.quantity_kind("parsec") == "length"


def test_decimal_conversions_are_exact():
    assert factor_units.convert(Decimal("1.005"), "MWh", "kWh") == Decimal("1005")
    assert factor_units.plain(factor_units.convert(Decimal("1.005"), "MWh", "kWh")) == "1005"
    mwh = meter_units.conversion("MWh", "kWh")
    assert (mwh.scale, mwh.offset, mwh.apply(1.005)) == (Decimal(1000), Decimal(0), 1005.0)
    assert quantities.mass_in_kg(Decimal("1.005"), "t") == Decimal("1005.000")


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("t", "kg", "1005"),
        ("g", "kg", "0.001005"),
        ("lb", "kg", "0.45586033185"),
        ("short_ton", "kg", "911.72066370"),
        ("passenger_mile", "passenger_km", "1.6173907200"),
        ("mmBtu", "kWh", "294.5364666666666666666666667"),
        ("MMBtu", "kWh", "294.5364666666666666666666667"),
        ("therm", "kWh", "29.45364666666666666666666667"),
        ("GJ", "kWh", "279.1666666666666666666666667"),
        ("gallon", "L", "3.804338842920000000000000000"),
        ("scf", "m**3", "0.02845843082495999999999999999"),
        ("litre", "m**3", "0.001005"),
        ("m³", "L", "1005"),
        ("degC", "degC", "1.005"),
    ],
)
def test_emission_factor_units_convert_as_before(source, target, expected):
    assert factor_units.convert(Decimal("1.005"), source, target) == Decimal(expected)


@pytest.mark.parametrize(
    ("source", "target", "scale", "offset"),
    [
        ("m3", "L", "1000", "0"),
        ("Nm3", "m3", "1", "0"),
        ("Sm3", "L", "1000", "0"),
        ("scf", "m3", "0.02831684659199999999999999999", "0"),
        ("gallon", "m3", "0.003785411784", "0"),
        ("lb", "kg", "0.45359237", "0"),
        ("passenger_mile", "passenger_km", "1.6093440", "0"),
        ("mmBtu", "kWh", "293.0711111111111111111111111", "0"),
        ("degC", "K", "1", "273.15"),
    ],
)
def test_meter_units_convert_as_before(source, target, scale, offset):
    conversion = meter_units.conversion(source, target)
    assert (conversion.scale, conversion.offset) == (Decimal(scale), Decimal(offset))


@pytest.mark.parametrize(
    ("unit", "kg"),
    [("kg", "1.234"), ("g", "0.001"), ("lb", "0.560"), ("t", "1234.500"), ("short_ton", "1119.920"), ("m³", None)],
)
def test_event_quantities_give_the_same_mass_as_before(unit, kg):
    assert quantities.check_unit(unit) == unit
    assert quantities.mass_in_kg(Decimal("1.2345"), unit) == (None if kg is None else Decimal(kg))


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("kWh", "energy"),
        ("m3", "volume"),
        ("m³", "volume"),
        ("t", "mass"),
        ("pcs", "count"),
        ("%", "ratio"),
        ("kW", "power"),
        ("degC", "temperature"),
        ("h", "time"),
        ("km", "length"),
        ("m²", "area"),
        ("mg/L", "concentration"),
        ("kg/h", "mass flow"),
        ("m^3/s", "volume flow"),
        ("passenger_mile", "[passenger] * [length]"),
    ],
)
def test_meter_unit_kinds_are_unchanged(unit, kind):
    assert meter_units.quantity_kind(unit) == kind


def test_refusals_keep_their_wording():
    with pytest.raises(ValidationFailed) as empty_factor:
        factor_units.parse_unit("  ", field="unit")
    assert empty_factor.value.errors == {"unit": ["Give a unit, e.g. kWh, litre, tonne, km or passenger_km."]}
    with pytest.raises(ValidationFailed) as unknown_factor:
        factor_units.check_unit("bananas", field="per_unit")
    assert unknown_factor.value.errors == {"per_unit": ["“bananas” is not a unit: “bananas” is unknown."]}
    with pytest.raises(ValidationFailed) as empty_meter:
        meter_units.check_unit("")
    assert empty_meter.value.errors == {"unit": ["Give a unit, e.g. kWh, m3, L, kg, t or piece."]}
    with pytest.raises(ValidationFailed) as unknown_meter:
        meter_units.parse_unit("kwhh")
    assert unknown_meter.value.errors == {"unit": ["“kwhh” is not a unit: “kwhh” is unknown."]}
    with pytest.raises(ValidationFailed) as empty_event:
        quantities.check_unit("")
    assert empty_event.value.errors == {"unit": ["Give the unit of the quantity, e.g. pcs, kg, L or m."]}
    with pytest.raises(ValidationFailed) as unknown_event:
        quantities.check_unit("crates", field="quantity_unit")
    assert unknown_event.value.errors == {"quantity_unit": ["“crates” is not a unit; use e.g. pcs, kg, t, L, m³ or m."]}
