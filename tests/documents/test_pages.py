"""Document control pages: the register, uploads, the revision lifecycle through forms, signing, reading, downloads."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader, PdfWriter

from ims.audit.models import AuditEntry
from ims.documents import files
from ims.documents.models import Acknowledgement, Document, RevisionStatus, StoredFile
from ims.documents.services import (
    distribution_add,
    document_create,
    draft_update,
    publish,
    revision_start,
    sign_step,
    steps_set,
    submit,
    withdraw,
)
from ims.signatures.models import Signature
from ims.signatures.services import WRONG_PASSWORD
from tests.conftest import PASSWORD
from tests.documents.conftest import PDF, upload

S = RevisionStatus


def fresh(revision):
    revision.refresh_from_db()
    return revision


def make_effective(revision, owner, manager):
    """Through review and publication by the services, as a fixture for the pages."""
    steps_set(by=owner, revision=revision, approvers=[manager])
    submit(by=owner, revision=revision, version=fresh(revision).version)
    sign_step(
        by=manager, revision=fresh(revision), version=fresh(revision).version, password=PASSWORD, meaning="approved"
    )
    return publish(by=manager, revision=fresh(revision), version=fresh(revision).version)


def a_pdf(marker: str = "") -> bytes:
    """A real one-page PDF (a blank A4 page), unique per marker so stored files are not shared."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": marker or uuid.uuid4().hex})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def form_data(**values):
    data = {
        "doc_type": "procedure",
        "area": "ENV",
        "title": "Waste segregation",
        "standards": ["iso14001"],
        "confidentiality": "internal",
        "approval_mode": "parallel",
        "text": "",
    }
    data.update(values)
    return data


# --- the register -----------------------------------------------------------------------------


def test_the_register_lists_filters_and_exports_only_what_the_reader_may_see(
    web, procedure, owner, manager, viewer, outsider
):
    make_effective(procedure.revisions.get(), owner, manager)
    document_create(by=owner, doc_type="form", area="ENV", title="=cmd|' /C calc'!A0", sites=procedure.sites.all())
    Document.objects.filter(pk=procedure.pk).update(next_review="2020-01-01")

    page = web(viewer).get("/documents/").content.decode()
    assert "PRO-ENV-001" in page
    assert "FRM-ENV-001" in page
    assert "overdue" in page
    assert "New document" not in page
    assert "PRO-ENV-001" not in web(outsider).get("/documents/").content.decode()

    effective_only = web(viewer).get("/documents/", {"status": "effective"}).content.decode()
    assert "PRO-ENV-001" in effective_only
    assert "FRM-ENV-001" not in effective_only
    found = web(viewer).get("/documents/", {"q": "contain"}).content.decode()
    assert "PRO-ENV-001" in found
    assert "FRM-ENV-001" not in found
    due = web(viewer).get("/documents/", {"due": "1", "type": "procedure"}).content.decode()
    assert "PRO-ENV-001" in due
    assert "FRM-ENV-001" not in due

    csv = web(viewer).get("/documents/export.csv").content.decode("utf-8-sig")
    assert "PRO-ENV-001" in csv
    assert "'=cmd" in csv
    xlsx = web(viewer).get("/documents/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --- creating, with uploads ---------------------------------------------------------------------


def test_a_process_owner_creates_a_document_with_a_pdf(web, owner, viewer, north):
    client = web(owner)
    assert client.get("/documents/new").status_code == 200
    created = client.post(
        "/documents/new",
        form_data(sites=[north.pk], file=SimpleUploadedFile("Waste plan.pdf", PDF, content_type="application/pdf")),
    )
    assert created.status_code == 302, created.content.decode()
    document = Document.objects.get()
    assert document.number == "PRO-ENV-001"
    revision = document.revisions.get()
    assert revision.file.name == "Waste plan.pdf"
    assert revision.file.content_type == "application/pdf"
    page = client.get(f"/documents/revisions/{revision.pk}/").content.decode()
    assert "Waste plan.pdf" in page
    assert revision.file.sha256 in page
    assert web(viewer).get("/documents/new").status_code == 403


def test_uploads_are_refused_with_the_reason(web, owner, north):
    client = web(owner)

    def post(name: str, content: bytes):
        response = client.post("/documents/new", form_data(sites=[north.pk], file=SimpleUploadedFile(name, content)))
        assert response.status_code == 422
        return response.content.decode()

    allowed = ", ".join(files.ALLOWED_EXTENSIONS)
    assert f"“tool.exe”: files of type “.exe” are not accepted; use {allowed}." in post("tool.exe", b"MZ\x90\x00")
    assert "“report.pdf” is named .pdf but its content is a PNG image; rename or re-export it." in post(
        "report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    )
    with override_settings(IMS_UPLOAD_MAX_MB=1):
        assert "“big.txt” is larger than the 1 MB allowed." in post("big.txt", b"a" * (1024 * 1024 + 1))
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()


# --- who sees which page -------------------------------------------------------------------------


def test_each_page_opens_for_the_right_people_and_refuses_the_others(
    web, procedure, owner, manager, viewer, contributor, outsider
):
    draft = procedure.revisions.get()
    pk, rev = procedure.pk, draft.pk
    for path in (f"/documents/{pk}/", f"/documents/{pk}/edit", f"/documents/revisions/{rev}/edit"):
        assert web(owner).get(path).status_code == 200, path
    assert web(owner).get(f"/documents/revisions/{rev}/steps").status_code == 200
    assert web(manager).get(f"/documents/revisions/{rev}/").status_code == 200

    assert web(viewer).get(f"/documents/{pk}/").status_code == 200
    assert web(viewer).get(f"/documents/{pk}/edit").status_code == 403
    assert web(viewer).get(f"/documents/revisions/{rev}/").status_code == 404, "a viewer does not see drafts"
    assert web(contributor).get(f"/documents/revisions/{rev}/edit").status_code == 404
    for path in (f"/documents/{pk}/", f"/documents/{pk}/edit", f"/documents/revisions/{rev}/"):
        assert web(outsider).get(path).status_code == 404, path
    assert web(outsider).post(f"/documents/{pk}/new-revision").status_code == 404

    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    assert web(owner).get(f"/documents/revisions/{rev}/sign").status_code == 403, "not named to sign"
    assert web(manager).get(f"/documents/revisions/{rev}/sign").status_code == 200
    assert web(viewer).get(f"/documents/revisions/{rev}/sign").status_code == 404

    sign_step(by=manager, revision=fresh(draft), version=fresh(draft).version, password=PASSWORD, meaning="approved")
    publish(by=manager, revision=fresh(draft), version=fresh(draft).version)
    assert web(viewer).get(f"/documents/revisions/{rev}/").status_code == 200, "everyone sees the effective one"
    second = revision_start(by=owner, document=procedure, change_summary="Adds the spill kit.")
    assert web(viewer).get(f"/documents/revisions/{second.pk}/").status_code == 404


def test_the_full_flow_draft_submit_sign_publish_through_the_pages(web, procedure, owner, manager, viewer):
    draft = procedure.revisions.get()
    author, approver = web(owner), web(manager)

    edited = author.post(
        f"/documents/revisions/{draft.pk}/edit",
        {"version": draft.version, "text": "# Spill response\n\nStop, contain, report.", "change_summary": "First"},
    )
    assert edited.status_code == 302, edited.content.decode()
    steps = author.post(f"/documents/revisions/{draft.pk}/steps", {"approver_1": manager.pk})
    assert steps.status_code == 302, steps.content.decode()
    page = author.get(f"/documents/revisions/{draft.pk}/").content.decode()
    assert "Submit for review" in page
    assert "Publish: make effective" not in page
    submitted = author.post(
        f"/documents/revisions/{draft.pk}/move", {"operation": "submit", "version": fresh(draft).version}
    )
    assert submitted.status_code == 302
    assert fresh(draft).status == S.IN_REVIEW

    sign_page = approver.get(f"/documents/revisions/{draft.pk}/sign").content.decode()
    assert "Stop, contain, report." in sign_page
    from ims.signatures.services import content_hash

    assert content_hash(fresh(draft).signed_content()) in sign_page
    wrong = approver.post(
        f"/documents/revisions/{draft.pk}/sign",
        {"version": fresh(draft).version, "meaning": "approved", "password": "not my password"},
    )
    assert wrong.status_code == 422
    assert WRONG_PASSWORD in wrong.content.decode()
    assert not Signature.objects.exists()
    assert fresh(draft).status == S.IN_REVIEW

    signed = approver.post(
        f"/documents/revisions/{draft.pk}/sign",
        {"version": fresh(draft).version, "meaning": "approved", "password": PASSWORD},
    )
    assert signed.status_code == 302, signed.content.decode()
    assert fresh(draft).status == S.APPROVED
    assert "Publish: make effective" not in author.get(f"/documents/revisions/{draft.pk}/").content.decode()
    published = approver.post(
        f"/documents/revisions/{draft.pk}/move", {"operation": "publish", "version": fresh(draft).version}
    )
    assert published.status_code == 302
    assert fresh(draft).status == S.EFFECTIVE

    detail = web(viewer).get(f"/documents/{procedure.pk}/").content.decode()
    assert "<h3>Spill response</h3>" in detail
    revision_page = web(viewer).get(f"/documents/revisions/{draft.pk}/").content.decode()
    assert Signature.objects.get().content_sha256 in revision_page
    assert "valid: content unchanged" in revision_page


def test_a_refused_move_is_explained_and_changes_nothing(web, procedure, owner):
    draft = procedure.revisions.get()
    response = web(owner).post(
        f"/documents/revisions/{draft.pk}/move", {"operation": "submit", "version": draft.version}, follow=True
    )
    assert "Name at least one approver of PRO-ENV-001 revision 1 before submitting it." in response.content.decode()
    assert fresh(draft).status == S.DRAFT


def test_a_stale_edit_shows_what_changed_meanwhile(web, procedure, owner, north):
    client = web(owner)
    version = procedure.version
    data = form_data(title="Spill response (v2)", sites=[north.pk], owner=owner.pk, version=version)
    assert client.post(f"/documents/{procedure.pk}/edit", {**data, "sites": []}).status_code == 422
    assert client.post(f"/documents/{procedure.pk}/edit", data).status_code == 302
    stale = client.post(f"/documents/{procedure.pk}/edit", {**data, "title": "Another title"})
    assert stale.status_code == 409
    assert "Changed by someone else meanwhile" in stale.content.decode()


# --- reading -----------------------------------------------------------------------------------------


def test_people_in_the_distribution_acknowledge_and_completion_counts_them(
    web, procedure, owner, manager, contributor, viewer, north
):
    revision = make_effective(procedure.revisions.get(), owner, manager)
    added = web(owner).post(f"/documents/{procedure.pk}/distribution", {"site": north.pk})
    assert added.status_code == 302, added.content.decode()
    assert "Read and understood: 0 of 3 (0 %)." in web(owner).get(f"/documents/{procedure.pk}/").content.decode()

    reader = web(contributor)
    listed = reader.get("/documents/to-read").content.decode()
    assert "PRO-ENV-001 Spill response" in listed
    assert "I have read and understood" in reader.get(f"/documents/{procedure.pk}/").content.decode()
    done = reader.post(f"/documents/revisions/{revision.pk}/acknowledge", {"next": "/documents/to-read"})
    assert done.status_code == 302
    assert done["Location"] == "/documents/to-read"
    assert Acknowledgement.objects.filter(revision=revision, user=contributor).exists()
    assert "PRO-ENV-001 Spill response" not in reader.get("/documents/to-read").content.decode()
    assert "I have read and understood" not in reader.get(f"/documents/{procedure.pk}/").content.decode()
    assert "Read and understood: 1 of 3 (33 %)." in web(owner).get(f"/documents/{procedure.pk}/").content.decode()

    refused = web(manager).post(f"/documents/revisions/{revision.pk}/acknowledge", follow=True)
    assert "You are not asked to read PRO-ENV-001." in refused.content.decode()
    assert web(viewer).post(f"/documents/{procedure.pk}/distribution", {"site": north.pk}).status_code == 403


def test_the_reading_list_shows_revisions_waiting_for_my_signature(web, procedure, owner, manager):
    draft = procedure.revisions.get()
    steps_set(by=owner, revision=draft, approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)
    page = web(manager).get("/documents/to-read").content.decode()
    assert "Waiting for your signature" in page
    assert f"/documents/revisions/{draft.pk}/sign" in page


def test_the_periodic_review_confirms_the_document_is_still_valid(web, procedure, owner, manager):
    make_effective(procedure.revisions.get(), owner, manager)
    procedure.refresh_from_db()
    Document.objects.filter(pk=procedure.pk).update(next_review="2020-01-01")
    confirmed = web(owner).post(f"/documents/{procedure.pk}/review", {"version": procedure.version, "note": "ok"})
    assert confirmed.status_code == 302
    procedure.refresh_from_db()
    assert str(procedure.next_review) > "2020-01-01"


# --- content -----------------------------------------------------------------------------------------


def test_markdown_is_shown_without_running_html_or_script_links(web, owner, north):
    document = document_create(
        by=owner,
        doc_type="procedure",
        title="Hostile",
        sites=[north],
        text="<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    )
    page = web(owner).get(f"/documents/revisions/{document.revisions.get().pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<td>2</td>" in page


def test_the_comparison_shows_the_added_line(web, procedure, owner, manager):
    first = make_effective(procedure.revisions.get(), owner, manager)
    second = revision_start(by=owner, document=procedure, change_summary="Adds the spill kit.")
    draft_update(by=owner, revision=second, version=second.version, text=first.text + "\nUse the spill kit by door 3.")
    page = web(owner).get(f"/documents/{procedure.pk}/compare", {"a": first.pk, "b": second.pk}).content.decode()
    assert "<ins>Use the spill kit by door 3.</ins>" in page
    assert "1 line added" in page
    assert web(owner).get(f"/documents/{procedure.pk}/compare", {"a": 999999, "b": second.pk}).status_code == 404


# --- downloads -----------------------------------------------------------------------------------------


def test_a_download_is_an_attachment_checked_against_its_checksum(web, owner, viewer, north):
    content = a_pdf()
    document = document_create(
        by=owner, doc_type="procedure", title="Plan", sites=[north], upload=upload(content, "Plan <v1>.pdf")
    )
    response = web(owner).get(f"/documents/revisions/{document.revisions.get().pk}/download")
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Plan _v1_.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert web(viewer).get(f"/documents/revisions/{document.revisions.get().pk}/download").status_code == 404


def test_a_tampered_file_is_not_served_and_the_failure_is_audited(web, owner, north):
    content = a_pdf()
    document = document_create(
        by=owner, doc_type="procedure", title="Plan", sites=[north], upload=upload(content, "p.pdf")
    )
    revision = document.revisions.get()
    tampered = content.replace(b"/Title", b"/Xitle")
    with files.storage().open(revision.file.storage_name, "wb") as fh:
        fh.write(tampered)
    try:
        response = web(owner).get(f"/documents/revisions/{revision.pk}/download")
    finally:
        with files.storage().open(revision.file.storage_name, "wb") as fh:
            fh.write(content)
    assert response.status_code == 500
    assert b"%PDF" not in response.content
    assert "no longer matches the checksum recorded at upload; it was not served." in response.content.decode()
    entry = AuditEntry.objects.get(action="integrity_failed")
    assert (entry.record_type, entry.record_id) == ("documents.revision", str(revision.pk))


def test_an_obsolete_pdf_is_stamped_on_every_page(web, owner, manager, auditor, north):
    document = document_create(
        by=owner, doc_type="procedure", title="Old plan", sites=[north], upload=upload(a_pdf(), "old.pdf")
    )
    revision = make_effective(document.revisions.get(), owner, manager)
    withdraw(by=manager, revision=fresh(revision), version=fresh(revision).version, reason="Replaced by the ERP.")
    response = web(auditor).get(f"/documents/revisions/{revision.pk}/download")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="OBSOLETE-old.pdf"'
    assert "OBSOLETE" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    page = web(auditor).get(f"/documents/revisions/{revision.pk}/").content.decode()
    assert '<div class="watermark" aria-hidden="true"><span>OBSOLETE</span></div>' in page


def test_a_viewer_sees_only_the_effective_revision_and_auditors_see_superseded_ones_marked(
    web, procedure, owner, manager, viewer, auditor
):
    first = make_effective(procedure.revisions.get(), owner, manager)
    second = revision_start(by=owner, document=procedure)
    draft_update(by=owner, revision=second, version=second.version, text="Version two.")
    make_effective(fresh(second), owner, manager)
    assert web(viewer).get(f"/documents/revisions/{first.pk}/").status_code == 404
    page = web(auditor).get(f"/documents/revisions/{first.pk}/").content.decode()
    assert "<span>SUPERSEDED</span>" in page
    detail = web(viewer).get(f"/documents/{procedure.pk}/").content.decode()
    assert "Version two." in detail
    assert f"/documents/revisions/{first.pk}/" not in detail


def test_distribution_entries_are_removed_by_people_who_change_the_document(web, procedure, owner, viewer):
    entry = distribution_add(by=owner, document=procedure, user=viewer)
    assert web(viewer).post(f"/documents/distribution/{entry.pk}/remove").status_code == 403
    assert web(owner).post(f"/documents/distribution/{entry.pk}/remove").status_code == 302
    assert not procedure.distribution.exists()


def test_clauses_served_are_chosen_from_the_standards_library(web, owner, north):
    from ims.standards.loader import DATA_DIR, load
    from ims.standards.models import Clause

    load(DATA_DIR)
    clause = Clause.objects.get(edition__standard__code="iso14001", edition__code="2015", number="8.2")
    client = web(owner)
    form = client.get("/documents/new").content.decode()
    assert f'<optgroup label="{clause.edition.label}">' in form
    created = client.post(
        "/documents/new", form_data(sites=[north.pk], clauses=[clause.pk], text="Drill twice a year.")
    )
    assert created.status_code == 302, created.content.decode()
    document = Document.objects.get()
    assert list(document.clauses.all()) == [clause]
    assert "Emergency preparedness" in client.get(f"/documents/{document.pk}/").content.decode()


def test_a_draft_file_is_replaced_then_removed_and_the_document_archived(web, owner, north):
    document = document_create(by=owner, doc_type="form", title="Checklist", sites=[north], text="- [ ] valves")
    draft = document.revisions.get()
    client = web(owner)
    replaced = client.post(
        f"/documents/revisions/{draft.pk}/edit",
        {
            "version": draft.version,
            "text": draft.text,
            "change_summary": "Adds the scan.",
            "file": SimpleUploadedFile("scan.txt", b"valves closed\n"),
        },
    )
    assert replaced.status_code == 302, replaced.content.decode()
    assert fresh(draft).file.name == "scan.txt"
    removed = client.post(
        f"/documents/revisions/{draft.pk}/edit",
        {"version": fresh(draft).version, "text": draft.text, "change_summary": "", "remove_file": "on"},
    )
    assert removed.status_code == 302, removed.content.decode()
    assert fresh(draft).file is None
    archived = client.post(f"/documents/{document.pk}/archive", {"version": fresh(document).version}, follow=True)
    assert "Document FRM-IMS-001 archived." in archived.content.decode()
    assert fresh(document).archived_at is not None
    assert "FRM-IMS-001" not in client.get("/documents/").content.decode()
    assert "FRM-IMS-001" in client.get("/documents/", {"archived": "1"}).content.decode()
