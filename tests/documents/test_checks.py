"""The 7.5 readiness check: each document the standards in scope say to maintain is current."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.documents.checks import mandated_documents
from ims.documents.services import document_create
from ims.org.services import scope_save
from ims.readiness.checks import REGISTRY, Status
from ims.readiness.evidence import link_for
from ims.standards.loader import DATA_DIR, load
from ims.standards.models import Clause
from tests.documents.factory import effective_document

MAINTAIN_9001 = ["4.3", "4.4.2", "5.2.2", "6.2.1", "8.1", "8.5.1"]


@pytest.fixture
def library(db, manager, org):
    load(DATA_DIR)
    scope_save(by=manager, standard="iso9001", statement="Machining.", edition="iso9001:2015")


def clauses(*numbers: str) -> list[Clause]:
    return list(Clause.objects.filter(edition__standard__code="iso9001", edition__code="2015", number__in=numbers))


def test_it_is_registered_for_7_5_of_both_standards():
    check = REGISTRY["documents"]
    assert check.title == "Each mandated document is a current controlled document, not past its review date"
    assert [str(c) for c in check.clauses] == ["iso9001 7.5", "iso14001 7.5"]


def test_no_data_while_the_register_is_empty(library):
    result = mandated_documents(timezone.now())
    assert result.status == Status.NO_DATA
    assert result.explanation == "No data yet: the document register is empty."


def test_it_fails_naming_each_mandated_document_that_is_not_current(library, manager, admin):
    effective_document(by=manager, approver=admin, title="Manual", clauses=clauses("4.3", "4.4.2", "5.2.2"))
    document_create(by=manager, doc_type="plan", title="Objectives", clauses=clauses("6.2.1"))

    result = mandated_documents(timezone.now())

    assert result.status == Status.FAIL
    assert result.explanation.startswith("3 of 6 documents to maintain are not a current controlled document: ")
    assert (
        "ISO 9001:2015 + Amd 1:2024 6.2.1 Quality objectives — Not effective: PLN-IMS-001 has no effective revision."
        in result.explanation
    )
    assert "8.1 Documentation giving confidence" in result.explanation
    assert "8.5.1 Characteristics of the products" in result.explanation
    assert "4.3 Scope" not in result.explanation


def test_it_passes_with_the_covering_documents_as_evidence_and_fails_once_a_review_is_overdue(library, manager, admin):
    manual = effective_document(
        by=manager, approver=admin, title="Manual", clauses=clauses(*MAINTAIN_9001[:4]), review_months=12
    )
    operations = effective_document(by=manager, approver=admin, title="Operations", clauses=clauses("8.1", "8.5.1"))

    result = mandated_documents(timezone.now())

    assert result.status == Status.PASS
    assert result.explanation == (
        "All 6 documents to maintain for ISO 9001:2015 + Amd 1:2024 are covered by 2 current controlled documents, "
        "each with an effective revision and within its review date."
    )
    assert result.evidence == (f"documents.document:{manual.pk}", f"documents.document:{operations.pk}")
    found = link_for(manager, result.evidence[0])
    assert found is not None
    assert found.label == f"Document: {manual.number} Manual"

    in_a_year = timezone.now() + dt.timedelta(days=400)
    late = mandated_documents(in_a_year)
    assert late.status == Status.FAIL
    assert f"Review overdue ({manual.number} since {manual.next_review:%Y-%m-%d})" in late.explanation
    assert late.explanation.startswith("4 of 6 documents")


def test_without_the_standards_library_there_is_nothing_to_judge(db, manager, admin):
    effective_document(by=manager, approver=admin, title="Manual")
    result = mandated_documents(timezone.now())
    assert result.status == Status.NO_DATA
    assert result.explanation.startswith("No data yet: no standard in scope lists documents to maintain")
