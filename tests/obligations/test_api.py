"""The obligations register through the API, including evaluations, permits and the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.obligations.models import Obligation
from tests.conftest import assert_problem

BODY = {"title": "Discharge permit", "kind": "permit", "jurisdiction": "FR", "evaluation_frequency_months": 1}


def test_create_evaluate_list_and_filter(api, owner, north):
    client = api(owner)
    created = client.post("/obligations", {**BODY, "site_ids": [north.pk]})
    assert created.status_code == 201, created.content
    assert created.json()["site_ids"] == [north.pk]
    oid = created.json()["id"]
    evaluation = client.post(
        f"/obligations/{oid}/evaluations", {"evaluated_on": "2026-01-31", "result": "compliant", "evidence": "Lab"}
    )
    assert evaluation.status_code == 201, evaluation.content
    detail = client.get(f"/obligations/{oid}").json()
    assert detail["next_evaluation_due"] == "2026-02-28"
    assert detail["last_result"] == "compliant"
    assert [e["result"] for e in client.get(f"/obligations/{oid}/evaluations").json()] == ["compliant"]
    assert [o["reference"] for o in client.get("/obligations", result="compliant").json()["items"]] == ["OBL-001"]
    assert client.get("/obligations", kind="law").json()["count"] == 0
    assert client.get("/obligations", jurisdiction="fr").json()["count"] == 1
    assert client.get("/obligations", overdue="true").json()["count"] == 1
    assert_problem(client.get("/obligations", sort="colour"), 422, "validation")


def test_non_compliance_without_action_and_bad_units_are_refused(api, owner, north):
    client = api(owner)
    oid = client.post("/obligations", {**BODY, "site_ids": [north.pk]}).json()["id"]
    body = assert_problem(
        client.post(f"/obligations/{oid}/evaluations", {"evaluated_on": "2026-01-31", "result": "non_compliant"}),
        422,
        "validation",
    )
    assert body["errors"] == {
        "corrective_action": ["A non-compliance needs a corrective action: say what will be done."]
    }
    ok = client.post(f"/obligations/{oid}/permits", {"parameter": "COD", "limit_value": "125", "unit": "mg/L"})
    assert ok.status_code == 201, ok.content
    body = assert_problem(
        client.post(
            f"/obligations/{oid}/permits", {"parameter": "x", "limit_value": "1", "unit": "furlongs per bogus"}
        ),
        422,
        "validation",
    )
    assert body["errors"] == {"unit": ["“furlongs per bogus” is not a unit: “bogus” is unknown."]}


def test_other_sites_are_hidden_and_viewers_refused(api, owner, outsider, viewer, north):
    oid = api(owner).post("/obligations", {**BODY, "site_ids": [north.pk]}).json()["id"]
    assert_problem(api(outsider).get(f"/obligations/{oid}"), 404, "not-found")
    assert_problem(api(outsider).post("/obligations", {**BODY, "site_ids": [north.pk]}), 404, "not-found")
    assert_problem(api(viewer).patch(f"/obligations/{oid}", {"version": 1, "title": "x"}), 403, "forbidden")
    assert_problem(api(owner).post("/obligations", {**BODY, "site_ids": []}), 403, "forbidden")


def test_update_needs_the_current_version_and_archive(api, owner, north):
    client = api(owner)
    oid = client.post("/obligations", {**BODY, "site_ids": [north.pk]}).json()["id"]
    assert client.patch(f"/obligations/{oid}", {"version": 1, "issuer": "Préfecture du Rhône"}).json()["version"] == 2
    assert_problem(client.patch(f"/obligations/{oid}", {"version": 1, "issuer": "x"}), 409, "conflict")
    archived = client.post(f"/obligations/{oid}/archive", {"version": 2})
    assert archived.json()["archived_at"] is not None
    assert client.get("/obligations").json()["count"] == 0
    assert client.get("/obligations", archived="true").json()["count"] == 1


CSV = (
    "Reference;Title;Kind;Jurisdiction;Sites;Frequency;Standards\n"
    "OBL-101;ICPE classification;Permit;fr;n;12;iso14001\n"
    ";REACH registration;regulation;EU;;24;iso14001, iso9001\n"
)


def upload(client, content: bytes, name: str = "obligations.csv"):
    return client.client.post(
        "/api/v1/obligations/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_an_import_creates_then_updates_by_reference(api, manager, north):
    client = api(manager)
    first = upload(client, ("\ufeff" + CSV).encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    again = upload(client, CSV.replace("ICPE classification", "ICPE classification (2026)").encode())
    assert again.json()["updated"] == 1
    assert Obligation.objects.count() == 3, "the row without a reference is a new obligation each time"
    icpe = Obligation.objects.get(reference="OBL-101")
    assert [s.code for s in icpe.sites.all()] == ["N"]
    assert icpe.jurisdiction == "FR"
    reach = Obligation.objects.filter(title="REACH registration").first()
    assert reach.standards == ["iso14001", "iso9001"]
    assert not reach.sites.exists()


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(api, manager, north):
    bad = CSV + "OBL-103;Noise limits;rule;FR;N;0;\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “kind”: “rule” is not one of: Law, Regulation, Permit, Licence, Contract, "
        "Voluntary commitment, Customer requirement",
        "Row 4, column “frequency”: “0” is not a whole number of months from 1 to 60",
    ]
    bad_site = CSV + "OBL-103;Noise limits;law;FR;N, ZZZ;12;\n"
    body = assert_problem(upload(api(manager), bad_site.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “sites”: “ZZZ” is not a site code."]
    assert not Obligation.objects.exists()
