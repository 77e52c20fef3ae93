"""Reading files of readings as rows of cells, streaming: CSV (any common dialect) and XLSX.

CSV: UTF-8 with or without a byte-order mark (a file that is not UTF-8 in
its first 64 KB is read as Windows-1252, the other encoding spreadsheets
write), the separator recognised from the header row (``,`` ``;`` tab or
``|``). XLSX: read-only, row by row, cell values as the spreadsheet typed
them. Rows are lists; the importer keeps only what it needs, so memory does
not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (";", ",", "\t", "|")
SAMPLE = 64 * 1024


class FileError(Exception):
    """The file cannot be read as a table at all."""


READ_ERRORS = (csv.Error, UnicodeDecodeError)


@dataclass
class Table:
    header: list[str]  # normalised: lower case, single spaces
    original: list[str]  # as written, for what case matters in (units in a wide header)
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    kind: str  # "csv" or "xlsx"
    size: int | None = None  # bytes, when known
    notes: list[str] = field(default_factory=list)
    position: Any = None  # () -> bytes read so far, when known

    def bytes_read(self) -> int | None:
        return self.position() if self.position is not None else None


def normalise(name: Any) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split()).lower()


def open_table(stream: IO[bytes], *, sheet: str = "") -> Table:
    head = stream.read(4)
    stream.seek(0)
    if head == XLSX_MAGIC:
        return _xlsx(stream, sheet)
    return _csv(stream)


def _size(stream: IO[bytes]) -> int | None:
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
        return end
    except (OSError, ValueError):
        return None


def _encoding(sample: bytes) -> str:
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut at the sample's end
            return "utf-8-sig"
        return "cp1252"
    return "utf-8-sig"


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv(stream: IO[bytes]) -> Table:
    size = _size(stream)
    sample = stream.read(SAMPLE)
    stream.seek(0)
    encoding = _encoding(sample)
    notes = []
    if encoding == "cp1252":
        notes.append("The file is not UTF-8; it was read as Windows-1252.")
    delimiter = _delimiter(codecs.decode(sample[:4096], encoding, errors="replace"))
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header, original = _header(next(reader, []))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileError(f"The first row cannot be read: {exc}.") from None

    def position() -> int:
        try:
            return stream.tell()
        except (OSError, ValueError):
            return 0

    # Rows straight from the csv module (no generator in between: it costs on a million rows);
    # the importer turns READ_ERRORS raised while iterating into a FileError.
    return Table(header, original, enumerate(reader, start=2), "csv", size, notes, position)


def _xlsx(stream: IO[bytes], sheet: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileError(f"The spreadsheet cannot be opened: {exc}.") from None
    if sheet and sheet not in book.sheetnames:
        raise FileError(f"The workbook has no sheet named “{sheet}” (it has: {', '.join(book.sheetnames)}).")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    try:
        header, original = _header(list(next(values, ())))
    except FileError:
        book.close()
        raise

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(values, start=2):
                yield number, [_cell(c) for c in row]
        finally:
            book.close()

    return Table(header, original, rows(), "xlsx", _size(stream))


def _header(cells: list[Any]) -> tuple[list[str], list[str]]:
    original = [" ".join(str(c if c is not None else "").replace("\ufeff", "").split()) for c in cells]
    while original and not original[-1]:
        original.pop()
    if not original:
        raise FileError("The first row must hold the column names, but it is empty.")
    return [o.lower() for o in original], original


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()  # never a number: TRUE is not a reading
    return value
