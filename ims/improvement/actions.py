"""Writes for corrective and improvement actions and their effectiveness checks (10.2.1 c–e).

An action is owned and dated and may name the records it changes (a document,
a process, a risk, an aspect …). When it is done, its effectiveness check is
scheduled ``check_after_days`` later with the criterion set when it was
planned. The check's verdict moves the action on: *effective* may be recorded
from the check's due date on; *ineffective* at any time — the action then
needs a follow-up action, and an event waiting in its effectiveness step goes
back to the action plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can, require
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.improvement import workflow
from ims.improvement.models import (
    Action,
    ActionKind,
    ActionLink,
    ActionStatus,
    CheckResult,
    EffectivenessCheck,
    Event,
    EventStatus,
)
from ims.improvement.services import _move, _open
from ims.readiness.evidence import resolve

A = ActionStatus
ACTION_FIELDS = ("description", "owner", "due", "criterion", "check_after_days", "kind")
MAX_CHECK_DAYS = 730


def _require(by: Any, event: Event, what: str = "actions of events") -> None:
    require(by, Permission.CHANGE, site_id=event.site_id, what=f"{what} at {event.site}")


def _state(action: Action, operation: str) -> str:
    target = workflow.ACTION_TRANSITIONS.get((action.status, operation))
    if target is None:
        raise WorkflowError(
            f"{action} is {workflow.action_label(action.status)}; it cannot be {OPERATION_WORDS[operation]}."
        )
    return target


OPERATION_WORDS = {
    "complete": "marked done",
    "cancel": "cancelled",
    "effective": "verified effective",
    "ineffective": "found ineffective",
}


def _check_owner(owner: Any, event: Event) -> None:
    if owner is None:
        raise ValidationFailed({"owner": ["Every action needs an owner."]})
    if not owner.is_active:
        raise ValidationFailed({"owner": [f"{owner} is not an active user."]})
    if not can(owner, Permission.VIEW, site_id=event.site_id):
        raise ValidationFailed({"owner": [f"{owner} has no role at {event.site} and could not see the action."]})


def _check_plan(fields: dict[str, Any], event: Event) -> None:
    if "owner" in fields:
        _check_owner(fields["owner"], event)
    if "due" in fields:
        if fields["due"] is None:
            raise ValidationFailed({"due": ["Every action needs a due date."]})
        if fields["due"] < timezone.localdate():
            raise ValidationFailed({"due": [f"{fields['due']:%Y-%m-%d} is in the past; give a date from today on."]})
    if "kind" in fields and fields["kind"] not in ActionKind.values:
        raise ValidationFailed({"kind": [f"Use one of: {', '.join(ActionKind.values)}."]})
    for name in ("description", "criterion"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "description" in fields and not fields["description"]:
        raise ValidationFailed({"description": ["Say what will be done."]})
    if "criterion" in fields and not fields["criterion"]:
        raise ValidationFailed(
            {"criterion": ["Say how effectiveness will be judged, e.g. “no recurrence in 90 days”."]}
        )
    days = fields.get("check_after_days")
    if days is not None and not 0 <= days <= MAX_CHECK_DAYS:
        raise ValidationFailed({"check_after_days": [f"Between 0 and {MAX_CHECK_DAYS} days."]})


def _links(by: Any, links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = sorted({(str(t).strip(), str(i).strip()) for t, i in links})
    for record_type, record_id in pairs:
        resolve(by, record_type, record_id)
    return pairs


@transaction.atomic
def action_add(
    *,
    by: Any,
    event: Event,
    description: str,
    owner: Any,
    due: dt.date,
    criterion: str,
    kind: str = ActionKind.CORRECTIVE,
    check_after_days: int = 90,
    follow_up_of: Action | None = None,
    links: Iterable[tuple[str, str]] = (),
) -> Action:
    """Plan an action on an event past triage; a follow-up answers an action found ineffective."""
    _require(by, event)
    _open(event)
    if event.status == EventStatus.REPORTED:
        raise WorkflowError(f"{event.reference} waits for triage; triage it before planning actions.")
    fields = {
        "description": description,
        "owner": owner,
        "due": due,
        "criterion": criterion,
        "kind": kind,
        "check_after_days": check_after_days,
    }
    _check_plan(fields, event)
    if follow_up_of is not None:
        if follow_up_of.event_id != event.pk:
            raise ValidationFailed({"follow_up_of": [f"{follow_up_of} belongs to another event."]})
        if follow_up_of.status != A.INEFFECTIVE:
            raise ValidationFailed(
                {
                    "follow_up_of": [
                        f"{follow_up_of} is {workflow.action_label(follow_up_of.status)}; "
                        "only an ineffective action needs a follow-up."
                    ]
                }
            )
    pairs = _links(by, links)
    Event.objects.select_for_update().filter(pk=event.pk).first()  # numbers stay unique under concurrent adds
    last = event.actions.aggregate(n=Max("number"))["n"] or 0
    action = Action(event=event, number=last + 1, follow_up_of=follow_up_of, **fields)
    note = f"follow-up of action {follow_up_of.number}" if follow_up_of is not None else ""
    create_record(action, by=by, note=note)
    ActionLink.objects.bulk_create([ActionLink(action=action, record_type=t, record_id=i) for t, i in pairs])
    return action


@transaction.atomic
def action_update(*, by: Any, action: Action, version: int, **fields: Any) -> Action:
    """Re-plan an open action: its description, owner, due date, criterion or check delay."""
    event = action.event
    _require(by, event)
    _open(event)
    unknown = sorted(set(fields) - set(ACTION_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if action.status != A.OPEN:
        raise WorkflowError(f"{action} is {workflow.action_label(action.status)}; only an open action is re-planned.")
    _check_plan(fields, event)
    return update_record(action, by=by, version=version, changes=fields)


@transaction.atomic
def action_link(*, by: Any, action: Action, record_type: str, record_id: str) -> ActionLink:
    """Name one more record the action changes."""
    _require(by, action.event)
    _open(action.event)
    ((kind, pk),) = _links(by, [(record_type, record_id)])
    link, created = ActionLink.objects.get_or_create(action=action, record_type=kind, record_id=pk)
    if created:
        from ims.audit.services import record_change

        record_change(action="link", by=by, record=action, changes={"links": [None, f"{kind}:{pk}"]})
    return link


@transaction.atomic
def action_complete(
    *, by: Any, action: Action, version: int, done_on: dt.date | None = None, note: str = ""
) -> EffectivenessCheck:
    """Mark an action done (its owner, or anyone who may change the event); schedule its effectiveness check."""
    event = action.event
    if action.owner_id != getattr(by, "pk", None):
        _require(by, event)
    elif not can(by, Permission.VIEW, site_id=event.site_id):
        raise PermissionRefused(f"You are not allowed to see events at {event.site}.")
    _open(event)
    target = _state(action, "complete")
    day = done_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed({"done_on": [f"{day:%Y-%m-%d} is in the future; mark it done once it is done."]})
    changes = {"status": target, "done_on": day, "done_note": (note or "").strip()}
    update_record(action, by=by, version=version, changes=changes, note=f"done on {day:%Y-%m-%d}")
    check = EffectivenessCheck(
        action=action, criterion=action.criterion, due=day + dt.timedelta(days=action.check_after_days)
    )
    return create_record(check, by=by, note=f"due {check.due:%Y-%m-%d}: {check.criterion}")


@transaction.atomic
def action_cancel(*, by: Any, action: Action, version: int, reason: str) -> Action:
    _require(by, action.event)
    _open(action.event)
    target = _state(action, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [f"Say why action {action.number} is cancelled."]})
    return update_record(
        action, by=by, version=version, changes={"status": target, "cancel_reason": reason}, note=f"cancelled: {reason}"
    )


def pending_check(action: Action) -> EffectivenessCheck | None:
    return action.checks.filter(result="").first()


@transaction.atomic
def check_record(*, by: Any, action: Action, version: int, result: str, evidence: str) -> EffectivenessCheck:
    """Record the verdict of an action's effectiveness check; an ineffective action needs a follow-up."""
    event = action.event
    require(by, Permission.CHANGE, site_id=event.site_id, what=f"effectiveness checks at {event.site}")
    _open(event)
    if result not in CheckResult.values:
        raise ValidationFailed({"result": [f"Use one of: {', '.join(CheckResult.values)}."]})
    if action.status == A.OPEN:
        raise WorkflowError(f"{action} is not implemented yet; its effectiveness can be checked once it is done.")
    target = _state(action, result)
    check = pending_check(action)
    assert check is not None  # a done action always has its check scheduled
    today = timezone.localdate()
    if result == CheckResult.EFFECTIVE and check.due > today:
        raise WorkflowError(
            f"The effectiveness check of action {action.number} is due on {check.due:%Y-%m-%d} "
            f"(“{check.criterion}”); it can be confirmed effective from then on. "
            "An ineffective result can be recorded at any time."
        )
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationFailed({"evidence": ["Say what you looked at to decide."]})
    update_record(
        check,
        by=by,
        version=check.version,
        changes={"result": result, "evidence": evidence, "checked_by": by, "checked_at": timezone.now()},
        note=result,
    )
    update_record(action, by=by, version=version, changes={"status": target}, note=f"effectiveness check: {result}")
    if target == A.INEFFECTIVE and event.status == EventStatus.EFFECTIVENESS:
        transition = workflow.find(event.status, EventStatus.ACTION_PLAN)
        assert transition is not None
        _move(
            by=by,
            event=event,
            version=event.version,
            transition=transition,
            note=f"Effectiveness check → Action plan: action {action.number} was ineffective",
        )
    return check
