"""Reading CSV and XLSX files into rows of cells, streaming, whatever their origin."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")


class TableError(Exception):
    """The file cannot be read as a table at all (not the content of one cell)."""


@dataclass(frozen=True)
class Row:
    number: int  # as the person sees it in their spreadsheet (header = row 1)
    cells: dict[str, Any]


def _normalise(name: Any) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split()).strip().lower()


def read_table(stream: IO[bytes], *, sheet: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """The header (normalised: lower case, single spaces) and an iterator over the data rows.

    CSV or XLSX is recognised by content, not by file name. Blank rows are skipped.
    """
    head = stream.read(4)
    stream.seek(0)
    if head == XLSX_MAGIC:
        return _read_xlsx(stream, sheet)
    return _read_csv(stream)


def _header(raw: list[Any]) -> list[str]:
    names = [_normalise(cell) for cell in raw]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise TableError("The first row must hold the column names, but it is empty.")
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if not name:
            raise TableError(f"Column {i} of the header row has no name.")
        if name in seen:
            raise TableError(f"The column “{name}” appears twice in the header row.")
        seen.add(name)
    return names


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read_csv(stream: IO[bytes]) -> tuple[list[str], Iterator[Row]]:
    sample = stream.read(64 * 1024)
    stream.seek(0)
    encoding = "utf-8-sig"
    try:
        sample_text = sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:  # not just a character cut at the sample's end
            raise TableError(
                f"The file is not UTF-8 text (byte {exc.start + 1}); save it as “CSV UTF-8” and try again."
            ) from None
        sample_text = sample[: exc.start].decode(encoding)
    delimiter = _sniff_delimiter(sample_text)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = _header(next(reader, []))
    except UnicodeDecodeError as exc:
        raise TableError(f"The file is not UTF-8 text: {exc.reason}.") from None

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for values in reader:
                number += 1
                if _blank(values):
                    continue
                yield Row(number, _cells(header, values, number))
        except UnicodeDecodeError as exc:
            raise TableError(f"Row {number + 1}: the file is not UTF-8 text ({exc.reason}).") from None
        except csv.Error as exc:
            raise TableError(f"Row {number}: {exc}.") from None

    return header, rows()


def _sniff_delimiter(sample: str) -> str:
    first = sample.splitlines()[0] if sample.strip() else ""
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cells(header: list[str], values: list[Any], number: int) -> dict[str, Any]:
    extra = values[len(header) :]
    if any(not _blank([v]) for v in extra):
        raise TableError(f"Row {number} has more cells than the header has columns.")
    padded = list(values[: len(header)]) + [None] * (len(header) - len(values))
    return {name: (v.strip() if isinstance(v, str) else v) for name, v in zip(header, padded, strict=True)}


def _read_xlsx(stream: IO[bytes], sheet: str | None) -> tuple[list[str], Iterator[Row]]:
    try:
        from openpyxl import load_workbook  # imported when a workbook is read

        book = load_workbook(
            io.BytesIO(stream.read()) if not stream.seekable() else stream, read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(f"The spreadsheet cannot be opened: {exc}.") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise TableError(f"The workbook has no sheet named “{sheet}” (it has: {', '.join(book.sheetnames)}).")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    header = _header(list(next(values, ())))

    def rows() -> Iterator[Row]:
        for number, row in enumerate(values, start=2):
            cells = list(row)
            if _blank(cells):
                continue
            yield Row(number, _cells(header, cells, number))
        book.close()

    return header, rows()
