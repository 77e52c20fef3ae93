"""The workflow of an event and of its actions, as explicit tables.

    reported ──triage──▶ triaged ──contain──▶ containment ──analyse──▶ root cause analysis ──plan──▶ action plan
    triaged ──analyse──▶ root cause analysis       (when the type needs no containment first)
    triaged ──plan──▶ action plan                  (improvement opportunities only)
    action plan ──implement──▶ implementation ──verify──▶ effectiveness check ──close (e-signature)──▶ closed
    effectiveness check ──reopen──▶ action plan    (an action was found ineffective)
    reported, triaged ──reject (reason)──▶ rejected
    reported, triaged ──duplicate (reason, original)──▶ duplicate

Each row names the operation, the permission it needs at the event's site and
the guard that lists what is still missing. Services look transitions up here;
nothing else decides which move is allowed.

An action: open ──complete──▶ done ──check: effective──▶ verified effective
                                    └──check: ineffective──▶ ineffective (a follow-up action is then required)
           open ──cancel (reason)──▶ cancelled
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ims.accounts.permissions import Action as Permission
from ims.improvement.models import (
    CONTAINMENT_REQUIRED,
    OUTPUT_TYPES,
    ActionStatus,
    Event,
    EventStatus,
    EventType,
)
from ims.improvement.models import Action as ImprovementAction

S = EventStatus
A = ActionStatus

Guard = Callable[[Event], list[str]]


def label(status: str) -> str:
    return str(dict(S.choices).get(status, status))


def _quote(action: ImprovementAction) -> str:
    return f"action {action.number} “{action.short}”"


def _live_actions(event: Event) -> list[ImprovementAction]:
    return [a for a in event.actions.order_by("number") if a.status != A.CANCELLED]


def owner_and_severity(event: Event) -> list[str]:
    missing = []
    if event.owner_id is None:
        missing.append("no owner is assigned")
    if event.severity_id is None:
        missing.append("no severity is set")
    return missing


def containment_optional(event: Event) -> list[str]:
    if event.type in CONTAINMENT_REQUIRED:
        kind = EventType(event.type).label.lower()
        return [f"a {kind} needs containment first: record what was done with what is affected"]
    return []


def containment_recorded(event: Event) -> list[str]:
    records = list(event.containments.all())
    if not records:
        return ["no containment or correction is recorded"]
    if event.type in OUTPUT_TYPES and not any(c.disposition for c in records):
        return ["no disposition of the nonconforming output is recorded (scrap, rework, concession, return …)"]
    return []


def root_cause_recorded(event: Event) -> list[str]:
    if not event.needs_root_cause:
        return []
    missing = []
    if not event.root_cause.strip():
        missing.append("the root cause is not recorded")
    if event.cause_category_id is None:
        missing.append("no cause category is chosen")
    return missing


def improvement_only(event: Event) -> list[str]:
    if event.type != EventType.IMPROVEMENT:
        return ["only an improvement opportunity goes straight to the action plan; find the root cause first"]
    return []


def _unanswered_ineffective(actions: list[ImprovementAction]) -> list[str]:
    followed = {a.follow_up_of_id for a in actions if a.follow_up_of_id is not None}
    return [
        f"{_quote(a)} was ineffective and has no follow-up action"
        for a in actions
        if a.status == A.INEFFECTIVE and a.pk not in followed
    ]


def actions_planned(event: Event) -> list[str]:
    actions = _live_actions(event)
    if not actions:
        return ["no action is planned"]
    return _unanswered_ineffective(actions)


def actions_done(event: Event) -> list[str]:
    actions = _live_actions(event)
    if not actions:
        return ["no action is planned"]
    missing = [f"{_quote(a)} is still open (due {a.due:%Y-%m-%d})" for a in actions if a.status == A.OPEN]
    return missing + _unanswered_ineffective(actions)


def ready_to_close(event: Event) -> list[str]:
    """Root cause recorded; every action verified effective (an ineffective one answered by a follow-up)."""
    missing = root_cause_recorded(event)
    actions = _live_actions(event)
    if not actions:
        missing.append("no action was taken")
    for a in actions:
        if a.status == A.OPEN:
            missing.append(f"{_quote(a)} is not done")
        elif a.status == A.DONE:
            missing.append(f"{_quote(a)} is not verified effective")
    # An ineffective action is answered by a follow-up, which must itself be verified effective,
    # so a chain always ends with an action verified effective.
    return missing + _unanswered_ineffective(actions)


def some_action_ineffective(event: Event) -> list[str]:
    if not any(a.status == A.INEFFECTIVE for a in _live_actions(event)):
        return ["no action was found ineffective"]
    return []


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    operation: str
    permission: Permission
    guard: Guard | None = None
    signed: bool = False  # done with an electronic signature, by the event's owner or an approver
    reason: bool = False  # needs a reason

    @property
    def verb(self) -> str:
        return VERBS.get(self.operation, self.operation)


VERBS = {
    "triage": "be triaged",
    "contain": "go to containment",
    "analyse": "go to root cause analysis",
    "plan": "go to the action plan",
    "implement": "go to implementation",
    "verify": "go to the effectiveness check",
    "reopen": "go back to the action plan",
    "close": "close",
    "reject": "be rejected",
    "duplicate": "be marked a duplicate",
}

CHANGE = Permission.CHANGE

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.REPORTED, S.TRIAGED, "triage", CHANGE, owner_and_severity),
    Transition(S.REPORTED, S.REJECTED, "reject", CHANGE, reason=True),
    Transition(S.REPORTED, S.DUPLICATE, "duplicate", CHANGE, reason=True),
    Transition(S.TRIAGED, S.CONTAINMENT, "contain", CHANGE),
    Transition(S.TRIAGED, S.ROOT_CAUSE, "analyse", CHANGE, containment_optional),
    Transition(S.TRIAGED, S.ACTION_PLAN, "plan", CHANGE, improvement_only),
    Transition(S.TRIAGED, S.REJECTED, "reject", CHANGE, reason=True),
    Transition(S.TRIAGED, S.DUPLICATE, "duplicate", CHANGE, reason=True),
    Transition(S.CONTAINMENT, S.ROOT_CAUSE, "analyse", CHANGE, containment_recorded),
    Transition(S.ROOT_CAUSE, S.ACTION_PLAN, "plan", CHANGE, root_cause_recorded),
    Transition(S.ACTION_PLAN, S.IMPLEMENTATION, "implement", CHANGE, actions_planned),
    Transition(S.IMPLEMENTATION, S.EFFECTIVENESS, "verify", CHANGE, actions_done),
    Transition(S.EFFECTIVENESS, S.ACTION_PLAN, "reopen", CHANGE, some_action_ineffective),
    Transition(S.EFFECTIVENESS, S.CLOSED, "close", CHANGE, ready_to_close, signed=True),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((source, target))


def targets_from(source: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == source]


def refusal(event: Event, target: str) -> str:
    """Why ``event`` cannot move to ``target`` at all (the table has no such row)."""
    nexts = targets_from(event.status)
    follow = (
        f"from {label(event.status)} it can go to: {', '.join(label(n) for n in nexts)}."
        if nexts
        else f"{label(event.status)} is final."
    )
    return f"{event.reference} cannot go from {label(event.status)} to {label(target)}; {follow}"


def missing_for(event: Event, transition: Transition) -> list[str]:
    return transition.guard(event) if transition.guard is not None else []


def blocked(event: Event, transition: Transition, missing: list[str]) -> str:
    """The refusal naming all that is missing: “NC-2026-0004 cannot close: action 2 “…” is not verified effective.”"""
    return f"{event.reference} cannot {transition.verb}: {'; '.join(missing)}."


# --- actions ----------------------------------------------------------------------------

ACTION_TRANSITIONS: dict[tuple[str, str], str] = {
    # (current, operation) -> resulting status
    (A.OPEN, "complete"): A.DONE,
    (A.OPEN, "cancel"): A.CANCELLED,
    (A.DONE, "effective"): A.VERIFIED_EFFECTIVE,
    (A.DONE, "ineffective"): A.INEFFECTIVE,
}


def action_label(status: str) -> str:
    return str(dict(A.choices).get(status, status)).lower()
