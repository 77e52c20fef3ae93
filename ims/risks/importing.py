"""Importing risks and opportunities from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from ims.context.importing import standards
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.risks.models import Kind, Risk, SourceKind
from ims.risks.services import risk_create, risk_update
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse


def _labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    return {code: str(label) for code, label in choices}


def level(value: Any) -> int:
    number = values.decimal(value)
    if number != number.to_integral_value():
        raise values.CellError(f"“{value}” is not a whole number")
    return int(number)


COLUMNS = [
    Column("reference", help="Stable key (RSK-007); a row with a known reference updates that risk"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("title", required=True),
    Column("description"),
    Column("kind", required=True, parse=lambda v: values.choice(v, _labels(Kind.choices))),
    Column("source", aliases=("source kind",), parse=lambda v: values.choice(v, _labels(SourceKind.choices))),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)"),
    Column("likelihood", required=True, parse=level),
    Column("consequence", required=True, parse=level),
    Column("residual likelihood", parse=level),
    Column("residual consequence", parse=level),
    Column("review date", parse=values.date),
]

# The service names fields; a refusal names the file's column instead.
FIELD_COLUMNS = {
    "source_kind": "source",
    "residual_likelihood": "residual likelihood",
    "residual_consequence": "residual consequence",
    "review_date": "review date",
}


def _in_columns(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed({FIELD_COLUMNS.get(name, name): msgs for name, msgs in exc.errors.items()})


def import_risks(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        try:
            return _write(row)
        except ValidationFailed as exc:
            raise _in_columns(exc) from None

    def _write(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        fields = {
            "title": data["title"],
            "description": data["description"] or "",
            "kind": data["kind"],
            "source_kind": data["source"] or SourceKind.OTHER,
            "standards": data["standards"] or list(StandardServed.values),
            "likelihood": data["likelihood"],
            "consequence": data["consequence"],
            "residual_likelihood": data["residual likelihood"],
            "residual_consequence": data["residual consequence"],
            "review_date": data["review date"],
        }
        existing = Risk.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            risk_create(by=by, site=site, reference=data["reference"] or "", **fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        updated = risk_update(by=by, risk=existing, version=existing.version, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
