"""Improvement: the analysis of the register — Pareto, ageing and cost totals — over 100,000 events.

A fresh production-mode instance (SQLite) gets four sites, thirty processes,
the default severities and cause taxonomy, and a deterministic register of
:data:`EVENTS` events over three years in every status (rejected and duplicate
ones too), an open step for each open event, and cost lines on about a third of
the events: failure costs in EUR and in CZK converted at a kept rate, wasted
material and extra energy with their kg CO2e. Rows go in with ``bulk_create``.

The figure ``improvement_analytics_p50_ms`` is the median time of
:func:`ims.improvement.analysis.analytics` — the Pareto of events by cause,
process and type, the ageing buckets of open events and the cost totals in
money and kg CO2e by month, process, cause and type — for a process owner of
three of the four sites, over the last 24 months. Before it is trusted, every
answer must equal the one worked out from the generator (so nothing of the
fourth site may count), and the SQL of one computation must not grow with the
data. For context the section also times the whole analysis page's figures.

``python -m bench.improvement build --out FILE`` and ``measure --data FILE --out FILE``
run inside the instance's environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.core import BenchConfig, Comment, Figure, Output, Target, section
from bench.instance import Instance

TARGETS = (Target("improvement_analytics_p50_ms", "<=", 200, "ms"),)
SEED = 91_012
EVENTS = 100_000
SITES = ("LYO", "BRQ", "GDN", "PRT")  # the reader may see the first three
PROCESSES = 30
BATCH = 5_000
WARMUP_RUNS = 3
TIMED_RUNS = 30
MONTHS = 24
STATUS_WEIGHTS = {
    "closed": 55,
    "reported": 4,
    "triaged": 4,
    "containment": 3,
    "root_cause": 6,
    "action_plan": 6,
    "implementation": 9,
    "effectiveness": 8,
    "rejected": 3,
    "duplicate": 2,
}
TYPES = (
    "product_nc", "product_nc", "product_nc", "process_nc", "process_nc", "audit_finding", "customer_complaint",
    "supplier_nc", "environmental_incident", "compliance_breach", "near_miss", "improvement",
)  # fmt: skip
OPEN = ("reported", "triaged", "containment", "root_cause", "action_plan", "implementation", "effectiveness")
INTERNAL = ("scrap", "rework", "reinspection", "downtime", "internal_labour")
EXTERNAL = ("returns", "warranty", "penalties", "complaint_handling", "external_labour")
CZK_RATE = Decimal("0.0398")


@dataclass(frozen=True)
class Dataset:
    today: str
    counts: dict[str, int]
    expected: dict[str, Any]  # worked out from the generator: pareto, ageing, cost totals
    build_seconds: float


@dataclass(frozen=True)
class Timing:
    runs_ms: list[float]
    p50_ms: float
    p95_ms: float
    queries: int
    small_queries: int
    page_p50_ms: float
    page_queries: int
    problems: list[str]
    vendor: str


# -- the data set --------------------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def _local(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def _month(moment: dt.datetime) -> str:
    return f"{_local(moment):%Y-%m}"


def _people() -> tuple[Any, Any, dict[str, Any]]:
    from ims.accounts.models import Membership, User
    from ims.org.models import Organisation, Site

    Organisation.objects.create(pk=1, name="Bench Works")
    admin = User.objects.create(username="bench-admin", is_superuser=True)
    sites = {
        code: Site.objects.create(code=code, name=f"Plant {code}", country="FR", time_zone="Europe/Paris")
        for code in SITES
    }
    reader = User.objects.create(username="bench-reader")
    Membership.objects.bulk_create(
        [Membership(user=reader, role="process_owner", site=sites[code]) for code in SITES[:3]]
        + [Membership(user=admin, role="administrator", site=None)]
    )
    return admin, reader, sites


def _factor(admin: Any) -> Any:
    from ims.factors.services import factor_create

    return factor_create(
        by=admin,
        year=2025,
        region="GB",
        scope="3",
        category="material",
        activity="Bench material",
        activity_unit="tonne",
        co2e=Decimal("2000"),
        gwp_set="AR5",
        citation="Bench figure",
    )


def build() -> Dataset:
    """The register, and the answers the analysis must give worked out from the generator alone."""
    from django.db import transaction
    from django.utils import timezone

    from ims.core.context import Channel, acting
    from ims.improvement.configuration import ensure_defaults
    from ims.improvement.costs import ensure_impact_defaults
    from ims.improvement.models import CauseCategory, Severity
    from ims.processes.services import process_create

    started = time.perf_counter()
    rng = random.Random(SEED)  # a repeatable data set
    today = timezone.localdate()
    with acting(Channel.CLI), transaction.atomic():
        admin, _reader, sites = _people()
        ensure_defaults(by=admin)
        ensure_impact_defaults(by=admin)
        factor = _factor(admin)
        processes = [
            process_create(by=admin, sites=[], name=f"Process {n:02d}", kind="core", owner=admin)
            for n in range(PROCESSES)
        ]
        causes = list(CauseCategory.objects.all())
        severity = Severity.objects.get(code="major")
        expected = _bulk(rng, today, admin, sites, processes, causes, severity, factor)
    counts = _counts()
    return Dataset(f"{today:%Y-%m-%d}", counts, expected, time.perf_counter() - started)


def _counts() -> dict[str, int]:
    from ims.improvement.models import Event, ExtraEnergy, FailureCost, Step, WastedMaterial

    return {
        "events": Event.objects.count(),
        "steps": Step.objects.count(),
        "failure costs": FailureCost.objects.count(),
        "wasted material": WastedMaterial.objects.count(),
        "extra energy": ExtraEnergy.objects.count(),
    }


class _Expect:
    """The answers, accumulated while the rows are generated."""

    def __init__(self, today: dt.date, since: dt.date) -> None:
        self.today, self.since = today, since
        self.pareto: dict[str, Counter[str]] = {"cause": Counter(), "process": Counter(), "type": Counter()}
        self.unclassified = Counter[str]()
        self.ageing = [0, 0, 0, 0]
        self.money: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        self.co2e: dict[str, Decimal] = defaultdict(Decimal)

    def event(
        self, site: str, status: str, kind: str, process: int | None, cause: int | None, at: Any, made: Any
    ) -> bool:
        """Count an event; True when its cost lines count too (the reader's site, in the window, not excluded)."""
        if site not in SITES[:3] or status in ("rejected", "duplicate"):
            return False
        if status in OPEN:
            days = (self.today - _local(made)).days
            self.ageing[0 if days <= 30 else 1 if days <= 90 else 2 if days <= 180 else 3] += 1
        if not self.since <= _local(at) <= self.today:
            return False
        self.pareto["type"][kind] += 1
        for key, value in (("process", process), ("cause", cause)):
            if value is None:
                self.unclassified[key] += 1
            else:
                self.pareto[key][str(value)] += 1
        return True

    def costs(self, month: str, spec: Spec) -> None:
        self.money[month][0 if spec.category in INTERNAL else 1] += spec.reporting
        if spec.kg is not None or spec.kwh is not None:
            self.co2e[month] += spec.material_co2e + spec.energy_co2e

    def as_json(self) -> dict[str, Any]:
        return {
            "pareto": {by: dict(c) for by, c in self.pareto.items()},
            "unclassified": dict(self.unclassified),
            "ageing": self.ageing,
            "money": {k: [str(v[0]), str(v[1])] for k, v in sorted(self.money.items())},
            "co2e": {k: str(v) for k, v in sorted(self.co2e.items())},
        }


def _bulk(
    rng: random.Random,
    today: dt.date,
    admin: Any,
    sites: dict[str, Any],
    processes: list[Any],
    causes: list[Any],
    severity: Any,
    factor: Any,
) -> dict[str, Any]:
    from django.utils import timezone

    from ims.improvement.models import Event

    now = timezone.now()
    first_month = _first_month(today)
    expect = _Expect(today, first_month)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    numbers: Counter[int] = Counter()
    for start in range(0, EVENTS, BATCH):
        rows: list[Any] = []
        lines: list[tuple[Any, Spec]] = []
        reported_at: list[dt.datetime] = []
        for _ in range(min(BATCH, EVENTS - start)):
            site = rng.choice(SITES)
            status = rng.choices(statuses, weights)[0]
            kind = rng.choice(TYPES)
            process = rng.choice(processes) if rng.random() > 0.08 else None
            cause = rng.choice(causes) if status not in ("reported", "triaged") and rng.random() > 0.1 else None
            occurred = now - dt.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
            reported = min(occurred + dt.timedelta(hours=rng.randint(1, 72)), now)
            closed = min(reported + dt.timedelta(days=rng.randint(5, 150)), now) if status == "closed" else None
            year = timezone.localtime(occurred).year
            numbers[year] += 1
            event = Event(
                reference=f"NC-{year}-{numbers[year]:06d}",
                type=kind,
                title=f"Bench event {start}",
                description="Generated for the benchmark.",
                occurred_at=occurred,
                site=sites[site],
                process=process,
                severity=severity,
                standards=["iso9001"],
                reporter=admin,
                owner=admin,
                status=status,
                cause_category=cause,
                root_cause="Generated." if cause else "",
                closed_at=closed,
                created_at=reported,
            )
            rows.append(event)
            reported_at.append(reported)
            counts = expect.event(
                site, status, kind, process.pk if process else None, cause.pk if cause else None, occurred, reported
            )
            if rng.random() < 0.33:
                spec = _spec(rng, site == "BRQ")
                _carry(event, spec)
                if counts:
                    expect.costs(_month(occurred), spec)
                lines.append((event, spec))
        Event.objects.bulk_create(rows)
        _fix_created(rows, reported_at)
        _steps(rng, rows, today, admin)
        _lines(lines, factor, admin)
    return expect.as_json()


def _first_month(today: dt.date) -> dt.date:
    index = today.year * 12 + today.month - 1 - (MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _fix_created(rows: list[Any], reported_at: list[dt.datetime]) -> None:
    """``created_at`` is stamped “now” on insert; put back when each event was reported."""
    from ims.improvement.models import Event

    for event, reported in zip(rows, reported_at, strict=True):
        event.created_at = reported
    Event.objects.bulk_update(rows, ["created_at"], batch_size=1000)


def _steps(rng: random.Random, rows: list[Any], today: dt.date, admin: Any) -> None:
    from ims.improvement.models import Step

    Step.objects.bulk_create(
        [
            Step(
                event=e,
                status=e.status,
                owner=admin,
                due=today + dt.timedelta(days=rng.randint(-60, 30)),
                started_at=e.created_at,
                started_by=admin,
            )
            for e in rows
            if e.status in OPEN
        ]
    )


@dataclass(frozen=True)
class Spec:
    """The cost lines of one event: a failure cost, and maybe wasted material and extra energy."""

    category: str
    amount: Decimal
    czk: bool
    reporting: Decimal
    kg: Decimal | None
    material_co2e: Decimal
    kwh: Decimal | None
    energy_co2e: Decimal


def _spec(rng: random.Random, czk: bool) -> Spec:
    euros = Decimal(rng.randint(50, 500_000)) / 100
    amount = (euros / CZK_RATE).quantize(Decimal("0.01")) if czk else euros
    kg = Decimal(rng.randint(1, 50_000)) / 100 if rng.random() < 0.4 else None
    kwh = Decimal(rng.randint(1, 20_000)) / 10 if rng.random() < 0.25 else None
    return Spec(
        category=rng.choice(INTERNAL + EXTERNAL),
        amount=amount,
        czk=czk,
        reporting=(amount * CZK_RATE).quantize(Decimal("0.01")) if czk else amount,
        kg=kg,
        material_co2e=(kg * 2).quantize(Decimal("0.001")) if kg is not None else Decimal(0),
        kwh=kwh,
        energy_co2e=(kwh * Decimal("0.177")).quantize(Decimal("0.001")) if kwh is not None else Decimal(0),
    )


def _carry(event: Any, spec: Spec) -> None:
    """The sums the cost services keep on each event (``ims.improvement.costs.refresh_totals``)."""
    internal = spec.category in INTERNAL
    event.cost_internal = spec.reporting if internal else Decimal(0)
    event.cost_external = Decimal(0) if internal else spec.reporting
    event.cost_currency = "EUR"
    event.cost_kg_co2e = spec.material_co2e + spec.energy_co2e
    event.cost_mass_kg = spec.kg or Decimal(0)


def _lines(lines: list[tuple[Any, Spec]], factor: Any, admin: Any) -> None:
    from ims.improvement.models import EnergyFactorMap, ExtraEnergy, FailureCost, MaterialFactorMap, WastedMaterial

    material = MaterialFactorMap.objects.first()
    carrier = EnergyFactorMap.objects.first()
    costs, wasted, energy = [], [], []
    for event, spec in lines:
        costs.append(
            FailureCost(
                event=event,
                category=spec.category,
                amount=spec.amount,
                currency="CZK" if spec.czk else "EUR",
                rate=CZK_RATE if spec.czk else None,
                reporting_currency="EUR",
                amount_reporting=spec.reporting,
                recorded_by=admin,
            )
        )
        if spec.kg is not None:
            wasted.append(
                WastedMaterial(
                    event=event,
                    material=material,
                    mass_kg=spec.kg,
                    route="open_loop",
                    factor_year=2025,
                    material_factor=factor,
                    disposal_factor=factor,
                    material_kg_co2e=spec.material_co2e,
                    disposal_kg_co2e=Decimal(0),
                    kg_co2e=spec.material_co2e,
                    calculation="Bench.",
                    recorded_by=admin,
                )
            )
        if spec.kwh is not None:
            energy.append(
                ExtraEnergy(
                    event=event,
                    carrier=carrier,
                    quantity=spec.kwh,
                    unit="kWh",
                    factor_year=2025,
                    factor=factor,
                    kg_co2e=spec.energy_co2e,
                    calculation="Bench.",
                    recorded_by=admin,
                )
            )
    FailureCost.objects.bulk_create(costs)
    WastedMaterial.objects.bulk_create(wasted)
    ExtraEnergy.objects.bulk_create(energy)


# -- the timing ----------------------------------------------------------------------------------


def _answers(core: Any) -> dict[str, Any]:
    return {
        "pareto": {by: {b.key: b.events for b in p.bars} for by, p in core.paretos.items()},
        "unclassified": {by: p.unclassified for by, p in core.paretos.items() if p.unclassified},
        "ageing": [b.events for b in core.ageing],
        "money": {
            r.key: [str(r.internal), str(r.external)] for r in core.costs["month"].rows if r.internal or r.external
        },
        "co2e": {r.key: str(r.kg_co2e) for r in core.costs["month"].rows if r.kg_co2e},
    }


def _normal(answers: dict[str, Any]) -> dict[str, Any]:
    """Decimals compared by value, whatever the number of decimals each database gives."""
    return {
        **answers,
        "money": {k: [str(Decimal(v).quantize(Decimal("0.01"))) for v in pair] for k, pair in answers["money"].items()},
        "co2e": {k: str(Decimal(v).quantize(Decimal("0.001"))) for k, v in answers["co2e"].items()},
    }


def measure(data: Dataset) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ims.accounts.models import User
    from ims.improvement import analysis

    reader = User.objects.get(username="bench-reader")
    today = dt.date.fromisoformat(data.today)
    window = analysis.Window.last_months(MONTHS, today=today)
    for _ in range(WARMUP_RUNS):
        core = analysis.analytics(reader, window, today=today)
    runs = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        core = analysis.analytics(reader, window, today=today)
        runs.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        analysis.analytics(reader, window, today=today)
    problems = []
    if _normal(_answers(core)) != _normal(data.expected):
        got, want = _normal(_answers(core)), _normal(data.expected)
        wrong = sorted(k for k in want if got.get(k) != want[k])
        problems.append(f"the analysis differs from the generator in: {', '.join(wrong)}")
    small = _small_queries(reader, today)
    if len(captured.captured_queries) > small:
        problems.append(f"{len(captured.captured_queries)} SQL queries over 24 months, {small} over one")
    page = []
    for _ in range(5):
        started = time.perf_counter()
        analysis.analysis_data(reader, window, today=today)
        page.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as whole:
        analysis.analysis_data(reader, window, today=today)
    ordered = sorted(runs)
    return Timing(
        runs_ms=runs,
        p50_ms=statistics.median(runs),
        p95_ms=ordered[int(0.95 * (len(ordered) - 1))],
        queries=len(captured.captured_queries),
        small_queries=small,
        page_p50_ms=statistics.median(page),
        page_queries=len(whole.captured_queries),
        problems=problems,
        vendor=connection.vendor,
    )


def _small_queries(reader: Any, today: dt.date) -> int:
    """SQL of the same computation over last month only: a few thousand events instead of 24 months' worth."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ims.improvement import analysis

    last = today.replace(day=1) - dt.timedelta(days=1)
    month = analysis.Window(last.replace(day=1), last)
    with CaptureQueriesContext(connection) as captured:
        analysis.analytics(reader, month, today=today)
    return len(captured.captured_queries)


# -- the section ---------------------------------------------------------------------------------


@section("improvement", targets=TARGETS)
def improvement_bench(config: BenchConfig) -> Iterator[Output]:
    """Pareto, ageing and cost totals of the improvement register over 100,000 events (SQLite)."""
    instance = Instance.create("improvement")
    try:
        instance.migrate()
        out = instance.root / "dataset.json"
        instance.python_module("bench.improvement", "build", "--out", str(out))
        data = Dataset(**json.loads(out.read_text()))
        yield Comment(
            "improvement: "
            + ", ".join(f"{k} {v}" for k, v in data.counts.items())
            + f"; built in {data.build_seconds:.1f} s"
        )
        timing_out = instance.root / "timing.json"
        instance.python_module("bench.improvement", "measure", "--data", str(out), "--out", str(timing_out))
        timing = Timing(**json.loads(timing_out.read_text()))
        yield Comment(
            f"improvement: analytics (3 Paretos, ageing, cost totals by month, process, cause and type) over "
            f"{MONTHS} months for a process owner of 3 of 4 sites: {TIMED_RUNS} runs after {WARMUP_RUNS} warm-up, "
            f"p50 {timing.p50_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms, {timing.queries} SQL queries "
            f"({timing.small_queries} over one month)"
        )
        yield Comment(
            f"improvement: the whole analysis page's figures (with flow, time to close, overdue, recurrences): "
            f"p50 {timing.page_p50_ms:.1f} ms, {timing.page_queries} SQL queries"
        )
        problems = list(timing.problems)
        if data.counts.get("events", 0) < EVENTS:
            problems.append(f"only {data.counts.get('events')} events, expected {EVENTS}")
        yield Figure("improvement_analytics_p50_ms", timing.p50_ms, "ms", "; ".join(problems[:5]))
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.improvement")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build").add_argument("--out", required=True, type=Path)
    measuring = sub.add_parser("measure")
    measuring.add_argument("--data", required=True, type=Path)
    measuring.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    _setup()
    if args.command == "build":
        args.out.write_text(json.dumps(asdict(build())))
    else:
        data = Dataset(**json.loads(args.data.read_text()))
        args.out.write_text(json.dumps(asdict(measure(data))))


if __name__ == "__main__":
    main()
