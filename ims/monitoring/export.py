"""Readings out, for an auditor or an analyst: CSV streamed row by row, XLSX written row by row.

One row per reading, series after series, oldest reading first:

* ``series``, ``site``;
* ``timestamp`` — local time of the series' site with its offset, ISO 8601
  (``2026-10-25T02:30:00+01:00``), so the repeated hour of an autumn change
  stays two distinct instants;
* ``value`` and ``unit`` — as supplied: in the series' unit, or for a reading
  supplied in another unit (MWh into a kWh series) that value and unit;
* ``quality``, ``source``;
* ``consumption`` and ``event`` — register series: the difference to the
  previous reading and a rollover or reset;
* ``value in series unit`` and ``series unit`` — the value as kept, the one to
  add up.

The CSV is the long layout of the readings import (series, timestamp, value,
unit, quality; the other columns are not read by it), so importing it again
finds every reading unchanged, including what was supplied in another unit.
Nothing is held in memory beyond a chunk of rows: a million readings stream
as they are read from the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any
from zoneinfo import ZoneInfo

from ims.core.errors import ValidationFailed
from ims.monitoring.models import Reading, Series
from ims.tabular.export import neutralise

HEADER = (
    "series",
    "site",
    "timestamp",
    "value",
    "unit",
    "quality",
    "source",
    "consumption",
    "event",
    "value in series unit",
    "series unit",
)
FORMATS = ("csv", "xlsx")
CHUNK = 2000  # readings fetched from the database, and CSV rows sent, at a time
XLSX_MAX_ROWS = 1_048_576  # rows of one worksheet, header included; further readings go on a next sheet
# A workbook is written whole before its first byte is sent; above this, CSV (which streams) is the way.
XLSX_LIMIT = 1_000_000
FIELDS = ("ts", "value", "quality", "source", "consumption", "event", "original_value", "original_unit")

# (series, first instant or None, end instant (excluded) or None)
Window = tuple[Series, dt.datetime | None, dt.datetime | None]


def export_format(raw: str) -> str:
    value = (raw or "csv").strip().lower()
    if value not in FORMATS:
        raise ValidationFailed({"format": [f"“{raw}” is not an export format; use csv or xlsx."]})
    return value


def local_dates(raw_from: str, raw_to: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day (both included, local dates of each site) of an export; empty: open."""
    errors: dict[str, list[str]] = {}

    def day(name: str, raw: str) -> dt.date | None:
        if not raw.strip():
            return None
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            errors[name] = [f"“{raw}” is not a date (YYYY-MM-DD)."]
            return None

    first, last = day("from", raw_from), day("to", raw_to)
    if first and last and last < first:
        errors["to"] = ["The last day comes before the first day."]
    if errors:
        raise ValidationFailed(errors)
    return first, last


def windows(series: Iterable[Series], *, first: dt.date | None, last: dt.date | None) -> Iterator[Window]:
    """Each series with its export window: from local midnight of ``first`` to the end of ``last``."""
    for s in series:
        tz = ZoneInfo(s.site.time_zone)
        start = dt.datetime(first.year, first.month, first.day, tzinfo=tz) if first else None
        after = last + dt.timedelta(days=1) if last else None
        end = dt.datetime(after.year, after.month, after.day, tzinfo=tz) if after else None
        yield s, start, end


def _readings(series: Series, start: dt.datetime | None, end: dt.datetime | None) -> Any:
    qs = Reading.objects.filter(series=series)
    if start is not None:
        qs = qs.filter(ts__gte=start)
    if end is not None:
        qs = qs.filter(ts__lt=end)
    return qs


def check_xlsx_size(items: Sequence[Window], *, limit: int | None = None) -> None:
    """Refuse a workbook of more than ``limit`` (XLSX_LIMIT) readings, saying how to get them."""
    limit = XLSX_LIMIT if limit is None else limit
    count = sum(_readings(series, start, end).count() for series, start, end in items)
    if count > limit:
        raise ValidationFailed(
            {
                "format": [
                    f"{count:,} readings are too many for a workbook (at most {limit:,}); "
                    "export them as CSV, which streams, or choose fewer series or days."
                ]
            }
        )


def rows(items: Iterable[Window]) -> Iterator[tuple[Any, ...]]:
    """The export's rows (see the module's docstring), read from the database a chunk at a time."""
    for series, start, end in items:
        tz = ZoneInfo(series.site.time_zone)
        reference, site, unit, register = series.reference, series.site.name, series.unit, series.is_register
        qs = _readings(series, start, end)
        for ts, value, quality, source, consumption, event, original, original_unit in (
            qs.order_by("ts").values_list(*FIELDS).iterator(chunk_size=CHUNK)
        ):
            yield (
                reference,
                site,
                ts.astimezone(tz).isoformat(timespec="seconds"),
                original if original_unit else value,
                original_unit or unit,
                quality,
                source,
                consumption if register else None,
                event,
                value,
                unit,
            )


def _cell(value: Any) -> Any:
    return "" if value is None else neutralise(value)


def csv_stream(items: Iterable[Window]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (Excel then reads accents right), sent a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    for count, row in enumerate(rows(items), start=1):
        # Floats are written as repr() does: the shortest text that reads back as the same number.
        writer.writerow([_cell(v) for v in row])
        if count % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_file(items: Iterable[Window]) -> IO[bytes]:
    """An XLSX workbook in a temporary file (deleted when closed), positioned at its start.

    Written in openpyxl's write-only mode, which keeps rows on disk rather than in memory.
    Timestamps are text: a spreadsheet date cannot hold the offset.
    """
    from openpyxl import Workbook  # imported when a workbook is made
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheet: Any = None
    used = XLSX_MAX_ROWS
    sheets = 0
    for row in rows(items):
        if used >= XLSX_MAX_ROWS:
            sheets += 1
            sheet = book.create_sheet("Readings" if sheets == 1 else f"Readings {sheets}")
            sheet.append([_header_cell(sheet, name, bold) for name in HEADER])
            used = 1
        sheet.append([neutralise(v) for v in row])
        used += 1
    if sheet is None:
        sheet = book.create_sheet("Readings")
        sheet.append([_header_cell(sheet, name, bold) for name in HEADER])
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response that sends it)
    book.save(out)
    out.seek(0)
    return out


def _header_cell(sheet: Any, name: str, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=name)
    cell.font = font
    return cell
