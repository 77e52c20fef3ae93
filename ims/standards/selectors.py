"""Reads of the standards library: editions, clause trees, the cross-reference matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from ims.core.errors import NotFound, ValidationFailed
from ims.standards.models import Clause, Edition, EditionChange, HsClause


def editions() -> QuerySet[Edition]:
    return Edition.objects.select_related("standard", "supersedes__standard").order_by("standard__code", "code")


def edition_get(key: str) -> Edition:
    """An edition by its key, e.g. ``iso14001:2015``."""
    code, _, year = key.partition(":")
    edition = editions().filter(standard__code=code, code=year).first()
    if edition is None:
        raise NotFound(f"No edition “{key}” in the standards library (run `ims load-standards`?).")
    return edition


def current_editions() -> list[Edition]:
    """The newest loaded edition of each standard."""
    newest: dict[str, Edition] = {}
    for edition in editions():
        newest[edition.standard.code] = edition  # ordered by year: the last wins
    return list(newest.values())


def clauses_of(edition: Edition) -> QuerySet[Clause]:
    return (
        Clause.objects.filter(edition=edition, withdrawn=False)
        .select_related("edition__standard", "parent")
        .prefetch_related("mandated")
        .order_by("sort_key")
    )


def clause_get(edition: Edition, number: str) -> Clause:
    clause = clauses_of(edition).filter(number=number).first()
    if clause is None:
        raise NotFound(f"{edition.label} has no clause {number}.")
    return clause


@dataclass
class MatrixRow:
    number: str  # HS number, or the clause number for a specific row
    title: str
    kind: str  # "common", "shared" (same HS clause, specific wording) or "specific"
    cells: dict[int, list[Clause]] = field(default_factory=dict)  # edition id -> clauses
    hs: HsClause | None = None


@dataclass
class MatrixGroup:
    number: str
    title: str
    rows: list[MatrixRow]


def matrix(selected: list[Edition]) -> list[MatrixGroup]:
    """The Harmonized Structure down the side, each edition's clauses side by side.

    A row is *common* when every selected edition answers that HS clause with
    its common requirement; a clause with no HS counterpart gets a *specific*
    row of its own under its main clause.
    """
    if len({e.standard_id for e in selected}) != len(selected):
        raise ValidationFailed({"editions": ["Choose at most one edition of each standard."]})
    by_hs: dict[str, dict[int, list[Clause]]] = defaultdict(lambda: defaultdict(list))
    specific: dict[str, list[Clause]] = defaultdict(list)
    for edition in selected:
        for clause in clauses_of(edition):
            if clause.hs_number:
                by_hs[clause.hs_number][edition.pk].append(clause)
            elif clause.requirements and clause.depth > 0:
                specific[clause.number.split(".")[0]].append(clause)
    groups: list[MatrixGroup] = []
    current: MatrixGroup | None = None
    for hs in HsClause.objects.order_by("sort_key"):
        if hs.depth == 0:
            current = MatrixGroup(hs.number, hs.title, [])
            groups.append(current)
        cells = dict(by_hs.get(hs.number, {}))
        row = MatrixRow(hs.number, hs.title, _kind(cells, len(selected)), cells, hs)
        if current is not None and hs.depth > 0:
            current.rows.append(row)
    for group in groups:
        for clause in sorted(specific.get(group.number, []), key=lambda c: (c.edition.standard.code, c.sort_key)):
            group.rows.append(MatrixRow(clause.number, clause.title, "specific", {clause.edition_id: [clause]}))
    return groups


def _kind(cells: dict[int, list[Clause]], editions_count: int) -> str:
    found_any = [c for found in cells.values() for c in found]
    if not found_any:
        return "none"
    clauses = [c for c in found_any if c.requirements] or found_any  # headings carry no requirement
    if len(cells) == editions_count and all(c.common for c in clauses):
        return "common"
    return "shared" if len(cells) > 1 else "specific"


def edition_changes(old: Edition, new: Edition) -> QuerySet[EditionChange]:
    return EditionChange.objects.filter(from_edition=old, to_edition=new).order_by("id")
