"""Importing aspects from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from ims.aspects.models import Aspect, Condition, LifeCycleStage
from ims.aspects.services import aspect_create, aspect_update
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

COLUMNS = [
    Column("reference", help="Stable key (ASP-007); a row with a known reference updates that aspect"),
    Column("site", required=True, help="Site code, e.g. LYO"),
    Column("activity", required=True),
    Column("aspect", required=True),
    Column("impact", required=True),
    Column("condition", parse=lambda v: values.choice(v, {c: str(label) for c, label in Condition.choices})),
    Column(
        "stage",
        aliases=("life-cycle stage", "life cycle stage"),
        parse=lambda v: values.choice(v, {c: str(label) for c, label in LifeCycleStage.choices}),
    ),
    Column("controls"),
    Column("review date", parse=values.date),
]


def import_aspects(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        data = row.values
        site = sites.get(str(data["site"]).lower())
        if site is None:
            raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        fields = {
            "activity": data["activity"],
            "aspect": data["aspect"],
            "impact": data["impact"],
            "condition": data["condition"] or Condition.NORMAL,
            "stage": data["stage"] or LifeCycleStage.PRODUCTION,
            "controls": data["controls"] or "",
            "review_date": data["review date"],
        }
        existing = Aspect.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            aspect_create(by=by, site=site, reference=data["reference"] or "", **fields)
            return "created"
        if existing.site_id != site.pk:
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site.code}; sites do not move."]}
            )
        before = existing.version
        updated = aspect_update(by=by, record=existing, version=existing.version, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
