"""Readiness checks computed from measuring equipment (9001 7.1.5) and aspect monitoring (14001 9.1.1)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from ims.aspects.models import Aspect
from ims.kpis.models import AspectMonitoring, Equipment
from ims.readiness.checks import CheckResult, register


@register(
    "calibration",
    title="Measuring equipment behind monitoring series is within calibration",
    clauses=[("iso9001", "7.1.5")],
)
def calibration(now: datetime) -> CheckResult:
    linked = list(Equipment.objects.filter(archived_at__isnull=True, series__isnull=False).distinct())
    if not linked:
        return CheckResult.no_data("No data yet: no measuring equipment is linked to a monitoring series.")
    today = now.date()
    overdue = sorted(item.reference for item in linked if item.overdue(today))
    if overdue:
        return CheckResult.failed(
            f"{len(overdue)} of {len(linked)} measuring equipment linked to series are past their calibration "
            f"due date or were never calibrated: {', '.join(overdue)}."
        )
    return CheckResult.passed(f"All {len(linked)} measuring equipment linked to series are within calibration.")


@register(
    "aspects_monitored",
    title="Each significant environmental aspect is monitored by a series or KPI",
    clauses=[("iso14001", "9.1.1")],
)
def aspects_monitored(now: datetime) -> CheckResult:
    significant = Aspect.objects.filter(archived_at__isnull=True, significant=True).order_by("reference")
    total = significant.count()
    if not total:
        return CheckResult.no_data("No data yet: no significant environmental aspects.")
    monitored = AspectMonitoring.objects.filter(
        Q(series__archived_at__isnull=True, series__isnull=False) | Q(kpi__archived_at__isnull=True, kpi__isnull=False)
    ).values("aspect_id")
    missing = list(significant.exclude(pk__in=monitored).values_list("reference", flat=True))
    if missing:
        return CheckResult.failed(
            f"{len(missing)} of {total} significant aspects are monitored by no series or KPI: {', '.join(missing)}."
        )
    return CheckResult.passed(f"All {total} significant aspects are monitored by a series or KPI.")
