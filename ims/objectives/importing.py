"""Importing objectives from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from ims.context.importing import standards
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed
from ims.objectives.models import Direction, Objective
from ims.objectives.services import objective_create, objective_update
from ims.org.models import Site
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

COLUMNS = [
    Column("reference", help="Stable key (OBJ-007); a row with a known reference updates that objective"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("title", aliases=("objective",), required=True),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)"),
    Column("baseline", aliases=("baseline value",), required=True, parse=values.decimal),
    Column("baseline date", required=True, parse=values.date),
    Column("target", aliases=("target value",), required=True, parse=values.decimal),
    Column("unit", required=True),
    Column(
        "direction",
        required=True,
        parse=lambda v: values.choice(v, {c: str(label) for c, label in Direction.choices}),
    ),
    Column("deadline", required=True, parse=values.date),
    Column("plan", aliases=("what will be done",), required=True),
    Column("resources"),
    Column("evaluation", aliases=("how results are evaluated",)),
]

# The service names fields; a refusal names the file's column instead.
FIELD_COLUMNS = {
    "baseline_value": "baseline",
    "baseline_date": "baseline date",
    "target_value": "target",
    "plan_what": "plan",
    "plan_resources": "resources",
}


def _in_columns(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed({FIELD_COLUMNS.get(name, name): msgs for name, msgs in exc.errors.items()})


def import_objectives(*, by: Any, stream: IO[bytes]) -> ImportReport:
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
            "standards": data["standards"] or list(StandardServed.values),
            "baseline_value": data["baseline"],
            "baseline_date": data["baseline date"],
            "target_value": data["target"],
            "unit": data["unit"],
            "direction": data["direction"],
            "deadline": data["deadline"],
            "plan_what": data["plan"],
            "plan_resources": data["resources"] or "",
            "evaluation": data["evaluation"] or "",
        }
        existing = Objective.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            objective_create(by=by, site=site, reference=data["reference"] or "", **fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        updated = objective_update(by=by, objective=existing, version=existing.version, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
