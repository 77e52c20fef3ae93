"""Permit limits are written in the units of the shared registry, the one meter readings use.

A limit's unit means what a reading's unit means: "Nm3/h" is a volume flow,
"pcs" a count, and a reading in µg/L compares with a limit in mg/L exactly,
in ``Decimal``, digit for digit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pint
import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import ValidationFailed
from ims.core.units import registry
from ims.obligations.models import Permit
from ims.obligations.services import check_unit, obligation_create, permit_add


@pytest.fixture
def permit_obligation(owner, north):
    return obligation_create(
        by=owner,
        sites=[north],
        title="Effluent discharge permit",
        kind="permit",
        jurisdiction="FR",
        evaluation_frequency_months=12,
        today=dt.date(2026, 1, 10),
    )


@pytest.fixture
def nickel(permit_obligation, owner):
    """Nickel in effluent, at most 0.5 mg/L, read back from the database as stored."""
    permit = permit_add(
        by=owner, obligation=permit_obligation, parameter="Nickel", limit_value=Decimal("0.5"), unit="mg/L"
    )
    return Permit.objects.get(pk=permit.pk)


def _measured(value: str, unit: str):
    return registry().Quantity(Decimal(value), check_unit(unit))


def _limit(permit: Permit):
    return registry().Quantity(permit.limit_value, permit.unit)


@pytest.mark.parametrize(
    ("unit", "dimensionality"),
    [
        ("mg/L", {"[mass]": 1, "[length]": -3}),
        ("µg/L", {"[mass]": 1, "[length]": -3}),
        ("kg/day", {"[mass]": 1, "[time]": -1}),
        ("m**3/day", {"[length]": 3, "[time]": -1}),
        ("mg/m**3", {"[mass]": 1, "[length]": -3}),
        ("dimensionless", {}),
        ("dB", {}),
        # Units the shared registry defines for metering: a limit may be written as its meter reads.
        ("m3", {"[length]": 3}),
        ("Nm3/h", {"[length]": 3, "[time]": -1}),
        ("mg/Nm3", {"[mass]": 1, "[length]": -3}),
        # A count, not a parsec.
        ("pcs", {"[item]": 1}),
    ],
)
def test_a_limit_unit_is_checked_by_the_shared_registry(unit, dimensionality):
    assert check_unit(f"  {unit} ") == unit
    assert dict(registry().parse_units(unit).dimensionality) == dimensionality


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("furlongs per bogus", "“furlongs per bogus” is not a unit: “bogus” is unknown."),
        ("bananas", "“bananas” is not a unit: “bananas” is unknown."),
        ("mg O2/L", "“mg O2/L” is not a unit: “O2” is unknown."),
        ("m3 per bogus", "“m3 per bogus” is not a unit: “bogus” is unknown."),
        ("ppb", "“ppb” is not a unit: “ppb” is unknown."),
        ("cfu/100mL", "“cfu/100mL” is not a unit."),
        ("(", "“(” is not a unit."),
        ("   ", "Give a unit, e.g. mg/L, kg/day or dB (dimensionless for pH)."),
    ],
)
def test_an_unknown_unit_is_refused_and_nothing_is_written(permit_obligation, owner, unit, message):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        permit_add(by=owner, obligation=permit_obligation, parameter="Nickel", limit_value=Decimal("0.5"), unit=unit)
    assert exc.value.errors == {"unit": [message]}
    assert Permit.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_a_limit_in_a_metering_unit_is_stored_as_written(permit_obligation, owner):
    permit = permit_add(
        by=owner, obligation=permit_obligation, parameter="Dust at stack", limit_value=Decimal("20"), unit="mg/Nm3"
    )
    assert str(Permit.objects.get(pk=permit.pk)) == "Dust at stack ≤ 20.0000 mg/Nm3"


def test_a_reading_in_micrograms_equals_the_limit_in_milligrams_exactly(nickel):
    assert nickel.limit_value == Decimal("0.5")
    reading = _measured("500", "µg/L")
    assert reading.to(nickel.unit).magnitude == Decimal("0.500")
    assert isinstance(reading.to(nickel.unit).magnitude, Decimal)
    assert reading == _limit(nickel)
    assert not reading > _limit(nickel)


def test_a_reading_above_the_limit_is_above_by_the_exact_difference(nickel):
    reading = _measured("0.62", "mg/L")
    assert reading > _limit(nickel)
    assert (reading - _limit(nickel)).magnitude == Decimal("0.1200")
    assert _measured("620", "µg/L").to(nickel.unit).magnitude == Decimal("0.620")
    assert _measured("499.9", "µg/L") < _limit(nickel)


def test_a_flow_limit_converts_between_metering_units(permit_obligation, owner):
    permit = permit_add(
        by=owner, obligation=permit_obligation, parameter="Daily flow", limit_value=Decimal("40"), unit="m**3/day"
    )
    assert _measured("1.7", "m3/h").to(permit.unit).magnitude == Decimal("40.8")
    assert _measured("1.7", "m3/h") > _limit(permit)


def test_a_reading_in_an_incompatible_unit_cannot_be_compared(nickel):
    with pytest.raises(pint.DimensionalityError):
        _measured("3", "kg/day").to(nickel.unit)
