"""Readiness figures: scores per standard and clause group, computed from live records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ims.readiness.checks import Outcome, Status, run_all
from ims.readiness.models import Applicability, Assessment
from ims.standards.models import Clause, Edition

# How far each status goes toward "ready"; a failing check holds the requirement at in-progress.
WEIGHT = {
    Assessment.Status.NOT_STARTED: 0.0,
    Assessment.Status.IN_PROGRESS: 0.25,
    Assessment.Status.IMPLEMENTED: 0.75,
    Assessment.Status.VERIFIED: 1.0,
}


def editions_in_scope() -> list[Edition]:
    """The editions the organisation applies: from its scope statements, else the newest of each standard.

    A standard whose scope statement says "not in scope" is left out; one in
    scope without a chosen edition counts with its newest edition.
    """
    from ims.org.models import ScopeStatement
    from ims.standards.selectors import current_editions

    newest = {e.standard.code: e for e in current_editions()}
    statements = {s.standard: s for s in ScopeStatement.objects.select_related("edition__standard")}
    if not statements:
        return list(newest.values())
    chosen = []
    for code, edition in newest.items():
        statement = statements.get(code)
        if statement is None or not statement.in_scope:
            continue
        chosen.append(statement.edition or edition)
    return chosen


def is_applicable(clause: Clause) -> bool:
    return not Applicability.objects.filter(clause=clause, applicable=False).exists()


def checks_for(clause: Clause, outcomes: list[Outcome]) -> list[Outcome]:
    """Checks registered for this clause or one of its sub-clauses (e.g. 7.5 covers 7.5.3)."""
    code, number = clause.edition.standard.code, clause.number
    return [
        o
        for o in outcomes
        if any(
            c.standard == code and (c.number == number or number.startswith(c.number + ".")) for c in o.check.clauses
        )
    ]


@dataclass
class RequirementState:
    clause: Clause
    status: str
    applicable: bool
    checks: list[Outcome] = field(default_factory=list)

    @property
    def failing(self) -> list[Outcome]:
        return [o for o in self.checks if o.result.status == Status.FAIL]

    @property
    def status_label(self) -> str:
        return str(Assessment.Status(self.status).label)

    @property
    def mandates_information(self) -> bool:
        return bool(self.clause.mandated.all())  # prefetched by edition_readiness

    @property
    def weight(self) -> float:
        value = WEIGHT[Assessment.Status(self.status)]
        return min(value, WEIGHT[Assessment.Status.IN_PROGRESS]) if self.failing else value


@dataclass
class EditionReadiness:
    edition: Edition
    requirements: list[RequirementState]

    @property
    def score(self) -> float:
        counted = [r for r in self.requirements if r.applicable]
        return round(100 * sum(r.weight for r in counted) / len(counted), 1) if counted else 0.0

    def gaps(self) -> list[RequirementState]:
        """Applicable requirements not yet fully ready, in the order they block certification:
        failing checks first, then mandated documented information, then the least advanced."""
        found = [r for r in self.requirements if r.applicable and (r.failing or r.weight < 1)]
        return sorted(found, key=lambda r: (not r.failing, not r.mandates_information, r.weight, r.clause.sort_key))

    def by_group(self) -> dict[str, float]:
        groups: dict[str, list[RequirementState]] = defaultdict(list)
        for r in self.requirements:
            if r.applicable:
                groups[r.clause.number.split(".")[0]].append(r)
        return {
            g: round(100 * sum(r.weight for r in rs) / len(rs), 1)
            for g, rs in sorted(groups.items(), key=lambda i: int(i[0]))
        }


def edition_readiness(edition: Edition, outcomes: list[Outcome] | None = None) -> EditionReadiness:
    """Every requirement of an edition with its status: one query per table, whatever the size."""
    outcomes = run_all() if outcomes is None else outcomes
    clauses = list(
        Clause.objects.filter(edition=edition, requirements=True, withdrawn=False)
        .select_related("edition__standard")
        .prefetch_related("mandated")
        .order_by("sort_key")
    )
    excluded = set(
        Applicability.objects.filter(clause__edition=edition, applicable=False).values_list("clause_id", flat=True)
    )
    by_clause = dict(Assessment.objects.filter(clause__edition=edition).values_list("clause_id", "status"))
    by_hs = dict(Assessment.objects.exclude(hs_number="").values_list("hs_number", "status"))
    states = []
    for clause in clauses:
        if clause.common and clause.hs_number:
            status = by_hs.get(clause.hs_number, Assessment.Status.NOT_STARTED)
        else:
            status = by_clause.get(clause.pk, Assessment.Status.NOT_STARTED)
        states.append(RequirementState(clause, status, clause.pk not in excluded, checks_for(clause, outcomes)))
    return EditionReadiness(edition, states)
