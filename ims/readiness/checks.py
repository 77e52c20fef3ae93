"""The registry of automatic evidence checks.

A check looks at live records and says whether the evidence a clause needs is
there: *pass*, *fail* (with the reason in plain words) or *no data* (the
register it needs does not exist yet or is empty — never reported as a pass).
Each concept registers its own checks from its own module with
:func:`register`; the readiness dashboard, the gap report and the rule that a
requirement cannot be marked verified while one of its checks fails all read
this one registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.utils import timezone


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class CheckResult:
    status: Status
    explanation: str
    evidence: tuple[str, ...] = ()

    @classmethod
    def passed(cls, explanation: str, *evidence: str) -> CheckResult:
        return cls(Status.PASS, explanation, evidence)

    @classmethod
    def failed(cls, explanation: str, *evidence: str) -> CheckResult:
        return cls(Status.FAIL, explanation, evidence)

    @classmethod
    def no_data(cls, explanation: str) -> CheckResult:
        return cls(Status.NO_DATA, explanation)


@dataclass(frozen=True)
class Clause:
    """Where a check applies: a standard's clause number, in every edition that has it."""

    standard: str
    number: str

    def __str__(self) -> str:
        return f"{self.standard} {self.number}"


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    clauses: tuple[Clause, ...]
    run: Callable[[datetime], CheckResult] = field(compare=False)


REGISTRY: dict[str, Check] = {}


def register(
    key: str, *, title: str, clauses: list[tuple[str, str]]
) -> Callable[[Callable[[datetime], CheckResult]], Callable[[datetime], CheckResult]]:
    """Decorator: add a check for the given (standard code, clause number) pairs."""

    def decorate(func: Callable[[datetime], CheckResult]) -> Callable[[datetime], CheckResult]:
        if key in REGISTRY:
            raise ValueError(f"A readiness check named {key!r} is already registered")
        REGISTRY[key] = Check(key, title, tuple(Clause(s, n) for s, n in clauses), func)
        return func

    return decorate


@dataclass(frozen=True)
class Outcome:
    check: Check
    result: CheckResult


def run_all(now: datetime | None = None) -> list[Outcome]:
    moment = now or timezone.now()
    return [Outcome(check, check.run(moment)) for check in sorted(REGISTRY.values(), key=lambda c: c.key)]


def for_clause(outcomes: list[Outcome], standard: str, number: str) -> list[Outcome]:
    """The outcomes of the checks tied to one clause (or to one of its parents' sub-clauses)."""
    return [o for o in outcomes if any(c.standard == standard and c.number == number for c in o.check.clauses)]
