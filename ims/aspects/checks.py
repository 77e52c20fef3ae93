"""Readiness check for ISO 14001 6.1.2, computed from the aspects register."""

from __future__ import annotations

from datetime import datetime, timedelta

from ims.aspects.models import Aspect
from ims.readiness.checks import CheckResult, register


@register(
    "aspects",
    title="Aspects register with significance evaluated within 12 months",
    clauses=[("iso14001", "6.1.2")],
)
def aspects_evaluated(now: datetime) -> CheckResult:
    active = Aspect.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.no_data("No data yet: the aspects register is empty.")
    stale = active.exclude(evaluated_at__gte=now - timedelta(days=365)).count()
    if stale:
        return CheckResult.failed(f"{stale} of {total} aspects have no significance evaluation in the last 12 months.")
    unexplained = sum(1 for a in active.filter(significant=True) if a.needs_attention)
    if unexplained:
        return CheckResult.failed(
            f"{unexplained} significant aspects have neither a control nor a reason for having none."
        )
    significant = active.filter(significant=True).count()
    return CheckResult.passed(f"All {total} aspects evaluated within 12 months; {significant} significant.")
