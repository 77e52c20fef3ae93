"""Readiness check for 14001 9.1.2, computed from the obligations register."""

from __future__ import annotations

from datetime import datetime

from ims.readiness.checks import CheckResult, register


@register(
    "compliance_evaluation",
    title="Every compliance obligation evaluated within its period",
    clauses=[("iso14001", "9.1.2")],
)
def obligations_evaluated(now: datetime) -> CheckResult:
    return CheckResult.no_data("No data yet: the compliance obligations register is empty.")
