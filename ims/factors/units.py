"""Units of activity data and emissions, with exact decimal arithmetic.

The registry works in ``Decimal`` so that converting 1 MWh to kWh, or pounds
to kilograms, never picks up binary rounding: a CO2e figure can be traced back
to its factor digit for digit. It knows the units emission-factor tables use
that pint does not define (passenger-distance, standard cubic feet, million Btu,
hotel room-nights).

The registry is the shared one of :mod:`ims.core.units`, so a unit here means
the same as in meter readings and event quantities.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ims.core.errors import ValidationFailed
from ims.core.units import FACTOR_DEFINITIONS, registry

# Units that emission-factor tables use and pint does not define (all defined in the shared registry).
DEFINITIONS = FACTOR_DEFINITIONS

# Masses in which tables state emissions (kg CO2e; g CH4; lb CO2; metric tons CO2e).
MASS_UNITS = ("kg", "g", "t", "lb")


def parse_unit(text: str, *, field: str = "unit") -> Any:
    """The pint unit for ``text``, or a refusal naming what is not understood."""
    import pint  # imported on first use, not by every process that loads the app

    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed({field: ["Give a unit, e.g. kWh, litre, tonne, km or passenger_km."]})
    try:
        return registry().parse_units(raw)
    except pint.UndefinedUnitError as exc:
        names = ", ".join(f"“{n}”" for n in exc.unit_names) or f"“{raw}”"
        raise ValidationFailed({field: [f"“{raw}” is not a unit: {names} is unknown."]}) from None
    except Exception:  # pint raises several types for text that is not a unit expression
        raise ValidationFailed({field: [f"“{raw}” is not a unit."]}) from None


def check_unit(text: str, *, field: str = "unit") -> str:
    parse_unit(text, field=field)
    return text.strip()


class IncompatibleUnits(ValueError):
    pass


def convert(quantity: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``quantity`` in ``from_unit`` expressed in ``to_unit``, exactly (as far as Decimal goes)."""
    import pint  # imported on first use, not by every process that loads the app

    units = registry()
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source == target:
        return quantity
    try:
        result = units.Quantity(quantity, source).to(target).magnitude
    except pint.DimensionalityError:
        raise IncompatibleUnits(f"{from_unit} cannot be converted to {to_unit}") from None
    return Decimal(result)


def plain(value: Decimal) -> str:
    """A decimal written out without exponent or trailing zeros: 1E+3 → 1000, 0.1770 → 0.177."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
