"""Policies through the API: drafting, signing with the password, communication, import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ims.policies.demo import TEXT
from ims.signatures.services import WRONG_PASSWORD
from tests.conftest import PASSWORD, assert_problem


def test_an_integrator_drafts_and_top_management_signs_with_its_password(api, top, owner, north):
    drafter = api(owner)
    created = drafter.post(
        "/policies", {"site_id": north.pk, "kind": "integrated", "title": "North policy", "text": TEXT}
    )
    assert created.status_code == 201, created.content
    policy = created.json()
    assert (policy["reference"], policy["in_force_revision_id"]) == ("POL-001", None)
    rid = policy["draft_revision_id"]
    draft = drafter.get(f"/policy-revisions/{rid}").json()
    assert (draft["state"], draft["missing_commitments"], draft["signatures"]) == ("draft", [], [])

    refused = drafter.post(f"/policy-revisions/{rid}/approve", {"version": 1, "password": PASSWORD})
    assert_problem(refused, 403, "forbidden")
    manager = api(top)
    wrong = manager.post(f"/policy-revisions/{rid}/approve", {"version": 1, "password": "nope"})
    assert assert_problem(wrong, 422, "validation")["errors"] == {"password": [WRONG_PASSWORD]}
    missing = manager.post(f"/policy-revisions/{rid}/approve", {"version": 1})
    assert missing.status_code == 422

    approved = manager.post(f"/policy-revisions/{rid}/approve", {"version": 1, "password": PASSWORD})
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert (body["state"], body["approved_by_id"]) == ("in_force", top.pk)
    [signature] = body["signatures"]
    assert (signature["meaning"], signature["valid"], signature["signer_id"]) == ("approved", True, top.pk)
    assert signature["content_sha256"] == body["content_sha256"]
    assert body["effective_from"] == timezone.localdate().isoformat()

    edit = drafter.patch(f"/policy-revisions/{rid}", {"version": body["version"], "text": "changed"})
    assert "approved text is never changed" in assert_problem(edit, 409, "workflow")["detail"]

    said = drafter.post(
        f"/policy-revisions/{rid}/communications",
        {"communicated_on": timezone.localdate().isoformat(), "audience": "North staff", "method": "briefing"},
    )
    assert said.status_code == 201, said.content
    assert drafter.get(f"/policies/{policy['id']}").json()["in_force_revision_id"] == rid

    second = drafter.post(f"/policies/{policy['id']}/revisions", {"change_summary": "Climate"})
    assert second.status_code == 201
    assert second.json()["number"] == 2
    again = drafter.post(f"/policies/{policy['id']}/revisions", {})
    assert_problem(again, 409, "workflow")
    listed = api(top).get("/policies", kind="integrated").json()
    assert [p["reference"] for p in listed["items"]] == ["POL-001"]


def test_sending_back_via_the_api_is_a_signed_rejection(api, top, org):
    client = api(top)
    policy = client.post("/policies", {"kind": "quality", "title": "Quality policy", "text": "We make parts."}).json()
    rid = policy["draft_revision_id"]
    revision = client.get(f"/policy-revisions/{rid}").json()
    assert revision["missing_commitments"] == ["objectives_framework", "requirements", "quality_improvement"]
    rejected = client.post(
        f"/policy-revisions/{rid}/reject", {"version": revision["version"], "password": PASSWORD, "reason": "Too thin."}
    )
    assert rejected.status_code == 200, rejected.content
    [signature] = rejected.json()["signatures"]
    assert (signature["meaning"], signature["reason"]) == ("rejected", "Too thin.")
    assert signature["content_sha256"] == rejected.json()["content_sha256"]
    edited = client.patch(f"/policy-revisions/{rid}", {"version": rejected.json()["version"], "text": "Better."})
    assert edited.json()["signatures"][0]["valid"] is False


def test_import_through_the_api_refuses_a_bad_file_whole(api, top, north):
    client = api(top)
    content = "reference,site,kind,title,text\nPOL-001,N,integrated,Policy,Text\nPOL-002,Z,quality,Other,Text\n"
    response = client.client.post(
        "/api/v1/policies/import",
        {"file": SimpleUploadedFile("policies.csv", content.encode())},
        headers=client._headers(),
    )
    body = assert_problem(response, 422, "validation")
    assert body["problems"] == ["Row 3, column “site”: “Z” is not a site code."]
    assert client.get("/policies").json()["count"] == 0
