"""Readiness check for ISO 9001 9.1.2: the customers' perception is monitored, and recently."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from django.db.models import Count, Max
from django.utils import timezone

from ims.feedback.models import Complaint, ComplaintStatus, SurveyResponse
from ims.readiness.checks import CheckResult, register

WINDOW_DAYS = 365  # "the last period": satisfaction is measured at least once a year
MAX_EVIDENCE = 20


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


@register(
    "customer_satisfaction",
    title="Customer satisfaction is measured: survey results from the last 12 months",
    clauses=[("iso9001", "9.1.2")],
)
def customer_satisfaction(now: datetime) -> CheckResult:
    complaints = Complaint.objects.exclude(status=ComplaintStatus.WITHDRAWN).count()
    latest = SurveyResponse.objects.aggregate(day=Max("answered_on"))["day"]
    if latest is None and not complaints:
        return CheckResult.no_data("No data yet: no customer survey result or complaint is recorded.")
    today = timezone.localtime(now).date()
    since = today - dt.timedelta(days=WINDOW_DAYS)
    if latest is None or latest <= since:
        when = f"the latest was answered on {latest:%Y-%m-%d}" if latest else "none is recorded"
        return CheckResult.failed(
            f"No customer satisfaction survey result in the last 12 months ({when}); "
            f"{_n(complaints, 'complaint')} recorded. Measure satisfaction at least once a year."
        )
    recent = SurveyResponse.objects.filter(answered_on__gt=since, answered_on__lte=today)
    surveys = list(
        recent.values("survey_id").annotate(n=Count("id")).order_by("-n", "survey_id").values_list("survey_id", "n")
    )
    answers = sum(n for _, n in surveys)
    customers = recent.values("customer_id").distinct().count()
    received = Complaint.objects.exclude(status=ComplaintStatus.WITHDRAWN).filter(received_on__gt=since).count()
    return CheckResult.passed(
        f"{_n(answers, 'survey response')} from {_n(customers, 'customer')} in the last 12 months "
        f"({_n(len(surveys), 'survey')}, the latest answered on {latest:%Y-%m-%d}); "
        f"{_n(received, 'complaint')} received in the same period.",
        *[f"feedback.survey:{pk}" for pk, _ in surveys[:MAX_EVIDENCE]],
    )
