"""Importing roles and responsibilities from CSV/XLSX: validated whole, matched on the reference, all or nothing.

The columns are those of the export, so a downloaded register can be edited
and imported back.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from ims.context.importing import standards
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.processes.models import Process
from ims.responsibilities.models import Duty, Responsibility
from ims.responsibilities.services import responsibility_create, responsibility_update
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse


def items(value: Any) -> list[str]:
    """A list in one cell, separated by semicolons (commas are accepted too)."""
    return [part.strip() for part in values.text(value).replace(",", ";").split(";") if part.strip()]


def duties(value: Any) -> list[str]:
    """Duty codes (or their full wording), separated by semicolons."""
    labels = {str(label).lower(): code for code, label in Duty.choices}
    codes = []
    for part in items(value):
        code = part.lower() if part.lower() in Duty.values else labels.get(part.lower())
        if code is None:
            raise values.CellError(f"“{part}” is not a duty; use {', '.join(Duty.values)}")
        codes.append(code)
    return codes


COLUMNS = [
    Column("reference", help="Stable key (RES-004); a row with a known reference updates that role"),
    Column("site", help="Site code, e.g. LYO; empty for the whole organisation"),
    Column("title", required=True, aliases=("role",)),
    Column("responsibilities", required=True),
    Column("authorities"),
    Column("holders", parse=items, aliases=("held by",), help="User names separated by semicolons"),
    Column("deputy", help="User name of the deputy"),
    Column("processes", parse=items, help="Process references separated by semicolons"),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)"),
    Column("duties", parse=duties, help="Duty codes separated by semicolons: " + ", ".join(Duty.values)),
    Column("top management", parse=values.boolean, help="yes or no (default no)"),
    Column("review date", parse=values.date),
]


def _user(username: str, column: str) -> Any:
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise ValidationFailed({column: [f"“{username}” is not an active user name."]})
    return user


def _users(usernames: list[str]) -> list[Any]:
    wanted = Q(pk__in=[])
    for name in usernames:
        wanted |= Q(username__iexact=name)
    found = {u.username.lower(): u for u in get_user_model().objects.filter(wanted, is_active=True)}
    unknown = [name for name in usernames if name.lower() not in found]
    if unknown:
        raise ValidationFailed({"holders": [f"Not an active user name: {', '.join(unknown)}."]})
    return [found[name.lower()] for name in usernames]


def _processes(refs: list[str]) -> list[Process]:
    found = {p.reference.lower(): p for p in Process.objects.filter(reference__in=refs)}
    unknown = [r for r in refs if r.lower() not in found]
    if unknown:
        raise ValidationFailed({"processes": [f"Unknown process reference(s): {', '.join(unknown)}."]})
    return [found[r.lower()] for r in refs]


def import_responsibilities(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        fields = {
            "title": data["title"],
            "responsibilities": data["responsibilities"],
            "authorities": data["authorities"] or "",
            "deputy": _user(data["deputy"], "deputy") if data["deputy"] else None,
            "standards": data["standards"] or list(StandardServed.values),
            "duties": data["duties"] or [],
            "top_management": bool(data["top management"]),
            "review_date": data["review date"],
        }
        holders = _users(data["holders"] or [])
        processes = [p.pk for p in _processes(data["processes"] or [])]
        existing = Responsibility.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            responsibility_create(
                by=by, site=site, reference=data["reference"] or "", holders=holders, processes=processes, **fields
            )
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        updated = responsibility_update(
            by=by, responsibility=existing, version=existing.version, holders=holders, processes=processes, **fields
        )
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
