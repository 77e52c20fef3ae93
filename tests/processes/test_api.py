"""The processes register through the API: CRUD, links, the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.processes.models import Process, ProcessLink
from tests.conftest import assert_problem

PROCESS = {"name": "CNC machining", "kind": "core", "inputs": "Material", "outputs": "Machined parts"}


def upload(client, content: bytes, name: str = "file.csv"):
    return client.client.post(
        "/api/v1/processes/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_process_crud_and_links(api, owner, outsider, north):
    client = api(owner)
    created = client.post("/processes", {**PROCESS, "site_ids": [north.pk], "owner_id": owner.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["site_ids"], body["owner_id"]) == ("PRC-01", [north.pk], owner.pk)
    pid = body["id"]
    other = client.post("/processes", {**PROCESS, "name": "Assembly", "site_ids": [north.pk]}).json()
    assert client.get(f"/processes/{pid}").json()["name"] == "CNC machining"
    assert client.get("/processes", kind="core").json()["count"] == 2
    assert client.get("/processes", kind="support").json()["count"] == 0
    assert client.patch(f"/processes/{pid}", {"version": 1, "purpose": "Make parts"}).json()["version"] == 2
    assert_problem(client.patch(f"/processes/{pid}", {"version": 1, "purpose": "x"}), 409, "conflict")
    link = client.post(f"/processes/{pid}/links", {"to_process_id": other["id"], "label": "Machined parts"})
    assert link.status_code == 201, link.content
    assert link.json()["to_process_id"] == other["id"]
    assert_problem(client.post(f"/processes/{pid}/links", {"to_process_id": pid, "label": "x"}), 422, "validation")
    duplicate = client.post(f"/processes/{pid}/links", {"to_process_id": other["id"], "label": "x"})
    assert assert_problem(duplicate, 422, "validation")["errors"] == {"target": ["PRC-01 is already linked to PRC-02."]}
    assert len(client.get(f"/processes/{other['id']}/links").json()) == 1
    assert_problem(api(outsider).get(f"/processes/{pid}"), 404, "not-found")
    assert client.delete(f"/processes/{pid}/links/{link.json()['id']}").status_code == 204
    assert not ProcessLink.objects.exists()
    assert client.post(f"/processes/{pid}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/processes").json()["count"] == 1
    assert_problem(client.get("/processes", sort="colour"), 422, "validation")


def test_all_sites_and_refusals(api, owner, manager, viewer, outsider, north):
    assert_problem(api(owner).post("/processes", PROCESS), 403, "forbidden")
    everywhere = api(manager).post("/processes", PROCESS).json()
    assert everywhere["site_ids"] == []
    assert api(outsider).get(f"/processes/{everywhere['id']}").status_code == 200
    assert_problem(api(viewer).post("/processes", {**PROCESS, "site_ids": [north.pk]}), 403, "forbidden")
    assert_problem(api(outsider).post("/processes", {**PROCESS, "site_ids": [north.pk]}), 404, "not-found")
    assert_problem(api(manager).post("/processes", {**PROCESS, "owner_id": 999}), 422, "validation")


CSV = (
    "Reference;Name;Kind;Owner;Sites;Inputs;Outputs;Standards;Review date\n"
    "PRC-10;CNC machining;Core (operational);owner;N;Material;Parts;both;31/12/2026\n"
    ";Management review;management;;;Audit results;Minutes;iso9001;\n"
)


def test_import_creates_then_updates(api, manager, owner, north):
    client = api(manager)
    first = upload(client, ("\ufeff" + CSV).encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    again = upload(client, CSV.replace("Material", "Bar stock").encode())
    assert again.json()["updated"] == 1
    assert Process.objects.count() == 3
    cnc = Process.objects.get(reference="PRC-10")
    assert (cnc.owner, cnc.kind, [s.code for s in cnc.sites.all()]) == (owner, "core", ["N"])
    assert cnc.review_date.isoformat() == "2026-12-31"


def test_a_bad_row_refuses_the_whole_file(api, manager, owner):
    bad = CSV + "PRC-12;Painting;paint shop;nobody;ZZZ;;;iso45001;\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “kind”: “paint shop” is not one of: Management, Core (operational), Support",
        "Row 4, column “standards”: “iso45001” is not a standard; use iso9001, iso14001 or both",
    ]
    bad_site = CSV + "PRC-12;Painting;core;;ZZZ;;;;\n"
    body = assert_problem(upload(api(manager), bad_site.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “sites”: “ZZZ” is not a site code."]
    bad_owner = CSV + "PRC-12;Painting;core;nobody;;;;;\n"
    body = assert_problem(upload(api(manager), bad_owner.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “owner”: “nobody” is not an active user name."]
    body = assert_problem(upload(api(owner), CSV.encode()), 422, "validation")
    assert body["problems"] == ["Row 3: You are not allowed to create processes of all sites."]
    assert not Process.objects.exists()
