"""Readiness check for 6.2, computed from the objectives register."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ims.objectives.models import Objective
from ims.org.models import ScopeStatement
from ims.readiness.checks import CheckResult, register

BOTH = ["iso9001", "iso14001"]
NAMES = {"iso9001": "ISO 9001", "iso14001": "ISO 14001"}


def standards_in_scope() -> list[str]:
    """The standards the organisation applies: those its scope statements put in scope, else both."""
    statements = dict(ScopeStatement.objects.values_list("standard", "in_scope"))
    if not statements:
        return list(BOTH)
    return [code for code in BOTH if statements.get(code) is True]


@register(
    "objectives",
    title="At least one current objective per standard with a measurable target",
    clauses=[("iso9001", "6.2"), ("iso14001", "6.2")],
)
def objectives_measurable(now: datetime) -> CheckResult:
    active = Objective.objects.filter(archived_at__isnull=True)
    if not active.exists():
        return CheckResult.no_data("No data yet: the objectives register is empty.")
    today = timezone.localtime(now).date()
    current = active.filter(deadline__gte=today, target_value__isnull=False).exclude(unit="")
    served = {code for standards in current.values_list("standards", flat=True) for code in standards or []}
    missing = [code for code in standards_in_scope() if code not in served]
    if missing:
        return CheckResult.failed(
            f"No current objective with a measurable target for {', '.join(NAMES[c] for c in missing)} "
            "(current: not archived and deadline not past)."
        )
    return CheckResult.passed(f"{current.count()} current objectives with measurable targets cover every standard.")
