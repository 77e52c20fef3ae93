"""Readiness check for 6.1 (risks and opportunities), computed from the risks register."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ims.readiness.checks import CheckResult, register
from ims.risks.models import Band, Kind, Risk, Treatment, TreatmentStatus


@register(
    "risks",
    title="Risks and opportunities rated; every high or critical risk treated, no treatment overdue",
    clauses=[("iso9001", "6.1"), ("iso14001", "6.1.1")],
)
def risks_treated(now: datetime) -> CheckResult:
    active = Risk.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.no_data("No data yet: the register of risks and opportunities is empty.")
    treated = Treatment.objects.filter(risk=OuterRef("pk"))
    untreated = list(
        active.filter(kind=Kind.RISK, inherent_band__in=[Band.HIGH, Band.CRITICAL])
        .exclude(Exists(treated))
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    if untreated:
        return CheckResult.failed(
            f"{len(untreated)} high or critical risks have no treatment action: {', '.join(untreated[:10])}."
        )
    today = timezone.localtime(now).date()
    overdue = list(
        Treatment.objects.filter(risk__in=active, status=TreatmentStatus.OPEN, due_date__lt=today)
        .order_by("risk__reference")
        .values_list("risk__reference", flat=True)
    )
    if overdue:
        return CheckResult.failed(
            f"{len(overdue)} treatment actions are overdue ({', '.join(sorted(set(overdue))[:10])})."
        )
    high = active.filter(kind=Kind.RISK, inherent_band__in=[Band.HIGH, Band.CRITICAL]).count()
    return CheckResult.passed(
        f"{total} risks and opportunities rated; all {high} high or critical risks have treatment actions, "
        "none overdue."
    )
