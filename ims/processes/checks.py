"""Readiness check for 4.4 (both standards), computed from the processes register."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ims.processes.models import Process
from ims.readiness.checks import CheckResult, register


@register(
    "processes",
    title="Processes determined with owner, inputs and outputs, reviewed on time",
    clauses=[("iso9001", "4.4"), ("iso14001", "4.4")],
)
def processes_determined(now: datetime) -> CheckResult:
    active = Process.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.no_data("No data yet: the processes register is empty.")
    today = timezone.localtime(now).date()
    counts = [
        (active.filter(owner__isnull=True).count(), "without an owner"),
        (active.filter(inputs="").count(), "without inputs"),
        (active.filter(outputs="").count(), "without outputs"),
        (active.filter(review_date__lt=today).count(), "past the review date"),
    ]
    problems = [f"{n} {what}" for n, what in counts if n]
    if problems:
        return CheckResult.failed(f"Of {total} processes, {', '.join(problems)}.")
    return CheckResult.passed(f"{total} processes have an owner, inputs and outputs, and are within their review date.")
