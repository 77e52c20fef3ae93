"""Risks and opportunities through the API: CRUD, treatments, the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ims.risks.models import Risk
from tests.conftest import assert_problem

RISK = {"title": "Loss of the main customer", "kind": "risk", "likelihood": 3, "consequence": 4}


def upload(client, content: bytes, name: str = "file.csv"):
    return client.client.post(
        "/api/v1/risks/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_risk_crud_and_treatments(api, owner, north):
    client = api(owner)
    created = client.post("/risks", {**RISK, "site_id": north.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["inherent_score"], body["inherent_band"]) == ("RSK-001", 12, "high")
    risk_id = body["id"]
    assert client.get("/risks", band="high").json()["count"] == 1
    assert client.get("/risks", band="low").json()["count"] == 0
    assert_problem(client.get("/risks", band="purple"), 422, "validation")
    patched = client.patch(f"/risks/{risk_id}", {"version": 1, "residual_likelihood": 1, "residual_consequence": 4})
    assert (patched.json()["residual_score"], patched.json()["residual_band"], patched.json()["version"]) == (
        4,
        "low",
        2,
    )
    assert_problem(client.patch(f"/risks/{risk_id}", {"version": 1, "title": "x"}), 409, "conflict")
    due = (timezone.localdate() - timezone.timedelta(days=2)).isoformat()
    treatment = client.post(f"/risks/{risk_id}/treatments", {"action": "Second customer in food", "due_date": due})
    assert treatment.status_code == 201, treatment.content
    assert client.get("/risks", overdue=True).json()["count"] == 1
    done = client.patch(f"/risks/{risk_id}/treatments/{treatment.json()['id']}", {"status": "done"})
    assert (done.json()["status"], done.json()["done_on"]) == ("done", timezone.localdate().isoformat())
    assert client.get("/risks", overdue=True).json()["count"] == 0
    assert client.get("/risks/matrix").json()["size"] == 5
    assert client.post(f"/risks/{risk_id}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/risks").json()["count"] == 0


def test_other_sites_and_viewers(api, owner, manager, viewer, outsider, north):
    assert_problem(api(owner).post("/risks", RISK), 403, "forbidden")
    org_wide = api(manager).post("/risks", RISK).json()
    assert api(outsider).get(f"/risks/{org_wide['id']}").status_code == 200
    mine = api(owner).post("/risks", {**RISK, "site_id": north.pk}).json()
    assert_problem(api(outsider).get(f"/risks/{mine['id']}"), 404, "not-found")
    assert_problem(api(viewer).post(f"/risks/{mine['id']}/treatments", {"action": "x"}), 403, "forbidden")
    assert_problem(api(viewer).patch(f"/risks/{mine['id']}", {"version": 1, "title": "x"}), 403, "forbidden")


CSV = (
    "Reference;Site;Title;Kind;Source;Standards;Likelihood;Consequence;Residual likelihood;Residual consequence\n"
    "RSK-101;n;Chromium VI ban;risk;Compliance obligation;iso14001;4;4;2;3\n"
    ";N;Heat-pump subsidy;Opportunity;other;both;3;3;;\n"
)


def test_import_creates_then_updates(api, manager, north):
    client = api(manager)
    first = upload(client, CSV.encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    ban = Risk.objects.get(reference="RSK-101")
    assert (ban.site, ban.inherent_band, ban.residual_score, ban.standards) == (north, "critical", 6, ["iso14001"])
    again = upload(client, CSV.replace("Chromium VI ban", "Chromium VI restriction").encode())
    assert again.json()["updated"] == 1
    assert Risk.objects.count() == 3


def test_a_bad_row_refuses_the_whole_file(api, manager, north):
    bad = CSV + "RSK-103;N;Flood;threat;other;;6;x;;\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “kind”: “threat” is not one of: Risk, Opportunity",
        "Row 4, column “consequence”: “x” is not a number",
    ]
    bad = CSV + "RSK-103;N;Flood;risk;other;;6;2;;\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “likelihood”: Rate the likelihood from 1 to 5."]
    assert not Risk.objects.exists()


def test_import_permission_rows(api, owner):
    body = assert_problem(upload(api(owner), CSV.replace(";N;Heat", ";;Heat").encode()), 422, "validation")
    assert body["problems"] == [
        "Row 3: You are not allowed to create risks and opportunities of the whole organisation."
    ]
    assert not Risk.objects.exists()
