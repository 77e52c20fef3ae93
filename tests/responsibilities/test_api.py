"""Roles and responsibilities through the API: CRUD, conflicts, permissions, the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.processes.services import process_create
from ims.responsibilities.models import Responsibility
from tests.conftest import assert_problem

ROLE = {"title": "Environmental coordinator", "responsibilities": "Keeps the aspects register up to date."}


def upload(client, content: bytes, name: str = "file.csv"):
    return client.client.post(
        "/api/v1/responsibilities/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_crud_and_conflict(api, owner, manager, outsider, north):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    client = api(owner)
    created = client.post(
        "/responsibilities",
        {
            **ROLE,
            "site_id": north.pk,
            "holder_ids": [owner.pk],
            "deputy_id": manager.pk,
            "process_ids": [washer.pk],
            "duties": ["reporting"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["holder_ids"], body["deputy_id"], body["process_ids"]) == (
        "RES-001",
        [owner.pk],
        manager.pk,
        [washer.pk],
    )
    assert (body["duties"], body["standards"], body["top_management"]) == (
        ["reporting"],
        ["iso9001", "iso14001"],
        False,
    )
    rid = body["id"]
    patched = client.patch(f"/responsibilities/{rid}", {"version": 1, "authorities": "May stop a discharge."})
    assert patched.json()["version"] == 2
    assert_problem(client.patch(f"/responsibilities/{rid}", {"version": 1, "authorities": "x"}), 409, "conflict")
    assert client.patch(f"/responsibilities/{rid}", {"version": 2, "holder_ids": []}).json()["holder_ids"] == []
    assert client.get(f"/responsibilities/{rid}").json()["authorities"] == "May stop a discharge."
    assert client.get("/responsibilities", duty="reporting").json()["count"] == 1
    assert client.get("/responsibilities", duty="customer_focus").json()["count"] == 0
    assert_problem(client.get("/responsibilities", duty="boss"), 422, "validation")
    assert_problem(api(outsider).get(f"/responsibilities/{rid}"), 404, "not-found")
    assert_problem(api(outsider).post(f"/responsibilities/{rid}/archive", {"version": 3}), 404, "not-found")
    assert_problem(client.post(f"/responsibilities/{rid}/archive", {"version": 2}), 409, "conflict")
    assert client.post(f"/responsibilities/{rid}/archive", {"version": 3}).json()["archived_at"]
    assert client.get("/responsibilities").json()["count"] == 0
    assert client.get("/responsibilities", archived=True).json()["count"] == 1


def test_validation_problems(api, manager, make_user, north):
    gone = make_user("gone", is_active=False)
    client = api(manager)
    body = assert_problem(client.post("/responsibilities", {**ROLE, "deputy_id": gone.pk}), 422, "validation")
    assert body["errors"] == {"deputy_id": [f"No active user with id {gone.pk}."]}
    body = assert_problem(client.post("/responsibilities", {**ROLE, "holder_ids": [gone.pk]}), 422, "validation")
    assert body["errors"] == {"holders": [f"No active user with id {gone.pk}."]}
    body = assert_problem(
        client.post("/responsibilities", {**ROLE, "standards": ["iso14001"], "duties": ["customer_focus"]}),
        422,
        "validation",
    )
    assert body["errors"]["duties"] == [
        "“Promote customer focus throughout the organisation” is a duty of ISO 9001; this role does not serve ISO 9001."
    ]
    assert_problem(client.post("/responsibilities", {"title": "Buyer"}), 422, "validation")
    assert not Responsibility.objects.exists()


def test_org_wide_top_management_and_viewer(api, owner, manager, viewer, outsider, north):
    assert_problem(api(owner).post("/responsibilities", ROLE), 403, "forbidden")
    top = {**ROLE, "site_id": north.pk, "top_management": True, "holder_ids": [owner.pk]}
    refused = assert_problem(api(owner).post("/responsibilities", top), 403, "forbidden")
    assert refused["detail"] == "You are not allowed to approve top-management roles of North plant."
    org_wide = api(manager).post("/responsibilities", {**ROLE, "top_management": True}).json()
    assert (org_wide["site_id"], org_wide["top_management"]) == (None, True)
    assert api(outsider).get(f"/responsibilities/{org_wide['id']}").status_code == 200
    assert api(outsider).get("/responsibilities", top_management=True).json()["count"] == 1
    assert_problem(api(viewer).post("/responsibilities", {**ROLE, "site_id": north.pk}), 403, "forbidden")
    assert_problem(
        api(owner).patch(f"/responsibilities/{org_wide['id']}", {"version": 1, "title": "x"}), 403, "forbidden"
    )


CSV = (
    "Reference;Site;Title;Responsibilities;Holders;Deputy;Processes;Duties;Top management;Review date\n"
    'RES-010;N;Plant manager;Runs the plant.;"owner; manager";;PRC-01;process_outputs;no;30/09/2026\n'
    ";;Managing director;Leads the group.;manager;owner;;;yes;\n"
)


def test_import_creates_then_updates_then_leaves_unchanged(api, manager, owner, north):
    process_create(by=manager, sites=[north], name="Surface treatment", kind="core")
    client = api(manager)
    first = upload(client, CSV.encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    plant = Responsibility.objects.get(reference="RES-010")
    assert (plant.site, plant.duties, plant.top_management, plant.review_date.isoformat()) == (
        north,
        ["process_outputs"],
        False,
        "2026-09-30",
    )
    assert sorted(u.username for u in plant.holders.all()) == ["manager", "owner"]
    assert [p.reference for p in plant.processes.all()] == ["PRC-01"]
    director = Responsibility.objects.get(title="Managing director")
    assert (director.reference, director.site, director.top_management, director.deputy) == (
        "RES-011",
        None,
        True,
        owner,
    )
    again = CSV.replace(";;Managing director", "RES-011;;Managing director")
    assert upload(client, again.encode()).json() == {"created": 0, "updated": 0, "unchanged": 2, "ignored_columns": []}
    changed = again.replace("Runs the plant.", "Runs the Northern plant.").replace('"owner; manager"', "owner")
    assert upload(client, changed.encode()).json()["updated"] == 1
    plant.refresh_from_db()
    assert (plant.responsibilities, [u.username for u in plant.holders.all()]) == (
        "Runs the Northern plant.",
        ["owner"],
    )
    assert Responsibility.objects.count() == 2


def test_a_bad_row_refuses_the_whole_file(api, manager, owner):
    client = api(manager)
    bad = CSV + "RES-012;ZZZ;Buyer;;nobody;;;boss;maybe;31/02/2026\n"
    body = assert_problem(upload(client, bad.encode()), 422, "validation")
    assert body["problems"][:3] == [
        "Row 4, column “responsibilities”: is required",
        "Row 4, column “duties”: “boss” is not a duty; "
        "use conformity, reporting, process_outputs, customer_focus, integrity_changes",
        "Row 4, column “top management”: “maybe” is not yes/no",
    ]
    assert body["problems"][3].startswith("Row 4, column “review date”: ")
    assert len(body["problems"]) == 4
    unknown = CSV.replace("PRC-01", "PRC-77").replace('"owner; manager"', '"owner; ghost"')
    body = assert_problem(upload(client, unknown.encode()), 422, "validation")
    assert body["problems"] == ["Row 2, column “holders”: Not an active user name: ghost."]
    body = assert_problem(
        upload(client, CSV.replace('"owner; manager"', "owner").replace("PRC-01", "PRC-77").encode()), 422, "validation"
    )
    assert body["problems"] == ["Row 2, column “processes”: Unknown process reference(s): PRC-77."]
    body = assert_problem(
        upload(client, CSV.replace("RES-010;N", "RES-010;ZZZ").replace("PRC-01", "").encode()), 422, "validation"
    )
    assert body["problems"] == ["Row 2, column “site”: “ZZZ” is not a site code."]
    body = assert_problem(
        upload(client, CSV.replace(";owner;;;yes", ";ghost;;;yes").replace("PRC-01", "").encode()), 422, "validation"
    )
    assert body["problems"] == ["Row 3, column “deputy”: “ghost” is not an active user name."]
    body = assert_problem(upload(api(owner), CSV.replace("PRC-01", "").encode()), 422, "validation")
    assert body["problems"] == ["Row 3: You are not allowed to create responsibilities of the whole organisation."]
    twice = CSV + "RES-010;N;Buyer;Buys.;;;;;;\n"
    body = assert_problem(upload(client, twice.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “reference”: “RES-010” appears again (first in row 2)"]
    assert not Responsibility.objects.exists()
