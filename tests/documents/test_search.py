"""Full-text search of documents, on each database's own engine (the suite runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from ims.documents import selectors
from ims.documents.services import document_create, draft_update
from tests.documents.conftest import upload
from tests.documents.factory import effective_document, fresh


def numbers(revisions) -> list[str]:
    return [r.document.number for r in revisions]


def test_it_finds_by_number_title_text_and_uploaded_file(manager, admin, viewer, north):
    effective_document(
        by=manager, approver=admin, title="Coolant concentration check", text="Use the refractometer every shift."
    )
    effective_document(
        by=manager,
        approver=admin,
        doc_type="work_instruction",
        title="Deburring",
        upload=upload(b"Wear cut-resistant gloves near the spindle.", "deburring.txt"),
        text="",
    )

    assert numbers(selectors.search_revisions(viewer, "PRO-IMS-001")) == ["PRO-IMS-001"]
    assert numbers(selectors.search_revisions(viewer, "coolant")) == ["PRO-IMS-001"]
    assert numbers(selectors.search_revisions(viewer, "refractometer shift")) == ["PRO-IMS-001"]
    assert numbers(selectors.search_revisions(viewer, "spindle gloves")) == ["WI-IMS-001"], "text of the file"
    assert numbers(selectors.search_revisions(viewer, "refracto")) == ["PRO-IMS-001"], "the last word as a prefix"
    assert selectors.search_revisions(viewer, "refracto shift") == [], "only the last word is a prefix"
    assert selectors.search_revisions(viewer, "coolant spindle") == [], "every word must match"
    assert [d.number for d in selectors.document_list(viewer, q="glove")] == ["WI-IMS-001"]


def test_a_title_match_ranks_above_a_text_match(manager, admin, viewer):
    effective_document(by=manager, approver=admin, title="Tool changes", text="Check the chuck before welding nearby.")
    effective_document(by=manager, approver=admin, title="Welding fume extraction", text="Switch the fan on.")
    effective_document(by=manager, approver=admin, title="Visitors", text="No entry without a badge.")

    assert numbers(selectors.search_revisions(viewer, "welding")) == ["PRO-IMS-002", "PRO-IMS-001"]


def test_a_viewer_finds_only_effective_content_and_authors_find_their_drafts(manager, admin, owner, viewer, north):
    document = effective_document(by=owner, approver=manager, title="Spill response", sites=[north], text="Sand.")
    from ims.documents.services import revision_start

    draft = revision_start(by=owner, document=document)
    draft_update(by=owner, revision=draft, version=draft.version, text="Use the absorbent granules.")
    document_create(by=owner, doc_type="form", title="Granules stock list", sites=[north])

    assert selectors.search_revisions(viewer, "granules") == []
    assert list(selectors.document_list(viewer, q="granules")) == []
    assert numbers(selectors.search_revisions(viewer, "sand")) == ["PRO-IMS-001"]
    found = selectors.search_revisions(owner, "granules")
    assert {(r.document.number, r.number) for r in found} == {("PRO-IMS-001", 2), ("FRM-IMS-001", 1)}
    assert fresh(draft).status == "draft"
