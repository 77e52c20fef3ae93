"""Importing obligations from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from ims.core.errors import ValidationFailed
from ims.obligations.models import Kind, Obligation
from ims.obligations.services import obligation_create, obligation_update
from ims.org.models import Site
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse


def _months(value: Any) -> int:
    number = values.decimal(value)
    if number != int(number) or not 1 <= number <= 60:
        raise values.CellError(f"“{values.text(value)}” is not a whole number of months from 1 to 60")
    return int(number)


def _codes(value: Any) -> list[str]:
    return [c.strip() for c in values.text(value).split(",") if c.strip()]


COLUMNS = [
    Column("reference", help="Stable key (OBL-007); a row with a known reference updates that obligation"),
    Column("title", required=True),
    Column("kind", required=True, parse=lambda v: values.choice(v, {c: str(label) for c, label in Kind.choices})),
    Column("jurisdiction"),
    Column("issuer"),
    Column("citation", aliases=("reference url", "url")),
    Column("sites", parse=_codes, help="Comma-separated site codes; empty for all sites"),
    Column("requirement", aliases=("what it requires",)),
    Column("frequency", aliases=("evaluation frequency (months)", "evaluation frequency months"), parse=_months),
    Column("standards", parse=_codes, help="Comma-separated standard codes, e.g. iso14001, iso9001"),
]


def import_obligations(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        data = row.values
        codes = data["sites"] or []
        unknown = [c for c in codes if c.lower() not in sites]
        if unknown:
            listed = ", ".join(f"“{c}”" for c in unknown)
            raise ValidationFailed(
                {"sites": [f"{listed} {'is not a site code' if len(unknown) == 1 else 'are not site codes'}."]}
            )
        row_sites = [sites[c.lower()] for c in codes]
        fields = {
            "title": data["title"],
            "kind": data["kind"],
            "jurisdiction": (data["jurisdiction"] or "").upper(),
            "issuer": data["issuer"] or "",
            "citation": data["citation"] or "",
            "requirement": data["requirement"] or "",
            "evaluation_frequency_months": data["frequency"] or 12,
            "standards": [s.lower() for s in data["standards"] or ["iso14001"]],
        }
        existing = Obligation.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            obligation_create(by=by, sites=row_sites, reference=data["reference"] or "", **fields)
            return "created"
        before = existing.version
        updated = obligation_update(by=by, record=existing, version=existing.version, sites=row_sites, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
