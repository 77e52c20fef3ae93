"""Configuration of the improvement register: the severity scale and the cause taxonomy.

Both are data the organisation changes (with an all-sites change permission);
the defaults in :mod:`ims.improvement.defaults` are installed the first time
they are needed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import require
from ims.core.errors import ValidationFailed
from ims.core.records import create_record, update_record
from ims.improvement.defaults import CAUSES, SEVERITIES
from ims.improvement.models import Branch, CauseCategory, Severity


def ensure_defaults(*, by: Any) -> None:
    """Install the default severity scale and cause taxonomy when none is configured yet."""
    if not Severity.objects.exists():
        for code, label, rank, days in SEVERITIES:
            create_record(Severity(code=code, label=label, rank=rank, step_days=days), by=by, note="default scale")
    if not CauseCategory.objects.exists():
        for code, label, branch, shallow in CAUSES:
            category = CauseCategory(code=code, label=label, branch=branch, shallow=shallow)
            create_record(category, by=by, note="default cause taxonomy")


def _require_configuration(by: Any) -> None:
    require(by, Permission.CHANGE, site_id=None, what="the severity scale and cause taxonomy of the organisation")


@transaction.atomic
def severity_save(
    *, by: Any, code: str, label: str, rank: int, step_days: int = 14, active: bool = True, version: int | None = None
) -> Severity:
    """Add a severity, or change the one with this code (its version required)."""
    _require_configuration(by)
    ensure_defaults(by=by)
    fields = {"label": label.strip(), "rank": rank, "step_days": step_days, "active": active}
    existing = Severity.objects.filter(code=code).first()
    if existing is None:
        return create_record(Severity(code=code.strip(), **fields), by=by)
    if version is None:
        raise ValidationFailed({"version": [f"Severity “{code}” exists; send the version you read to change it."]})
    return update_record(existing, by=by, version=version, changes=fields)


@transaction.atomic
def cause_category_save(
    *,
    by: Any,
    code: str,
    label: str,
    branch: str,
    shallow: bool = False,
    active: bool = True,
    version: int | None = None,
) -> CauseCategory:
    """Add a cause category, or change the one with this code (its version required)."""
    _require_configuration(by)
    ensure_defaults(by=by)
    if branch not in Branch.values:
        raise ValidationFailed({"branch": [f"Use one of: {', '.join(Branch.values)}."]})
    fields = {"label": label.strip(), "branch": branch, "shallow": shallow, "active": active}
    existing = CauseCategory.objects.filter(code=code).first()
    if existing is None:
        return create_record(CauseCategory(code=code.strip(), **fields), by=by)
    if version is None:
        raise ValidationFailed(
            {"version": [f"Cause category “{code}” exists; send the version you read to change it."]}
        )
    return update_record(existing, by=by, version=version, changes=fields)
