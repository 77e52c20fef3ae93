"""Exports open right in spreadsheet programs and never run a cell as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ims.tabular.export import csv_bytes, neutralise, xlsx_bytes
from ims.tabular.importer import Column, parse
from ims.tabular.values import date, decimal

HEADER = ["name", "due", "amount", "done"]
ROWS = [
    ['=HYPERLINK("http://evil","click")', dt.date(2026, 12, 31), Decimal("12.50"), True],
    ["+1", None, Decimal("0"), False],
    ["Café, “quoted”", dt.date(2027, 1, 2), Decimal("3"), False],
]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_and_numbers_are_left_alone():
    assert neutralise("Lyon") == "Lyon"
    assert neutralise(-1) == -1


def test_csv_has_a_bom_neutral_cells_and_reads_back_with_our_importer():
    content = csv_bytes(HEADER, ROWS)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://evil","click")', "2026-12-31", "12.50", "yes"]
    assert rows[2][0] == "'+1"
    parsed, _ = parse(io.BytesIO(content), [Column("name"), Column("due", parse=date), Column("amount", parse=decimal)])
    assert parsed[2].values == {"name": "Café, “quoted”", "due": dt.date(2027, 1, 2), "amount": Decimal("3")}


def test_xlsx_cells_are_text_never_formulas():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, title="Sites"))).active
    assert sheet.title == "Sites"
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil","click")'
    assert sheet["B2"].value.date() == dt.date(2026, 12, 31)
