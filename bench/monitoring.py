"""Monitoring: importing a million readings from CSV, against a raw bulk load of the same rows.

A fresh production-mode instance gets two sites and 200 series (150 interval
series in kWh, m3 and kg, 50 electricity registers in kWh) and a
deterministic long-layout CSV of 200 series × 5,000 hourly readings: local
site times without offset, one series in four given in MWh (converted into its
kWh series), decimal points, a quality column. The figures:

* ``import_rate_sqlite`` — readings per second of ``import_readings`` on the
  file: both passes (full validation, time zones, unit conversion, the spill
  file), the upsert of every row, register consumption, the import log, the
  commit;
* ``import_vs_raw_sqlite`` — that time as a share of a raw load of the same
  rows into the same (emptied) table in the same run: ``executemany`` of a
  plain ``INSERT`` from rows already in memory, then the commit; 100% means
  as fast as the raw load;
* ``import_rate_postgres`` / ``import_vs_raw_postgres`` — the same on
  PostgreSQL (a database of its own, created and dropped), the raw load being
  ``COPY`` of the rows into the table;
* ``import_peak_rss`` — the peak resident memory (VmHWM) of a fresh process
  that imports the file into an empty table.

Each load starts from an empty, compacted table (``DELETE`` and ``VACUUM`` on
SQLite, ``TRUNCATE`` on PostgreSQL). Import and raw load run alternately,
twice each, and the faster run of each counts: the machine is shared, and
the slower runs are printed beside the figures.

Before the figures are trusted the import must have stored exactly the
expected rows: the count, converted values checked against the generator
digit for digit, register consumption summed per series.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.core import BenchConfig, BenchError, Comment, Figure, Output, Target, section
from bench.instance import Instance

SERIES = 200
REGISTERS = 50
HOURS = 5_000
READINGS = SERIES * HOURS
START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "ims_bench_monitoring"
ROUNDS = 2  # the machine is shared: each load runs twice, alternating, and the faster run counts

TARGETS = (
    Target("import_rate_sqlite", ">=", 100_000, "readings/s"),
    Target("import_vs_raw_sqlite", ">=", 50, "%"),
    Target("import_vs_raw_postgres", ">=", 50, "%"),
    Target("import_peak_rss", "<=", 300, "MB"),
)


# -- the data set (deterministic) ------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesSpec:
    reference: str
    site: str
    unit: str
    register: bool
    file_unit: str  # the unit the file gives (MWh for one kWh series in four)


def series_specs() -> list[SeriesSpec]:
    specs = []
    for i in range(SERIES):
        site = "LYO" if i % 2 == 0 else "BRQ"
        register = i < REGISTERS
        unit = "kWh" if register or i % 3 == 0 else ("m3" if i % 3 == 1 else "kg")
        file_unit = "MWh" if unit == "kWh" and i % 4 == 1 else unit
        specs.append(SeriesSpec(f"{site}-B{i:03d}", site, unit, register, file_unit))
    return specs


def value_text(i: int, hour: int, spec: SeriesSpec) -> str:
    """The value as written in the file, with at most three decimals."""
    if spec.register:
        base = (i * 7919) % 100_000
        used = hour * (10 + i % 7) + (hour * (hour + i)) % 5
        number = base + used + ((hour * 37 + i) % 1000) / 1000
    else:
        number = ((i * 131 + hour * 17) % 5000) / 10 + ((hour + i) % 1000) / 1000
    if spec.file_unit == "MWh":
        return f"{number / 1000:.6f}".rstrip("0").rstrip(".")
    return f"{number:.3f}"


def stored_value(i: int, hour: int, spec: SeriesSpec) -> float:
    """The value in the series' unit, exactly as the generator means it."""
    from decimal import Decimal

    text = value_text(i, hour, spec)
    return float(Decimal(text) * 1000) if spec.file_unit == "MWh" else float(text)


def local_stamp(hour: int) -> str:
    """Hour ``hour`` of the run in local time of both sites (Paris and Prague keep the same clock)."""
    from zoneinfo import ZoneInfo

    return (START + dt.timedelta(hours=hour)).astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M")


def write_csv(path: Path) -> None:
    specs = series_specs()
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["series", "timestamp", "value", "unit", "quality"])
        for hour in range(HOURS):
            stamp = local_stamp(hour)
            quality = "estimated" if hour % 97 == 0 else "measured"
            out.writerows(
                [spec.reference, stamp, value_text(i, hour, spec), spec.file_unit, quality]
                for i, spec in enumerate(specs)
            )


# -- inside the instance (a subprocess with Django set up) --------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def _build() -> dict[str, int]:
    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.monitoring.models import ReadingKind, Series
    from ims.monitoring.services import series_create
    from ims.org.models import Organisation, Site

    Organisation.objects.get_or_create(pk=1, defaults={"name": "Bench Works"})
    admin, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    Membership.objects.get_or_create(user=admin, role=Role.ADMINISTRATOR, site=None)
    sites = {
        "LYO": Site.objects.get_or_create(
            code="LYO", defaults={"name": "Lyon", "country": "FR", "time_zone": "Europe/Paris"}
        )[0],
        "BRQ": Site.objects.get_or_create(
            code="BRQ", defaults={"name": "Brno", "country": "CZ", "time_zone": "Europe/Prague"}
        )[0],
    }
    ids = dict(Series.objects.values_list("reference", "pk"))
    for spec in series_specs():
        if spec.reference in ids:
            continue
        series = series_create(
            by=admin,
            site=sites[spec.site],
            reference=spec.reference,
            name=f"Bench series {spec.reference}",
            category="electricity" if spec.unit == "kWh" else ("water" if spec.unit == "m3" else "production"),
            unit=spec.unit,
            reading_kind=ReadingKind.REGISTER if spec.register else ReadingKind.INTERVAL,
            expected_frequency="hour",
        )
        ids[spec.reference] = series.pk
    return ids


def _expected_rows(ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    """The rows the import stores, worked out from the generator without the importer."""
    specs = series_specs()
    for hour in range(HOURS):
        when = START + dt.timedelta(hours=hour)
        quality = "estimated" if hour % 97 == 0 else "measured"
        for i, spec in enumerate(specs):
            value = stored_value(i, hour, spec)
            if spec.file_unit == "MWh":
                original, unit = float(value_text(i, hour, spec)), "MWh"
            else:
                original, unit = None, ""
            yield ids[spec.reference], when, value, quality, original, unit


@dataclass
class Measured:
    vendor: str
    readings: int = 0
    import_seconds: float = 0.0
    raw_seconds: float = 0.0
    stored: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _verify(ids: dict[str, int], measured: Measured) -> None:
    from django.db.models import Sum

    from ims.monitoring.models import Reading

    measured.stored = Reading.objects.count()
    if measured.stored != READINGS:
        measured.problems.append(f"{measured.stored} readings stored, expected {READINGS}")
    sample = {
        (sid, when): (value, quality, original, unit) for sid, when, value, quality, original, unit in _sample(ids)
    }
    rows = Reading.objects.filter(series_id__in={k[0] for k in sample}).values_list(
        "series_id", "ts", "value", "quality", "original_value", "original_unit"
    )
    found = {(sid, when): (v, q, o, u) for sid, when, v, q, o, u in rows if (sid, when) in sample}
    wrong = [k for k, v in sample.items() if found.get(k) != v]
    if wrong:
        measured.problems.append(f"{len(wrong)} of {len(sample)} sampled readings differ, e.g. {wrong[0]}")
    specs = series_specs()
    for spec in specs[:REGISTERS:7]:
        total = Reading.objects.filter(series_id=ids[spec.reference]).aggregate(s=Sum("consumption"))["s"] or 0.0
        i = specs.index(spec)
        expected = stored_value(i, HOURS - 1, spec) - stored_value(i, 0, spec)
        if abs(total - expected) > 1e-6 * max(1.0, expected):
            measured.problems.append(f"{spec.reference}: consumption sums to {total}, expected {expected}")


def _sample(ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    chosen = set(list(ids.values())[::9])
    for row in _expected_rows(ids):
        if row[0] in chosen and row[1].hour % 11 == 0:
            yield row


def _clear() -> None:
    """An empty readings table and a compact database, so every load starts from the same state."""
    from django.db import connection, transaction

    from ims.monitoring.models import ImportRun, Reading

    table = Reading._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")
        ImportRun.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else "VACUUM")


def _raw_rows(ids: dict[str, int]) -> list[tuple[Any, ...]]:
    from django.db import connection

    if connection.vendor == "postgresql":
        return [
            (sid, when.isoformat(" "), value, None, "", quality, "import", original, unit)
            for sid, when, value, quality, original, unit in _expected_rows(ids)
        ]
    return [
        (sid, when.strftime("%Y-%m-%d %H:%M:%S"), value, None, "", quality, "import", original, unit)
        for sid, when, value, quality, original, unit in _expected_rows(ids)
    ]


COLUMNS = "series_id, ts, value, consumption, event, quality, source, original_value, original_unit"


def _raw_load(rows: list[tuple[Any, ...]]) -> float:
    """Seconds to load ``rows`` the fastest plain way the database offers, commit included."""
    from django.db import connection, transaction

    from ims.monitoring.models import Reading

    table = Reading._meta.db_table
    connection.ensure_connection()
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection.cursor()
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(f"INSERT INTO {table} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        raw.close()
    return time.perf_counter() - started


def _import(csv_path: Path, by: Any) -> tuple[float, Any]:
    from ims.monitoring.importing import import_readings

    with csv_path.open("rb") as stream:
        started = time.perf_counter()
        report = import_readings(by=by, stream=stream, file_name=csv_path.name)
        return time.perf_counter() - started, report


def measure(csv_path: Path) -> Measured:
    """Import and raw load alternately, ROUNDS times each from an empty table; the best of each is kept."""
    from django.db import connection

    from ims.accounts.models import User

    measured = Measured(vendor=connection.vendor)
    ids = _build()
    by = User.objects.get(username="bench")
    rows = _raw_rows(ids)  # prepared before any timing: the raw load only writes
    imports, raws = [], []
    for attempt in range(ROUNDS):
        _clear()
        seconds, report = _import(csv_path, by)
        imports.append(seconds)
        if attempt == 0:
            measured.readings = report.readings
            measured.notes.append(
                f"import: {report.rows} rows, {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.series)} series, {len(report.resets)} register resets"
            )
            _verify(ids, measured)
        _clear()
        raws.append(_raw_load(rows))
        if attempt == 0 and _raw_count() != READINGS:
            measured.problems.append(f"the raw load stored {_raw_count()} rows, expected {READINGS}")
    _clear()
    measured.import_seconds, measured.raw_seconds = min(imports), min(raws)
    measured.notes.append(
        "seconds per run, import: "
        + ", ".join(f"{s:.2f}" for s in imports)
        + "; raw load: "
        + ", ".join(f"{s:.2f}" for s in raws)
    )
    return measured


def _raw_count() -> int:
    from ims.monitoring.models import Reading

    return Reading.objects.count()


def peak_rss(csv_path: Path) -> dict[str, Any]:
    """Import the file into an empty table in this fresh process; the peak resident memory."""
    from ims.accounts.models import User

    _build()
    _clear()
    _seconds, report = _import(csv_path, User.objects.get(username="bench"))
    hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])  # kB
    _clear()
    return {"readings": report.readings, "peak_kb": hwm}


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.monitoring")
    parser.add_argument("action", choices=["csv", "measure", "rss"])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.action == "csv":
        write_csv(args.csv)
        return
    _setup()
    result = asdict(measure(args.csv)) if args.action == "measure" else peak_rss(args.csv)
    args.out.write_text(json.dumps(result))


# -- the section (the bench process; never imports Django settings) ----------------------------------


def _postgres(instance: Instance) -> dict[str, str]:
    env = instance.env()
    env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    return env


def _psql(sql: str) -> None:
    proc = subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if proc.returncode != 0:
        raise BenchError(f"psql {sql!r} failed: {proc.stderr.strip()}")


def _run(instance: Instance, args: list[str], *, env: dict[str, str] | None = None, what: str) -> None:
    from bench.core import PROJECT_DIR

    proc = subprocess.run(
        [sys.executable, "-m", "bench.monitoring", *args],
        cwd=PROJECT_DIR,
        env=env or instance.env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}".rstrip())


def _figures(label: str, m: Measured) -> Iterator[Output]:
    problem = "; ".join(m.problems)
    for note in m.notes:
        yield Comment(f"monitoring {label}: {note}")
    yield Comment(
        f"monitoring {label}: import {m.import_seconds:.2f} s for {m.readings} readings; "
        f"raw load of the same rows {m.raw_seconds:.2f} s"
    )
    rate = m.readings / m.import_seconds if m.import_seconds else 0.0
    share = 100 * m.raw_seconds / m.import_seconds if m.import_seconds else 0.0
    yield Figure(f"import_rate_{label}", rate, "readings/s", problem)
    yield Figure(f"import_vs_raw_{label}", share, "%", problem)


@section("monitoring", targets=TARGETS)
def monitoring_bench(config: BenchConfig) -> Iterator[Output]:
    """Importing 1,000,000 readings from CSV (validation, time zones, units) against a raw bulk load."""
    instance = Instance.create("monitoring")
    try:
        csv_path = instance.root / "readings.csv"
        _run(instance, ["csv", "--csv", str(csv_path)], what="writing the CSV")
        yield Comment(
            f"monitoring: {READINGS} readings ({SERIES} series × {HOURS} hours, {REGISTERS} registers), "
            f"{csv_path.stat().st_size / 1e6:.1f} MB of CSV"
        )
        instance.migrate()
        out = instance.root / "sqlite.json"
        _run(instance, ["measure", "--csv", str(csv_path), "--out", str(out)], what="the SQLite measurement")
        yield from _figures("sqlite", Measured(**json.loads(out.read_text())))

        out = instance.root / "rss.json"
        _run(instance, ["rss", "--csv", str(csv_path), "--out", str(out)], what="the memory measurement")
        rss = json.loads(out.read_text())
        problem = "" if rss["readings"] == READINGS else f"imported {rss['readings']} readings"
        yield Figure("import_peak_rss", rss["peak_kb"] / 1024, "MB", problem)

        yield from _postgres_figures(instance, csv_path)
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()


def _postgres_figures(instance: Instance, csv_path: Path) -> Iterator[Output]:
    try:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    except (BenchError, OSError) as exc:
        yield Comment(f"monitoring postgres: not measured, no PostgreSQL at {PG_SERVER}: {exc}")
        return
    try:
        env = _postgres(instance)
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "ims"), "migrate", "--noinput", "-v", "0"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if proc.returncode != 0:
            raise BenchError(f"migrate on PostgreSQL failed: {proc.stderr}")
        out = instance.root / "postgres.json"
        _run(
            instance, ["measure", "--csv", str(csv_path), "--out", str(out)], env=env, what="the PostgreSQL measurement"
        )
        yield from _figures("postgres", Measured(**json.loads(out.read_text())))
    finally:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


if __name__ == "__main__":
    _main(sys.argv[1:])
