"""Importing real-world spreadsheets: messy formats read right, every problem named, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from ims.core.errors import ImsError
from ims.org.models import Site
from ims.org.services import site_create
from ims.tabular import values
from ims.tabular.importer import Column, ImportRefused, ParsedRow, apply, parse

COLUMNS = [
    Column("code", required=True),
    Column("name", required=True, aliases=("site name",)),
    Column("country", required=True),
    Column("time zone", required=True, aliases=("timezone",)),
    Column("opened", parse=values.date),
    Column("area m2", parse=values.decimal),
]


def csv_file(text: str, *, bom: bool = False) -> io.BytesIO:
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def test_a_semicolon_csv_with_bom_decimal_commas_and_day_first_dates_is_read_right():
    data = csv_file(
        "Code;Site Name;Country;Time zone;Opened;Area m2\n"
        "LYO;Lyon machining;FR;Europe/Paris;31/12/2019;1.234,5\n"
        "\n"
        "BRQ;Brno;CZ;Europe/Prague;2021-03-01;980\n",
        bom=True,
    )
    rows, ignored = parse(data, COLUMNS, key="code")
    assert ignored == []
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {
        "code": "LYO",
        "name": "Lyon machining",
        "country": "FR",
        "time zone": "Europe/Paris",
        "opened": dt.date(2019, 12, 31),
        "area m2": Decimal("1234.5"),
    }
    assert rows[1].values["opened"] == dt.date(2021, 3, 1)


def test_xlsx_with_real_dates_and_serial_numbers_is_read_right():
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "country", "timezone", "opened", "area m2", "comment"])
    sheet.append(["LYO", "Lyon", "FR", "Europe/Paris", dt.datetime(2019, 12, 31), 1234.5, "ignored"])
    sheet.append(["BRQ", "Brno", "CZ", "Europe/Prague", 44256, "980", None])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    rows, ignored = parse(out, COLUMNS)
    assert ignored == ["comment"]
    assert rows[0].values["opened"] == dt.date(2019, 12, 31)
    assert rows[0].values["area m2"] == Decimal("1234.5")
    assert rows[1].values["opened"] == dt.date(2021, 3, 1)


def test_every_problem_is_named_by_row_and_column():
    data = csv_file(
        "code,name,country,time zone,opened,area m2\n"
        "LYO,Lyon,FR,Europe/Paris,31/02/2026,12\n"
        "BRQ,,CZ,Europe/Prague,,lots\n"
        "LYO,Lyon again,FR,Europe/Paris,,\n"
    )
    with pytest.raises(ImportRefused) as exc:
        parse(data, COLUMNS, key="code")
    assert [str(p) for p in exc.value.problems] == [
        "Row 2, column “opened”: “31/02/2026” is not a date; use YYYY-MM-DD (e.g. 2026-12-31) or DD/MM/YYYY",
        "Row 3, column “name”: is required",
        "Row 3, column “area m2”: “lots” is not a number",
        "Row 4, column “code”: “LYO” appears again (first in row 2)",
    ]


def test_a_missing_required_column_is_named():
    with pytest.raises(ImportRefused) as exc:
        parse(csv_file("code,name\nA,B\n"), COLUMNS)
    assert [str(p) for p in exc.value.problems] == [
        "Row 1, column “country”: this required column is missing from the header row",
        "Row 1, column “time zone”: this required column is missing from the header row",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The first row must hold the column names, but it is empty."),
        (b"code,,name\n", "Column 2 of the header row has no name."),
        (b"code,code\n", "The column “code” appears twice in the header row."),
        ("code,name\nA,Caf\xe9\n".encode("latin-1"), "The file is not UTF-8 text"),
        (b"PK\x03\x04not really a zip", "The spreadsheet cannot be opened"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(content, message):
    with pytest.raises(ImportRefused) as exc:
        parse(io.BytesIO(content), [Column("code")])
    assert message in str(exc.value.problems[0])


def test_a_row_with_more_cells_than_columns_is_refused():
    with pytest.raises(ImportRefused) as exc:
        parse(csv_file("code,name\nA,B,C\n"), [Column("code"), Column("name")])
    assert "Row 2 has more cells than the header has columns." in str(exc.value.problems[0])


def _write_site(by):
    def write(row: ParsedRow) -> str:
        site_create(
            by=by,
            code=row.values["code"],
            name=row.values["name"],
            country=row.values["country"],
            time_zone=row.values["time zone"],
        )
        return "created"

    return write


def test_apply_writes_every_row_through_the_service(db, admin):
    rows, _ = parse(
        csv_file("code,name,country,time zone\nLYO,Lyon,FR,Europe/Paris\nBRQ,Brno,CZ,Europe/Prague\n"), COLUMNS
    )
    report = apply(rows, _write_site(admin))
    assert report.created == 2
    assert set(Site.objects.values_list("code", flat=True)) == {"LYO", "BRQ"}


def test_one_refused_row_means_nothing_is_imported_and_every_refusal_is_reported(db, admin):
    from ims.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    rows, _ = parse(
        csv_file(
            "code,name,country,time zone\n"
            "LYO,Lyon,FR,Europe/Paris\n"
            "BRQ,Brno,XX,Europe/Prague\n"
            "MAD,Madrid,ES,Mars/Base\n"
        ),
        COLUMNS,
    )
    with pytest.raises(ImportRefused) as exc:
        apply(rows, _write_site(admin))
    assert [str(p) for p in exc.value.problems] == [
        "Row 3, column “country”: Value 'XX' is not a valid choice.",
        "Row 4, column “time_zone”: “Mars/Base” is not an IANA time zone name, e.g. Europe/Berlin.",
    ]
    assert not Site.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_refused_import_is_an_ims_error_the_api_turns_into_a_problem():
    refusal = ImportRefused([])
    assert isinstance(refusal, ImsError)
    assert refusal.status == 422
