"""The aspects register through the API, including the all-or-nothing import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.aspects.models import Aspect
from tests.conftest import assert_problem

BODY = {"activity": "Machining", "aspect": "Coolant mist", "impact": "Air quality", "condition": "normal"}
HIGH = {"severity": 5, "frequency": 4, "scale": 3, "legal": 1, "stakeholders": 2}


def test_create_evaluate_list_and_filter(api, owner, north):
    client = api(owner)
    created = client.post("/aspects", {**BODY, "site_id": north.pk})
    assert created.status_code == 201
    aspect_id = created.json()["id"]
    evaluation = client.post(f"/aspects/{aspect_id}/evaluations", {"scores": HIGH})
    assert evaluation.status_code == 201
    assert evaluation.json()["significant"] is True
    assert evaluation.json()["total"] == 19  # 5×2 + 4 + 3 + 0 + 2
    listed = client.get("/aspects", significant="true").json()
    assert [a["reference"] for a in listed["items"]] == ["ASP-001"]
    assert client.get("/aspects", significant="false").json()["count"] == 0
    assert_problem(client.get("/aspects", sort="colour"), 422, "validation")


def test_bad_scores_and_other_sites_are_refused(api, owner, outsider, north):
    client = api(owner)
    aspect_id = client.post("/aspects", {**BODY, "site_id": north.pk}).json()["id"]
    body = assert_problem(
        client.post(f"/aspects/{aspect_id}/evaluations", {"scores": {**HIGH, "severity": 9}}), 422, "validation"
    )
    assert body["errors"] == {"severity": ["Score severity of the impact from 1 to 5."]}
    assert_problem(api(outsider).get(f"/aspects/{aspect_id}"), 404, "not-found")
    assert_problem(api(outsider).post("/aspects", {**BODY, "site_id": north.pk}), 404, "not-found")


def test_update_needs_the_current_version(api, owner, north):
    client = api(owner)
    aspect_id = client.post("/aspects", {**BODY, "site_id": north.pk}).json()["id"]
    assert client.patch(f"/aspects/{aspect_id}", {"version": 1, "controls": "Mist extractor"}).json()["version"] == 2
    assert_problem(client.patch(f"/aspects/{aspect_id}", {"version": 1, "controls": "x"}), 409, "conflict")


CSV = (
    "Reference;Site;Activity;Aspect;Impact;Condition;Life-cycle stage;Review date\n"
    "ASP-101;n;Degreasing;Solvent vapour;VOC emissions;Normal;Production;31/12/2026\n"
    ";N;Painting;Paint sludge;Hazardous waste;abnormal;end_of_life;\n"
)


def upload(client, content: bytes, name: str = "aspects.csv"):
    return client.client.post(
        "/api/v1/aspects/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_an_import_creates_then_updates_by_reference(api, manager, north):
    client = api(manager)
    first = upload(client, ("\ufeff" + CSV).encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    again = upload(client, CSV.replace("Solvent vapour", "Solvent vapour (VOC)").encode())
    assert again.json()["updated"] == 1
    assert Aspect.objects.count() == 3, "the row without a reference is a new aspect each time"
    assert Aspect.objects.get(reference="ASP-101").review_date.isoformat() == "2026-12-31"


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(api, manager, north):
    bad = CSV + "ASP-103;ZZZ;Welding;Fumes;Air;normal;production;2026-13-40\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “review date”: “2026-13-40” is not a date; use YYYY-MM-DD (e.g. 2026-12-31) or DD/MM/YYYY"
    ]
    bad_site = CSV + "ASP-103;ZZZ;Welding;Fumes;Air;normal;production;\n"
    body = assert_problem(upload(api(manager), bad_site.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “site”: “ZZZ” is not a site code."]
    assert not Aspect.objects.exists()


def test_the_significance_method_is_versioned_documented_information(api, manager, owner):
    current = api(owner).get("/aspects/method").json()
    assert current["version"] == 1
    assert current["threshold"] == 13
    assert_problem(
        api(owner).post("/aspects/method", {"criteria": current["criteria"], "threshold": 10}), 403, "forbidden"
    )
    created = api(manager).post(
        "/aspects/method", {"criteria": current["criteria"], "threshold": 10, "description": "Reviewed 2026."}
    )
    assert created.status_code == 201
    assert created.json()["version"] == 2
    bad = api(manager).post("/aspects/method", {"criteria": [{"key": "x"}], "threshold": 10})
    assert assert_problem(bad, 422, "validation")["errors"] == {"criteria": ["Criterion 1 needs a key and a label."]}
