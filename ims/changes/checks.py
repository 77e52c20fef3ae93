"""Readiness check for 6.3 (planning of changes): ISO 9001 and, from its 2026 edition, ISO 14001."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ims.changes.models import PlannedChange
from ims.changes.selectors import late
from ims.readiness.checks import CheckResult, register


@register(
    "planned_changes",
    title="Planned changes carried out by their planned date",
    # ISO 14001 has 6.3 only from the 2026 edition; a check applies in every edition that has the clause.
    clauses=[("iso9001", "6.3"), ("iso14001", "6.3")],
)
def planned_changes(now: datetime) -> CheckResult:
    active = PlannedChange.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.no_data("No data yet: no planned change is recorded.")
    overdue = active.filter(late(timezone.localtime(now).date())).count()
    if overdue:
        return CheckResult.failed(
            f"{overdue} of {total} planned changes are approved or in progress "
            "but past their planned date without completion."
        )
    return CheckResult.passed(f"{total} planned changes recorded; none is past its planned date.")
