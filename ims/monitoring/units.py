"""Units of readings: what pint understands, and the conversion from a supplied unit to a series' unit.

A conversion is worked out once per (supplied unit, series unit) pair by pint
with exact decimals, as ``value × scale + offset`` (the offset is zero except
for temperatures); an import applies it to every reading without calling pint
again. Counted things (production output, defects) are in ``piece``, a
dimension of its own so that a count is never converted into a mass. The
registry is the shared one of :mod:`ims.core.units`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ims.core.errors import ValidationFailed
from ims.core.units import DEFINITIONS as DEFINITIONS  # the definitions of the shared registry
from ims.core.units import registry

# Quantity kinds by a reference unit of each; the first whose dimensionality matches names a unit's kind.
QUANTITY_KINDS = (
    ("energy", "J"),
    ("volume", "m3"),
    ("mass", "kg"),
    ("count", "piece"),
    ("ratio", "percent"),
    ("power", "W"),
    ("temperature", "K"),
    ("time", "s"),
    ("length", "m"),
    ("area", "m^2"),
    ("concentration", "mg/L"),
    ("mass flow", "kg/s"),
    ("volume flow", "m^3/s"),
)


def parse_unit(text: str, *, field: str = "unit") -> Any:
    """The pint unit for ``text``, or a refusal naming what is not understood."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed({field: ["Give a unit, e.g. kWh, m3, L, kg, t or piece."]})
    return _parse(raw, field)


def _parse(raw: str, field: str) -> Any:
    import pint  # imported on first use, not by every process that loads the app

    try:
        return registry().parse_units(raw)
    except pint.UndefinedUnitError as exc:
        names = ", ".join(f"“{n}”" for n in exc.unit_names) or f"“{raw}”"
        raise ValidationFailed({field: [f"“{raw}” is not a unit: {names} is unknown."]}) from None
    except Exception:  # pint raises several types for text that is not a unit expression
        raise ValidationFailed({field: [f"“{raw}” is not a unit."]}) from None


def quantity_kind(text: str) -> str:
    """energy, volume, mass, count … for a unit; its dimensionality when it has no common name."""
    dims = parse_unit(text).dimensionality
    for kind, reference in QUANTITY_KINDS:
        if registry().parse_units(reference).dimensionality == dims:
            return kind
    return str(dims)[:40]


def is_mass(text: str) -> bool:
    return quantity_kind(text) == "mass"


class IncompatibleUnit(ValueError):
    """The supplied unit measures something else than the series' unit."""


@dataclass(frozen=True)
class Conversion:
    """``value × scale + offset`` turns a value in ``source`` into one in ``target``."""

    source: str
    target: str
    scale: Decimal
    offset: Decimal

    @property
    def identity(self) -> bool:
        return self.scale == 1 and self.offset == 0

    def apply(self, value: float) -> float:
        """The converted value, rounded once from the exact decimal result (1.234 MWh → 1234.0 kWh)."""
        if self.identity:
            return value
        return float(Decimal(repr(value)) * self.scale + self.offset)


@functools.lru_cache(maxsize=4096)
def conversion(source: str, target: str) -> Conversion:
    """The conversion from ``source`` to ``target``; ValidationFailed for a non-unit, IncompatibleUnit otherwise."""
    import pint  # imported on first use, not by every process that loads the app

    src, dst = parse_unit(source), parse_unit(target)
    if src == dst:
        return Conversion(source, target, Decimal(1), Decimal(0))
    units = registry()
    try:
        zero = Decimal(units.Quantity(Decimal(0), src).to(dst).magnitude)
        one = Decimal(units.Quantity(Decimal(1), src).to(dst).magnitude)
    except pint.DimensionalityError:
        raise IncompatibleUnit(f"“{source}” cannot be converted to {target}") from None
    return Conversion(source, target, one - zero, zero)


def check_unit(text: str, *, field: str = "unit") -> str:
    parse_unit(text, field=field)
    return text.strip()
