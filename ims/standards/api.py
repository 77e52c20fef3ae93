"""API for the standards library (read-only reference data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Query, Router, Schema
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.standards import selectors
from ims.standards.models import Clause, Edition

router = Router(tags=["standards library"])


class EditionOut(Schema):
    key: str
    standard: str
    name: str
    title: str
    edition: str
    label: str
    published: date
    amendments: list[dict[str, Any]]
    supersedes: str | None
    allows_exclusions: bool
    exclusion_rule: str

    @staticmethod
    def resolve_standard(obj: Edition) -> str:
        return obj.standard.code

    @staticmethod
    def resolve_name(obj: Edition) -> str:
        return obj.standard.name

    @staticmethod
    def resolve_title(obj: Edition) -> str:
        return obj.standard.title

    @staticmethod
    def resolve_edition(obj: Edition) -> str:
        return obj.code

    @staticmethod
    def resolve_supersedes(obj: Edition) -> str | None:
        return obj.supersedes.key if obj.supersedes else None


class MandatedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    what: str


class ClauseOut(Schema):
    ref: str
    number: str
    title: str
    parent: str | None
    requirements: bool
    summary: str
    hs: str | None
    common: bool
    excludable: bool
    documented_information: list[MandatedOut]

    @staticmethod
    def resolve_parent(obj: Clause) -> str | None:
        return obj.parent.number if obj.parent else None

    @staticmethod
    def resolve_hs(obj: Clause) -> str | None:
        return obj.hs_number or None

    @staticmethod
    def resolve_documented_information(obj: Clause) -> list[Any]:
        return list(obj.mandated.all())


@router.get("/standards", response=list[EditionOut], summary="Editions in the standards library")
def list_editions(request: ApiRequest) -> Any:
    return list(selectors.editions())


@router.get("/standards/{standard}/{edition}/clauses", response=list[ClauseOut], summary="All clauses of an edition")
def list_clauses(request: ApiRequest, standard: str, edition: str) -> Any:
    return list(selectors.clauses_of(selectors.edition_get(f"{standard}:{edition}")))


@router.get("/standards/{standard}/{edition}/clauses/{number}", response=ClauseOut)
def get_clause(request: ApiRequest, standard: str, edition: str, number: str) -> Any:
    return selectors.clause_get(selectors.edition_get(f"{standard}:{edition}"), number)


class MatrixCell(BaseModel):
    edition: str
    clauses: list[str]


class MatrixRowOut(BaseModel):
    hs: str | None
    title: str
    kind: str
    cells: list[MatrixCell]


class MatrixGroupOut(BaseModel):
    number: str
    title: str
    rows: list[MatrixRowOut]


@router.get("/standards/matrix", response=list[MatrixGroupOut], summary="Cross-reference matrix on the HS")
def get_matrix(request: ApiRequest, e: list[str] = Query(default=[])) -> Any:  # noqa: B008
    selected = [selectors.edition_get(k) for k in e] if e else selectors.current_editions()
    keys = {ed.pk: ed.key for ed in selected}
    return [
        MatrixGroupOut(
            number=g.number,
            title=g.title,
            rows=[
                MatrixRowOut(
                    hs=row.number if row.hs else None,
                    title=row.title,
                    kind=row.kind,
                    cells=[MatrixCell(edition=keys[k], clauses=[c.number for c in v]) for k, v in row.cells.items()],
                )
                for row in g.rows
            ],
        )
        for g in selectors.matrix(selected)
    ]


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_number: str
    to_number: str
    change: str
    note: str


@router.get("/standards/changes", response=list[ChangeOut], summary="Clause mapping between two editions")
def get_changes(request: ApiRequest, old: str, new: str) -> Any:
    return list(selectors.edition_changes(selectors.edition_get(old), selectors.edition_get(new)))
