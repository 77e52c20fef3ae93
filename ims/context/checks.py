"""Readiness checks for 4.1 (issues) and 4.2 (interested parties), computed from the context registers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ims.context.models import InterestedParty, Issue, IssueCategory
from ims.org.models import ScopeStatement
from ims.readiness.checks import CheckResult, register

BOTH = ["iso9001", "iso14001"]
YEAR = timedelta(days=365)


@register(
    "context_issues",
    title="Internal and external issues reviewed within 12 months, climate change considered",
    clauses=[(s, "4.1") for s in BOTH],
)
def context_issues(now: datetime) -> CheckResult:
    active = Issue.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.no_data("No data yet: the register of internal and external issues is empty.")
    today = timezone.localtime(now).date()
    stale = active.filter(Q(review_date__lt=today) | Q(updated_at__lt=now - YEAR)).count()
    if stale:
        return CheckResult.failed(
            f"{stale} of {total} issues are past their review date or were last updated more than 12 months ago."
        )
    if not active.filter(category=IssueCategory.CLIMATE).exists():
        return CheckResult.failed(
            "No issue covers climate change. Since the 2024 amendment both standards ask the organisation to "
            "decide whether climate change is a relevant issue: record it, even to say it has little effect."
        )
    return CheckResult.passed(f"{total} issues are current, including climate change.")


@register(
    "interested_parties",
    title="Interested parties and their requirements recorded and reviewed within 12 months",
    clauses=[(s, "4.2") for s in BOTH],
)
def interested_parties(now: datetime) -> CheckResult:
    if not InterestedParty.objects.exists():
        return CheckResult.no_data("No data yet: the register of interested parties is empty.")
    active = InterestedParty.objects.filter(archived_at__isnull=True)
    total = active.count()
    if not total:
        return CheckResult.failed("Every interested party is archived: record who is relevant to the system.")
    today = timezone.localtime(now).date()
    stale = active.filter(Q(review_date__lt=today) | Q(updated_at__lt=now - YEAR)).count()
    if stale:
        return CheckResult.failed(
            f"{stale} of {total} interested parties are past their review date "
            "or were last updated more than 12 months ago."
        )
    in_scope = list(ScopeStatement.objects.filter(in_scope=True).values_list("standard", flat=True)) or BOTH
    served = {code for standards in active.values_list("standards", flat=True) for code in standards or []}
    missing = [code for code in BOTH if code in in_scope and code not in served]
    if missing:
        names = {"iso9001": "ISO 9001", "iso14001": "ISO 14001"}
        return CheckResult.failed(f"No active interested party is recorded for {', '.join(names[c] for c in missing)}.")
    return CheckResult.passed(f"{total} interested parties recorded and reviewed within 12 months.")
