"""Importing events from CSV/XLSX: all or nothing, every problem named by row and column, resending is harmless."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ims.improvement.importing import import_events
from ims.improvement.models import Event, EventStatus
from ims.tabular.importer import ImportRefused
from tests.conftest import assert_problem

GOOD = (
    "external ref,type,description,occurred at,site,location,process\n"
    "REJ-1,product_nc,Burrs on 12 brackets,2026-01-15 08:30,N,Final inspection,{process}\n"
    "REJ-2,Product or service nonconformity,Scratch on 3 housings,2026-01-15,N,Final inspection,\n"
)


def upload(client, content: bytes, name: str = "rejects.csv"):
    return client.client.post(
        "/api/v1/events/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_rejects_are_imported_as_reports_and_a_resend_changes_nothing(owner, north, press):
    csv = GOOD.format(process=press.reference).encode()
    report = import_events(by=owner, stream=io.BytesIO(csv))
    assert (report.created, report.unchanged) == (2, 0)
    first, second = Event.objects.order_by("reference")
    assert (first.external_ref, first.status, first.process, first.reporter) == (
        "REJ-1",
        EventStatus.REPORTED,
        press,
        owner,
    )
    assert first.occurred_at.isoformat() == "2026-01-15T07:30:00+00:00"  # 08:30 in Berlin, the site's zone
    assert second.occurred_at.isoformat() == "2026-01-15T11:00:00+00:00"  # a date alone is taken as noon
    again = import_events(by=owner, stream=io.BytesIO(csv))
    assert (again.created, again.unchanged) == (0, 2)
    assert Event.objects.count() == 2


def test_one_bad_row_refuses_the_whole_file_naming_each_problem(owner, north):
    csv = (
        "external ref,type,description,occurred at,site\n"
        "REJ-1,product_nc,Burrs,2026-01-15 08:30,N\n"
        "REJ-2,accident,Crash,2026-01-15,N\n"
        "REJ-3,product_nc,Burrs,soon,X\n"
        "REJ-1,product_nc,Again,2026-01-15,N\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_events(by=owner, stream=io.BytesIO(csv.encode()))
    problems = refused.value.extra["problems"]
    assert problems[0].startswith("Row 3, column “type”: “accident” is not one of:")
    assert (
        problems[1]
        == "Row 4, column “occurred at”: “soon” is not a date and time; use YYYY-MM-DD HH:MM (e.g. 2026-03-31 14:05)"
    )
    assert problems[2] == "Row 5, column “external ref”: “REJ-1” appears again (first in row 2)"
    unknown_site = "external ref,type,description,site\nREJ-9,product_nc,Burrs,X\nREJ-10,product_nc,Burrs,N\n"
    with pytest.raises(ImportRefused) as site:
        import_events(by=owner, stream=io.BytesIO(unknown_site.encode()))
    assert site.value.extra["problems"] == ["Row 2, column “site”: “X” is not a site code."]
    assert not Event.objects.exists()


def test_the_importer_needs_the_report_permission_at_each_site(viewer, north):
    csv = "type,description,site\nproduct_nc,Burrs,N\n"
    with pytest.raises(ImportRefused) as refused:
        import_events(by=viewer, stream=io.BytesIO(csv.encode()))
    assert refused.value.extra["problems"] == ["Row 2: You are not allowed to report events at North plant."]


def test_the_api_imports_an_xlsx_file(api, owner, north):
    book = Workbook()
    sheet = book.active
    sheet.append(["Type", "What happened", "Site", "Where"])
    sheet.append(["near_miss", "Forklift nearly hit a rack", "N", "Aisle 4"])
    data = io.BytesIO()
    book.save(data)
    response = upload(api(owner), data.getvalue(), "nearmiss.xlsx")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "ignored_columns": []}
    assert Event.objects.get().location == "Aisle 4"
    bad = upload(api(owner), b"type,description,site\nproduct_nc,,N\n")
    assert assert_problem(bad, 422, "validation")["problems"] == ["Row 2, column “description”: is required"]
