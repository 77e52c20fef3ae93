"""Readiness check for 14001 9.1.2, computed from the obligations register."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from ims.obligations.models import Obligation, Result
from ims.readiness.checks import CheckResult, register


@register(
    "compliance_evaluation",
    title="Every compliance obligation evaluated within its period",
    clauses=[("iso14001", "9.1.2")],
)
def obligations_evaluated(now: datetime) -> CheckResult:
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    counts = Obligation.objects.filter(archived_at__isnull=True).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(next_evaluation_due__lt=today)),
        failing=Count("pk", filter=Q(last_result=Result.NON_COMPLIANT)),
    )
    total, overdue, failing = counts["total"], counts["overdue"], counts["failing"]
    if not total:
        return CheckResult.no_data("No data yet: the compliance obligations register is empty.")
    problems = []
    if overdue:
        problems.append(f"{overdue} of {total} obligations are overdue for their evaluation of compliance")
    if failing:
        problems.append(f"{failing} of {total} obligations were found non-compliant at their last evaluation")
    if problems:
        return CheckResult.failed("; ".join(problems) + ".")
    return CheckResult.passed(f"All {total} obligations evaluated within their period and none non-compliant.")
