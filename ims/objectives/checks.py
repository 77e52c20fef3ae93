"""Readiness check for 6.2, computed from the objectives register."""

from __future__ import annotations

from datetime import datetime

from ims.readiness.checks import CheckResult, register


@register(
    "objectives",
    title="At least one current objective per standard with a measurable target",
    clauses=[("iso9001", "6.2"), ("iso14001", "6.2")],
)
def objectives_measurable(now: datetime) -> CheckResult:
    return CheckResult.no_data("No data yet: the objectives register is empty.")
