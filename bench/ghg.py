"""GHG inventory: the monthly CO2e API over 5 million stored readings, its freshness, and DuckDB.

A fresh production-mode instance gets a deterministic mid-size manufacturer:
3 sites, 200 series (electricity, natural gas, diesel, water, waste,
production), hourly readings for 3 years up to 30 December 2025 (26,256 hours × 200 =
5,251,200 readings; ``BENCH_GHG_READINGS`` makes it smaller while developing),
written straight into the readings table, with the monthly activity built
from them once. 2025's electricity, gas and diesel series are emission
sources with the shipped DESNZ 2025 factors; each site has one REGO. The
same readings are written to a CSV file and converted by DuckDB to Parquet.

* ``dashboard_p50_ms`` — median of 25 warm requests to
  ``GET /api/v1/ghg/monthly?year=2025`` through Django's test client with a
  Bearer token (the whole API stack, no network);
* ``freshness_after_append_ms`` — one more day of every series (4,800
  readings) imported as a CSV file through ``import_readings`` until the
  monthly API returns the new figure: the import (validation, upsert,
  monthly activity in the same transaction, commit) plus one API request;
* ``duckdb_same_query_ms`` — median of 5 runs of the same aggregation (2025,
  kg CO2e per local month, site and scope, from readings × each source's
  rate) by DuckDB straight from the Parquet file; its CSV time is printed too.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.core import BenchConfig, BenchError, Comment, Figure, Output, Target, section
from bench.instance import Instance

SERIES = 200
END = dt.datetime(2025, 12, 31, tzinfo=dt.UTC)  # the appended day is the last of 2025
HOURS = 3 * 8760 - 24
YEAR = 2025
SITES = (
    ("LYO", "Lyon", "FR", "Europe/Paris"),
    ("BRQ", "Brno", "CZ", "Europe/Prague"),
    ("MAN", "Manchester", "GB", "Europe/London"),
)
# category, unit, count per site (67 + 67 + 66 = 200), factor (external id, year) or None
MIX = (
    ("electricity", "kWh", 30, ("7_400_4000_5_1", 2025), "2"),
    ("natural_gas", "kWh", 10, ("1_100_1004_6_1", 2025), "1"),
    ("fuel", "L", 5, ("1_101_1011_8_1", 2025), "1"),
    ("water", "m3", 10, None, ""),
    ("waste", "kg", 5, None, ""),
    ("production", "piece", 7, None, ""),
)
COLUMNS = "{'series_id': 'INTEGER', 'ts': 'TIMESTAMPTZ', 'value': 'DOUBLE'}"
TARGETS = (
    Target("dashboard_p50_ms", "<=", 100, "ms"),
    Target("freshness_after_append_ms", "<=", 1000, "ms"),
)


def readings_wanted() -> int:
    raw = os.environ.get("BENCH_GHG_READINGS", "").strip()
    return int(raw) if raw else SERIES * HOURS


def _value(index: int, hour: int) -> float:
    """Deterministic consumption: a daily and weekly shape with a per-series level."""
    level = 5 + index % 37
    shape = (hour % 24 in range(6, 22)) * 1.0 + (hour // 24 % 7 < 5) * 0.5
    return round(level * (0.5 + shape) + (index * 7919 + hour * 104729) % 100 / 100, 2)


# -- inside the instance (python -m bench.ghg ...) ---------------------------------------------------


def _setup(csv_path: Path, hours: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from ims.accounts.models import Membership, User
    from ims.accounts.roles import Role
    from ims.core.context import Channel, acting
    from ims.factors.loader import load
    from ims.factors.models import EmissionFactor
    from ims.ghg import activity
    from ims.ghg.models import ContractualInstrument, EmissionSource, InstrumentKind
    from ims.monitoring.models import Reading, Series
    from ims.monitoring.moments import UtcText
    from ims.org.models import Organisation, Site

    started = time.perf_counter()
    with acting(Channel.CLI):
        load()
    Organisation.objects.get_or_create(pk=1, defaults={"name": "Bench Components"})
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, role=Role.IMS_MANAGER, site=None)
    sites = [Site.objects.create(code=c, name=n, country=k, time_zone=z) for c, n, k, z in SITES]
    series: list[Series] = []
    kinds = [(m, i) for m in MIX for i in range(m[2])]
    for n in range(SERIES):
        site = sites[n % 3]
        (category, unit, _count, _factor, _scope), _i = kinds[(n // 3) % len(kinds)]
        series.append(
            Series(
                reference=f"{site.code}-{category.upper()[:5]}-{n:03d}",
                site=site,
                name=f"{category} {n}",
                category=category,
                unit=unit,
                quantity="",
                expected_frequency="hour",
                waste_stream="non_hazardous" if category == "waste" else "",
                waste_route=("recycling" if n % 2 else "landfill") if category == "waste" else "",
            )
        )
    Series.objects.bulk_create(series)
    series = list(Series.objects.select_related("site").order_by("pk"))
    fmt = UtcText()
    start = int(END.timestamp()) - 3600 * hours
    stamps = [fmt(start + 3600 * h) for h in range(hours)]
    table = Reading._meta.db_table
    sql = (
        f"INSERT INTO {table} (series_id, ts, value, event, quality, source, original_unit) "
        "VALUES (?, ?, ?, '', 'measured', 'import', '')"
    )
    with csv_path.open("w", newline="") as out, transaction.atomic():
        writer = csv.writer(out)
        writer.writerow(["series_id", "ts", "value"])
        cursor = connection.connection.cursor()
        for index, s in enumerate(series):
            rows = [(s.pk, stamps[h], _value(index, h)) for h in range(hours)]
            cursor.executemany(sql, rows)
            writer.writerows((sid, f"{ts}Z", v) for sid, ts, v in rows)
    generated = time.perf_counter() - started
    with transaction.atomic():
        activity.rebuild(series)
    aggregated = time.perf_counter() - started - generated
    factors = {(f.external_id, f.year): f for f in EmissionFactor.objects.filter(year=YEAR)}
    by_category = {m[0]: m for m in MIX}
    sources = []
    for s in series:
        _c, _u, _n, factor, scope = by_category[s.category]
        if factor is not None:
            sources.append(EmissionSource(series=s, year=YEAR, scope=scope, factor=factors[factor]))
    EmissionSource.objects.bulk_create(sources)
    for site in sites:
        ContractualInstrument.objects.create(
            site=site,
            kind=InstrumentKind.REGO,
            reference=f"REGO-{site.code}-{YEAR}",
            period_from=dt.date(YEAR, 1, 1),
            period_to=dt.date(YEAR, 12, 31),
            mwh=500,
            kg_co2e_per_kwh=0,
            evidence="Bench certificate",
        )
    return {"generate_s": generated, "aggregate_s": aggregated, "readings": Reading.objects.count()}


def _measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.test import Client

    from ims.accounts.models import User
    from ims.accounts.services import token_create
    from ims.core.context import Channel, acting
    from ims.ghg.models import EmissionSource
    from ims.monitoring.importing import import_readings

    hours = readings_wanted() // SERIES
    result = _setup(Path(args.csv), hours)
    user = User.objects.get(username="bench")
    with acting(Channel.CLI):
        _, token = token_create(user=user, name="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/ghg/monthly?year={YEAR}"

    def get() -> dict[str, Any]:
        response = client.get(url, headers=headers, secure=True)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return dict(response.json())

    for _ in range(3):
        before = get()
    times = []
    for _ in range(25):
        t = time.perf_counter()
        get()
        times.append(1000 * (time.perf_counter() - t))
    result["p50_ms"] = statistics.median(times)
    result["rows"] = len(before["rows"])
    # One more day for every series, as a file.
    last = END
    day = io.StringIO()
    day.write("series,timestamp,value,unit\n")
    refs = list(EmissionSource.objects.values_list("series__reference", "series__unit").order_by("series__reference"))
    for ref, unit in refs:
        for h in range(24):
            day.write(f"{ref},{(last + dt.timedelta(hours=h)).isoformat()},1000,{unit}\n")
    t = time.perf_counter()
    with acting(Channel.CLI):
        report = import_readings(by=None, stream=io.BytesIO(day.getvalue().encode()), file_name="day.csv")
    after = get()
    result["freshness_ms"] = 1000 * (time.perf_counter() - t)
    result["appended"] = report.created
    total = sum(r["kg_co2e"] for r in after["rows"]) - sum(r["kg_co2e"] for r in before["rows"])
    result["changed"] = total != 0
    result["sources"] = [
        [s.series_id, s.series.site_id, s.scope, s.series.site.time_zone, float(s.factor.co2e or 0)]
        for s in EmissionSource.objects.select_related("series__site", "factor")
    ]
    Path(args.out).write_text(json.dumps(result))


def _duckdb(csv_path: Path, sources: list[list[Any]]) -> tuple[float, float, int]:
    import duckdb

    con = duckdb.connect()
    parquet = csv_path.with_suffix(".parquet")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns={COLUMNS})) TO '{parquet}' (FORMAT parquet)"
    )
    con.execute("CREATE TABLE sources (series_id INTEGER, site_id INTEGER, scope VARCHAR, tz VARCHAR, rate DOUBLE)")
    con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?)", sources)
    query = (
        "SELECT date_trunc('month', r.ts AT TIME ZONE s.tz) AS month, s.site_id, s.scope, sum(r.value * s.rate) "
        "FROM {src} r JOIN sources s USING (series_id) "
        f"WHERE r.ts >= TIMESTAMPTZ '{YEAR - 1}-12-31' AND r.ts < TIMESTAMPTZ '{YEAR + 1}-01-02' "
        f"AND year(r.ts AT TIME ZONE s.tz) = {YEAR} GROUP BY ALL ORDER BY ALL"
    )

    def timed(src: str, runs: int) -> tuple[float, int]:
        times, rows = [], 0
        for _ in range(runs):
            t = time.perf_counter()
            rows = len(con.execute(query.format(src=src)).fetchall())
            times.append(1000 * (time.perf_counter() - t))
        return statistics.median(times), rows

    parquet_ms, rows = timed(f"read_parquet('{parquet}')", 5)
    csv_ms, _ = timed(f"read_csv('{csv_path}', header=true, columns={COLUMNS})", 1)
    return parquet_ms, csv_ms, rows


@section("ghg", targets=TARGETS)
def ghg_bench(config: BenchConfig) -> Iterator[Output]:
    """Monthly CO2e by scope and site over 5 million readings: warm API, freshness after an import, DuckDB."""
    instance = Instance.create("ghg")
    try:
        instance.migrate()
        csv_path = instance.root / "readings.csv"
        out = instance.root / "ghg.json"
        proc = subprocess.run(
            [sys.executable, "-m", "bench.ghg", "measure", "--csv", str(csv_path), "--out", str(out)],
            env=instance.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=3600,
        )
        if proc.returncode != 0:
            raise BenchError(f"the GHG measurement failed:\n{proc.stdout}\n{proc.stderr}".rstrip())
        m = json.loads(out.read_text())
        yield Comment(
            f"ghg: {m['readings']} readings stored in {m['generate_s']:.1f} s (and written to CSV), "
            f"monthly activity built in {m['aggregate_s']:.1f} s; {len(m['sources'])} emission sources, "
            f"{m['rows']} rows in the {YEAR} answer"
        )
        yield Comment("ghg: dashboard_p50_ms is the median of 25 warm GET /api/v1/ghg/monthly via Django's test client")
        yield Figure("dashboard_p50_ms", m["p50_ms"], "ms")
        problem = "" if m["appended"] and m["changed"] else "the appended day did not change the figures"
        yield Comment(f"ghg: appended {m['appended']} readings (one day) through import_readings")
        yield Figure("freshness_after_append_ms", m["freshness_ms"], "ms", problem)
        parquet_ms, csv_ms, rows = _duckdb(csv_path, m["sources"])
        yield Comment(
            f"ghg: DuckDB {duckdb_version()} same aggregation from Parquet ({rows} rows: scopes 1 and 2 at each "
            f"source's rate; IMS also returns scope 2 market-based); from the CSV {csv_ms:.0f} ms"
        )
        yield Figure("duckdb_same_query_ms", parquet_ms, "ms")
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()


def duckdb_version() -> str:
    import duckdb

    return str(duckdb.__version__)


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ghg")
    parser.add_argument("command", choices=["measure"])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    _measure(parser.parse_args(argv))


if __name__ == "__main__":
    _main(sys.argv[1:])
