"""US EPA GHG Emission Factors Hub: the tables a manufacturer's inventory needs.

The Hub is one sheet of numbered tables. Each table is found by its “Table N”
marker in column B and its header text is checked, so a changed layout stops
the extraction instead of shifting figures between columns.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ims.factors.extract.common import Extracted, ExtractionError, FactorRow, clean, excel_number, join_levels, slug
from ims.factors.extract.editions import Edition
from ims.factors.models import Category

SHEET = "Emission Factors Hub"
C = Category

STATIONARY = {
    "Natural Gas": C.NATURAL_GAS,
    "Propane Gas": C.LPG,
    "Distillate Fuel Oil No. 1": C.FUEL_OIL,
    "Distillate Fuel Oil No. 2": C.FUEL_OIL,
    "Distillate Fuel Oil No. 4": C.FUEL_OIL,
    "Residual Fuel Oil No. 5": C.FUEL_OIL,
    "Residual Fuel Oil No. 6": C.FUEL_OIL,
    "Kerosene": C.FUEL_OIL,
    "Liquefied Petroleum Gases (LPG)": C.LPG,
    "Propane": C.LPG,
    "Butane": C.LPG,
    "Motor Gasoline": C.PETROL,
}
MOBILE = {
    "Compressed Natural Gas (CNG)": C.NATURAL_GAS,
    "Diesel Fuel": C.DIESEL,
    "Liquefied Natural Gas (LNG)": C.NATURAL_GAS,
    "Liquefied Petroleum Gases (LPG)": C.LPG,
    "Motor Gasoline": C.PETROL,
    "Residual Fuel Oil": C.FUEL_OIL,
}
UNITS = {
    "mmBtu": "mmBtu",
    "scf": "scf",
    "gallon": "gallon",
    "short ton": "short_ton",
    "MWh": "MWh",
    "vehicle-mile": "mile",
    "passenger-mile": "passenger_mile",
    "kg": "kg",
}
WASTE_ROUTES = {
    "RecycledA": "Recycled",
    "LandfilledB": "Landfilled",
    "CombustedC": "Combusted",
    "CompostedD": "Composted",
    "Anaerobically Digested (Dry Digestate with Curing)": "Anaerobically Digested (Dry Digestate with Curing)",
    "Anaerobically Digested (Wet Digestate with Curing)": "Anaerobically Digested (Wet Digestate with Curing)",
}
GWP_GASES = {"Carbon dioxide", "Methane", "Nitrous oxide"}  # the GWP definitions, not refrigerants
FOOTNOTE = re.compile(r"\s+[A-E]$")  # “Passenger Car A”: the letter refers to a note under the table

SELECTION = (
    "Table 1 stationary combustion of natural gas, propane gas, LPG, propane, butane, motor gasoline, "
    "kerosene, distillate fuel oils No. 1, 2, 4 and residual fuel oils No. 5, 6 (per mmBtu and per physical "
    "unit); Table 2 mobile combustion CO2 of CNG, diesel, LNG, LPG, motor gasoline, residual fuel oil; "
    "Table 6 eGRID2023 total-output rates of every subregion and the US average (non-baseload rates are "
    "not for inventories and are left out); Table 9 waste by material and route; Table 10 business travel "
    "and commuting; Tables 11 and 12 GWPs of HFCs, PFCs, SF6, NF3 and refrigerant blends as factors per kg "
    "released."
)

# Short names for the labels of factors; the full table title stays in level 1.
LABELS = {
    1: "Stationary combustion",
    2: "Mobile combustion",
    6: "Electricity (eGRID2023)",
    9: "Waste",
    10: "Business travel and commuting",
    11: "Gases (GWP)",
    12: "Refrigerant blends (GWP)",
}

Grid = dict[int, dict[str, Any]]


def _read(path: Path) -> Grid:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: the sheet's print header/footer and extensions
        book = load_workbook(path, read_only=True, data_only=True)
    try:
        if SHEET not in book.sheetnames:
            raise ExtractionError(f"{path.name}: no sheet “{SHEET}”")
        grid: Grid = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            for number, values in enumerate(book[SHEET].iter_rows(values_only=True), 1):
                cells = {get_column_letter(i): v for i, v in enumerate(values, 1) if v is not None}
                if cells:
                    grid[number] = cells
        return grid
    finally:
        book.close()


class Table:
    def __init__(self, grid: Grid, number: int, title: str, start: int, end: int) -> None:
        self.grid, self.number, self.title, self.start, self.end = grid, number, title, start, end

    def text(self, row: int, col: str) -> str:
        return clean(self.grid.get(row, {}).get(col))

    def value(self, row: int, col: str) -> Any:
        return self.grid.get(row, {}).get(col)

    def number_at(self, row: int, col: str) -> str:
        return excel_number(self.value(row, col), where=f"{SHEET}!{col}{row}")

    def rows(self) -> range:
        return range(self.start + 1, self.end)

    def find(self, col: str, text: str) -> int:
        for row in self.rows():
            if self.text(row, col) == text:
                return row
        raise ExtractionError(f"Table {self.number}: no “{text}” in column {col}")

    def expect(self, row: int, cols: dict[str, str]) -> None:
        for col, text in cols.items():
            if self.text(row, col) != text:
                raise ExtractionError(
                    f"Table {self.number}: {col}{row} reads “{self.text(row, col)}”, expected “{text}”"
                )

    def body(self, first: int) -> range:
        """Data rows from ``first`` up to the table's “Source:” line."""
        for row in range(first, self.end):
            if self.text(row, "C").startswith("Source:"):
                return range(first, row)
        raise ExtractionError(f"Table {self.number}: no “Source:” line")


def _tables(grid: Grid) -> dict[int, Table]:
    starts = []
    for row in sorted(grid):
        marker = clean(grid[row].get("B"))
        if m := re.fullmatch(r"Table (\d+)", marker):
            starts.append((int(m.group(1)), row, clean(grid[row].get("C"))))
    if [n for n, _, _ in starts] != list(range(1, 13)):
        raise ExtractionError(f"{SHEET}: expected Tables 1 to 12, found {[n for n, _, _ in starts]}")
    ends = [row for _, row, _ in starts[1:]] + [max(grid) + 1]
    return {n: Table(grid, n, title, start, end) for (n, start, title), end in zip(starts, ends, strict=True)}


def _factor(table: Table, key: str, *, source_unit: str, **fields: Any) -> FactorRow:
    if source_unit not in UNITS:
        raise ExtractionError(f"Table {table.number}: unit “{source_unit}” has no pint name in UNITS")
    levels = [fields.pop(k, "") for k in ("level_2", "level_3", "level_4", "column_text")]
    return FactorRow(
        external_id=f"T{table.number}.{key}",
        region=fields.pop("region", "US"),
        year=2025,
        activity=join_levels(LABELS[table.number], *fields.pop("label", levels[:3])),
        level_1=f"Table {table.number}: {table.title}",
        level_2=levels[0],
        level_3=levels[1],
        level_4=levels[2],
        column_text=levels[3],
        source_unit=source_unit,
        activity_unit=UNITS[source_unit],
        **fields,
    )


def _stationary(table: Table) -> list[FactorRow]:
    header = table.find("C", "Fuel Type")
    table.expect(header, {"E": "CO2 Factor", "F": "CH4 Factor", "G": "N2O Factor", "H": "CO2 Factor"})
    out: list[FactorRow] = []
    unit, group, found = "", "", set()
    for row in table.body(header + 1):
        d = table.text(row, "D")
        if m := re.fullmatch(r"mmBtu per (.+)", d):
            unit = m.group(1)
            table.expect(row, {"E": "kg CO2 per mmBtu", "F": "g CH4 per mmBtu", "G": "g N2O per mmBtu"})
            table.expect(row, {"H": f"kg CO2 per {unit}", "I": f"g CH4 per {unit}", "J": f"g N2O per {unit}"})
            continue
        name = table.text(row, "C")
        if table.value(row, "E") is None:
            group = name
            continue
        if name not in STATIONARY:
            continue
        found.add(name)
        common = {"scope": "1", "category": STATIONARY[name], "gas_basis": "mass", "level_2": group}
        common |= {"level_3": name, "co2_unit": "kg", "ch4_unit": "g", "n2o_unit": "g"}
        out.append(
            _factor(
                table,
                f"{slug(name)}.mmbtu",
                source_unit="mmBtu",
                column_text="per mmBtu",
                co2=table.number_at(row, "E"),
                ch4=table.number_at(row, "F"),
                n2o=table.number_at(row, "G"),
                source_ref=f"{SHEET}, Table 1, row {row}, columns E–G",
                notes="Per mmBtu of heat content (higher heating value).",
                **common,
            )
        )
        out.append(
            _factor(
                table,
                f"{slug(name)}.{slug(unit)}",
                source_unit=unit,
                column_text=f"per {unit}",
                co2=table.number_at(row, "H"),
                ch4=table.number_at(row, "I"),
                n2o=table.number_at(row, "J"),
                source_ref=f"{SHEET}, Table 1, row {row}, columns H–J",
                notes=f"Default heat content (HHV): {table.number_at(row, 'D')} mmBtu per {unit}.",
                **common,
            )
        )
    _all_found(table, STATIONARY, found)
    return out


def _all_found(table: Table, wanted: dict[str, Any], found: set[str]) -> None:
    missing = sorted(set(wanted) - found)
    if missing:
        raise ExtractionError(f"Table {table.number}: no row for {', '.join(missing)}")


def _mobile(table: Table) -> list[FactorRow]:
    header = table.find("C", "Fuel Type")
    table.expect(header, {"D": "kg CO2 per unit", "E": "Unit"})
    out, found = [], set()
    for row in table.body(header + 1):
        name = table.text(row, "C")
        if name not in MOBILE:
            continue
        found.add(name)
        out.append(
            _factor(
                table,
                slug(name),
                source_unit=table.text(row, "E"),
                scope="1",
                category=MOBILE[name],
                level_3=name,
                co2=table.number_at(row, "D"),
                gas_basis="mass",
                source_ref=f"{SHEET}, Table 2, row {row}, column D",
                notes=(
                    "CO2 only (tank-to-wheel). The CH4 and N2O of vehicles depend on vehicle type and "
                    "distance (Hub Tables 3–5) and are not part of this factor."
                ),
            )
        )
    _all_found(table, MOBILE, found)
    return out


def _electricity(table: Table) -> list[FactorRow]:
    header = table.find("C", "eGRID Subregion Acronym")
    table.expect(header, {"D": "eGRID Subregion Name", "E": "CO2 Factor", "K": "Grid Gross Loss (%)"})
    table.expect(header + 1, {"E": "(lb CO2 / MWh)", "F": "(lb CH4 / MWh)", "G": "(lb N2O / MWh)"})
    table.expect(header - 1, {"E": "Total Output Emission Factors"})
    out = []
    for row in table.body(header + 2):
        acronym, name = table.text(row, "C"), table.text(row, "D")
        if not acronym:
            continue
        loss = table.value(row, "K")
        note = "eGRID2023 total output emission rate (location-based)."
        if loss is not None:
            note += f" Grid gross loss: {table.number_at(row, 'K')} (a fraction, though headed %)."
        out.append(
            _factor(
                table,
                acronym.replace(" ", "-"),
                source_unit="MWh",
                region="US" if acronym == "US Average" else acronym,
                scope="2",
                category=C.ELECTRICITY,
                level_2="Total Output Emission Factors",
                level_3=acronym,
                level_4=name,
                co2=table.number_at(row, "E"),
                ch4=table.number_at(row, "F"),
                n2o=table.number_at(row, "G"),
                gas_basis="mass",
                co2_unit="lb",
                ch4_unit="lb",
                n2o_unit="lb",
                source_ref=f"{SHEET}, Table 6, row {row}, columns E–G",
                notes=note,
            )
        )
    return out


def _waste(table: Table) -> list[FactorRow]:
    header = table.find("C", "Material")
    table.expect(header - 1, {"D": "Metric Tons CO2e / Short Ton Material"})
    columns = {col: table.text(header, col) for col in "DEFGHI"}
    unknown = [text for text in columns.values() if text not in WASTE_ROUTES]
    if unknown:
        raise ExtractionError(f"Table 9: unknown disposal routes {unknown}")
    out = []
    for row in table.body(header + 1):
        material = table.text(row, "C")
        for col, heading in columns.items():
            value = table.value(row, col)
            if value is None or clean(value) == "NA":
                continue
            route = WASTE_ROUTES[heading]
            out.append(
                _factor(
                    table,
                    f"{slug(material)}.{slug(route)}",
                    source_unit="short ton",
                    scope="3",
                    category=C.WASTE,
                    level_3=material,
                    column_text=heading,
                    label=(material, route),
                    co2e=table.number_at(row, col),
                    co2e_unit="t",
                    gwp_set="AR4",
                    source_ref=f"{SHEET}, Table 9, cell {col}{row}",
                    notes="Metric tons CO2e per short ton of material; the Hub converts waste factors with AR4 GWPs.",
                )
            )
    return out


def _travel(table: Table) -> list[FactorRow]:
    header = table.find("C", "Vehicle Type")
    table.expect(header, {"G": "Units", "D": "CO2 Factor (kg CO2 / unit)", "E": "CH4 Factor (g CH4 / unit)"})
    table.expect(header, {"F": "N2O Factor (g N2O / unit)"})
    out = []
    for row in table.body(header + 1):
        vehicle = table.text(row, "C")
        unit = table.text(row, "G")
        out.append(
            _factor(
                table,
                slug(FOOTNOTE.sub("", vehicle)),
                source_unit=unit,
                scope="3",
                category=C.BUSINESS_TRAVEL,
                level_3=vehicle,
                label=(FOOTNOTE.sub("", vehicle),),
                co2=table.number_at(row, "D"),
                ch4=table.number_at(row, "E"),
                n2o=table.number_at(row, "F"),
                gas_basis="mass",
                ch4_unit="g",
                n2o_unit="g",
                source_ref=f"{SHEET}, Table 10, row {row}, columns D–F",
                notes=f"Per {unit} (distance-based method).",
            )
        )
    return out


def _gwp_factors(table: Table, name_col_header: str, value_col: str, notes: Callable[[int], str]) -> list[FactorRow]:
    header = table.find("C", name_col_header)
    out = []
    for row in table.body(header + 1):
        name = table.text(row, "C")
        if not name or name in GWP_GASES:
            continue
        category = C.REFRIGERANT if table.number == 12 or name.startswith("HFC") else C.OTHER
        out.append(
            _factor(
                table,
                slug(name),
                source_unit="kg",
                scope="1",
                category=category,
                level_3=name,
                label=(name,),
                co2e=table.number_at(row, value_col),
                gwp_set="AR5",
                source_ref=f"{SHEET}, Table {table.number}, cell {value_col}{row}",
                notes=notes(row),
            )
        )
    return out


def extract(source_dir: Path, edition: Edition) -> Extracted:
    grid = _read(source_dir / edition.path)
    tables = _tables(grid)
    t11, t12 = tables[11], tables[12]
    t11.expect(t11.find("C", "Industrial Designation or Common Name"), {"E": "100-Year GWP"})
    t12.expect(t12.find("C", "ASHRAE #"), {"D": "100-year GWP", "E": "Blend Composition"})
    factors = [
        *_stationary(tables[1]),
        *_mobile(tables[2]),
        *_electricity(tables[6]),
        *_waste(tables[9]),
        *_travel(tables[10]),
        *_gwp_factors(
            t11,
            "Industrial Designation or Common Name",
            "E",
            lambda r: f"Per kg of gas released: its 100-year GWP (AR5). Formula {t11.text(r, 'D')}.",
        ),
        *_gwp_factors(
            t12,
            "ASHRAE #",
            "D",
            lambda r: f"Per kg of blend released: its 100-year GWP (AR5). Composition: {t12.text(r, 'E')}.",
        ),
    ]
    for factor in factors:
        factor.year = edition.year
    return Extracted(sidecar=edition.sidecar(selection=SELECTION), factors=factors)
