"""Readiness check for 5.3 (roles, responsibilities and authorities) of both standards."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef

from ims.org.models import ScopeStatement
from ims.readiness.checks import CheckResult, register
from ims.responsibilities.models import DUTY_STANDARDS, Duty, Responsibility
from ims.responsibilities.services import STANDARD_NAMES

_HOLDERS = Responsibility.holders.through


def standards_in_scope() -> list[str]:
    """The standards the organisation applies: those its scope statements put in scope, else both."""
    statements = list(ScopeStatement.objects.values_list("standard", "in_scope"))
    if not statements:
        return list(STANDARD_NAMES)
    chosen = {code for code, in_scope in statements if in_scope}
    return [code for code in STANDARD_NAMES if code in chosen]


def _phrase(duty: str) -> str:
    label = str(dict(Duty.choices)[duty])
    return label[:1].lower() + label[1:]


@register(
    "responsibilities",
    title="Top management is named and every 5.3 duty is assigned to someone",
    clauses=[("iso9001", "5.3"), ("iso14001", "5.3")],
)
def responsibilities_assigned(now: datetime) -> CheckResult:
    active = Responsibility.objects.filter(archived_at__isnull=True)
    if not active.exists():
        return CheckResult.no_data("No data yet: no role, responsibility or authority is recorded.")
    held = active.filter(
        Exists(_HOLDERS.objects.filter(responsibility_id=OuterRef("pk"), user__is_active=True))
    ).values_list("pk", "standards", "duties", "top_management")
    roles = list(held)
    gaps = []
    if not any(top for _, _, _, top in roles):
        gaps.append("No active top-management role has an active holder.")
    applied = standards_in_scope()
    for duty in Duty.values:
        for standard in DUTY_STANDARDS[duty]:
            if standard not in applied:
                continue
            if not any(duty in (duties or []) and standard in (standards or []) for _, standards, duties, _ in roles):
                gaps.append(f"Nobody is assigned to {_phrase(duty)} ({STANDARD_NAMES[standard]} 5.3).")
    if gaps:
        return CheckResult.failed(" ".join(gaps))
    evidence = [
        f"responsibilities.responsibility:{pk}" for pk in active.order_by("reference").values_list("pk", flat=True)
    ]
    return CheckResult.passed(
        f"{len(evidence)} roles recorded; top management is named and every duty of 5.3 has a holder.", *evidence
    )
