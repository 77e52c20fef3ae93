"""What every extractor shares: figures as exact text, the row record, the writer."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ims.factors.dataformat import FACTOR_COLUMNS, FACTORS_FORMAT, GWP_COLUMNS, GWP_FORMAT

# Excel holds a number as a binary double but shows and edits it with 15
# significant digits; the 16th and 17th digits of the stored double are
# binary noise (0.13389 is stored as 0.13388999999999998). A figure is taken
# as Excel shows it in full: 15 significant digits, trailing zeros dropped.
EXCEL_DIGITS = Context(prec=15, rounding=ROUND_HALF_EVEN)


class ExtractionError(Exception):
    """The official file is not laid out as this extraction expects; nothing was written."""


def _plain(number: Decimal) -> str:
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def excel_number(value: Any, *, where: str) -> str:
    """The exact decimal text of a numeric spreadsheet cell, as Excel shows it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExtractionError(f"{where}: expected a number, found {value!r}")
    if isinstance(value, int):
        return str(value)
    return _plain(EXCEL_DIGITS.plus(Decimal(value)))  # Decimal(float) is the double's exact value


def _decimal(text: str, where: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ExtractionError(f"{where}: “{text}” is not a number") from None
    if not number.is_finite():
        raise ExtractionError(f"{where}: “{text}” is not a number")
    return number


def exported_number(text: str, *, where: str) -> str:
    """A figure of a CSV export of a spreadsheet: the cell's double written out, taken as Excel shows it."""
    _decimal(text, where)
    return excel_number(float(text), where=where)


def text_number(text: str, *, where: str) -> str:
    """A figure published as text: kept digit for digit, only written without exponent."""
    return _plain(_decimal(text, where))


def clean(value: Any) -> str:
    """Cell text with runs of white space (including no-break spaces and line breaks) made single."""
    return " ".join(str(value or "").replace("\xa0", " ").split())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def join_levels(*parts: str, drop: tuple[str, ...] = ()) -> str:
    """The human label of a factor: its hierarchy, repeats and unit echoes left out."""
    out: list[str] = []
    for part in parts:
        if part and part not in drop and (not out or out[-1] != part):
            out.append(part)
    return " › ".join(out)


@dataclass
class FactorRow:
    external_id: str
    scope: str
    category: str
    region: str
    year: int
    activity: str
    source_unit: str
    activity_unit: str
    source_ref: str
    level_1: str = ""
    level_2: str = ""
    level_3: str = ""
    level_4: str = ""
    column_text: str = ""
    co2e: str = ""
    co2e_unit: str = "kg"
    co2: str = ""
    ch4: str = ""
    n2o: str = ""
    gas_basis: str = "co2e"
    co2_unit: str = "kg"
    ch4_unit: str = "kg"
    n2o_unit: str = "kg"
    gwp_set: str = ""
    market_based: str = "no"
    notes: str = ""


@dataclass
class GwpRow:
    gas: str
    gwp_set: str
    value: str
    source_ref: str


@dataclass
class Extracted:
    """One source edition, ready to be written."""

    sidecar: dict[str, Any]
    factors: list[FactorRow] = field(default_factory=list)
    gwp_values: list[GwpRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.sidecar["key"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _csv_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row[k] for k in columns})
    return out.getvalue()


def write(extracted: Extracted, out_dir: Path) -> list[Path]:
    """Write ``<key>.csv`` and ``<key>.yaml``; the same input always gives the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    columns: tuple[str, ...]
    if extracted.gwp_values:
        fmt, columns = GWP_FORMAT, GWP_COLUMNS
        rows = [asdict(r) for r in extracted.gwp_values]
    else:
        fmt, columns = FACTORS_FORMAT, FACTOR_COLUMNS
        rows = [asdict(r) for r in extracted.factors]
    data_path = out_dir / f"{extracted.key}.csv"
    sidecar = {"format": fmt, **extracted.sidecar, "data_file": data_path.name, "rows": len(rows)}
    data_path.write_text(_csv_text(columns, rows), encoding="utf-8", newline="")
    sidecar_path = out_dir / f"{extracted.key}.yaml"
    header = (
        f"# {sidecar['title']} ({sidecar['edition']}), published by {sidecar['publisher']}.\n"
        f"# {sidecar['attribution']}\n"
        "# Written by `ims extract-factors` from the official file named below; do not edit by hand.\n"
    )
    body = yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True, width=110)
    sidecar_path.write_text(header + body, encoding="utf-8", newline="")
    return [sidecar_path, data_path]
