"""The revision lifecycle, as one explicit table.

    draft ──submit──▶ in review ──all signed──▶ approved ──publish──▶ effective ──▶ superseded
      ▲                  │  ╲                                              │        (by the next publish)
      │               recall  reject (signed, with reason)                 └─withdraw─▶ obsolete
      │                  ▼       ▼
      └──rework──── draft ◀── changes requested

Each row names the operation, the permission it needs and whether it is done
by a person or follows from signatures (``auto``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ims.accounts.permissions import Action
from ims.documents.models import RevisionStatus as S


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    operation: str
    action: Action
    auto: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.IN_REVIEW, "submit", Action.CHANGE),
    Transition(S.IN_REVIEW, S.DRAFT, "recall", Action.CHANGE),
    Transition(S.IN_REVIEW, S.CHANGES_REQUESTED, "reject", Action.VIEW, auto=True),
    Transition(S.IN_REVIEW, S.APPROVED, "approve", Action.VIEW, auto=True),
    Transition(S.CHANGES_REQUESTED, S.DRAFT, "rework", Action.CHANGE),
    Transition(S.APPROVED, S.EFFECTIVE, "publish", Action.APPROVE),
    Transition(S.EFFECTIVE, S.SUPERSEDED, "supersede", Action.APPROVE, auto=True),
    Transition(S.EFFECTIVE, S.OBSOLETE, "withdraw", Action.APPROVE),
)

_BY_KEY = {(t.source, t.operation): t for t in TRANSITIONS}


def find(source: str, operation: str) -> Transition | None:
    return _BY_KEY.get((source, operation))


def operations_from(source: str, *, manual_only: bool = True) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and not (manual_only and t.auto)]


def label(status: str) -> str:
    return str(dict(S.choices).get(status, status))
