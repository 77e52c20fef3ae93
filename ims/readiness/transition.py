"""Edition transition: what changes for this organisation when it moves to the next edition.

For an organisation on ISO 14001:2015, each line of the 2015 → 2026 mapping
is joined with what the organisation has recorded against the old clause —
its assessment, evidence and applicability — and turned into the action the
transition needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ims.readiness.models import Applicability, Assessment
from ims.standards.models import Clause, Edition, EditionChange

ACTIONS = {
    EditionChange.Change.NEW: "New requirement: plan it, assign an owner and assess it.",
    EditionChange.Change.CHANGED: "Changed requirement: review the assessment and evidence against the new wording.",
    EditionChange.Change.MOVED: "Renumbered: the assessment and evidence carry over; update references in documents.",
    EditionChange.Change.REMOVED: "Removed: its records stay as history; nothing new to implement.",
    EditionChange.Change.UNCHANGED: "No change needed.",
}


@dataclass(frozen=True)
class TransitionRow:
    change: EditionChange
    old: Clause | None
    new: Clause | None
    assessment: Assessment | None
    evidence: int
    not_applicable: bool
    action: str

    @property
    def affected(self) -> bool:
        """Whether the organisation has to do something for this line."""
        return self.change.change in (EditionChange.Change.NEW, EditionChange.Change.CHANGED) or (
            self.change.change == EditionChange.Change.MOVED and self.assessment is not None
        )


def transition_rows(old: Edition, new: Edition) -> list[TransitionRow]:
    old_clauses = {c.number: c for c in Clause.objects.filter(edition=old)}
    new_clauses = {c.number: c for c in Clause.objects.filter(edition=new)}
    by_clause = {a.clause_id: a for a in Assessment.objects.filter(clause__edition=old).prefetch_related("evidence")}
    by_hs = {a.hs_number: a for a in Assessment.objects.exclude(hs_number="").prefetch_related("evidence")}
    excluded = set(
        Applicability.objects.filter(clause__edition=old, applicable=False).values_list("clause_id", flat=True)
    )
    rows = []
    for change in EditionChange.objects.filter(from_edition=old, to_edition=new).order_by("id"):
        before, after = old_clauses.get(change.from_number), new_clauses.get(change.to_number)
        assessment = None
        if before is not None:
            assessment = by_hs.get(before.hs_number) if before.common and before.hs_number else by_clause.get(before.pk)
        rows.append(
            TransitionRow(
                change=change,
                old=before,
                new=after,
                assessment=assessment,
                evidence=len(assessment.evidence.all()) if assessment else 0,
                not_applicable=before is not None and before.pk in excluded,
                action=ACTIONS[EditionChange.Change(change.change)],
            )
        )
    return rows
