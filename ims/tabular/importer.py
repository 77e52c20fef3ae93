"""All-or-nothing imports: validate every row, report every problem, write all or nothing.

A register describes its columns once (:class:`Column`); :func:`parse` turns a
file into typed rows or refuses it with every problem found (row, column,
what is wrong); :func:`apply` hands each row to the register's service inside
one transaction, collects the service's refusals with their row numbers, and
rolls everything back if there was any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from ims.core.errors import ImsError
from ims.tabular import values
from ims.tabular.reader import Row, TableError, read_table

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any] = values.text
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


class ImportRefused(ImsError):
    """Nothing was imported; ``problems`` lists every reason, by row and column."""

    slug = "validation"
    title = "The file was not imported"
    status = 422

    def __init__(self, problems: list[Problem], *, more: int = 0) -> None:
        self.problems = problems
        lines = [str(p) for p in problems] + ([f"… and {more} more problems"] if more else [])
        super().__init__(
            f"Nothing was imported: {len(problems) + more} problem(s) in the file. " + " ".join(lines[:3]),
            problems=lines,
        )


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(row, column, message))
        else:
            self.more += 1

    def refuse_if_any(self) -> None:
        if self.items:
            raise ImportRefused(self.items, more=self.more)


def parse(stream: IO[bytes], columns: list[Column], *, key: str | None = None) -> tuple[list[ParsedRow], list[str]]:
    """Typed rows keyed by column name, and the names of columns that were ignored."""
    try:
        header, rows = read_table(stream)
    except TableError as exc:
        raise ImportRefused([Problem(1, "", str(exc))]) from None
    problems = _Problems()
    mapping = _map_columns(header, columns, problems)
    problems.refuse_if_any()
    parsed = _parse_rows(rows, columns, mapping, problems)
    if key is not None:
        _check_unique(parsed, key, problems)
    problems.refuse_if_any()
    known = {n for c in columns for n in c.names()}
    return parsed, [h for h in header if h not in known]


def _map_columns(header: list[str], columns: list[Column], problems: _Problems) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in columns:
        found = next((n for n in column.names() if n in header), None)
        if found is not None:
            mapping[column.name] = found
        elif column.required:
            problems.add(1, column.name, "this required column is missing from the header row")
    return mapping


def _parse_rows(
    rows: Iterable[Row], columns: list[Column], mapping: dict[str, str], problems: _Problems
) -> list[ParsedRow]:
    parsed = []
    try:
        for row in rows:
            result: dict[str, Any] = {}
            for column in columns:
                raw = row.cells.get(mapping.get(column.name, ""), None)
                if values.empty(raw):
                    if column.required:
                        problems.add(row.number, column.name, "is required")
                    result[column.name] = None
                    continue
                try:
                    result[column.name] = column.parse(raw)
                except values.CellError as exc:
                    problems.add(row.number, column.name, str(exc))
            parsed.append(ParsedRow(row.number, result))
    except TableError as exc:
        problems.add(0, "", str(exc))
    return parsed


def _check_unique(parsed: list[ParsedRow], key: str, problems: _Problems) -> None:
    first: dict[Any, int] = {}
    for row in parsed:
        value = row.values.get(key)
        if value is None:
            continue
        if value in first:
            problems.add(row.number, key, f"“{value}” appears again (first in row {first[value]})")
        else:
            first[value] = row.number


def apply(parsed: list[ParsedRow], write: Callable[[ParsedRow], str]) -> ImportReport:
    """Run ``write`` for every row in one transaction; any refusal rolls back the whole file.

    ``write`` returns "created", "updated" or "unchanged" and raises an
    :class:`ImsError` to refuse a row; every refusal is reported with its row.
    """
    report = ImportReport()
    problems = _Problems()
    with transaction.atomic():
        for row in parsed:
            try:
                with transaction.atomic():  # a savepoint: one bad row does not poison the rest
                    outcome = write(row)
            except ImsError as exc:
                for column, message in _messages(exc):
                    problems.add(row.number, column, message)
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if problems.items:
            transaction.set_rollback(True)
    problems.refuse_if_any()
    return report


def _messages(exc: ImsError) -> list[tuple[str, str]]:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return [("" if f == "__all__" else f, " ".join(m)) for f, m in errors.items()]
    return [("", exc.detail)]
