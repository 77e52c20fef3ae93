"""Document control through the API: multipart create, signing with the password, publication, reading, files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.audit.models import AuditEntry
from ims.documents import files
from ims.documents.models import Revision
from tests.conftest import PASSWORD, assert_problem
from tests.documents.conftest import PDF


def multipart(client, path, data):
    return client.client.post(f"/api/v1{path}", data, headers=client._headers())


def test_an_integrator_runs_a_procedure_through_its_lifecycle(api, owner, manager, contributor, north):
    author = api(owner)
    created = multipart(
        author,
        "/documents",
        {
            "doc_type": "procedure",
            "area": "env",
            "title": "Waste segregation",
            "site_ids": [north.pk],
            "review_months": 24,
            "file": SimpleUploadedFile("segregation.pdf", PDF),
        },
    )
    assert created.status_code == 201, created.content
    document = created.json()
    assert (document["number"], document["site_ids"], document["effective_revision_id"]) == (
        "PRO-ENV-001",
        [north.pk],
        None,
    )
    rid = document["open_revision_id"]
    revision = author.get(f"/document-revisions/{rid}").json()
    assert revision["file"]["sha256"] == files.hashlib.sha256(PDF).hexdigest()
    assert revision["file"]["content_type"] == "application/pdf"

    steps = author.put(f"/document-revisions/{rid}/steps", {"approver_ids": [manager.pk]})
    assert steps.status_code == 200, steps.content
    submitted = author.post(
        f"/document-revisions/{rid}/transitions", {"version": steps.json()["version"], "operation": "submit"}
    )
    assert submitted.json()["status"] == "in_review"
    approver = api(manager)
    wrong = approver.post(
        f"/document-revisions/{rid}/sign",
        {"version": submitted.json()["version"], "password": "no", "meaning": "approved"},
    )
    assert assert_problem(wrong, 422, "validation")["errors"]["password"]
    signed = approver.post(
        f"/document-revisions/{rid}/sign",
        {"version": submitted.json()["version"], "password": PASSWORD, "meaning": "approved"},
    )
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["status"] == "approved"
    assert body["signatures"][0]["content_sha256"] == body["content_sha256"]
    published = approver.post(
        f"/document-revisions/{rid}/transitions", {"version": body["version"], "operation": "publish"}
    )
    assert published.json()["status"] == "effective"

    approver.post(f"/documents/{document['id']}/distribution", {"site_id": north.pk})
    reader = api(contributor)
    assert reader.post(f"/document-revisions/{rid}/acknowledge").status_code == 201
    assert api(manager).get(f"/documents/{document['id']}").json()["acknowledged"] == 1
    download = reader.get(f"/document-revisions/{rid}/download")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Disposition"] == 'attachment; filename="segregation.pdf"'


def test_a_tampered_file_is_not_served(api, manager, org):
    client = api(manager)
    created = multipart(
        client, "/documents", {"doc_type": "form", "title": "Log", "file": SimpleUploadedFile("log.txt", b"day;kg\n")}
    )
    rid = created.json()["open_revision_id"]
    stored = Revision.objects.get(pk=rid).file
    with files.storage().open(stored.storage_name, "wb") as fh:
        fh.write(b"day;kg\n1;999\n")
    refused = client.get(f"/document-revisions/{rid}/download")
    body = assert_problem(refused, 500, "integrity")
    assert "no longer matches the checksum" in body["detail"]
    assert AuditEntry.objects.filter(action="integrity_failed").exists()


def test_uploads_are_checked_by_content_and_nothing_is_created_on_refusal(api, manager, org):
    client = api(manager)
    fake = multipart(
        client, "/documents", {"doc_type": "form", "title": "X", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")}
    )
    assert assert_problem(fake, 422, "validation")["errors"] == {
        "file": ["“x.pdf” is not a file type IMS accepts, whatever its name says."]
    }
    renamed = multipart(
        client, "/documents", {"doc_type": "form", "title": "X", "file": SimpleUploadedFile("x.docx", PDF)}
    )
    assert assert_problem(renamed, 422, "validation")["errors"] == {
        "file": ["“x.docx” is named .docx but its content is a PDF; rename or re-export it."]
    }
    exe = multipart(
        client, "/documents", {"doc_type": "form", "title": "X", "file": SimpleUploadedFile("run.exe", b"MZ")}
    )
    assert "are not accepted" in assert_problem(exe, 422, "validation")["errors"]["file"][0]
    assert client.get("/documents").json()["count"] == 0


def test_search_finds_by_number_title_and_text(api, manager, viewer, org):
    client = api(manager)
    multipart(
        client, "/documents", {"doc_type": "procedure", "title": "Compressed air leaks", "text": "Tag every leak."}
    )
    hits = client.get("/documents/search", q="leak").json()
    assert [h["text"] for h in hits] == ["Tag every leak."]
    assert client.get("/documents/search", q="PRO-IMS-001").json()[0]["document_id"] == hits[0]["document_id"]
    assert api(viewer).get("/documents/search", q="leak").json() == [], "drafts stay with their authors and approvers"


def test_numbering_schemes_are_read_by_all_and_changed_by_organisation_managers(api, manager, owner, org):
    schemes = {s["doc_type"]: s for s in api(owner).get("/documents/number-schemes").json()}
    assert schemes["procedure"]["pattern"] == "PRO-{area}-{seq:03d}"
    assert schemes["procedure"]["next_number_example"] == "PRO-IMS-001"
    refused = api(owner).put("/documents/number-schemes/procedure", {"pattern": "P-{seq}"})
    assert_problem(refused, 403, "forbidden")
    bad = api(manager).put("/documents/number-schemes/procedure", {"pattern": "P-{area}"})
    assert assert_problem(bad, 422, "validation")["errors"] == {
        "pattern": ["The pattern needs {seq} (or e.g. {seq:03d}) for the running number."]
    }
    changed = api(manager).put("/documents/number-schemes/procedure", {"pattern": "SOP-{area}-{seq:04d}"})
    assert changed.json()["next_number_example"] == "SOP-IMS-0001"
    created = multipart(api(manager), "/documents", {"doc_type": "procedure", "title": "Lockout", "text": "Lock."})
    assert created.json()["number"] == "SOP-IMS-0001"
