"""Readiness check for 5.2, computed from the policies register."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ims.objectives.checks import NAMES, standards_in_scope
from ims.policies import commitments
from ims.policies.models import KIND_STANDARDS, Policy
from ims.policies.selectors import in_force_map
from ims.readiness.checks import CheckResult, register


@register(
    "policy",
    title="A policy in force covers each standard, states its commitments and was communicated",
    clauses=[("iso9001", "5.2"), ("iso14001", "5.2")],
)
def policy_current(now: datetime) -> CheckResult:
    policies = list(Policy.objects.filter(archived_at__isnull=True))
    if not policies:
        return CheckResult.no_data("No data yet: the policies register is empty.")
    today = timezone.localtime(now).date()
    current = in_force_map(policies, today)
    problems: list[str] = []
    evidence: list[str] = []
    for code in standards_in_scope():
        covering = [p for p in policies if code in KIND_STANDARDS.get(p.kind, []) and p.pk in current]
        if not covering:
            problems.append(f"No approved policy in force covers {NAMES[code]}.")
            continue
        for policy in covering:
            revision = current[policy.pk]
            gaps = commitments.missing(policy.kind, revision.text, code)
            if gaps:
                problems.append(
                    f"{revision} does not appear to state for {NAMES[code]}: "
                    + "; ".join(c.label.lower() for c in gaps)
                    + "."
                )
            evidence.append(f"policies.policyrevision:{revision.pk}")
    for policy in policies:
        in_force = current.get(policy.pk)
        if in_force is None:
            continue
        if not in_force.communications.exists():
            problems.append(f"{in_force} is not recorded as communicated.")
        if policy.review_date is not None and policy.review_date < today:
            problems.append(f"{policy.reference} is past its review date ({policy.review_date:%Y-%m-%d}).")
    if problems:
        return CheckResult.failed(" ".join(problems))
    return CheckResult.passed(
        f"{len(current)} policies in force, approved by top management, communicated and within their review date.",
        *sorted(set(evidence)),
    )
