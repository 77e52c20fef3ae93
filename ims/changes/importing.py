"""Importing planned changes from CSV/XLSX: validated whole, matched on the reference, all or nothing.

The status is not imported: a change moves only through its workflow.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth import get_user_model

from ims.changes.models import PlannedChange
from ims.changes.services import change_create, change_update
from ims.context.importing import standards
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.processes.models import Process
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

COLUMNS = [
    Column("reference", help="Stable key (CHG-007); a row with a known reference updates that change"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("title", required=True),
    Column("purpose", required=True),
    Column("consequences", aliases=("consequences considered",)),
    Column("resources", aliases=("resources needed",)),
    Column("owner", help="User name of the person responsible"),
    Column("responsibilities"),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)"),
    Column("processes", aliases=("affected processes",), help="Process references separated by commas"),
    Column("planned date", parse=values.date),
    Column("review date", parse=values.date),
]


def import_changes(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}
    users = get_user_model().objects

    def write(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        owner = None
        if data["owner"]:
            owner = users.filter(username__iexact=data["owner"], is_active=True).first()
            if owner is None:
                raise ValidationFailed({"owner": [f"“{data['owner']}” is not an active user name."]})
        refs = [r.strip() for r in str(data["processes"] or "").replace(";", ",").split(",") if r.strip()]
        found = {p.reference.lower(): p.pk for p in Process.objects.filter(reference__in=refs)}
        unknown = [r for r in refs if r.lower() not in found]
        if unknown:
            raise ValidationFailed({"processes": [f"Unknown process reference(s): {', '.join(unknown)}."]})
        fields = {
            "title": data["title"],
            "purpose": data["purpose"],
            "consequences": data["consequences"] or "",
            "resources": data["resources"] or "",
            "owner": owner,
            "responsibilities": data["responsibilities"] or "",
            "standards": data["standards"] or list(StandardServed.values),
            "planned_date": data["planned date"],
            "review_date": data["review date"],
        }
        processes = [found[r.lower()] for r in refs]
        existing = PlannedChange.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            change_create(by=by, site=site, reference=data["reference"] or "", processes=processes, **fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        updated = change_update(by=by, change=existing, version=existing.version, processes=processes, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
