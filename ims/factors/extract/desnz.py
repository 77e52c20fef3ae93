"""UK DESNZ conversion factors, flat file (“Factors by Category”): XLSX or its CSV export.

Each factor of the flat file is one to four rows sharing an ID stem: ``…_1``
is the total in kg CO2e, ``…_2``/``…_3``/``…_4`` the kg CO2e of CO2, CH4 and
N2O. They become one factor carrying the total and the per-gas parts, under
the ID of its total row.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from ims.factors.extract.common import (
    Extracted,
    ExtractionError,
    FactorRow,
    clean,
    excel_number,
    exported_number,
    join_levels,
)
from ims.factors.extract.editions import Edition
from ims.factors.models import Category

SHEET = "Factors by Category"
HEADER_ROW = 6
HEADER = ["ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit"]
CSV_LINE_OFFSET = 5  # CSV line n (header = line 1) is sheet row n + 5

SCOPES = {"Scope 1": "1", "Scope 2": "2", "Scope 3": "3", "Outside of Scopes": "outside"}
GASES = {
    "1": ("co2e", "kg CO2e"),
    "2": ("co2", "kg CO2e of CO2 per unit"),
    "3": ("ch4", "kg CO2e of CH4 per unit"),
    "4": ("n2o", "kg CO2e of N2O per unit"),
}
# The publisher's units of activity, as pint names them. “Gross CV” and “Net CV”
# are both kWh of energy; which one is kept in the factor's source unit.
UNITS = {
    "kWh": "kWh",
    "kWh (Gross CV)": "kWh",
    "kWh (Net CV)": "kWh",
    "litres": "litre",
    "million litres": "megalitre",
    "cubic metres": "m^3",
    "tonnes": "tonne",
    "kg": "kg",
    "GJ": "GJ",
    "km": "km",
    "miles": "mile",
    "passenger.km": "passenger_km",
}

C = Category
FUELS = {
    "Natural gas": C.NATURAL_GAS,
    "Natural gas (100% mineral blend)": C.NATURAL_GAS,
    "CNG": C.NATURAL_GAS,
    "LNG": C.NATURAL_GAS,
    "LPG": C.LPG,
    "Propane": C.LPG,
    "Butane": C.LPG,
    "Diesel (average biofuel blend)": C.DIESEL,
    "Diesel (100% mineral diesel)": C.DIESEL,
    "Petrol (average biofuel blend)": C.PETROL,
    "Petrol (100% mineral petrol)": C.PETROL,
    "Fuel oil": C.FUEL_OIL,
    "Gas oil": C.FUEL_OIL,
    "Burning oil": C.FUEL_OIL,
    "Processed fuel oils - residual oil": C.FUEL_OIL,
    "Processed fuel oils - distillate oil": C.FUEL_OIL,
}
LAND_TRAVEL = {"Cars (by size)", "Motorbike", "Taxis", "Bus", "Rail"}
WHOLE_SECTIONS = {
    "UK electricity": C.ELECTRICITY,
    "WTT- UK electricity": C.ELECTRICITY,
    "Water supply": C.WATER_SUPPLY,
    "Water treatment": C.WATER_TREATMENT,
    "Refrigerant & other": C.REFRIGERANT,
    "Waste disposal": C.WASTE,
    "Material use": C.MATERIAL,
    "Business travel- air": C.BUSINESS_TRAVEL,
    "Business travel- sea": C.BUSINESS_TRAVEL,
}

SELECTION = (
    "The activities a manufacturer reports: fuels (natural gas, CNG, LNG, LPG, propane, butane, diesel, "
    "petrol, fuel oil, gas oil, burning oil, processed fuel oils) with their well-to-tank factors; UK "
    "electricity, its T&D losses and well-to-tank; water supply and treatment; refrigerants and other "
    "gases; waste disposal by material and route; material use; business travel (flights, ferry, cars by "
    "size, motorbikes, taxis, bus, rail); the outside-of-scopes biogenic CO2 of forecourt fuels and UK "
    "electricity. Rows without a figure are left out."
)


def category_of(level_1: str, level_2: str, level_3: str) -> str | None:
    """The IMS category of a hierarchy position, or None when the activity is not shipped."""
    if level_1 in ("Fuels", "WTT- fuels"):
        return FUELS.get(level_3)
    if level_1 in WHOLE_SECTIONS:
        return WHOLE_SECTIONS[level_1]
    if level_1 == "Transmission and distribution" and level_2 == "T&D- UK electricity":
        return C.ELECTRICITY
    if level_1 == "Business travel- land" and level_2 in LAND_TRAVEL:
        return C.BUSINESS_TRAVEL
    if level_1 == "Outside of scopes":
        if level_2 == "Forecourt fuels containing biofuel":
            return FUELS.get(level_3)
        if level_2 == "Electricity generated":
            return C.ELECTRICITY
    return None


@dataclass
class SourceRow:
    row: int  # sheet row
    cells: list[str]  # ID … GHG/Unit, cleaned
    value: str  # the figure as exact text, "" when blank


def _xlsx_rows(path: Path, year: int) -> Iterator[SourceRow]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: print headers and extensions it does not read
        book = load_workbook(path, read_only=True, data_only=True)
    try:
        if SHEET not in book.sheetnames:
            raise ExtractionError(f"{path.name}: no sheet “{SHEET}”")
        sheet = book[SHEET]
        for number, values in enumerate(sheet.iter_rows(min_row=HEADER_ROW, max_col=10, values_only=True), HEADER_ROW):
            cells = [clean(v) for v in values[:9]]
            if number == HEADER_ROW:
                _check_header([*cells, clean(values[9])], year, path.name)
                continue
            if not cells[0]:
                if cells[1] == "END":
                    return
                continue
            raw = values[9]
            where = f"{path.name}: {SHEET}!J{number}"
            yield SourceRow(number, cells, "" if raw is None or raw == "" else excel_number(raw, where=where))
        raise ExtractionError(f"{path.name}: {SHEET} has no END row")
    finally:
        book.close()


def _csv_rows(path: Path, year: int) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        _check_header([clean(c) for c in next(reader)], year, path.name)
        for line, values in enumerate(reader, 2):
            cells = [clean(v) for v in values[:9]]
            where = f"{path.name}: line {line}"
            raw = values[9].strip()
            yield SourceRow(line + CSV_LINE_OFFSET, cells, exported_number(raw, where=where) if raw else "")


def _check_header(cells: list[str], year: int, name: str) -> None:
    expected = [*HEADER, f"GHG Conversion Factor {year}"]
    if cells[: len(expected)] != expected:
        raise ExtractionError(f"{name}: header is {cells}, expected {expected}")


def _group(rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
    """Consecutive rows sharing an ID stem."""
    current: list[SourceRow] = []
    for row in rows:
        stem = row.cells[0].rsplit("_", 1)[0]
        if current and current[0].cells[0].rsplit("_", 1)[0] != stem:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _rows_ref(rows: list[SourceRow], csv_export: bool) -> str:
    first, last = rows[0].row, rows[-1].row
    span = f"row {first}" if first == last else f"rows {first}–{last}"
    ref = f"{SHEET}, {span}"
    if csv_export:
        a, b = first - CSV_LINE_OFFSET, last - CSV_LINE_OFFSET
        ref += f" (CSV line {a})" if a == b else f" (CSV lines {a}–{b})"
    return ref


def _factor(rows: list[SourceRow], edition: Edition, csv_export: bool) -> FactorRow | None:
    head = rows[0].cells
    _id, scope_text, level_1, level_2, level_3, level_4, column_text, uom, _unit = head
    category = category_of(level_1, level_2, level_3)
    if category is None:
        return None
    figures: dict[str, str] = {}
    for row in rows:
        suffix = row.cells[0].rsplit("_", 1)[1]
        if suffix not in GASES:
            return None  # an energy-content conversion row (kWh Net CV), not an emission factor
        name, ghg_unit = GASES[suffix]
        if row.cells[8] != ghg_unit or row.cells[1:8] != head[1:8]:
            raise ExtractionError(f"{edition.path}: row {row.row}: {row.cells} does not fit its group {head}")
        if row.value:
            figures[name] = row.value
    if not figures:
        return None
    if scope_text not in SCOPES:
        raise ExtractionError(f"{edition.path}: row {rows[0].row}: unknown scope “{scope_text}”")
    if uom not in UNITS:
        raise ExtractionError(f"{edition.path}: row {rows[0].row}: unit “{uom}” has no pint name in UNITS")
    total = next((r for r in rows if r.cells[0].endswith("_1")), rows[0])
    return FactorRow(
        external_id=total.cells[0],
        scope=SCOPES[scope_text],
        category=category,
        region="GB",
        year=edition.year,
        activity=join_levels(level_1, level_2, level_3, level_4, column_text, drop=(uom,)),
        level_1=level_1,
        level_2=level_2,
        level_3=level_3,
        level_4=level_4,
        column_text=column_text,
        source_unit=uom,
        activity_unit=UNITS[uom],
        gas_basis="co2e",
        gwp_set=edition.gwp_set,
        source_ref=_rows_ref(rows, csv_export),
        **figures,
    )


def extract(source_dir: Path, edition: Edition) -> Extracted:
    path = source_dir / edition.path
    csv_export = path.suffix.lower() == ".csv"
    rows = _csv_rows(path, edition.year) if csv_export else _xlsx_rows(path, edition.year)
    factors = [f for group in _group(rows) if (f := _factor(group, edition, csv_export)) is not None]
    return Extracted(sidecar=edition.sidecar(selection=SELECTION), factors=factors)
