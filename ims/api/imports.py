"""The answer of every register's CSV/XLSX import endpoint."""

from __future__ import annotations

from pydantic import BaseModel

from ims.tabular.importer import ImportReport


class ImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    ignored_columns: list[str]

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        return cls(
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            ignored_columns=report.ignored_columns,
        )
