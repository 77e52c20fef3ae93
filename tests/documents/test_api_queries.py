"""The document register through the API reads a page in a fixed number of queries, whatever its length."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ims.documents import selectors
from ims.documents.models import Document
from ims.documents.services import acknowledge, completion, distribution_add, document_create, revision_start
from ims.processes.services import process_create
from ims.standards.loader import DATA_DIR, load
from ims.standards.models import Clause
from tests.documents.factory import effective_document


def _register(count: int, *, manager: Any, admin: Any, contributor: Any, north: Any) -> None:
    """``count`` documents with a site, a clause and a process; every other one effective, read by the
    contributor and with its next revision started."""
    clause = Clause.objects.get(edition__standard__code="iso9001", edition__code="2015", number="8.5.1")
    process = process_create(by=manager, sites=[north], name="Machining", kind="core")
    for i in range(count):
        fields = {"title": f"Document {i}", "sites": [north], "clauses": [clause], "processes": [process]}
        if i % 2:
            document = effective_document(by=manager, approver=admin, **fields)
            distribution_add(by=manager, document=document, site=north)
            acknowledge(by=contributor, revision=document.revisions.get())
            revision_start(by=manager, document=document)
        else:
            document_create(by=manager, doc_type="procedure", **fields)


def _list(client: Any) -> tuple[int, list[dict[str, Any]]]:
    client.get("/documents", limit=50)  # the first call of a token also records its use; measure a later one
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/documents", limit=50)
    assert response.status_code == 200, response.content
    return len(queries), response.json()["items"]


def test_the_document_list_costs_the_same_queries_for_2_and_20_documents(api, manager, admin, contributor, north, org):
    load(DATA_DIR)
    client = api(manager)
    _register(2, manager=manager, admin=admin, contributor=contributor, north=north)
    few, items = _list(client)
    assert len(items) == 2
    _register(18, manager=manager, admin=admin, contributor=contributor, north=north)
    many, items = _list(client)
    assert len(items) == 20
    assert many == few


def test_each_row_of_the_list_is_the_document_as_read_alone(api, manager, admin, contributor, north, org):
    load(DATA_DIR)
    _register(4, manager=manager, admin=admin, contributor=contributor, north=north)
    client = api(manager)
    items = client.get("/documents").json()["items"]
    assert [(d["acknowledged"], d["asked_to_read"]) for d in items] == [(0, 0), (1, 1), (0, 0), (1, 1)]
    assert [d["effective_revision_id"] is not None for d in items] == [False, True, False, True]
    assert all(d["open_revision_id"] is not None for d in items)
    assert all(d["site_ids"] == [north.pk] and len(d["clause_ids"]) == len(d["process_ids"]) == 1 for d in items)
    for item in items:
        document = Document.objects.get(pk=item["id"])
        effective, open_rev = selectors.effective(document), selectors.open_revision(document)
        assert (item["effective_revision_id"], item["open_revision_id"]) == (
            effective.pk if effective else None,
            open_rev.pk if open_rev else None,
        )
        assert (item["acknowledged"], item["asked_to_read"]) == completion(document)
        assert item["clause_ids"] == sorted(document.clauses.values_list("pk", flat=True))
        assert client.get(f"/documents/{item['id']}").json() == item
