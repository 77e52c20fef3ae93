"""Importing readings: files (CSV, XLSX) and lists of readings (the bulk API), all or nothing.

The one entry point for the import page, ``ims import readings FILE`` and the
API. Two passes: :mod:`ims.monitoring.checking` reads and checks the whole
input and refuses it with every problem found; only then
:mod:`ims.monitoring.writing` writes every reading in one transaction and an
:class:`~ims.monitoring.models.ImportRun` with its audit entry records it.

Layouts:

* **long** — one reading per row: ``series``, ``timestamp``, ``value`` and
  optionally ``unit`` and ``quality`` (other names are recognised, and a
  saved :class:`~ims.monitoring.models.ImportMapping` can name any column);
* **wide** — a ``timestamp`` column and one column per series, headed by the
  series reference, optionally with the unit in brackets
  (``LYO-ELEC-MAIN [MWh]``), or mapped to a series by the mapping; an empty
  cell is no reading.

Without a mapping the layout is recognised from the header: a series column
makes it long.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ims.accounts.permissions import Action, can
from ims.audit.services import record_create
from ims.core.errors import PermissionRefused, WorkflowError
from ims.monitoring import hooks, writing
from ims.monitoring.checking import Checked, Checker, Plan, Problem, Problems, Progress, ReadingsRefused
from ims.monitoring.files import READ_ERRORS, FileError, Table, open_table
from ims.monitoring.models import ImportMapping, ImportRun, Layout, Source
from ims.monitoring.moments import MomentError, MomentParser, utc

SERIES_NAMES = ("series", "series reference", "reference", "meter", "metric")
TS_NAMES = ("timestamp", "ts", "time", "date", "datetime", "date time", "date and time", "time stamp")
VALUE_NAMES = ("value", "reading", "quantity")
UNIT_NAMES = ("unit", "units")
QUALITY_NAMES = ("quality", "flag", "quality flag")
WIDE_HEADER = re.compile(r"^(?P<ref>.*?)\s*[\[(](?P<unit>[^\])]+)[\])]$")
IGNORE = ("", "-", "ignore")
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # uploads are processed within the request; larger: `ims import readings FILE`

# The columns as the import page explains them: (name and other accepted names, required, meaning).
COLUMN_HELP = (
    ("series", "long layout", "Series reference, e.g. LYO-ELEC-MAIN (also: reference, meter, metric)"),
    (
        "timestamp",
        "yes",
        "ISO 8601 (2026-01-31T14:00, with or without an offset), DD/MM/YYYY HH:MM or a spreadsheet date; "
        "without an offset it is local time of the series' site (also: ts, time, date, datetime)",
    ),
    ("value", "long layout", "The reading; a decimal point or a decimal comma (also: reading, quantity)"),
    ("unit", "no", "Any unit convertible to the series' unit (MWh into a kWh series); default the series' unit"),
    ("quality", "no", "measured (default), estimated or corrected (also: M, E, C)"),
    (
        "one column per series",
        "wide layout",
        "Instead of series and value: a column headed by the series reference, optionally with the unit in "
        "brackets (LYO-ELEC-MAIN [MWh]); an empty cell is no reading",
    ),
)


@dataclass
class ReadingsReport:
    """What an import did, for the person who ran it and for the import log."""

    rows: int = 0
    readings: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    layout: str = ""
    series: list[str] = field(default_factory=list)
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    seconds: float = 0.0
    resets: list[tuple[str, str]] = field(default_factory=list)
    out_of_range: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_id: int | None = None

    @property
    def rate(self) -> float:
        return self.readings / self.seconds if self.seconds > 0 else 0.0


def _refuse(message: str, *, column: str = "", number: int = 1, label: str = "Row") -> ReadingsRefused:
    return ReadingsRefused([Problem(number, column, message, label)])


def plan_for(table: Table, mapping: ImportMapping | None) -> Plan:
    """Which column is what; refuses the header (row 1) with every problem found."""
    header, original = table.header, table.original
    problems = Problems("Row")
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name in seen:
            problems.add(1, original[i], "this column appears twice in the header row")
        seen.setdefault(name, i)
    problems.refuse_if_any()

    def find(configured: str, aliases: tuple[str, ...], what: str, *, required: bool) -> str:
        if configured:
            name = " ".join(configured.split()).lower()
            if name not in seen:
                problems.add(1, configured, f"the mapping names this {what} column, but the file has no such column")
            return name
        found = next((a for a in aliases if a in seen), "")
        if not found and required:
            problems.add(1, aliases[0], "this required column is missing from the header row")
        return found

    m = mapping
    layout = m.layout if m is not None else Layout.AUTO
    ts = find(m.timestamp_column if m else "", TS_NAMES, "timestamp", required=True)
    if layout == Layout.AUTO:
        configured_series = bool(m and m.series_column)
        layout = Layout.LONG if configured_series or any(a in seen for a in SERIES_NAMES) else Layout.WIDE
    default_unit = m.unit.strip() if m else ""
    if layout == Layout.LONG:
        series = find(m.series_column if m else "", SERIES_NAMES, "series", required=True)
        value = find(m.value_column if m else "", VALUE_NAMES, "value", required=True)
        unit = find(m.unit_column if m else "", UNIT_NAMES, "unit", required=False)
        quality = find(m.quality_column if m else "", QUALITY_NAMES, "quality", required=False)
        problems.refuse_if_any()

        def at(name: str) -> int:
            return seen[name] if name else -1

        def shown(name: str) -> str:
            return original[seen[name]] if name else ""

        return Plan(
            layout="long",
            ts=seen[ts],
            ts_column=shown(ts),
            series=seen[series],
            value=seen[value],
            unit=at(unit),
            quality=at(quality),
            series_column=shown(series),
            value_column=shown(value),
            unit_column=shown(unit),
            quality_column=shown(quality),
            default_unit=default_unit,
        )
    problems.refuse_if_any()
    mapped = {" ".join(k.split()).lower(): str(v).strip() for k, v in ((m.columns or {}) if m else {}).items()}
    wide = []
    for i, name in enumerate(header):
        if i == seen[ts] or not name:
            continue
        reference, unit = mapped.get(name), ""
        if reference is None:
            match = WIDE_HEADER.match(original[i])
            reference, unit = (match["ref"], match["unit"].strip()) if match else (original[i], "")
        if reference.lower() in IGNORE:
            continue
        wide.append((i, original[i], reference, unit))
    if not wide:
        raise _refuse("the file has no series columns besides the timestamp", column=ts)
    return Plan(layout="wide", ts=seen[ts], ts_column=original[seen[ts]], wide=wide, default_unit=default_unit)


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while millions of short-lived rows are made and dropped.

    The import creates no reference cycles of its own (its objects are freed as each chunk
    goes), so the collector would only rescan them, at a cost comparable to the parsing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _require_importer(by: Any) -> None:
    if by is not None and not can(by, Action.CHANGE, anywhere=True):
        raise PermissionRefused("You are not allowed to import readings.")


def _parser(mapping: ImportMapping | None, now: dt.datetime | None) -> MomentParser:
    latest = (now or timezone.now()) + dt.timedelta(days=1)
    return MomentParser(date_format=mapping.date_format if mapping else "", latest=latest)


def import_readings(
    *,
    by: Any,
    stream: IO[bytes],
    file_name: str = "",
    mapping: ImportMapping | None = None,
    source: str = "",
    progress: Callable[[Progress], None] | None = None,
    now: dt.datetime | None = None,
) -> ReadingsReport:
    """Import a CSV or XLSX file of readings; ReadingsRefused (nothing written) on any problem.

    ``by`` is the importing user, whose permissions apply series by series; ``None`` is the
    server's operator (``ims import readings`` without ``--user``), who may import into every series.
    """
    with _bulk():
        return _import_file(
            by=by, stream=stream, file_name=file_name, mapping=mapping, source=source, progress=progress, now=now
        )


def _import_file(
    *,
    by: Any,
    stream: IO[bytes],
    file_name: str,
    mapping: ImportMapping | None,
    source: str,
    progress: Callable[[Progress], None] | None,
    now: dt.datetime | None,
) -> ReadingsReport:
    started = time.perf_counter()
    _require_importer(by)
    try:
        table = open_table(stream, sheet=mapping.sheet if mapping else "")
    except FileError as exc:
        raise _refuse(str(exc)) from None
    plan = plan_for(table, mapping)
    try:
        checker = Checker(
            by=by,
            plan=plan,
            parser=_parser(mapping, now),
            time_zone=mapping.time_zone if mapping else "",
            progress=progress,
            position=table.bytes_read,
            size=table.size,
        )
    except MomentError as exc:
        raise _refuse(f"the mapping's time zone: {exc}") from None
    try:
        checked = checker.run(table.rows)
    except FileError as exc:
        raise _refuse(str(exc), number=checker.rows + 2) from None
    except READ_ERRORS as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise _refuse(f"the file cannot be read from here on: {reason}", number=checker.rows + 2) from None
    checked.notes.extend(table.notes)
    return _write(
        checked,
        by=by,
        started=started,
        channel=Source.IMPORT,
        layout=plan.layout,
        file_name=file_name,
        source=source or (mapping.name if mapping else ""),
        mapping=mapping,
        progress=progress,
    )


ITEM_FIELDS = ("series", "ts", "value", "unit", "quality")


def import_reading_items(
    *,
    by: Any,
    items: Sequence[Mapping[str, Any]],
    source: str = "",
    channel: str = Source.API,
    now: dt.datetime | None = None,
) -> ReadingsReport:
    """Import a list of ``{series, ts, value, unit?, quality?}``; problems are named by item index (from 0)."""
    started = time.perf_counter()
    _require_importer(by)
    if not items:
        raise _refuse("the list holds no readings", number=0, label="Item")
    plan = Plan(
        layout="long",
        ts=1,
        ts_column="ts",
        series=0,
        value=2,
        unit=3,
        quality=4,
        series_column="series",
        value_column="value",
        unit_column="unit",
        quality_column="quality",
    )
    rows = ((i, [_item_cell(item.get(name)) for name in ITEM_FIELDS]) for i, item in enumerate(items))
    with _bulk():
        checker = Checker(by=by, plan=plan, parser=_parser(None, now), label="Item", skip_blank=False)
        checked = checker.run(rows)
        return _write(checked, by=by, started=started, channel=channel, layout="long", source=source)


def _item_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return value


def _write(
    checked: Checked,
    *,
    by: Any,
    started: float,
    channel: str,
    layout: str,
    file_name: str = "",
    source: str = "",
    mapping: ImportMapping | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ReadingsReport:
    states = [s for s in checked.states if s.count]
    try:
        with transaction.atomic(), _concurrent_writes():
            written = writing.write(checked, source=channel, progress=progress)
            hooks.readings_changed({s.id: (utc(s.first), utc(s.last)) for s in states})
            report = ReadingsReport(
                rows=checked.rows,
                readings=checked.readings,
                created=written.created,
                updated=written.updated,
                unchanged=written.unchanged,
                layout=layout,
                series=sorted(s.reference for s in states),
                first=utc(min(s.first for s in states)) if states else None,
                last=utc(max(s.last for s in states)) if states else None,
                resets=written.resets,
                out_of_range=[(s.reference, s.out) for s in states if s.out],
                notes=list(checked.notes),
            )
            report.seconds = time.perf_counter() - started
            site_ids = {s.site_id for s in states}
            site_id = site_ids.pop() if len(site_ids) == 1 else None
            report.run_id = _log(
                report, by=by, channel=channel, file_name=file_name, source=source, mapping=mapping, site_id=site_id
            )
    finally:
        checked.spill.close()
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _concurrent_writes() -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        # Readings were stored for the same series and instants by someone else during the import.
        raise WorkflowError(
            "Readings of these series were written by someone else during the import; nothing was imported. "
            "Import the file again."
        ) from None


def _log(
    report: ReadingsReport,
    *,
    by: Any,
    channel: str,
    file_name: str,
    source: str,
    mapping: ImportMapping | None,
    site_id: int | None,
) -> int:
    run = ImportRun(
        by=by if getattr(by, "pk", None) else None,
        channel=channel,
        file_name=file_name[:255],
        source=source[:100],
        mapping=mapping,
        layout=report.layout,
        rows=report.rows,
        readings=report.readings,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        series_count=len(report.series),
        first_ts=report.first,
        last_ts=report.last,
        seconds=round(report.seconds, 3),
        notes="\n".join(report.notes),
        site_id=site_id,
    )
    run.save()
    what = file_name or source or channel
    record_create(
        record=run,
        by=by,
        note=(
            f"{report.readings} readings of {len(report.series)} series from {what}: "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged"
        ),
    )
    return int(run.pk)
