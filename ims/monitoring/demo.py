"""Demo data: three years of metering at the Lyon and Brno plants, with the stories the dashboards tell.

The history starts on the first day of the month 36 months before the month
the demo is loaded in and runs up to the last full hour (hourly meters),
yesterday (daily series) or this week's Monday (weekly series), so the 9.1.1
readiness check passes on the day the demo is loaded. It is deterministic for
a given day: the same seed gives the same readings.

What the data shows (the dates are relative to the day of loading, see
:func:`milestones`):

* **Energy-saving project at Brno** — compressed-air leaks fixed, LED high-bay
  lighting and idle-off on the test benches, finished about 14 months ago: the
  plant's base load drops by about a third and the electricity per assembly by
  about a fifth. The energy baseline, the intensity KPI and the scope 2 figures
  all show it.
* **Refrigerant leak at Lyon** — a cracked brazed joint on chiller CH-2 about
  eight months ago: 11.5 kg of R410A topped up, then another 4 kg three weeks
  later before the repair. Scope 1 jumps by about 30 t CO2e that month.
* **Waste segregation at Lyon** — cardboard and plastic film separated from
  general waste about ten months ago: landfill falls by two thirds and the
  diversion rate rises from about 60 % to nearly 80 %.
* **A broken boring bar at Lyon** twelve days ago scraps 9 % of that day's
  parts: the p chart of scrap against parts made flags the day.
* Production follows the seasons, with August and Christmas shutdowns; the gas
  boilers follow the outside temperature (degree days); the scrap rate of
  machined parts falls slowly. The Lyon main meter is a six-digit register
  that rolls over several times.

The special-cause signal on a control chart is added by :mod:`ims.kpis.demo`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Frequency, ReadingKind, Source, WasteRoute, WasteStream
from ims.monitoring.services import series_create

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

HISTORY_MONTHS = 36
SEED = 20261127
ZONES = {"LYO": "Europe/Paris", "BRQ": "Europe/Prague"}
LYON_ROLLOVER = 1_000_000


@dataclass(frozen=True)
class Milestones:
    """The days on which the demo's stories happen, relative to the day the demo is loaded."""

    start: dt.date  # first day of the history
    today: dt.date
    energy_project: dt.date  # Brno: leaks fixed, LED, idle-off — electricity lower from this day
    segregation: dt.date  # Lyon: cardboard and film separated from general waste from this Monday
    leak: dt.date  # Lyon: chiller CH-2 leak found, first top-up
    leak_repair: dt.date  # Lyon: second top-up, joint re-brazed
    tool_breakage: dt.date  # Lyon: a broken boring bar scraps a day's batch (the p chart's special cause)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def milestones(today: dt.date | None = None) -> Milestones:
    today = today or timezone.localdate()
    return Milestones(
        start=_months_back(today, HISTORY_MONTHS),
        today=today,
        energy_project=_monday(today - dt.timedelta(days=420)),
        segregation=_monday(today - dt.timedelta(days=300)),
        leak=today - dt.timedelta(days=250),
        leak_repair=today - dt.timedelta(days=229),
        tool_breakage=_weekday_before(today - dt.timedelta(days=12)),
    )


def _weekday_before(day: dt.date) -> dt.date:
    """``day`` or the last working day before it (Monday to Friday, not in a shutdown)."""
    while day.weekday() >= 5 or History.shutdown("LYO", day):
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class DemoSeries:
    site: str
    reference: str
    name: str
    category: str
    unit: str
    kind: str = ReadingKind.INTERVAL
    frequency: str = Frequency.DAY
    extra: dict[str, Any] = field(default_factory=dict)


SERIES = (
    DemoSeries(
        "LYO",
        "LYO-ELEC-MAIN",
        "Grid electricity, main meter",
        Category.ELECTRICITY,
        "kWh",
        kind=ReadingKind.REGISTER,
        frequency=Frequency.HOUR,
        extra={"register_rollover": LYON_ROLLOVER, "expected_max": 800, "equipment": "Itron ACE6000"},
    ),
    DemoSeries(
        "LYO",
        "LYO-GAS-MAIN",
        "Natural gas, boiler house (kWh gross CV, as billed)",
        Category.NATURAL_GAS,
        "kWh",
        extra={"expected_max": 12600},
    ),
    DemoSeries("LYO", "LYO-WATER-MAIN", "Mains water", Category.WATER, "m3", extra={"expected_max": 120}),
    DemoSeries(
        "LYO", "LYO-FUEL-DIESEL", "Diesel, forklifts and generator", Category.FUEL, "L", frequency=Frequency.WEEK
    ),
    DemoSeries("LYO", "LYO-PROD-PARTS", "Machined parts shipped", Category.PRODUCTION, "piece"),
    DemoSeries("LYO", "LYO-DEF-SCRAP", "Parts scrapped", Category.DEFECTS, "piece"),
    DemoSeries(
        "LYO",
        "LYO-TEMP-OUT",
        "Outside air temperature, daily mean",
        Category.OTHER,
        "degC",
        kind=ReadingKind.SAMPLE,
        extra={"expected_min": -25, "expected_max": 45},
    ),
    DemoSeries(
        "LYO",
        "LYO-REFR-CH2",
        "Refrigerant R410A topped up, chiller CH-2",
        Category.REFRIGERANT,
        "kg",
        frequency=Frequency.IRREGULAR,
        extra={"equipment": "Chiller CH-2, 42 kg R410A charge"},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-SWARF",
        "Aluminium swarf",
        Category.WASTE,
        "kg",
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.NON_HAZARDOUS, "ewc_code": "12 01 03", "waste_route": WasteRoute.RECYCLING},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-OILY",
        "Spent machining emulsion and oily waste",
        Category.WASTE,
        "kg",
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.HAZARDOUS, "ewc_code": "12 01 09*", "waste_route": WasteRoute.INCINERATION},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-GENERAL",
        "General waste",
        Category.WASTE,
        "kg",
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.NON_HAZARDOUS, "ewc_code": "20 03 01", "waste_route": WasteRoute.LANDFILL},
    ),
    DemoSeries(
        "LYO",
        "LYO-WASTE-CARD",
        "Cardboard and plastic film, segregated",
        Category.WASTE,
        "kg",
        frequency=Frequency.WEEK,
        extra={"waste_stream": WasteStream.NON_HAZARDOUS, "ewc_code": "15 01 06", "waste_route": WasteRoute.RECYCLING},
    ),
    DemoSeries(
        "BRQ",
        "BRQ-ELEC-MAIN",
        "Grid electricity, main meter",
        Category.ELECTRICITY,
        "kWh",
        frequency=Frequency.HOUR,
        extra={"expected_max": 500},
    ),
    DemoSeries(
        "BRQ",
        "BRQ-GAS-MAIN",
        "Natural gas, paint oven and heating (kWh gross CV, as billed)",
        Category.NATURAL_GAS,
        "kWh",
    ),
    DemoSeries("BRQ", "BRQ-PROD-ASSY", "Assemblies shipped", Category.PRODUCTION, "piece"),
    DemoSeries(
        "BRQ",
        "BRQ-TEMP-OUT",
        "Outside air temperature, daily mean",
        Category.OTHER,
        "degC",
        kind=ReadingKind.SAMPLE,
        extra={"expected_min": -30, "expected_max": 45},
    ),
)

Items = list[dict[str, Any]]


class History:
    """The generated readings of every demo series, from shared daily production and weather."""

    def __init__(self, when: Milestones, now: dt.datetime, zones: dict[str, str] | None = None) -> None:
        self.when = when
        self.now = now
        self.zones = {**ZONES, **(zones or {})}
        self.days = [when.start + dt.timedelta(days=d) for d in range((when.today - when.start).days)]
        self.production = {site: self._production(site) for site in ZONES}
        self.temperature = {site: self._temperature(site) for site in ZONES}

    # -- shared drivers ------------------------------------------------------------------------------
    @staticmethod
    def shutdown(site: str, day: dt.date) -> bool:
        """Christmas week at both plants; the first two weeks of August at Lyon, the first week at Brno."""
        august = 14 if site == "LYO" else 7
        return (
            (day.month == 12 and day.day >= 24)
            or (day.month == 1 and day.day == 1)
            or (day.month == 8 and day.day <= august)
        )

    def _rng(self, name: str) -> random.Random:
        return random.Random(f"{SEED}-{name}")  # noqa: S311 (deterministic demo data, not security)

    def _production(self, site: str) -> dict[dt.date, float]:
        level = {"LYO": 2400, "BRQ": 380}[site]
        rng = self._rng(f"{site}-production")
        made = {}
        for day in self.days:
            season = 1 + 0.08 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 60) / 365.25)
            amount = level * season * rng.uniform(0.85, 1.15)
            made[day] = 0.0 if day.weekday() >= 5 or self.shutdown(site, day) else float(round(amount))
        return made

    def _temperature(self, site: str) -> dict[dt.date, float]:
        mean, swing = {"LYO": (12.5, 9.5), "BRQ": (9.5, 10.5)}[site]
        rng = self._rng(f"{site}-temperature")
        return {
            day: round(
                mean + swing * math.sin(2 * math.pi * (day.timetuple().tm_yday - 110) / 365.25) + rng.gauss(0, 2.5), 1
            )
            for day in self.days
        }

    def hdd(self, site: str, day: dt.date) -> float:
        return max(0.0, 15.5 - self.temperature[site][day])

    # -- hourly electricity ----------------------------------------------------------------------------
    def electricity_load(self, site: str, day: dt.date) -> tuple[float, float]:
        """Base load in kWh per hour and kWh per unit made, as they were on ``day``."""
        if site == "BRQ":
            return (38.0, 6.0) if day >= self.when.energy_project else (55.0, 6.8)
        return 90.0, 1.7

    def electricity(self, site: str) -> list[tuple[dt.datetime, float]]:
        zone = ZoneInfo(self.zones[site])
        rng = self._rng(f"{site}-electricity")
        t = dt.datetime.combine(self.when.start, dt.time(0), zone).astimezone(dt.UTC)
        end = self.now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        hours = []
        factor: dict[dt.date, float] = {}  # the day's own variation: weather, product mix, breakdowns
        while t < end:
            local = t.astimezone(zone)
            day = local.date()
            if day not in factor:
                factor[day] = rng.gauss(1.0, 0.05)
            base, per_unit = self.electricity_load(site, day)
            kwh = base * rng.uniform(0.93, 1.07) * factor[day]
            made = self.production[site].get(day, 0.0)
            if made and 6 <= local.hour < 22:
                kwh += per_unit * made / 16 * rng.uniform(0.95, 1.05) * factor[day]
            hours.append((t, round(kwh, 1)))
            t += dt.timedelta(hours=1)
        return hours

    # -- items per series --------------------------------------------------------------------------------
    def items(self, reference: str) -> Items:
        make: dict[str, Callable[[], Items]] = {
            "LYO-ELEC-MAIN": self._lyon_register,
            "BRQ-ELEC-MAIN": lambda: self._hourly("BRQ", reference),
            "LYO-GAS-MAIN": lambda: self._gas("LYO", reference, process=840.0, heating=273.0),
            "BRQ-GAS-MAIN": lambda: self._gas("BRQ", reference, process=630.0, heating=147.0),
            "LYO-WATER-MAIN": self._water,
            "LYO-FUEL-DIESEL": self._diesel,
            "LYO-PROD-PARTS": lambda: self._daily(reference, self.production["LYO"]),
            "BRQ-PROD-ASSY": lambda: self._daily(reference, self.production["BRQ"]),
            "LYO-TEMP-OUT": lambda: self._daily(reference, self.temperature["LYO"]),
            "BRQ-TEMP-OUT": lambda: self._daily(reference, self.temperature["BRQ"]),
            "LYO-DEF-SCRAP": self._scrap,
            "LYO-REFR-CH2": self._refrigerant,
            "LYO-WASTE-SWARF": self._swarf,
            "LYO-WASTE-OILY": lambda: self._weekly(reference, lambda week, rng: 650 * rng.uniform(0.85, 1.15)),
            "LYO-WASTE-GENERAL": lambda: self._weekly(
                reference, lambda week, rng: (450 if week >= self.when.segregation else 1400) * rng.uniform(0.85, 1.15)
            ),
            "LYO-WASTE-CARD": lambda: self._weekly(
                reference,
                lambda week, rng: 900 * rng.uniform(0.85, 1.15) if week >= self.when.segregation else None,
            ),
        }
        return make[reference]()

    @staticmethod
    def _item(reference: str, ts: dt.datetime | dt.date, value: float) -> dict[str, Any]:
        return {"series": reference, "ts": ts.isoformat(), "value": value}

    def _hourly(self, site: str, reference: str) -> Items:
        return [self._item(reference, t, kwh) for t, kwh in self.electricity(site)]

    def _lyon_register(self) -> Items:
        register = 951_000.0
        items = []
        for t, kwh in self.electricity("LYO"):
            register = (register + kwh) % LYON_ROLLOVER
            items.append(self._item("LYO-ELEC-MAIN", t, round(register, 1)))
        return items

    def _daily(self, reference: str, values: dict[dt.date, float]) -> Items:
        return [self._item(reference, day, value) for day, value in values.items()]

    def _gas(self, site: str, reference: str, *, process: float, heating: float) -> Items:
        rng = self._rng(reference)
        items = []
        for day in self.days:
            running = 1.0 if self.production[site][day] else 0.3
            use = (process * running + heating * self.hdd(site, day)) * rng.gauss(1.0, 0.08)
            items.append(self._item(reference, day, round(use, 1)))
        return items

    def _water(self) -> Items:
        rng = self._rng("LYO-WATER-MAIN")
        return [
            self._item(
                "LYO-WATER-MAIN", day, round((38 if self.production["LYO"][day] else 12) * rng.uniform(0.85, 1.15), 1)
            )
            for day in self.days
        ]

    def _scrap(self) -> Items:
        """Scrap falls slowly from about 4.6 % to about 3.4 % of the parts made over the three years.

        Each day's count varies as a binomial count would (normal approximation),
        so a p chart of it is in statistical control — except on the day of the
        tool breakage, when 9 % of the day's parts are scrapped.
        """
        rng = self._rng("LYO-DEF-SCRAP")
        items = []
        span = len(self.days)
        for i, day in enumerate(self.days):
            made = self.production["LYO"][day]
            rate = 0.09 if day == self.when.tool_breakage else 0.046 - 0.012 * i / span
            count = rng.gauss(made * rate, math.sqrt(made * rate * (1 - rate)))
            items.append(self._item("LYO-DEF-SCRAP", day, float(max(0, round(count)))))
        return items

    def weeks(self) -> list[dt.date]:
        """The Mondays of the history after its first full week, up to this week's Monday."""
        first = _monday(self.when.start) + dt.timedelta(weeks=1)
        return [first + dt.timedelta(weeks=w) for w in range((_monday(self.when.today) - first).days // 7 + 1)]

    def _weekly(self, reference: str, amount: Callable[[dt.date, random.Random], float | None]) -> Items:
        rng = self._rng(reference)
        items = []
        for week in self.weeks():
            value = amount(week, rng)
            if value is not None:
                items.append(self._item(reference, week, round(value, 1)))
        return items

    def _diesel(self) -> Items:
        return self._weekly("LYO-FUEL-DIESEL", lambda week, rng: 260 * rng.uniform(0.85, 1.15))

    def _swarf(self) -> Items:
        """Swarf collected each Monday: about 0.26 kg per part made in the week before."""

        def amount(week: dt.date, rng: random.Random) -> float:
            made = sum(self.production["LYO"].get(week - dt.timedelta(days=d), 0.0) for d in range(1, 8))
            return 0.26 * made * rng.uniform(0.95, 1.05)

        return self._weekly("LYO-WASTE-SWARF", amount)

    def _refrigerant(self) -> Items:
        """Routine top-ups at the half-yearly leak checks, and the leak on CH-2."""
        rng = self._rng("LYO-REFR-CH2")
        items = []
        check = self.when.start + dt.timedelta(days=40)
        while check < self.when.today:
            if abs((check - self.when.leak).days) > 60:
                items.append(self._item("LYO-REFR-CH2", check, round(rng.uniform(0.3, 0.8), 1)))
            check += dt.timedelta(days=182)
        items.append(self._item("LYO-REFR-CH2", self.when.leak, 11.5))
        items.append(self._item("LYO-REFR-CH2", self.when.leak_repair, 4.0))
        return sorted(items, key=lambda item: item["ts"])


def step_monitoring(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    history = History(milestones(), timezone.now(), {code: site.time_zone for code, site in ctx.sites.items()})
    items: Items = []
    for spec in SERIES:
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
        items.extend(history.items(spec.reference))
    if items:
        import_reading_items(by=by, items=items, source="demo", channel=Source.IMPORT)
