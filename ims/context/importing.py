"""Importing issues and interested parties from CSV/XLSX: validated whole, matched on the reference, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from ims.context.models import Effect, InterestedParty, Issue, IssueCategory, Origin, PartyKind, StandardServed
from ims.context.services import issue_create, issue_update, party_create, party_update
from ims.core.errors import ValidationFailed
from ims.org.models import Site
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse


def _labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    return {code: str(label) for code, label in choices}


def standards(value: Any) -> list[str]:
    """“iso9001”, “iso14001”, “both” or a list separated by commas, semicolons or slashes."""
    raw = values.text(value).lower()
    if raw == "both":
        return list(StandardServed.values)
    codes = []
    for part in raw.replace(";", ",").replace("/", ",").replace("+", ",").split(","):
        code = part.strip().replace(" ", "").replace("-", "")
        if not code:
            continue
        if code not in StandardServed.values:
            raise values.CellError(f"“{part.strip()}” is not a standard; use iso9001, iso14001 or both")
        codes.append(code)
    return codes


SITE = Column("site", help="Site code, e.g. LYO; empty for the whole organisation")
STANDARDS = Column("standards", parse=standards, help="iso9001, iso14001 or both (default both)")

ISSUE_COLUMNS = [
    Column("reference", help="Stable key (ISS-007); a row with a known reference updates that issue"),
    SITE,
    Column("title", required=True),
    Column("description"),
    Column("category", required=True, parse=lambda v: values.choice(v, _labels(IssueCategory.choices))),
    Column("origin", required=True, parse=lambda v: values.choice(v, _labels(Origin.choices))),
    Column("effect", parse=lambda v: values.choice(v, _labels(Effect.choices))),
    Column("related processes", aliases=("processes",)),
    STANDARDS,
    Column("review date", parse=values.date),
]

PARTY_COLUMNS = [
    Column("reference", help="Stable key (IP-007); a row with a known reference updates that party"),
    SITE,
    Column("name", aliases=("party",), required=True),
    Column("kind", required=True, parse=lambda v: values.choice(v, _labels(PartyKind.choices))),
    Column("needs", aliases=("needs and expectations",), required=True),
    Column("compliance obligation", parse=values.boolean),
    Column("customer requirement", parse=values.boolean),
    Column("monitoring", aliases=("how monitored",)),
    STANDARDS,
    Column("review date", parse=values.date),
]


def _import(
    *,
    by: Any,
    stream: IO[bytes],
    columns: list[Column],
    model: type[Issue] | type[InterestedParty],
    fields_of: Callable[[dict[str, Any]], dict[str, Any]],
    create: Callable[..., Any],
    update: Callable[[Any, dict[str, Any]], Any],
) -> ImportReport:
    rows, ignored = parse(stream, columns, key="reference")
    sites = {s.code.lower(): s for s in Site.objects.all()}

    def write(row: ParsedRow) -> str:
        data = row.values
        site = None
        if data["site"]:
            site = sites.get(str(data["site"]).lower())
            if site is None:
                raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        fields = fields_of(data)
        existing = model.objects.filter(reference=data["reference"]).first() if data["reference"] else None
        if existing is None:
            create(by=by, site=site, reference=data["reference"] or "", **fields)
            return "created"
        if existing.site_id != (site.pk if site else None):
            raise ValidationFailed(
                {"site": [f"{existing.reference} belongs to {existing.site_label}; records do not move."]}
            )
        before = existing.version
        updated = update(existing, fields)
        return "updated" if updated.version != before else "unchanged"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report


def import_issues(*, by: Any, stream: IO[bytes]) -> ImportReport:
    def fields_of(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": data["title"],
            "description": data["description"] or "",
            "category": data["category"],
            "origin": data["origin"],
            "effect": data["effect"] or Effect.NEGATIVE,
            "related_processes": data["related processes"] or "",
            "standards": data["standards"] or list(StandardServed.values),
            "review_date": data["review date"],
        }

    return _import(
        by=by,
        stream=stream,
        columns=ISSUE_COLUMNS,
        model=Issue,
        fields_of=fields_of,
        create=issue_create,
        update=lambda issue, fields: issue_update(by=by, issue=issue, version=issue.version, **fields),
    )


def import_parties(*, by: Any, stream: IO[bytes]) -> ImportReport:
    def fields_of(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": data["name"],
            "kind": data["kind"],
            "needs": data["needs"],
            "compliance_obligation": bool(data["compliance obligation"]),
            "customer_requirement": bool(data["customer requirement"]),
            "monitoring": data["monitoring"] or "",
            "standards": data["standards"] or list(StandardServed.values),
            "review_date": data["review date"],
        }

    return _import(
        by=by,
        stream=stream,
        columns=PARTY_COLUMNS,
        model=InterestedParty,
        fields_of=fields_of,
        create=party_create,
        update=lambda party, fields: party_update(by=by, party=party, version=party.version, **fields),
    )
