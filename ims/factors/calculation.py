"""Activity × factor = emissions, with every step shown (for the GHG inventory, ISO 14064-1).

A factor stated in CO2e (DESNZ) is used with the GWP set its publisher
applied; a factor stated as mass of each gas (EPA) is turned into CO2e with
the GWP set the inventory chooses. An inventory never mixes sets, so asking
for AR6 with an AR5 CO2e factor is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ims.core.errors import ValidationFailed
from ims.factors.models import EmissionFactor, GasBasis, GwpSet, GwpValue
from ims.factors.units import IncompatibleUnits, convert, parse_unit, plain

GASES = ("CO2", "CH4", "N2O")


@dataclass(frozen=True)
class Calculation:
    """The emissions of one activity quantity, traceable to its factor."""

    factor: EmissionFactor
    quantity: Decimal
    unit: str
    activity_quantity: Decimal  # the quantity in the factor's unit of activity
    kg_co2e: Decimal
    gwp_set: str
    parts: dict[str, Decimal] = field(default_factory=dict)  # kg CO2e per gas, where the factor gives gases
    gwp: dict[str, Decimal] = field(default_factory=dict)  # GWPs applied to masses of gas
    steps: tuple[str, ...] = ()

    @property
    def explanation(self) -> str:
        """The calculation as a person checks it, one step per line."""
        return "\n".join(self.steps)


def _gwp_set_for(factor: EmissionFactor, requested: str | None) -> str:
    if requested and requested not in GwpSet.values:
        raise ValidationFailed({"gwp_set": [f"“{requested}” is not a GWP set; use one of {', '.join(GwpSet.values)}."]})
    if factor.gas_basis == GasBasis.CO2E:
        if requested and factor.gwp_set and requested != factor.gwp_set:
            raise ValidationFailed(
                {
                    "gwp_set": [
                        f"Factor {factor.external_id} states CO2e with {factor.gwp_set} GWPs; it cannot be used "
                        f"in a calculation with {requested} GWPs (one inventory uses one GWP set)."
                    ]
                }
            )
        return factor.gwp_set or requested or ""
    chosen = requested or (factor.source.gwp_set if factor.source is not None else "")
    if not chosen:
        raise ValidationFailed({"gwp_set": ["Say which GWP set turns this factor's gases into CO2e (AR4, AR5, AR6)."]})
    return chosen


def _gwps(gwp_set: str, gases: list[str]) -> dict[str, Decimal]:
    found = {g.gas: g.value for g in GwpValue.objects.filter(gwp_set=gwp_set, gas__in=gases)}
    missing = [g for g in gases if g not in found]
    if missing:
        raise ValidationFailed(
            {"gwp_set": [f"No {gwp_set} GWP for {', '.join(missing)}; load the GWP values with `ims load-factors`."]}
        )
    return {g: Decimal(v) for g, v in found.items() if v is not None}


def _to_kg(value: Decimal, unit: str) -> Decimal:
    return value if unit == "kg" else convert(value, unit, "kg")


def _convert_activity(quantity: Decimal, unit: str, factor: EmissionFactor) -> Decimal:
    parse_unit(unit)
    try:
        return convert(quantity, unit, factor.activity_unit)
    except IncompatibleUnits:
        raise ValidationFailed(
            {
                "unit": [
                    f"{unit} cannot be converted to {factor.activity_unit}, the unit of factor "
                    f"{factor.external_id} ({factor.source_unit})."
                ]
            }
        ) from None


def _cite(factor: EmissionFactor, gwp_set: str) -> str:
    origin = factor.source.citation if factor.source is not None else f"Own factor. {factor.citation}".strip()
    where = f" {factor.source_ref}." if factor.source_ref else ""
    gwp = f" GWP set {gwp_set}." if gwp_set else ""
    return f"Factor {factor.external_id}: {factor.activity} ({factor.source_unit}). {origin}{where}{gwp}"


def co2e_for(quantity: Decimal, unit: str, factor: EmissionFactor, *, gwp_set: str | None = None) -> Calculation:
    """The kg CO2e of ``quantity`` ``unit`` of the factor's activity.

    The quantity is converted to the factor's unit of activity with pint
    (exactly, in Decimal); a unit of another dimension is refused naming both
    units. ``gwp_set`` is the inventory's set: required to match a CO2e
    factor's set, and used to weigh the gases of a per-gas-mass factor.
    """
    if not isinstance(quantity, Decimal):
        raise ValidationFailed({"quantity": ["Give the quantity as a Decimal, not a float."]})
    chosen = _gwp_set_for(factor, gwp_set)
    amount = _convert_activity(quantity, unit, factor)
    au = factor.activity_unit
    steps = [f"Activity: {plain(quantity)} {unit}" + (f" = {plain(amount)} {au}" if unit.strip() != au else "")]
    gases = factor.gases
    parts: dict[str, Decimal] = {}
    gwp: dict[str, Decimal] = {}
    if factor.gas_basis == GasBasis.MASS:
        gwp = _gwps(chosen, [g for g in gases if g != "CO2"])
        gwp["CO2"] = Decimal(1)  # by definition
        for gas, per_unit in gases.items():
            mass_kg = _to_kg(amount * per_unit, factor.gas_unit(gas))
            parts[gas] = mass_kg * gwp[gas]
            steps.append(
                f"{gas}: {plain(amount)} {au} × {plain(per_unit)} {factor.gas_unit(gas)} {gas}/{au} = "
                f"{plain(mass_kg)} kg {gas} × GWP {plain(gwp[gas])} = {plain(parts[gas])} kg CO2e"
            )
        total = sum(parts.values(), Decimal(0))
        steps.append(f"Total: {' + '.join(plain(p) for p in parts.values())} = {plain(total)} kg CO2e")
    else:
        for gas, per_unit in gases.items():
            parts[gas] = _to_kg(amount * per_unit, factor.gas_unit(gas))
            steps.append(f"{gas}: {plain(amount)} {au} × {plain(per_unit)} kg CO2e/{au} = {plain(parts[gas])} kg CO2e")
        if factor.co2e is not None:
            total = _to_kg(amount * factor.co2e, factor.co2e_unit)
            per = f"{plain(factor.co2e)} {factor.co2e_unit} CO2e/{au}"
            stated = amount * factor.co2e
            shown = f"{plain(stated)} {factor.co2e_unit} CO2e = " if factor.co2e_unit != "kg" else ""
            steps.append(f"Total: {plain(amount)} {au} × {per} = {shown}{plain(total)} kg CO2e")
        else:
            total = sum(parts.values(), Decimal(0))
            steps.append(f"Total: the sum of the gases given = {plain(total)} kg CO2e")
    steps.append(_cite(factor, chosen))
    return Calculation(
        factor=factor,
        quantity=quantity,
        unit=unit,
        activity_quantity=amount,
        kg_co2e=total,
        gwp_set=chosen,
        parts=parts,
        gwp={g: v for g, v in gwp.items() if g in gases},
        steps=tuple(steps),
    )
