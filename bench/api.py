"""API throughput and latency on a 10,000-entry register (the audit trail).

``wrk`` loads ``ims serve`` on loopback as an auditor limited to two of three
sites, so every list request pays for the permission filter, which must be in
the SQL. Before any load, the answers are checked (the right count, only
visible sites, 404 for another site's entry): a fast wrong answer is no figure.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from bench import wrk
from bench.core import BenchConfig, BenchError, Comment, Figure, Output, Target, section
from bench.dataset import AuditDataset
from bench.instance import Instance
from bench.procstat import CpuShare, CpuWindow, PeakRssSampler
from bench.server import RunningServer, serve

LIST_PATH = "/api/v1/audit?limit=50"
PAGE_SIZE = 50
# Cores other processes may use during a measurement before the figures are flagged as understated.
BUSY_MACHINE_CORES = 0.2
# A worker using less than this share of the busiest worker's CPU, while this many cores stayed
# idle, was starved of connections (more workers than cores leave one idle harmlessly).
IDLE_WORKER_SHARE = 0.25
SPARE_CORES = 0.3

TARGETS = (
    Target("api_list_rps", ">=", 500, "req/s"),
    Target("api_list_p99_ms", "<=", 100, "ms"),
    Target("api_detail_rps", ">=", 800, "req/s"),
    Target("api_detail_p99_ms", "<=", 50, "ms"),
    Target("server_peak_rss_mb", "<=", 300, "MB"),
)


def _get(server: RunningServer, path: str, token: str | None) -> tuple[int, Any]:
    request = urllib.request.Request(server.base_url + path)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def check_answers(server: RunningServer, data: AuditDataset) -> None:
    """The endpoints answer what the permission rules say; BenchError otherwise."""
    status, page = _get(server, LIST_PATH, data.token)
    if status != 200:
        raise BenchError(f"GET {LIST_PATH} answered {status}, expected 200")
    sites = {item["site_id"] for item in page["items"]}
    expected_items = min(PAGE_SIZE, data.visible_count)
    if page["count"] != data.visible_count or len(page["items"]) != expected_items:
        raise BenchError(
            f"GET {LIST_PATH}: count {page['count']} with {len(page['items'])} items, "
            f"expected count {data.visible_count} with {expected_items} items"
        )
    if not sites <= set(data.allowed_site_ids):
        raise BenchError(f"GET {LIST_PATH} returned entries of sites {sorted(sites)}; allowed {data.allowed_site_ids}")
    entry_id = data.detail_ids[0]
    status, entry = _get(server, f"/api/v1/audit/{entry_id}", data.token)
    if status != 200 or entry["id"] != entry_id:
        raise BenchError(f"GET /api/v1/audit/{entry_id} answered {status}, expected entry {entry_id}")
    status, _ = _get(server, f"/api/v1/audit/{data.hidden_id}", data.token)
    if status != 404:
        raise BenchError(f"GET /api/v1/audit/{data.hidden_id} (another site's entry) answered {status}, expected 404")
    status, _ = _get(server, LIST_PATH, None)
    if status != 401:
        raise BenchError(f"GET {LIST_PATH} without a token answered {status}, expected 401")


def _load(
    config: BenchConfig, server: RunningServer, data: AuditDataset, *, path: str, script_paths: list[str] | None = None
) -> tuple[wrk.WrkResult, CpuShare]:
    """Warm up, then measure: one endpoint, the configured connections and duration."""
    script = None
    if script_paths:
        script = wrk.rotating_paths_script(server.log.parent / "detail.lua", script_paths)
    options: dict[str, Any] = {
        "connections": config.connections,
        "threads": config.wrk_threads,
        "headers": {"Authorization": f"Bearer {data.token}"},
        "script": script,
    }
    if config.warmup:
        wrk.run(server.base_url + path, duration=config.warmup, **options)
    with CpuWindow(server.pid) as cpu:
        result = wrk.run(server.base_url + path, duration=config.duration, **options)
    assert cpu.share is not None
    return result, cpu.share


def _figures(prefix: str, measured: tuple[wrk.WrkResult, CpuShare], extra_problem: str = "") -> Iterator[Output]:
    result, cpu = measured
    problem = "; ".join(p for p in (result.problem, extra_problem) if p)
    if problem:
        yield Comment(f"wrk report for {prefix}:\n" + result.output.rstrip())
    cpu_ms = cpu.server * cpu.seconds / max(result.requests, 1) * 1000
    yield Comment(f"{prefix}: {result.requests} requests, server CPU {cpu_ms:.2f} ms per request; {cpu.describe()}")
    if cpu.other > BUSY_MACHINE_CORES:
        yield Comment(
            f"WARNING: other processes used {cpu.other:.2f} cores during {prefix}: "
            "its figures understate this machine; rerun on a quiet machine"
        )
    workers = cpu.per_process[1:]  # the master (first) serves no request
    spare = (os.cpu_count() or 1) - cpu.server - cpu.load_generator - cpu.other
    if len(workers) > 1 and min(workers) < IDLE_WORKER_SHARE * max(workers) and spare > SPARE_CORES:
        yield Comment(
            f"WARNING: load spread unevenly over the workers during {prefix} (cores per worker "
            + "/".join(f"{w:.2f}" for w in workers)
            + "): with gthread and keep-alive one worker can hold every connection"
        )
    yield Figure(f"{prefix}_rps", result.rps, "req/s", problem)
    yield Figure(f"{prefix}_p99_ms", result.p99_ms, "ms", problem)


@section("api", targets=TARGETS)
def api_bench(config: BenchConfig) -> Iterator[Output]:
    """Audit-trail list and detail under wrk, plus the server's peak memory."""
    instance = Instance.create("api")
    try:
        instance.migrate()
        out = instance.root / "dataset.json"
        instance.python_module("bench.dataset", "--records", str(config.records), "--out", str(out))
        data = AuditDataset.load(out)
        yield Comment(
            f"api: {data.total_entries} audit entries, {data.visible_count} visible to the auditor "
            f"(sites {data.allowed_site_ids}); SQL queries per request: list {data.list_queries}, "
            f"detail {data.detail_queries}"
        )
        list_problem = "" if data.list_sql_filters_site else "the list's SQL has no site_id IN filter"
        with serve(instance, workers=config.workers, threads=config.threads) as server:
            check_answers(server, data)
            with PeakRssSampler(server.pid) as rss:
                listing = _load(config, server, data, path=LIST_PATH)
                yield from _figures("api_list", listing, list_problem)
                detail_paths = [f"/api/v1/audit/{i}" for i in data.detail_ids]
                detail = _load(config, server, data, path=detail_paths[0], script_paths=detail_paths)
                yield from _figures("api_detail", detail)
            yield Figure("server_peak_rss_mb", rss.peak_mb, "MB", "" if rss.samples >= 2 else "too few samples")
    finally:
        if config.keep:
            print(f"# kept {instance.root}", flush=True)
        else:
            instance.remove()
