"""Demo data: a dozen monitoring series of the Lyon and Brno plants with 90 days of readings.

Deterministic: the same seed gives the same readings every time, ending
yesterday (daily series) or on this week's Monday (weekly series), so the
9.1.1 readiness check passes on the day the demo is loaded. The Lyon main
meter is a six-digit register that rolls over during the period.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Frequency, ReadingKind, Source, WasteRoute, WasteStream
from ims.monitoring.services import series_create

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

DAYS = 90
SEED = 20261127


@dataclass(frozen=True)
class DemoSeries:
    site: str
    reference: str
    name: str
    category: str
    unit: str
    level: float  # typical value per reading (per day, or per week for weekly series)
    kind: str = ReadingKind.INTERVAL
    frequency: str = Frequency.DAY
    extra: dict[str, Any] = field(default_factory=dict)
    weekday_only: bool = False  # production runs Monday to Friday


SERIES = (
    DemoSeries(
        "LYO",
        "LYO-ELEC-MAIN",
        "Grid electricity, main meter",
        Category.ELECTRICITY,
        "kWh",
        6200,
        kind=ReadingKind.REGISTER,
        extra={
            "register_rollover": 1_000_000,
            "expected_min": 1500,
            "expected_max": 12000,
            "equipment": "Itron ACE6000",
        },
    ),
    DemoSeries(
        "LYO",
        "LYO-GAS-MAIN",
        "Natural gas, boiler house",
        Category.NATURAL_GAS,
        "m3",
        420,
        extra={"expected_max": 1200},
    ),
    DemoSeries("LYO", "LYO-WATER-MAIN", "Mains water", Category.WATER, "m3", 38, extra={"expected_max": 120}),
    DemoSeries(
        "LYO", "LYO-FUEL-DIESEL", "Diesel, forklifts and generator", Category.FUEL, "L", 260, frequency=Frequency.WEEK
    ),
    DemoSeries(
        "LYO", "LYO-PROD-PARTS", "Machined parts shipped", Category.PRODUCTION, "piece", 2400, weekday_only=True
    ),
    DemoSeries("LYO", "LYO-DEF-SCRAP", "Parts scrapped", Category.DEFECTS, "piece", 31, weekday_only=True),
    DemoSeries(
        "LYO",
        "LYO-WASTE-SWARF",
        "Aluminium swarf",
        Category.WASTE,
        "kg",
        3100,
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.NON_HAZARDOUS, "ewc_code": "12 01 03", "waste_route": WasteRoute.RECYCLING},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-OILY",
        "Spent machining emulsion and oily waste",
        Category.WASTE,
        "kg",
        650,
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.HAZARDOUS, "ewc_code": "12 01 09*", "waste_route": WasteRoute.INCINERATION},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-GENERAL",
        "General waste",
        Category.WASTE,
        "kg",
        480,
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.NON_HAZARDOUS, "ewc_code": "20 03 01", "waste_route": WasteRoute.LANDFILL},
    ),
    DemoSeries(
        "BRQ",
        "BRQ-ELEC-MAIN",
        "Grid electricity, main meter",
        Category.ELECTRICITY,
        "kWh",
        3900,
        kind=ReadingKind.REGISTER,
        extra={"expected_min": 800, "expected_max": 8000},
    ),
    DemoSeries("BRQ", "BRQ-GAS-MAIN", "Natural gas, paint oven", Category.NATURAL_GAS, "m3", 210),
    DemoSeries("BRQ", "BRQ-PROD-ASSY", "Assemblies shipped", Category.PRODUCTION, "piece", 380, weekday_only=True),
)


def _days(today: dt.date, frequency: str) -> list[dt.date]:
    if frequency == Frequency.WEEK:
        monday = today - dt.timedelta(days=today.weekday())
        return [monday - dt.timedelta(weeks=w) for w in range(DAYS // 7, -1, -1)]
    return [today - dt.timedelta(days=d) for d in range(DAYS, 0, -1)]


def _values(spec: DemoSeries, days: list[dt.date], rng: random.Random) -> list[float]:
    result = []
    register = 951_000.0 if spec.reference == "LYO-ELEC-MAIN" else 412_000.0
    for day in days:
        weekend = day.weekday() >= 5
        if spec.weekday_only and weekend:
            amount = 0.0
        else:
            amount = spec.level * rng.uniform(0.85, 1.15) * (0.45 if weekend else 1.0)
        if spec.kind == ReadingKind.REGISTER:
            register = (register + amount) % spec.extra.get("register_rollover", 10**9)
            result.append(round(register, 1))
        else:
            result.append(round(amount, 1) if spec.unit != "piece" else float(round(amount)))
    return result


def step_monitoring(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    today = timezone.localdate()
    items: list[dict[str, Any]] = []
    for i, spec in enumerate(SERIES):
        site = ctx.sites.get(spec.site)
        if site is None:
            continue
        series_create(
            by=by,
            site=site,
            reference=spec.reference,
            name=spec.name,
            category=spec.category,
            unit=spec.unit,
            reading_kind=spec.kind,
            expected_frequency=spec.frequency,
            source=Source.IMPORT,
            **spec.extra,
        )
        days = _days(today, spec.frequency)
        rng = random.Random(SEED + i)  # noqa: S311 (deterministic demo data, not security)
        for day, value in zip(days, _values(spec, days, rng), strict=True):
            items.append({"series": spec.reference, "ts": day.isoformat(), "value": value})
    if items:
        import_reading_items(by=by, items=items, source="demo", channel=Source.IMPORT)
