"""Spreadsheet exports of the standards library."""

from __future__ import annotations

import io

from ims.standards.models import Edition
from ims.standards.selectors import MatrixGroup

KIND_LABEL = {"common": "Common", "shared": "Shared clause, specific wording", "specific": "Specific", "none": ""}


def matrix_xlsx(groups: list[MatrixGroup], editions: list[Edition]) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is made
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cross-reference"
    header = ["HS clause", "Title", "Kind"]
    for edition in editions:
        header += [f"{edition.label} clause", f"{edition.label} title"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    band = PatternFill("solid", fgColor="E8F1FB")
    for group in groups:
        sheet.append([group.number, group.title])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = Font(bold=True), band
        for row in group.rows:
            values: list[str] = [row.number if row.hs else "", row.title if row.hs else "", KIND_LABEL[row.kind]]
            for edition in editions:
                clauses = row.cells.get(edition.pk, [])
                values += ["\n".join(c.number for c in clauses), "\n".join(c.title for c in clauses)]
            sheet.append(values)
    widths = [10, 40, 16] + [10, 45] * len(editions)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
