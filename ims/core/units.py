"""The one registry of units for the whole IMS, with exact decimal arithmetic.

Emission factors, meter readings, KPIs and the quantities affected by an event
all parse their units here, so that a unit means the same thing everywhere and
the definitions are held in memory once. The registry works in ``Decimal``:
converting 1.005 MWh to kWh gives exactly 1005, and a CO2e figure can be traced
back to its factor digit for digit.

Counted things (production output, defects, scrapped parts) have a dimension
of their own, ``[item]``, with ``piece`` as its unit, so that a count is never
converted into a mass. "pc" and "pcs" are pieces here, not parsecs.

pint is imported on first use, not by every process that loads the app.

Permit-limit units (:mod:`ims.obligations.services`) are checked here too, so
a limit in mg/L or Nm3/h means what a meter reading in that unit means.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

# Units that emission-factor tables use and pint does not define.
FACTOR_DEFINITIONS = (
    "passenger = [passenger]",
    "passenger_km = passenger * kilometer",
    "passenger_mile = passenger * mile",
    "room_night = [room_night]",
    # A standard cubic foot is a cubic foot of gas at the publisher's reference conditions.
    "scf = foot ** 3",
    "mmBtu = 1000000 * Btu = MMBtu",
)

# Metering writes cubic metres without the exponent; normal and standard cubic metres of gas are volumes.
METERING_DEFINITIONS = (
    "m3 = meter ** 3",
    "Nm3 = meter ** 3",
    "Sm3 = meter ** 3",
)

# Counted output, defects and scrapped parts. "pc" and "pcs" replace pint's parsec.
COUNT_DEFINITIONS = ("piece = [item] = pc = pcs = pieces = part = parts",)

DEFINITIONS = (*FACTOR_DEFINITIONS, *METERING_DEFINITIONS, *COUNT_DEFINITIONS)


@functools.cache
def registry() -> Any:
    """The shared pint registry (``Decimal`` magnitudes), built on first use."""
    import pint  # imported on first use, not by every process that loads the app

    # "pc" is pint's parsec; the count definition replaces it without a warning.
    units: Any = pint.UnitRegistry(non_int_type=Decimal, on_redefinition="ignore")
    for definition in DEFINITIONS:
        units.define(definition)
    return units
