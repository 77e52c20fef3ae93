"""Importing processes from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth import get_user_model

from ims.context.importing import standards
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.processes.models import Process, ProcessKind
from ims.processes.services import process_create, process_update
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

COLUMNS = [
    Column("reference", help="Stable key (PRC-07); a row with a known reference updates that process"),
    Column("name", aliases=("process",), required=True),
    Column(
        "kind",
        required=True,
        parse=lambda v: values.choice(v, {code: str(label) for code, label in ProcessKind.choices}),
    ),
    Column("owner", help="User name of the process owner"),
    Column("sites", help="Site codes separated by commas; empty for all sites"),
    Column("purpose"),
    Column("inputs", help="One per line"),
    Column("outputs", help="One per line"),
    Column("customers"),
    Column("resources"),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)"),
    Column("related records", aliases=("related",)),
    Column("review date", parse=values.date),
]


def import_processes(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}
    users = get_user_model().objects

    def write(row: ParsedRow) -> str:
        data = row.values
        site_list = []
        for code in str(data["sites"] or "").replace(";", ",").split(","):
            if code.strip():
                site = sites.get(code.strip().lower())
                if site is None:
                    raise ValidationFailed({"sites": [f"“{code.strip()}” is not a site code."]})
                site_list.append(site)
        owner = None
        if data["owner"]:
            owner = users.filter(username__iexact=data["owner"], is_active=True).first()
            if owner is None:
                raise ValidationFailed({"owner": [f"“{data['owner']}” is not an active user name."]})
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "owner": owner,
            "purpose": data["purpose"] or "",
            "inputs": data["inputs"] or "",
            "outputs": data["outputs"] or "",
            "customers": data["customers"] or "",
            "resources": data["resources"] or "",
            "standards": data["standards"] or list(StandardServed.values),
            "related_records": data["related records"] or "",
            "review_date": data["review date"],
        }
        existing = Process.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            process_create(by=by, sites=site_list, reference=data["reference"] or "", **fields)
            return "created"
        before = existing.version
        updated = process_update(by=by, process=existing, version=existing.version, sites=site_list, **fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
