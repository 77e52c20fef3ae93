"""Registers: the first page of a 100,000-row register, filtered by site and text and sorted.

A fresh production-mode instance gets three sites, a process owner limited to
two of them with an API token, and 100,000 environmental aspects (see
:mod:`bench.registers_dataset`). The figure is the median time of
``GET /api/v1/aspects?site_id=&q=&sort=-score&limit=50`` through
``django.test.Client`` (the whole middleware stack, token authentication, the
count and the page). Before it is trusted, every answer must be 200 with the
full page, the count must equal a direct ORM count, the page must be the rows
worked out from the generated values, and no item may belong to a site the
user may not see. The same query without the text search and the web list
page, which renders the same selector, are timed for context.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from bench.core import BenchConfig, Comment, Figure, Output, Target, section
from bench.instance import Instance
from bench.registers_dataset import (
    RECORDS,
    SORT,
    TIMED_RUNS,
    WARMUP_RUNS,
    RegisterDataset,
    RegisterTiming,
)

TARGETS = (Target("register_list_100k_p50_ms", "<=", 50, "ms"),)


@section("registers", targets=TARGETS)
def registers_bench(config: BenchConfig) -> Iterator[Output]:
    """First page of the aspects register (100,000 rows) filtered by site and text, sorted by score, via the API."""
    instance = Instance.create("registers")
    try:
        instance.migrate()
        instance.ims("collectstatic", "--noinput", "-v", "0")  # as `ims serve` does: the web page's manifest
        out = instance.root / "dataset.json"
        instance.python_module("bench.registers_dataset", "build", "--out", str(out))
        data = RegisterDataset(**json.loads(out.read_text()))
        yield Comment(
            f"registers: {data.total} aspects in {len(data.site_ids)} sites; the user sees sites "
            f"{data.allowed_site_ids}; {data.word!r} occurs in {data.word_rows} rows "
            f"({100 * data.word_rows / data.total:.1f}%); the timed query (site {data.site_id}, q={data.word!r}, "
            f"sort={SORT}) matches {data.expected_count} rows, {data.plain_count} without q"
        )

        timing_out = instance.root / "timing.json"
        load_before = os.getloadavg()[0]
        instance.python_module("bench.registers_dataset", "measure", "--data", str(out), "--out", str(timing_out))
        yield Comment(
            f"registers: 1-minute load average {load_before:.1f} before the timing, {os.getloadavg()[0]:.1f} after "
            f"({os.cpu_count()} cpus); other processes' load inflates the figures"
        )
        timing = RegisterTiming(**json.loads(timing_out.read_text()))
        yield Comment(
            f"registers: API {TIMED_RUNS} requests after {WARMUP_RUNS} warm-up: median {timing.median_ms:.1f} ms, "
            f"p95 {timing.p95_ms:.1f} ms, min {min(timing.runs_ms):.1f} ms, max {max(timing.runs_ms):.1f} ms"
        )
        yield Comment(f"registers: {timing.queries} SQL queries per API request")
        yield Comment(
            f"registers: the selector's SQL alone: COUNT {timing.count_sql_ms:.1f} ms, "
            f"first page {timing.page_sql_ms:.1f} ms (medians)"
        )
        for label, plan in timing.plans.items():
            yield Comment(f"registers: plan of the {label}: " + " | ".join(plan))
        yield Comment(
            f"registers: API without q (site and sort only): median {timing.plain_ms:.1f} ms, "
            f"p95 {timing.plain_p95_ms:.1f} ms"
        )
        yield Comment(
            f"registers: web page GET /aspects/?site=&q=&sort={SORT} (signed in): median {timing.page_ms:.1f} ms, "
            f"status {timing.page_status}, shows the count: {'yes' if timing.page_shows_count else 'no'}"
        )
        problems = list(timing.problems)
        if data.total < RECORDS:
            problems.append(f"only {data.total} aspects, expected {RECORDS}")
        if not 0.01 <= data.word_rows / data.total <= 0.04:
            problems.append(f"{data.word!r} matches {data.word_rows} of {data.total} rows, expected about 2%")
        if timing.page_status != 200:
            problems.append(f"the web list page answered {timing.page_status}")
        yield Figure("register_list_100k_p50_ms", timing.median_ms, "ms", "; ".join(problems))
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()
