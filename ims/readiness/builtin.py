"""Checks for the records that exist today, and honest "no data yet" for the rest.

Later registers (policies, objectives, documents, audits, management reviews,
aspects, obligations, corrective actions) replace the "no data yet" checks
below with real ones in their own modules.
"""

from __future__ import annotations

from datetime import datetime

from ims.org.models import ScopeStatement, Standard
from ims.readiness.checks import CheckResult, register

BOTH = ["iso9001", "iso14001"]


@register("scope", title="A scope statement exists for each standard in scope", clauses=[(s, "4.3") for s in BOTH])
def scope_defined(now: datetime) -> CheckResult:
    statements = {s.standard: s for s in ScopeStatement.objects.all()}
    in_scope = [s for s in statements.values() if s.in_scope]
    if not in_scope:
        return CheckResult.failed(
            "No standard is in scope yet: write the scope statement for ISO 9001 and/or ISO 14001."
        )
    missing = [str(s.get_standard_display()) for s in in_scope if not s.statement.strip()]
    if missing:
        return CheckResult.failed(f"The scope statement is empty for {', '.join(missing)}.")
    covered = ", ".join(str(s.get_standard_display()) for s in in_scope)
    not_covered = [label for code, label in Standard.choices if code not in statements]
    note = f" ({', '.join(not_covered)} has no statement: is it out of scope on purpose?)" if not_covered else ""
    return CheckResult.passed(
        f"Scope statements exist for {covered}{note}.", *[f"org.scopestatement:{s.pk}" for s in in_scope]
    )


def _not_built(register_name: str) -> CheckResult:
    return CheckResult.no_data(
        f"No data yet: the {register_name} register is not in IMS yet, so this cannot be checked."
    )


@register(
    "internal_audit", title="An internal audit completed within the last 12 months", clauses=[(s, "9.2") for s in BOTH]
)
def internal_audit_recent(now: datetime) -> CheckResult:
    return _not_built("internal audit")


@register(
    "management_review", title="A management review within the last 12 months", clauses=[(s, "9.3") for s in BOTH]
)
def management_review_recent(now: datetime) -> CheckResult:
    return _not_built("management review")
