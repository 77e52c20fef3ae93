"""Imports of complaints and survey results: all or nothing, every problem named by row and column."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from ims.feedback.importing import import_complaints, import_responses
from ims.feedback.models import Complaint, Score, SurveyResponse
from ims.improvement.models import Event
from ims.tabular.importer import ImportRefused

COMPLAINTS = """external ref,customer,received on,description,order ref,product ref,site
CRM-1,AGRITECH,2026-10-02,Bolts under-torqued,PO-7710,BR-114,
CRM-2,agritech,2026-10-05,Late delivery,PO-7722,,N
CRM-3,NOPE,2026-10-06,Scratches,PO-7730,,N
"""


def test_a_complaint_for_an_unknown_customer_refuses_the_whole_file(manager, customer, north):
    with pytest.raises(ImportRefused) as refused:
        import_complaints(by=manager, stream=io.BytesIO(COMPLAINTS.encode()))
    assert refused.value.extra["problems"] == [
        "Row 4, column “customer”: “NOPE” is not a customer code; add the customer first."
    ]
    assert not Complaint.objects.exists()
    assert not Event.objects.exists()


def test_complaints_are_imported_each_with_its_event_and_a_second_send_changes_nothing(manager, customer, north):
    good = COMPLAINTS.replace("NOPE", "AGRITECH")
    report = import_complaints(by=manager, stream=io.BytesIO(good.encode()))
    assert (report.created, report.unchanged) == (3, 0)
    assert sorted(Complaint.objects.values_list("external_ref", "order_ref")) == [
        ("CRM-1", "PO-7710"),
        ("CRM-2", "PO-7722"),
        ("CRM-3", "PO-7730"),
    ]
    assert Event.objects.filter(type="customer_complaint", source_type="feedback.complaint").count() == 3
    again = import_complaints(by=manager, stream=io.BytesIO(good.encode()))
    assert (again.created, again.unchanged) == (0, 3)


def test_bad_dates_and_missing_columns_are_named(manager, customer):
    bad = "customer,received on,description\nAGRITECH,31/31/2026,Burrs\nAGRITECH,,Burrs\n"
    with pytest.raises(ImportRefused) as refused:
        import_complaints(by=manager, stream=io.BytesIO(bad.encode()))
    assert refused.value.extra["problems"] == [
        "Row 2, column “received on”: “31/31/2026” is not a date; use YYYY-MM-DD (e.g. 2026-12-31) or DD/MM/YYYY",
        "Row 3, column “received on”: is required",
    ]
    with pytest.raises(ImportRefused) as header:
        import_complaints(by=manager, stream=io.BytesIO(b"customer,description\nAGRITECH,Burrs\n"))
    assert header.value.extra["problems"] == [
        "Row 1, column “received on”: this required column is missing from the header row"
    ]


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_survey_results_from_a_spreadsheet_one_column_per_question(manager, survey, customer, fermax):
    rows = [
        ["customer", "answered on", "quality", "Delivery on time", "recommend", "comment"],
        ["AGRITECH", dt.date(2026, 10, 15), 5, 8, 10, "Good parts"],
        ["FERMAX", dt.date(2026, 10, 16), 4, None, 9.0, ""],
    ]
    report = import_responses(by=manager, survey=survey, stream=_xlsx(rows))
    assert report.created == 2
    scores = sorted(Score.objects.values_list("response__customer__code", "question__code", "value"))
    assert scores == [
        ("AGRITECH", "delivery", 8),
        ("AGRITECH", "quality", 5),
        ("AGRITECH", "recommend", 10),
        ("FERMAX", "quality", 4),
        ("FERMAX", "recommend", 9),
    ]


def test_a_score_out_of_range_or_an_unknown_customer_refuses_every_row(manager, survey, customer):
    rows = [
        ["customer", "answered on", "quality", "delivery", "recommend"],
        ["AGRITECH", "2026-10-15", 5, 8, 10],
        ["AGRITECH", "2026-10-15", 6, 8, 10],
        ["ACME", "2026-10-15", 3, 3, 3],
    ]
    with pytest.raises(ImportRefused) as refused:
        import_responses(by=manager, survey=survey, stream=_xlsx(rows))
    assert refused.value.extra["problems"] == [
        "Row 3, column “quality”: 6 is out of the scale 1–5 of “Quality of parts”.",
        "Row 4, column “customer”: “ACME” is not a customer code; add the customer first.",
    ]
    assert not SurveyResponse.objects.exists()
