"""Importing events from CSV/XLSX — e.g. an inspection system's rejects — validated whole, all or nothing.

Each row is reported as a new event (status *reported*, waiting for triage) by
the person importing. A row whose *external ref* is already known is left as
it is, so a system may send the same file again without creating duplicates.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from ims.context.importing import standards
from ims.core.errors import ValidationFailed
from ims.improvement.models import PLAIN_WORDS, Event, EventType
from ims.improvement.services import event_report
from ims.org.models import Site
from ims.processes.models import Process
from ims.tabular import values
from ims.tabular.importer import Column, ImportReport, ParsedRow, apply, parse

_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


def when(value: Any) -> dt.datetime:
    """A date and time (local to the event's site), or a date alone (taken as noon)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if timezone.is_aware(value) else value
    raw = values.text(value)
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
    try:
        day = values.date(value)
    except values.CellError:
        raise values.CellError(
            f"“{raw}” is not a date and time; use YYYY-MM-DD HH:MM (e.g. 2026-03-31 14:05)"
        ) from None
    return dt.datetime.combine(day, dt.time(12, 0))


def event_type(value: Any) -> str:
    labels = {code: str(label) for code, label in EventType.choices}
    try:
        return values.choice(value, labels)
    except values.CellError:
        return values.choice(value, {code: str(words) for code, words in PLAIN_WORDS.items()})


COLUMNS = [
    Column("external ref", help="The sending system's own id (e.g. a reject number); a known one is skipped"),
    Column("type", required=True, parse=event_type, help="product_nc, process_nc, … or the type's name"),
    Column("title"),
    Column("description", required=True, aliases=("what happened",)),
    Column("occurred at", parse=when, aliases=("when",), help="YYYY-MM-DD HH:MM in the site's time; empty: now"),
    Column("site", required=True, help="Site code, e.g. LYO"),
    Column("location", aliases=("where",)),
    Column("process", help="Process reference, e.g. PRC-07"),
    Column("standards", parse=standards, help="iso9001, iso14001 or both (default: from the type)"),
    Column("source type", help="Kind of record it comes from, e.g. processes.process"),
    Column("source id"),
]


def import_events(*, by: Any, stream: IO[bytes]) -> ImportReport:
    rows, ignored = parse(stream, COLUMNS, key="external ref")
    sites = {s.code.lower(): s for s in Site.objects.all()}
    processes = {p.reference.lower(): p for p in Process.objects.all()}

    def write(row: ParsedRow) -> str:
        data = row.values
        site = sites.get(str(data["site"]).lower())
        if site is None:
            raise ValidationFailed({"site": [f"“{data['site']}” is not a site code."]})
        process = None
        if data["process"]:
            process = processes.get(str(data["process"]).lower())
            if process is None:
                raise ValidationFailed({"process": [f"“{data['process']}” is not a process reference."]})
        external = data["external ref"] or ""
        if external and Event.objects.filter(external_ref=external).exists():
            return "unchanged"
        occurred = data["occurred at"]
        event_report(
            by=by,
            site=site,
            type=data["type"],
            title=data["title"] or "",
            description=data["description"],
            occurred_at=timezone.make_aware(occurred, ZoneInfo(site.time_zone)) if occurred else None,
            location=data["location"] or "",
            process=process,
            standards=data["standards"] or None,
            source_type=data["source type"] or "",
            source_id=data["source id"] or "",
            external_ref=external,
        )
        return "created"

    report = apply(rows, write)
    report.ignored_columns = ignored
    return report
