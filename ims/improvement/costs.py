"""Cost of poor quality — in money and in environmental impact — recorded per event.

*Failure costs* are the money an event cost, internal (scrap, rework,
re-inspection, downtime, labour) or external (returns, warranty, penalties,
complaint handling, labour). Each line keeps the amount in the currency it was
paid in (an ISO 4217 code is required) and in the organisation's reporting
currency (``IMS_CURRENCY``, EUR by default). IMS keeps no exchange-rate table:
an amount in another currency must come with the rate used, so every total is
in one currency and every conversion can be checked.

*Wasted material* and *extra energy* are what scrap and rework cost the
environment. Their kg CO2e is computed when the line is saved, through the
emission factor library, and stored with the factors and the calculation:

* material: the mass × the “Material use” factor (making the material again)
  + the mass × the “Waste disposal” factor of its route (landfill, recycling …);
* energy: the quantity × the factor of its carrier — for electricity, the grid
  factor of the site's country first, then the configured region.

Which factors apply is a small table the organisation changes
(:class:`MaterialFactorMap`, :class:`EnergyFactorMap`), installed with defaults
pointing at the UK DESNZ tables. The factor of the event's year is used, else
the nearest earlier year, else the nearest later one — and the calculation says
so. When no factor applies the line is refused, naming what is missing.

Costs can be added to a closed event (invoices and claims arrive late), never
to a rejected event or a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import require
from ims.audit.services import record_change
from ims.core.errors import NotFound, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.factors.calculation import Calculation, co2e_for
from ims.factors.models import EmissionFactor
from ims.factors.selectors import find_factor
from ims.factors.units import plain
from ims.improvement.models import (
    INTERNAL_FAILURE,
    Containment,
    CostCategory,
    DisposalRoute,
    EnergyFactorMap,
    Event,
    EventStatus,
    ExtraEnergy,
    FailureCost,
    MaterialFactorMap,
    WastedMaterial,
)
from ims.improvement.quantities import check_unit

CENT = Decimal("0.01")
GRAM = Decimal("0.001")  # kg CO2e are stored to the gram; the calculation keeps every digit

# Active ISO 4217 codes (funds and precious metals left out).
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
    CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG""".split()
)

# The column of the DESNZ “Waste disposal” tables for each route (the 2024 tables say “Combustion”).
ROUTE_COLUMNS: dict[str, tuple[str, ...]] = {
    DisposalRoute.OPEN_LOOP: ("Open-loop",),
    DisposalRoute.CLOSED_LOOP: ("Closed-loop",),
    DisposalRoute.INCINERATION: ("Incineration with Energy Recovery", "Combustion"),
    DisposalRoute.LANDFILL: ("Landfill",),
    DisposalRoute.COMPOSTING: ("Composting",),
    DisposalRoute.ANAEROBIC_DIGESTION: ("Anaerobic digestion",),
}

# code, label, “Material use” activity, “Waste disposal” activity (UK DESNZ)
DEFAULT_MATERIALS: tuple[tuple[str, str, str, str], ...] = (
    (
        "aluminium",
        "Aluminium",
        "Metal: aluminium cans and foil (excl. forming) › Primary material production",
        "Metal: aluminium cans and foil (excl. forming)",
    ),
    ("steel", "Steel", "Metal: steel cans › Primary material production", "Metal: steel cans"),
    ("mixed_metal", "Mixed metal", "Metal: scrap metal › Primary material production", "Metal: scrap metal"),
    (
        "plastics",
        "Plastics",
        "Plastics: average plastics › Primary material production",
        "Plastics: average plastics",
    ),
    ("cardboard", "Cardboard", "Paper and board: board › Primary material production", "Paper and board: board"),
    ("mineral_oil", "Mineral oil", "Mineral oil › Primary material production", "Mineral oil"),
)

# code, label, factor category, activity, factor unit as published, scope, site's country first
DEFAULT_ENERGY: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    ("electricity", "Electricity", "electricity", "", "kWh", "2", True),
    ("natural_gas", "Natural gas", "natural_gas", "Natural gas", "kWh (Gross CV)", "1", False),
    ("diesel", "Diesel", "diesel", "Diesel (average biofuel blend)", "litres", "1", False),
)
DEFAULT_REGION = "GB"


def reporting_currency() -> str:
    """The currency every total is in (the ``IMS_CURRENCY`` setting)."""
    code = str(getattr(settings, "IMS_CURRENCY", "EUR") or "EUR").strip().upper()
    if code not in ISO_4217:
        raise ValidationFailed({"IMS_CURRENCY": [f"“{code}” is not an ISO 4217 currency code; set e.g. EUR."]})
    return code


def ensure_impact_defaults(*, by: Any) -> None:
    """Install the default material and energy mappings when none is configured yet."""
    if not MaterialFactorMap.objects.exists():
        for code, label, material, waste in DEFAULT_MATERIALS:
            mapping = MaterialFactorMap(
                code=code, label=label, material_activity=material, waste_activity=waste, region=DEFAULT_REGION
            )
            create_record(mapping, by=by, note="default mapping to UK DESNZ factors")
    if not EnergyFactorMap.objects.exists():
        for code, label, category, activity, unit, scope, by_country in DEFAULT_ENERGY:
            carrier = EnergyFactorMap(
                code=code,
                label=label,
                category=category,
                activity=activity,
                factor_unit=unit,
                scope=scope,
                by_site_country=by_country,
                region=DEFAULT_REGION,
            )
            create_record(carrier, by=by, note="default mapping to UK DESNZ factors")


def refresh_totals(event: Event) -> None:
    """Sum the event's cost lines onto the event, for the analysis: money in the reporting currency, and CO2e.

    Lines kept in an earlier reporting currency are left out of the money; the
    event's ``cost_currency`` says which currency its figures are in.
    """
    currency = reporting_currency()
    internal = Q(category__in=INTERNAL_FAILURE)
    lines = FailureCost.objects.filter(event=event)
    money = lines.filter(reporting_currency=currency).aggregate(
        i=Sum("amount_reporting", filter=internal), e=Sum("amount_reporting", filter=~internal)
    )
    wasted = WastedMaterial.objects.filter(event=event).aggregate(c=Sum("kg_co2e"), m=Sum("mass_kg"))
    energy = ExtraEnergy.objects.filter(event=event).aggregate(c=Sum("kg_co2e"))
    Event.objects.filter(pk=event.pk).update(
        cost_internal=Decimal(money["i"] or 0).quantize(CENT),
        cost_external=Decimal(money["e"] or 0).quantize(CENT),
        cost_currency=currency if lines.exists() else "",
        cost_kg_co2e=(Decimal(wasted["c"] or 0) + Decimal(energy["c"] or 0)).quantize(GRAM),
        cost_mass_kg=Decimal(wasted["m"] or 0).quantize(GRAM),
    )


def material_choices() -> list[tuple[str, str]]:
    """The materials to choose from: the configured ones, or the defaults until the first line installs them."""
    rows = list(MaterialFactorMap.objects.filter(active=True).values_list("code", "label"))
    if rows or MaterialFactorMap.objects.exists():
        return rows
    return [(code, label) for code, label, _, _ in DEFAULT_MATERIALS]


def energy_choices() -> list[tuple[str, str]]:
    rows = list(EnergyFactorMap.objects.filter(active=True).values_list("code", "label"))
    if rows or EnergyFactorMap.objects.exists():
        return rows
    return [(code, label) for code, label, *_ in DEFAULT_ENERGY]


def mappings() -> tuple[list[MaterialFactorMap], list[EnergyFactorMap]]:
    """The mapping as configured, or the defaults (not saved) until it is first used or changed."""
    materials = list(MaterialFactorMap.objects.all())
    if not materials:
        materials = [
            MaterialFactorMap(code=c, label=lb, material_activity=m, waste_activity=w, region=DEFAULT_REGION)
            for c, lb, m, w in DEFAULT_MATERIALS
        ]
    carriers = list(EnergyFactorMap.objects.all())
    if not carriers:
        carriers = [
            EnergyFactorMap(
                code=c,
                label=lb,
                category=cat,
                activity=a,
                factor_unit=u,
                scope=sc,
                by_site_country=b,
                region=DEFAULT_REGION,
            )
            for c, lb, cat, a, u, sc, b in DEFAULT_ENERGY
        ]
    return materials, carriers


# --- checks ----------------------------------------------------------------------------


def _number(value: Any, field: str, *, what: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed({field: [f"Give the {what}."]})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed({field: [f"“{value}” is not a number."]}) from None
    if not number.is_finite():
        raise ValidationFailed({field: [f"“{value}” is not a number."]})
    if number < 0:
        raise ValidationFailed({field: [f"Give zero or more; {value} is negative."]})
    return number


def _check_event(by: Any, event: Event) -> None:
    require(by, Permission.CHANGE, site_id=event.site_id, what=f"the costs of events at {event.site}")
    if event.status in (EventStatus.REJECTED, EventStatus.DUPLICATE):
        raise WorkflowError(f"{event.reference} was {event.get_status_display().lower()}; it caused no cost.")


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise ValidationFailed({"currency": ["Give the currency of the amount, as an ISO 4217 code (e.g. EUR)."]})
    if code not in ISO_4217:
        raise ValidationFailed({"currency": [f"“{value}” is not an ISO 4217 currency code; e.g. EUR, USD, CZK."]})
    return code


def _rate(value: Any, currency: str, reporting: str) -> Decimal | None:
    given = value is not None and not (isinstance(value, str) and not value.strip())
    if currency == reporting:
        if given and _number(value, "rate", what="exchange rate") != 1:
            raise ValidationFailed({"rate": [f"The amount is already in {reporting}; give no exchange rate."]})
        return None
    if not given:
        raise ValidationFailed(
            {
                "rate": [
                    f"The amount is in {currency} and totals are in {reporting}: give the exchange rate used "
                    f"({reporting} per 1 {currency})."
                ]
            }
        )
    rate = _number(value, "rate", what="exchange rate")
    if rate == 0:
        raise ValidationFailed({"rate": ["The exchange rate must be more than zero."]})
    return rate


# --- money -----------------------------------------------------------------------------


@transaction.atomic
def cost_add(
    *,
    by: Any,
    event: Event,
    category: str,
    amount: Any,
    currency: Any,
    rate: Any = None,
    description: str = "",
) -> FailureCost:
    """Record what the event cost: its category, the amount and its currency (and the rate, if not ours)."""
    _check_event(by, event)
    if category not in CostCategory.values:
        raise ValidationFailed({"category": [f"Use one of: {', '.join(CostCategory.values)}."]})
    money = _number(amount, "amount", what="amount")
    if money != money.quantize(CENT):
        raise ValidationFailed({"amount": [f"Give the amount to the cent; {amount} has more decimals."]})
    code = _currency(currency)
    reporting = reporting_currency()
    chosen_rate = _rate(rate, code, reporting)
    in_reporting = money if chosen_rate is None else (money * chosen_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    line = FailureCost(
        event=event,
        category=category,
        description=(description or "").strip(),
        amount=money,
        currency=code,
        rate=chosen_rate,
        reporting_currency=reporting,
        amount_reporting=in_reporting,
        recorded_by=by,
    )
    note = f"{plain(money)} {code}" + (f" = {in_reporting} {reporting} at {plain(chosen_rate)}" if chosen_rate else "")
    create_record(line, by=by, note=note)
    refresh_totals(event)
    return line


# --- the factors -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    """A factor found for an activity, and why this one (another year or region than asked)."""

    factor: EmissionFactor
    year: int
    note: str = ""


def _years(category: str, region: str, year: int) -> list[int]:
    """The years to try: the event's, then earlier ones (nearest first), then later ones."""
    available = set(
        EmissionFactor.objects.filter(category=category, region__iexact=region, archived_at__isnull=True)
        .values_list("year", flat=True)
        .distinct()
    )
    older = sorted((y for y in available if y <= year), reverse=True)
    return older + sorted(y for y in available if y > year)


def _find(year: int, regions: list[str], activities: list[str], **query: Any) -> Chosen | None:
    """The factor for the first region that has one, of the nearest year; ``activities`` are synonyms."""
    for region in regions:
        for candidate in _years(query["category"], region, year):
            for activity in activities:
                try:
                    factor = find_factor(region=region, year=candidate, activity=activity, **query)
                except NotFound:
                    continue
                notes = []
                if region != regions[0]:
                    notes.append(
                        f"no {query['category']} factor for {regions[0]}; the configured region {region} is used"
                    )
                if candidate != year:
                    notes.append(f"no {year} factor; the {candidate} factor is the nearest available")
                return Chosen(factor, candidate, "; ".join(notes))
    return None


def _event_year(event: Event) -> int:
    return timezone.localtime(event.occurred_at).year


def _missing(field: str, what: str, fix: str) -> ValidationFailed:
    return ValidationFailed(
        {
            field: [
                f"No emission factor for {what}. Load the factor library (ims load-factors), add an own factor, "
                f"or change {fix}."
            ]
        }
    )


def _material_factors(event: Event, material: MaterialFactorMap, route: str) -> tuple[Chosen, Chosen]:
    year = _event_year(event)
    made = _find(year, [material.region], [material.material_activity], category="material", unit="kg")
    if made is None:
        what = f"making {material.label.lower()} (“{material.material_activity}”, {material.region})"
        raise _missing("material", what, f"the mapping of “{material.label}”")
    columns = [f"{material.waste_activity} › {column}" for column in ROUTE_COLUMNS[route]]
    disposed = _find(year, [material.region], columns, category="waste", unit="kg")
    if disposed is None:
        label = DisposalRoute(route).label.lower()
        what = f"{material.label.lower()} {label} (“{material.waste_activity} › {ROUTE_COLUMNS[route][0]}”)"
        raise _missing("route", what, f"the disposal route or the mapping of “{material.label}”")
    return made, disposed


def _energy_factor(event: Event, carrier: EnergyFactorMap) -> Chosen:
    country = str(event.site.country.code or "") if event.site.country else ""
    regions = [country, carrier.region] if carrier.by_site_country and country else [carrier.region]
    regions = list(dict.fromkeys(r for r in regions if r))
    found = _find(
        _event_year(event),
        regions,
        [carrier.activity],
        category=carrier.category,
        unit=carrier.factor_unit,
        scope=carrier.scope,
        site=event.site,
    )
    if found is None:
        where = " or ".join(regions)
        raise _missing("carrier", f"{carrier.label.lower()} in {where} ({carrier.factor_unit})", f"“{carrier.label}”")
    return found


def _indent(calculation: Calculation) -> list[str]:
    return [f"  {step}" for step in calculation.steps]


def _grams(value: Decimal) -> Decimal:
    return value.quantize(GRAM, rounding=ROUND_HALF_UP)


# --- material and energy ---------------------------------------------------------------


def _material(value: Any) -> MaterialFactorMap:
    if isinstance(value, MaterialFactorMap):
        return value
    found = MaterialFactorMap.objects.filter(code=str(value or "").strip(), active=True).first()
    if found is None:
        codes = ", ".join(MaterialFactorMap.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed({"material": [f"“{value}” is not a material; use one of: {codes}."]})
    return found


def _carrier(value: Any) -> EnergyFactorMap:
    if isinstance(value, EnergyFactorMap):
        return value
    found = EnergyFactorMap.objects.filter(code=str(value or "").strip(), active=True).first()
    if found is None:
        codes = ", ".join(EnergyFactorMap.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed({"carrier": [f"“{value}” is not an energy carrier; use one of: {codes}."]})
    return found


def _wasted_mass(mass_kg: Any, containment: Containment | None, event: Event) -> Decimal:
    if containment is not None and containment.event_id != event.pk:
        raise ValidationFailed({"containment": [f"That containment belongs to {containment.event.reference}."]})
    if (mass_kg is None or mass_kg == "") and containment is not None and containment.mass_kg is not None:
        return containment.mass_kg
    return _number(mass_kg, "mass_kg", what="mass wasted in kg")


@transaction.atomic
def material_add(
    *,
    by: Any,
    event: Event,
    material: Any,
    mass_kg: Any,
    route: str,
    description: str = "",
    containment: Containment | None = None,
) -> WastedMaterial:
    """Record material lost to scrap or rework and what became of it; its kg CO2e is computed now."""
    _check_event(by, event)
    ensure_impact_defaults(by=by)
    chosen = _material(material)
    mass = _wasted_mass(mass_kg, containment, event)
    if route not in DisposalRoute.values:
        raise ValidationFailed({"route": [f"Use one of: {', '.join(DisposalRoute.values)}."]})
    made, disposed = _material_factors(event, chosen, route)
    making = co2e_for(mass, "kg", made.factor)
    disposal = co2e_for(mass, "kg", disposed.factor)
    exact = making.kg_co2e + disposal.kg_co2e
    route_label = DisposalRoute(route).label.lower()
    steps = [f"Wasted material: {plain(mass)} kg of {chosen.label.lower()}, {route_label}."]
    steps += [f"Making it again (Material use, {made.year}{': ' + made.note if made.note else ''}):"]
    steps += _indent(making)
    steps += [f"Disposal (Waste disposal, {disposed.year}{': ' + disposed.note if disposed.note else ''}):"]
    steps += _indent(disposal)
    steps.append(
        f"Total: {plain(making.kg_co2e)} + {plain(disposal.kg_co2e)} = {plain(exact)} kg CO2e "
        f"(recorded as {_grams(exact)} kg CO2e)."
    )
    line = WastedMaterial(
        event=event,
        material=chosen,
        mass_kg=mass,
        route=route,
        description=(description or "").strip(),
        containment=containment,
        factor_year=made.year,
        material_factor=made.factor,
        disposal_factor=disposed.factor,
        material_kg_co2e=_grams(making.kg_co2e),
        disposal_kg_co2e=_grams(disposal.kg_co2e),
        kg_co2e=_grams(exact),
        calculation="\n".join(steps),
        recorded_by=by,
    )
    create_record(line, by=by, note=f"{plain(mass)} kg {chosen.label}, {_grams(exact)} kg CO2e")
    refresh_totals(event)
    return line


@transaction.atomic
def energy_add(
    *, by: Any, event: Event, carrier: Any, quantity: Any, unit: str = "", description: str = ""
) -> ExtraEnergy:
    """Record energy spent because of the event (kWh of electricity, litres of diesel …); its kg CO2e now."""
    _check_event(by, event)
    ensure_impact_defaults(by=by)
    chosen = _carrier(carrier)
    amount = _number(quantity, "quantity", what="quantity of energy")
    found = _energy_factor(event, chosen)
    written = (unit or "").strip() or found.factor.activity_unit
    check_unit(written)
    calculation = co2e_for(amount, written, found.factor)
    head = f"Extra energy: {plain(amount)} {written} of {chosen.label.lower()} at {event.site}"
    steps = [head + (f" ({found.note})." if found.note else "."), *calculation.steps]
    steps.append(f"Recorded as {_grams(calculation.kg_co2e)} kg CO2e.")
    line = ExtraEnergy(
        event=event,
        carrier=chosen,
        quantity=amount,
        unit=written,
        description=(description or "").strip(),
        factor_year=found.year,
        factor=found.factor,
        kg_co2e=_grams(calculation.kg_co2e),
        calculation="\n".join(steps),
        recorded_by=by,
    )
    create_record(line, by=by, note=f"{plain(amount)} {written} {chosen.label}, {line.kg_co2e} kg CO2e")
    refresh_totals(event)
    return line


LINE_KINDS: dict[str, type[FailureCost] | type[WastedMaterial] | type[ExtraEnergy]] = {
    "cost": FailureCost,
    "material": WastedMaterial,
    "energy": ExtraEnergy,
}


@transaction.atomic
def line_remove(*, by: Any, kind: str, line_id: int, event: Event) -> None:
    """Remove a cost, material or energy line recorded in error; the audit trail keeps what it said."""
    model = LINE_KINDS.get(kind)
    if model is None:
        raise ValidationFailed({"kind": [f"Use one of: {', '.join(LINE_KINDS)}."]})
    _check_event(by, event)
    line = model.objects.filter(pk=line_id, event=event).first()
    if line is None:
        raise NotFound(f"{event.reference} has no {kind} line with id {line_id}.")
    record_change(action="delete", by=by, record=line, changes={"line": [str(line), None]}, note="recorded in error")
    line.delete()
    refresh_totals(event)


# --- the mapping, configured by the organisation ---------------------------------------


def _require_configuration(by: Any) -> None:
    require(by, Permission.CHANGE, site_id=None, what="the emission factors used for wasted material and energy")


@transaction.atomic
def material_map_save(
    *,
    by: Any,
    code: str,
    label: str,
    material_activity: str,
    waste_activity: str,
    region: str = DEFAULT_REGION,
    active: bool = True,
    version: int | None = None,
) -> MaterialFactorMap:
    """Add a material, or change which factors one takes (its version required)."""
    _require_configuration(by)
    ensure_impact_defaults(by=by)
    fields = {
        "label": label.strip(),
        "material_activity": material_activity.strip(),
        "waste_activity": waste_activity.strip(),
        "region": region.strip().upper(),
        "active": active,
    }
    existing = MaterialFactorMap.objects.filter(code=code).first()
    if existing is None:
        return create_record(MaterialFactorMap(code=code.strip(), **fields), by=by)
    if version is None:
        raise ValidationFailed({"version": [f"Material “{code}” exists; send the version you read to change it."]})
    return update_record(existing, by=by, version=version, changes=fields)


@transaction.atomic
def energy_map_save(
    *,
    by: Any,
    code: str,
    label: str,
    category: str,
    factor_unit: str,
    activity: str = "",
    scope: str = "",
    by_site_country: bool = False,
    region: str = DEFAULT_REGION,
    active: bool = True,
    version: int | None = None,
) -> EnergyFactorMap:
    """Add an energy carrier, or change which factor one takes (its version required)."""
    from ims.factors.models import Category

    _require_configuration(by)
    ensure_impact_defaults(by=by)
    if category not in Category.values:
        raise ValidationFailed({"category": [f"Use one of: {', '.join(Category.values)}."]})
    fields = {
        "label": label.strip(),
        "category": category,
        "activity": activity.strip(),
        "factor_unit": factor_unit.strip(),
        "scope": scope.strip(),
        "by_site_country": by_site_country,
        "region": region.strip().upper(),
        "active": active,
    }
    existing = EnergyFactorMap.objects.filter(code=code).first()
    if existing is None:
        return create_record(EnergyFactorMap(code=code.strip(), **fields), by=by)
    if version is None:
        raise ValidationFailed({"version": [f"Carrier “{code}” exists; send the version you read to change it."]})
    return update_record(existing, by=by, version=version, changes=fields)


# --- one event's figures ---------------------------------------------------------------


@dataclass(frozen=True)
class EventCosts:
    """What one event cost, line by line and in total (money in the reporting currency)."""

    currency: str
    costs: list[FailureCost]
    materials: list[WastedMaterial]
    energy: list[ExtraEnergy]
    internal: Decimal
    external: Decimal
    kg_co2e: Decimal
    mass_kg: Decimal

    @property
    def money(self) -> Decimal:
        return self.internal + self.external

    @property
    def empty(self) -> bool:
        return not (self.costs or self.materials or self.energy)


def event_costs(event: Event) -> EventCosts:
    currency = reporting_currency()
    costs = list(event.costs.select_related("recorded_by"))
    materials = list(event.wasted_materials.select_related("material", "material_factor", "disposal_factor"))
    energy = list(event.extra_energy.select_related("carrier", "factor"))
    mine = [c for c in costs if c.reporting_currency == currency]
    internal = sum((c.amount_reporting for c in mine if c.internal), Decimal("0.00"))
    external = sum((c.amount_reporting for c in mine if not c.internal), Decimal("0.00"))
    co2e = sum((m.kg_co2e for m in materials), Decimal("0.000")) + sum((e.kg_co2e for e in energy), Decimal("0.000"))
    mass = sum((m.mass_kg for m in materials), Decimal("0.000"))
    return EventCosts(currency, costs, materials, energy, internal, external, co2e, mass)
