"""The master list: the register auditors ask for, filtered by standard and clause, and its coverage."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ims.documents.master import Cover, audiences, master_list
from ims.documents.services import (
    acknowledge,
    completion,
    distribution_add,
    document_archive,
    document_create,
    revision_start,
)
from ims.org.services import scope_save
from ims.readiness.services import applicability_set
from ims.standards.loader import DATA_DIR, load
from ims.standards.models import Clause
from tests.documents.factory import effective_document, fresh, next_revision

MAINTAIN_9001 = ["4.3", "4.4.2", "5.2.2", "6.2.1", "8.1", "8.5.1"]


@pytest.fixture
def library(db, manager, org):
    """The shipped standards, with ISO 9001:2015 alone in scope."""
    load(DATA_DIR)
    scope_save(by=manager, standard="iso9001", statement="Machining.", edition="iso9001:2015")


def clause(number: str, key: str = "iso9001:2015") -> Clause:
    code, year = key.split(":")
    return Clause.objects.get(edition__standard__code=code, edition__code=year, number=number)


def coverage_of(master):
    return {c.clause.number: c for c in master.coverage}


def test_each_current_document_is_listed_with_what_an_auditor_reads(library, manager, owner, north, viewer):
    control = effective_document(
        by=owner,
        approver=manager,
        area="QUA",
        title="Control of documented information",
        sites=[north],
        clauses=[clause("7.5.3"), clause("7.5.3", "iso14001:2015")],
        review_months=24,
    )
    next_revision(control, by=owner, approver=manager)
    revision_start(by=owner, document=control, change_summary="Adds retention times.")
    distribution_add(by=owner, document=control, site=north)
    acknowledge(by=viewer, revision=control.revisions.get(status="effective"))
    draft_only = document_create(by=owner, doc_type="form", area="QUA", title="Training record", sites=[north])

    rows = {r.document.number: r for r in master_list(manager).rows}

    assert list(rows) == ["FRM-QUA-001", "PRO-QUA-001"], "sorted by number"
    row = rows["PRO-QUA-001"]
    assert (row.effective.number, row.in_progress) == (2, "Draft")
    assert row.document.owner == owner
    assert row.sites_label == "N"
    assert row.clauses_label == "ISO 14001 7.5.3; ISO 9001 7.5.3"
    assert fresh(control).next_review == row.document.next_review
    assert not row.overdue
    assert (row.acknowledged, row.asked) == completion(control) == (1, 2), "the owner and the viewer work at north"
    assert row.acknowledged_percent == 50
    assert rows[draft_only.number].effective is None


def test_acknowledgement_counts_follow_the_services_audience(library, manager, owner, north, viewer, auditor, admin):
    document = effective_document(by=owner, approver=manager, title="Spill response", sites=[north])
    distribution_add(by=owner, document=document, user=admin)
    distribution_add(by=owner, document=document, role="auditor")
    distribution_add(by=owner, document=document, site=north)
    viewer.is_active = False
    viewer.save()
    from ims.documents.services import audience

    assert audiences([document.pk])[document.pk] == set(audience(document).values_list("pk", flat=True))
    assert audiences([document.pk])[document.pk] == {admin.pk, auditor.pk, owner.pk}


def test_people_see_the_documents_of_their_sites_and_never_archived_ones(
    library, manager, admin, owner, outsider, north
):
    effective_document(by=owner, approver=manager, title="North only", sites=[north])
    everywhere = effective_document(by=manager, approver=admin, title="Everywhere", doc_type="manual")
    retired = document_create(by=owner, doc_type="form", title="Old form", sites=[north])
    document_archive(by=owner, document=retired, version=retired.version)

    assert [r.document.title for r in master_list(owner).rows] == ["Everywhere", "North only"]
    assert [r.document.pk for r in master_list(outsider).rows] == [everywhere.pk]


def test_it_filters_by_standard_and_by_clause_with_its_sub_clauses(library, manager, admin, owner):
    quality = effective_document(by=manager, approver=admin, title="Quality", clauses=[clause("8.5.1")])
    both = effective_document(
        by=manager, approver=admin, title="Both", clauses=[clause("7.5.2"), clause("8.1", "iso14001:2015")]
    )
    effective_document(by=manager, approver=admin, title="None")

    def numbers(**filters):
        return [r.document.pk for r in master_list(owner, **filters).rows]

    assert numbers(standard="iso14001") == [both.pk]
    assert sorted(numbers(standard="iso9001")) == sorted([quality.pk, both.pk])
    assert numbers(clause_id=clause("8.5").pk) == [quality.pk], "8.5 takes in 8.5.1"
    assert numbers(clause_id=clause("7.5").pk) == [both.pk]
    assert len(numbers(standard="nonsense")) == 3, "an unknown standard filters nothing out"
    narrowed = master_list(owner, clause_id=clause("8.5").pk)
    assert [c.clause.number for c in narrowed.coverage] == ["8.5.1"]
    assert narrowed.filter_label == "ISO 9001:2015 + Amd 1:2024 8.5 Production and service provision"


def test_each_mandated_document_is_covered_or_says_why(library, manager, admin):
    effective_document(by=manager, approver=admin, title="Scope", doc_type="manual", clauses=[clause("4.3")])
    effective_document(by=manager, approver=admin, title="Processes", clauses=[clause("4.4.2")], review_months=12)
    document_create(by=manager, doc_type="plan", title="Objectives 2027", clauses=[clause("6.2.1")])
    applicability_set(by=manager, clause=clause("8.5.1"), applicable=False, justification="Nothing is produced.")

    later = timezone.localdate() + dt.timedelta(days=400)
    now = coverage_of(master_list(manager))
    assert sorted(now) == sorted(MAINTAIN_9001)
    assert (now["4.3"].status, now["4.3"].reason) == (Cover.COVERED, "Covered by MAN-IMS-001.")
    assert now["4.4.2"].status == Cover.COVERED
    assert (now["6.2.1"].status, now["6.2.1"].reason) == (
        Cover.NOT_EFFECTIVE,
        "Not effective: PLN-IMS-001 has no effective revision.",
    )
    assert now["8.1"].status == Cover.NO_DOCUMENT
    assert now["8.1"].reason == "No document: no controlled document is linked to this clause."
    assert (now["8.5.1"].status, now["8.5.1"].ok) == (Cover.NOT_APPLICABLE, True)
    assert now["8.5.1"].reason == "Clause declared not applicable: Nothing is produced."

    overdue = coverage_of(master_list(manager, today=later))["4.4.2"]
    due = fresh(overdue.documents[0]).next_review
    assert (overdue.status, overdue.reason) == (Cover.REVIEW_OVERDUE, f"Review overdue (PRO-IMS-001 since {due}).")
    assert [r.overdue for r in master_list(manager, today=later).rows if r.document.title == "Processes"] == [True]


def test_an_archived_invisible_or_record_document_covers_nothing(library, manager, admin, owner, outsider, north):
    effective_document(by=manager, approver=admin, doc_type="record", title="Scope as audited", clauses=[clause("4.3")])
    assert coverage_of(master_list(manager))["4.3"].status == Cover.NO_DOCUMENT, "a record is not maintained"
    document = effective_document(by=owner, approver=manager, title="Scope", sites=[north], clauses=[clause("4.3")])
    assert coverage_of(master_list(manager))["4.3"].status == Cover.COVERED
    assert coverage_of(master_list(outsider))["4.3"].status == Cover.NO_DOCUMENT, "covered only where one can see"
    from ims.documents.services import withdraw

    effective = document.revisions.get(status="effective")
    withdraw(by=manager, revision=effective, version=effective.version, reason="Merged into the manual.")
    assert coverage_of(master_list(manager))["4.3"].status == Cover.NOT_EFFECTIVE
    row = next(r for r in master_list(manager).rows if r.document == document)
    assert (row.effective, row.withdrawn) == (None, True)
    document_archive(by=manager, document=fresh(document), version=fresh(document).version)
    assert coverage_of(master_list(manager))["4.3"].status == Cover.NO_DOCUMENT


def test_the_page_the_spreadsheet_and_the_pdf(library, web, manager, owner, viewer, north):
    effective_document(
        by=owner, approver=manager, title="=Spill response", sites=[north], clauses=[clause("8.1")], review_months=12
    )
    client = web(viewer)

    page = client.get("/documents/master/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "PRO-IMS-001" in html
    assert "Documents the standards say to maintain" in html
    assert "no document" in html

    filtered = client.get("/documents/master/", {"standard": "iso14001"})
    assert "PRO-IMS-001" not in filtered.content.decode()

    xlsx = client.get("/documents/master/xlsx/")
    assert xlsx["Content-Disposition"].startswith('attachment; filename="ims-master-list-')
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Master list", "Mandated documents"]
    register = book["Master list"]
    assert register["A2"].value == "PRO-IMS-001"
    assert register["B2"].value == "'=Spill response", "a title is never read as a formula"
    assert register["D2"].value == 1
    mandated = list(book["Mandated documents"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4]) for r in mandated if r[1] == "8.1"] == [("8.1", "covered")]

    pdf = client.get("/documents/master/pdf/", {"clause": clause("8.1").pk})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_master_list_needs_a_login(library, client):
    response = client.get("/documents/master/")
    assert response.status_code == 302
