"""Writes for planned changes (6.3) — the only writers, with the status workflow as one explicit table.

Like the context registers, a change belongs to a site or to the whole
organisation; an organisation-wide change needs an all-sites role to write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change
from ims.changes.models import ChangeStatus, PlannedChange
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.processes.models import Process
from ims.processes.selectors import processes_visible_to

CHANGE_FIELDS = (
    "title",
    "purpose",
    "consequences",
    "resources",
    "owner",
    "responsibilities",
    "standards",
    "planned_date",
    "review_date",
)

S = ChangeStatus


def transition_action(current: str, to: str) -> Action | None:
    """The permission a transition needs, or None when the workflow does not allow it.

    proposed → approved → in progress → completed; any open state → cancelled (with a reason).
    """
    match (current, to):
        case (S.PROPOSED, S.APPROVED):
            return Action.APPROVE
        case (S.APPROVED, S.IN_PROGRESS) | (S.IN_PROGRESS, S.COMPLETED):
            return Action.CHANGE
        case (S.PROPOSED | S.APPROVED | S.IN_PROGRESS, S.CANCELLED):
            return Action.CHANGE
        case _:
            return None


def allowed_next(current: str) -> list[str]:
    return [to for to in S.values if transition_action(current, to) is not None]


def _label(status: str) -> str:
    return str(dict(S.choices).get(status, status))


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any, what: str = "planned changes") -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"{what} {_where(site)}")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in PlannedChange.objects.filter(reference__startswith="CHG-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"CHG-{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(CHANGE_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    standards = fields.get("standards")
    if isinstance(standards, (list, tuple, set)) and all(isinstance(s, str) for s in standards):
        order = {code: i for i, code in enumerate(StandardServed.values)}
        fields["standards"] = sorted(set(standards), key=lambda s: order.get(s, len(order)))


def _visible_processes(by: Any, processes: Iterable[Process | int]) -> list[Process]:
    ids = sorted({p if isinstance(p, int) else p.pk for p in processes})
    found = list(processes_visible_to(by).filter(pk__in=ids, archived_at__isnull=True))
    missing = sorted(set(ids) - {p.pk for p in found})
    if missing:
        raise ValidationFailed(
            {"processes": [f"No active process with id {', '.join(map(str, missing))} that you may see."]}
        )
    return sorted(found, key=lambda p: p.reference)


def _refs(processes: Iterable[Process]) -> str:
    return ", ".join(sorted(p.reference for p in processes)) or "none"


@transaction.atomic
def change_create(
    *, by: Any, site: Any = None, reference: str = "", processes: Iterable[Process | int] = (), **fields: Any
) -> PlannedChange:
    _require(by, Action.CREATE, site)
    _check_fields(fields, "Unknown field.")
    affected = _visible_processes(by, processes)
    change = PlannedChange(site=site, reference=reference.strip() or _next_reference(), **fields)
    create_record(change, by=by, note=f"affects {_refs(affected)}")
    change.processes.set(affected)
    return change


@transaction.atomic
def change_update(
    *, by: Any, change: PlannedChange, version: int, processes: Iterable[Process | int] | None = None, **fields: Any
) -> PlannedChange:
    _require(by, Action.CHANGE, change.site)
    if change.archived_at is not None:
        raise WorkflowError(f"{change.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    current = list(change.processes.all())
    affected = None if processes is None else _visible_processes(by, processes)
    if affected is not None and {p.pk for p in affected} == {p.pk for p in current}:
        affected = None
    before_version = change.version
    update_record(change, by=by, version=version, changes=fields)
    if affected is not None:
        if change.version == before_version:  # only the processes change: still claim the version
            update_record(change, by=by, version=version, changes={"updated_at": timezone.now()})
        change.processes.set(affected)
        record_change(action="update", by=by, record=change, changes={"processes": [_refs(current), _refs(affected)]})
    return change


@transaction.atomic
def change_transition(*, by: Any, change: PlannedChange, version: int, to: str, reason: str = "") -> PlannedChange:
    """Move a change along its workflow; approving needs the approve permission, cancelling a reason."""
    if to not in S.values:
        raise ValidationFailed({"to": [f"“{to}” is not a status; use one of: {', '.join(S.values)}."]})
    action = transition_action(change.status, to)
    if action is None:
        nexts = allowed_next(change.status)
        follow = (
            f"from {_label(change.status)} it can go to: {', '.join(_label(n) for n in nexts)}."
            if nexts
            else f"{_label(change.status)} is final."
        )
        raise WorkflowError(f"{change.reference} cannot go from {_label(change.status)} to {_label(to)}; {follow}")
    _require(by, action, change.site)
    if change.archived_at is not None:
        raise WorkflowError(f"{change.reference} is archived; restore it before changing it.")
    reason = (reason or "").strip()
    changes: dict[str, Any] = {"status": to}
    if to == S.CANCELLED:
        if not reason:
            raise ValidationFailed({"reason": ["Say why the change is cancelled."]})
        changes["cancel_reason"] = reason
    elif to == S.APPROVED:
        changes.update(approved_by=by, approved_at=timezone.now())
    elif to == S.COMPLETED:
        changes["completed_at"] = timezone.now()
    note = f"{_label(change.status)} → {_label(to)}" + (f": {reason}" if reason else "")
    return update_record(change, by=by, version=version, changes=changes, note=note)


@transaction.atomic
def change_archive(*, by: Any, change: PlannedChange, version: int) -> PlannedChange:
    _require(by, Action.CHANGE, change.site)
    if change.archived_at is not None:
        raise WorkflowError(f"{change.reference} is already archived.")
    return update_record(change, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")
