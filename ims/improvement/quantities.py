"""Quantities affected by an event: counted pieces, masses, volumes, lengths — with their unit, checked by pint.

Shop-floor words for counted things (pcs, parts, units, each) all mean one
piece; pint would otherwise read “pcs” as parsecs and “unit” as a micro-nit.
A quantity in a unit of mass also gives the mass affected in kilograms, for
waste and material accounting. Units are parsed by the shared registry of
:mod:`ims.core.units`, the one meter readings and emission factors use.
"""

from __future__ import annotations

from decimal import Decimal

from ims.core.errors import ValidationFailed
from ims.core.units import registry

# Shop-floor words for one piece, in any letter case; the shared registry's "piece" is a count, not a mass.
PIECE_WORDS = frozenset(
    {"pc", "pcs", "piece", "pieces", "part", "parts", "unit", "units", "ea", "each", "item", "items"}
)


def _pint_name(unit: str) -> str:
    if unit.lower() in PIECE_WORDS:
        return "piece"
    return unit.replace("³", "**3").replace("²", "**2")


def check_unit(unit: str, *, field: str = "unit") -> str:
    """The unit as written, if it names a unit; otherwise a refusal saying what is not understood."""
    import pint  # imported on first use, not by every process that loads the app

    raw = (unit or "").strip()
    if not raw:
        raise ValidationFailed({field: ["Give the unit of the quantity, e.g. pcs, kg, L or m."]})
    try:
        registry().parse_units(_pint_name(raw))
    except pint.UndefinedUnitError:
        raise ValidationFailed({field: [f"“{raw}” is not a unit; use e.g. pcs, kg, t, L, m³ or m."]}) from None
    except Exception:  # pint raises several types for text that is not a unit expression
        raise ValidationFailed({field: [f"“{raw}” is not a unit; use e.g. pcs, kg, t, L, m³ or m."]}) from None
    return raw


def mass_in_kg(quantity: Decimal, unit: str) -> Decimal | None:
    """``quantity`` in kilograms when ``unit`` is a mass (g, kg, t, lb …); None otherwise."""
    units = registry()
    parsed = units.parse_units(_pint_name(unit))
    if parsed.dimensionality != units.parse_units("kg").dimensionality:
        return None
    return Decimal(units.Quantity(quantity, parsed).to("kg").magnitude).quantize(Decimal("0.001"))
