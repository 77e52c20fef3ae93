"""Cell parsers: strings from CSV or typed values from XLSX into Python values.

Each raises ``CellError`` with a message a person can act on; the importer
adds the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug


class CellError(ValueError):
    pass


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, max_length: int | None = None) -> str:
    result = "" if value is None else str(value).strip()
    if max_length is not None and len(result) > max_length:
        raise CellError(f"is {len(result)} characters long; at most {max_length} allowed")
    return result


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")


def date(value: Any) -> dt.date:
    """ISO dates, day-first dates (31/12/2026, 31.12.2026), Excel dates and serial numbers."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(float(value))
    raw = text(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _excel_serial(float(raw))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(f"“{raw}” is not a date; use YYYY-MM-DD (e.g. 2026-12-31) or DD/MM/YYYY")


def _excel_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise CellError(f"{serial:g} is not a spreadsheet date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def decimal(value: Any) -> Decimal:
    """Numbers with a decimal point or a decimal comma, with or without thousands separators."""
    if isinstance(value, bool):
        raise CellError("is true/false, not a number")
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    raw = text(value).replace("\u00a0", "").replace(" ", "").replace("'", "")
    if "," in raw and "." in raw:
        # The later separator is the decimal one: 1.234,5 or 1,234.5
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", ".") if raw.count(",") == 1 else raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(f"“{text(value)}” is not a number") from None
    if not number.is_finite():
        raise CellError(f"“{text(value)}” is not a number")
    return number


_TRUE = {"1", "true", "yes", "y", "x", "oui", "ja", "ano"}
_FALSE = {"0", "false", "no", "n", "", "non", "nein", "ne"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(f"“{text(value)}” is not yes/no")


def choice(value: Any, choices: dict[str, str]) -> str:
    """A value from a fixed list, matched on its code or its label, ignoring case."""
    raw = text(value).lower()
    for code, label in choices.items():
        if raw in (code.lower(), label.lower()):
            return code
    allowed = ", ".join(label for label in choices.values())
    raise CellError(f"“{text(value)}” is not one of: {allowed}")
