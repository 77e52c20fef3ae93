"""Readiness: every score and automatic check for both standards, with 100,000 records in the registers.

A fresh production-mode instance gets the shipped standards, scope statements
for ISO 9001:2015 and ISO 14001:2026, an assessment for every requirement and
100,000 rows across the registers (see :mod:`bench.readiness_dataset`). The
figure is the median time of what the readiness page computes (its view:
checks, scores, clause groups, ordered gaps, the trend) without the template
rendering, in the steady state where the day's snapshot exists. Before
it is trusted, the page's scores and gap counts must match those worked out
from the generated statuses, the audit chain must verify, and the SQL of one
computation must not grow with the registers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from bench.core import BenchConfig, BenchError, Comment, Figure, Output, Target, section
from bench.instance import Instance
from bench.readiness_dataset import RECORDS, TIMED_RUNS, WARMUP_RUNS, ReadinessDataset, ReadinessTiming

TARGETS = (Target("readiness_full_ms", "<=", 200, "ms"),)


def _problems(data: ReadinessDataset, timing: ReadinessTiming) -> list[str]:
    """Why the measured computation cannot be trusted: wrong answers, too few rows, SQL that grows."""
    problems = []
    if data.total < RECORDS:
        problems.append(f"only {data.total} records, expected at least {RECORDS}")
    if timing.scores != data.expected:
        problems.append(f"the page computed {timing.scores}, expected {data.expected}")
    if timing.queries != data.small_queries:
        problems.append(f"{timing.queries} SQL queries with {data.total} records, {data.small_queries} without them")
    failing = sorted(k for k, status in timing.check_statuses.items() if status == "fail")
    if failing:
        problems.append(f"checks fail that the data set satisfies: {', '.join(failing)}")
    return problems


@section("readiness", targets=TARGETS)
def readiness_bench(config: BenchConfig) -> Iterator[Output]:
    """The readiness page's computation (checks, scores, gaps) for both standards on 100,000 records."""
    instance = Instance.create("readiness")
    try:
        instance.migrate()
        instance.ims("load-standards")
        instance.ims("collectstatic", "--noinput", "-v", "0")  # as `ims serve` does: the page's manifest
        out = instance.root / "dataset.json"
        instance.python_module("bench.readiness_dataset", "build", "--out", str(out))
        data = ReadinessDataset(**json.loads(out.read_text()))
        yield Comment(
            "readiness: records "
            + ", ".join(f"{table} {n}" for table, n in data.counts.items())
            + f"; total {data.total}"
        )
        verified = instance.ims("verify-audit").strip()
        if "intact" not in verified:
            raise BenchError(f"ims verify-audit: {verified}")
        yield Comment(f"readiness: {verified.split('. Head')[0]}")

        out = instance.root / "timing.json"
        instance.python_module("bench.readiness_dataset", "measure", "--out", str(out))
        timing = ReadinessTiming(**json.loads(out.read_text()))
        for label, score in timing.scores.items():
            yield Comment(f"readiness: {label}: {score['score']:.1f}% with {score['gap_count']} gaps")
        yield Comment(
            f"readiness: {timing.queries} SQL queries per computation ({data.small_queries} before the 100k "
            "records existed); by table: " + ", ".join(f"{t} {n}" for t, n in sorted(timing.query_tables.items()))
        )
        yield Comment(
            f"readiness: {TIMED_RUNS} runs after {WARMUP_RUNS} warm-up: median {timing.median_ms:.1f} ms, "
            f"p95 {timing.p95_ms:.1f} ms, min {min(timing.runs_ms):.1f} ms, max {max(timing.runs_ms):.1f} ms"
        )
        yield Comment(
            f"readiness: first visit of the day (also takes the daily snapshot): {timing.first_of_day_ms:.1f} ms median"
        )
        yield Comment(
            f"readiness: full GET /readiness/ through django.test.Client (rendering included): "
            f"{timing.page_ms:.1f} ms median, status {timing.page_status}"
        )
        problems = _problems(data, timing)
        if timing.page_status != 200:
            problems.append(f"GET /readiness/ answered {timing.page_status}")
        yield Figure("readiness_full_ms", timing.median_ms, "ms", "; ".join(problems))
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()
