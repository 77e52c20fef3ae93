"""The shipped KPI templates: formulas in terms of roles that monitoring series fill.

Each role names the series categories that fit it; creating a KPI from a
template asks which series fill each role. A role can hold several series,
which are added up (all electricity and gas meters for energy).
"""

from __future__ import annotations

from dataclasses import dataclass

from ims.kpis.models import Direction, Formula, Role
from ims.monitoring.models import Category


@dataclass(frozen=True)
class TemplateRole:
    key: str
    label: str
    categories: tuple[str, ...]
    side: str = Role.NUMERATOR
    sign: int = 1


@dataclass(frozen=True)
class KpiTemplate:
    key: str
    name: str
    formula: str
    scale: float
    unit: str
    direction: str
    roles: tuple[TemplateRole, ...]
    description: str


PRODUCTION = TemplateRole("production", "Production output (units made)", (Category.PRODUCTION,), Role.DENOMINATOR)

TEMPLATES: tuple[KpiTemplate, ...] = (
    KpiTemplate(
        "defect_rate",
        "Defect rate",
        Formula.RATIO,
        100.0,
        "%",
        Direction.LOWER,
        (TemplateRole("defects", "Defective units", (Category.DEFECTS,)), PRODUCTION),
        "Defective units as a share of units produced.",
    ),
    KpiTemplate(
        "first_pass_yield",
        "First-pass yield",
        Formula.RATIO,
        100.0,
        "%",
        Direction.HIGHER,
        (
            TemplateRole("output", "Units produced (counted above the bar)", (Category.PRODUCTION,)),
            TemplateRole("defects", "Units failing first inspection", (Category.DEFECTS,), sign=-1),
            PRODUCTION,
        ),
        "Units right first time (produced less those failing first inspection) as a share of units produced.",
    ),
    KpiTemplate(
        "on_time_delivery",
        "On-time delivery",
        Formula.RATIO,
        100.0,
        "%",
        Direction.HIGHER,
        (
            TemplateRole("on_time", "Deliveries on time", (Category.DELIVERIES,)),
            TemplateRole("deliveries", "All deliveries", (Category.DELIVERIES,), Role.DENOMINATOR),
        ),
        "Deliveries made on or before the promised date as a share of all deliveries.",
    ),
    KpiTemplate(
        "complaints_per_million",
        "Customer complaints per million units",
        Formula.RATIO,
        1_000_000.0,
        "ppm",
        Direction.LOWER,
        (TemplateRole("complaints", "Customer complaints", (Category.OTHER, Category.DEFECTS)), PRODUCTION),
        "Customer complaints per million units delivered or produced.",
    ),
    KpiTemplate(
        "energy_intensity",
        "Energy intensity",
        Formula.RATIO,
        1.0,
        "kWh/unit",
        Direction.LOWER,
        (
            TemplateRole("energy", "Energy use (kWh)", (Category.ELECTRICITY, Category.NATURAL_GAS, Category.FUEL)),
            PRODUCTION,
        ),
        "Energy used per unit produced; keep every energy series in one energy unit (they are converted to the first).",
    ),
    KpiTemplate(
        "co2e_intensity",
        "CO2e intensity",
        Formula.RATIO,
        1.0,
        "kg CO2e/unit",
        Direction.LOWER,
        (TemplateRole("emissions", "Emissions (kg CO2e)", (Category.OTHER,)), PRODUCTION),
        "Greenhouse-gas emissions per unit produced.",
    ),
    KpiTemplate(
        "water_intensity",
        "Water intensity",
        Formula.RATIO,
        1.0,
        "m3/unit",
        Direction.LOWER,
        (TemplateRole("water", "Water withdrawn", (Category.WATER,)), PRODUCTION),
        "Water withdrawn per unit produced.",
    ),
    KpiTemplate(
        "waste_diversion_rate",
        "Waste diversion rate",
        Formula.RATIO,
        100.0,
        "%",
        Direction.HIGHER,
        (
            TemplateRole("diverted", "Waste reused, recycled or recovered", (Category.WASTE,)),
            TemplateRole("waste", "All waste", (Category.WASTE,), Role.DENOMINATOR),
        ),
        "Waste kept from disposal as a share of all waste (by mass).",
    ),
)

BY_KEY: dict[str, KpiTemplate] = {t.key: t for t in TEMPLATES}
