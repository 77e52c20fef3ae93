"""Planned changes through the API: CRUD, transitions, the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.changes.models import PlannedChange
from ims.processes.services import process_create
from tests.conftest import assert_problem

CHANGE = {"title": "Solvent-free degreaser", "purpose": "Cut VOC emissions."}


def upload(client, content: bytes, name: str = "file.csv"):
    return client.client.post(
        "/api/v1/changes/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_change_crud_and_transitions(api, owner, manager, outsider, north):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    client = api(owner)
    created = client.post("/changes", {**CHANGE, "site_id": north.pk, "process_ids": [washer.pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["status"], body["process_ids"]) == ("CHG-001", "proposed", [washer.pk])
    cid = body["id"]
    assert client.patch(f"/changes/{cid}", {"version": 1, "resources": "EUR 180k"}).json()["version"] == 2
    assert_problem(client.patch(f"/changes/{cid}", {"version": 1, "resources": "x"}), 409, "conflict")
    refused = client.post(f"/changes/{cid}/transitions", {"version": 2, "to": "approved"})
    assert_problem(refused, 403, "forbidden")
    approved = api(manager).post(f"/changes/{cid}/transitions", {"version": 2, "to": "approved"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by_id"] == manager.pk
    skip = client.post(f"/changes/{cid}/transitions", {"version": 3, "to": "completed"})
    assert assert_problem(skip, 409, "workflow")["detail"] == (
        "CHG-001 cannot go from Approved to Completed; from Approved it can go to: In progress, Cancelled."
    )
    no_reason = client.post(f"/changes/{cid}/transitions", {"version": 3, "to": "cancelled"})
    assert assert_problem(no_reason, 422, "validation")["errors"] == {"reason": ["Say why the change is cancelled."]}
    cancelled = client.post(f"/changes/{cid}/transitions", {"version": 3, "to": "cancelled", "reason": "No budget"})
    assert cancelled.json()["cancel_reason"] == "No budget"
    assert client.get("/changes", status="cancelled").json()["count"] == 1
    assert_problem(api(outsider).get(f"/changes/{cid}"), 404, "not-found")
    assert client.post(f"/changes/{cid}/archive", {"version": 4}).json()["archived_at"]
    assert client.get("/changes").json()["count"] == 0


def test_org_wide_and_viewer(api, owner, manager, viewer, outsider, north):
    assert_problem(api(owner).post("/changes", CHANGE), 403, "forbidden")
    org_wide = api(manager).post("/changes", CHANGE).json()
    assert org_wide["site_id"] is None
    assert api(outsider).get(f"/changes/{org_wide['id']}").status_code == 200
    assert_problem(api(viewer).post("/changes", {**CHANGE, "site_id": north.pk}), 403, "forbidden")


CSV = (
    "Reference;Site;Title;Purpose;Owner;Processes;Planned date\n"
    "CHG-010;N;Degreaser;Cut VOC;owner;PRC-01;30/09/2026\n"
    ";;ERP migration;One ERP;;;\n"
)


def test_import_creates_then_updates(api, manager, owner, north):
    process_create(by=manager, sites=[north], name="Surface treatment", kind="core")
    client = api(manager)
    first = upload(client, CSV.encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    assert upload(client, CSV.replace("Cut VOC", "Cut VOC emissions").encode()).json()["updated"] == 1
    degreaser = PlannedChange.objects.get(reference="CHG-010")
    assert (degreaser.owner, degreaser.site, degreaser.planned_date.isoformat()) == (owner, north, "2026-09-30")
    assert [p.reference for p in degreaser.processes.all()] == ["PRC-01"]


def test_a_bad_row_refuses_the_whole_file(api, manager, owner):
    bad = CSV + "CHG-011;ZZZ;Anodising;;;;31/02/2026\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"][0] == "Row 4, column “purpose”: is required"
    assert len(body["problems"]) == 2
    assert body["problems"][1].startswith("Row 4, column “planned date”: ")
    unknown = CSV.replace("PRC-01", "PRC-77")
    body = assert_problem(upload(api(manager), unknown.encode()), 422, "validation")
    assert body["problems"] == ["Row 2, column “processes”: Unknown process reference(s): PRC-77."]
    body = assert_problem(upload(api(owner), CSV.replace("PRC-01", "").encode()), 422, "validation")
    assert body["problems"] == ["Row 3: You are not allowed to create planned changes of the whole organisation."]
    assert not PlannedChange.objects.exists()
