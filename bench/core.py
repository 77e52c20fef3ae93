"""The section registry, the figures sections yield and the targets they are judged by.

Later issues add a module with one ``@section`` function each; the runner in
:mod:`bench.__main__` needs no change for that.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# Modules that register sections when imported, in the order they run.
SECTION_MODULES = (
    "bench.api",
    "bench.readiness",
    "bench.registers",
    "bench.documents",
    "bench.monitoring",
    "bench.improvement",
    "bench.ghg",
)

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PROJECT_DIR = BENCH_DIR.parent


class BenchError(Exception):
    """The bench cannot produce a trustworthy figure; the message says why."""


@dataclass(frozen=True)
class Figure:
    """One measured value. ``problem`` set means it must not be trusted (and is not printed as a figure)."""

    name: str
    value: float
    unit: str
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem

    def line(self) -> str:
        return f"{self.name}: {self.value:.1f} {self.unit}"


@dataclass(frozen=True)
class Comment:
    """Context a section wants printed (configuration, diagnostics), as a ``#`` line."""

    text: str


@dataclass(frozen=True)
class Target:
    """A figure's required bound, from the issue that introduced it."""

    figure: str
    op: Literal[">=", "<="]
    limit: float
    unit: str

    def met_by(self, value: float) -> bool:
        return value >= self.limit if self.op == ">=" else value <= self.limit

    def describe(self) -> str:
        return f"{self.figure} {self.op} {self.limit:g} {self.unit}"


@dataclass(frozen=True)
class BenchConfig:
    """Run settings, from the environment so ``make bench`` needs no arguments.

    ``BENCH_DURATION`` shortens the load runs while developing; ``IMS_WORKERS``
    and ``IMS_THREADS`` are the same variables ``ims serve`` reads, resolved
    here (with its defaults) so the header states what was really measured.
    """

    duration: int = 30
    warmup: int = 3
    records: int = 10_000
    connections: int = 16
    wrk_threads: int = 2
    workers: int = 2
    threads: int = 1
    keep: bool = False

    @classmethod
    def from_env(cls) -> BenchConfig:
        return cls(
            duration=_env_int("BENCH_DURATION", 30),
            warmup=_env_int("BENCH_WARMUP", 3, minimum=0),
            records=_env_int("BENCH_RECORDS", 10_000),
            workers=_env_int("IMS_WORKERS", max(2, os.cpu_count() or 2)),  # the defaults of `ims serve`
            threads=_env_int("IMS_THREADS", 1),
            keep=os.environ.get("BENCH_KEEP", "").lower() in {"1", "true", "yes", "on"},
        )

    def header(self) -> str:
        return (
            f"# bench: workers={self.workers} threads={self.threads} duration={self.duration}s "
            f"warmup={self.warmup}s records={self.records} connections={self.connections} "
            f"wrk_threads={self.wrk_threads} cpus={os.cpu_count()}"
        )


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BenchError(f"{name}: expected a whole number, got {raw!r}.") from None
    if value < minimum:
        raise BenchError(f"{name}: must be at least {minimum}, got {value}.")
    return value


Output = Figure | Comment
SectionFunc = Callable[[BenchConfig], Iterator[Output]]


@dataclass(frozen=True)
class Section:
    name: str
    run: SectionFunc
    targets: tuple[Target, ...] = field(default_factory=tuple)
    summary: str = ""


SECTIONS: dict[str, Section] = {}


def section(name: str, *, targets: tuple[Target, ...] = ()) -> Callable[[SectionFunc], SectionFunc]:
    """Register a benchmark section under ``name`` (what ``--only`` selects)."""

    def register(func: SectionFunc) -> SectionFunc:
        if name in SECTIONS:
            raise ValueError(f"bench section {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        SECTIONS[name] = Section(name=name, run=func, targets=targets, summary=doc[0] if doc else "")
        return func

    return register
