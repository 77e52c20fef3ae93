"""The improvement API: report, triage, the workflow, containment, analysis, actions, checks and a signed closure."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ims.improvement.models import Event
from tests.conftest import PASSWORD, assert_problem
from tests.improvement.test_report import PNG


def test_an_inspection_system_reports_and_a_manager_takes_it_to_closure(
    api, contributor, manager, outsider, north, press
):
    reporter = api(contributor)
    created = reporter.post(
        "/events",
        {
            "site_id": north.pk,
            "type": "product_nc",
            "description": "120 brackets with burrs",
            "location": "Final inspection",
            "process_id": press.pk,
            "external_ref": "REJ-0042",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    eid, year = body["id"], timezone.localdate().year
    assert (body["reference"], body["status"], body["next"]) == (
        f"NC-{year}-0001",
        "reported",
        ["triaged", "rejected", "duplicate"],
    )
    assert body["step"]["due"] == (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert_problem(api(outsider).get(f"/events/{eid}"), 404, "not-found")
    assert_problem(
        reporter.post(f"/events/{eid}/triage", {"version": 1, "owner_id": manager.pk, "severity": "major"}),
        403,
        "forbidden",
    )

    client = api(manager)
    bad = client.post(f"/events/{eid}/triage", {"version": 1, "owner_id": manager.pk, "severity": "huge"})
    assert assert_problem(bad, 422, "validation")["errors"] == {
        "severity": ["“huge” is not a severity; use one of: minor, major, critical."]
    }
    triaged = client.post(f"/events/{eid}/triage", {"version": 1, "owner_id": manager.pk, "severity": "major"}).json()
    assert (triaged["status"], triaged["severity"], triaged["owner_id"]) == ("triaged", "major", manager.pk)
    version = triaged["version"]
    skipped = client.post(f"/events/{eid}/transitions", {"version": version, "to": "root_cause"})
    assert assert_problem(skipped, 409, "workflow")["detail"].endswith(
        "needs containment first: record what was done with what is affected."
    )
    version = client.post(f"/events/{eid}/transitions", {"version": version, "to": "containment"}).json()["version"]
    negative = client.post(f"/events/{eid}/containment", {"description": "Scrapped", "quantity": "-1", "unit": "pcs"})
    assert assert_problem(negative, 422, "validation")["errors"] == {"quantity": ["Give zero or more; -1 is negative."]}
    contained = client.post(
        f"/events/{eid}/containment",
        {"description": "Scrapped", "quantity": "120", "unit": "pcs", "disposition": "scrap"},
    )
    assert contained.status_code == 201
    assert contained.json()["quantity"] == "120"
    version = client.post(f"/events/{eid}/transitions", {"version": version, "to": "root_cause"}).json()["version"]
    whys = client.put(
        f"/events/{eid}/whys", {"version": version, "steps": [{"why": "Why burrs?", "because": "Worn punch"}]}
    )
    assert [w["because"] for w in whys.json()["whys"]] == ["Worn punch"]
    fish = client.put(
        f"/events/{eid}/fishbone",
        {"version": whys.json()["version"], "causes": [{"branch": "machine", "text": "Worn punch", "is_root": True}]},
    )
    assert fish.json()["fishbone"] == [{"branch": "machine", "text": "Worn punch", "is_root": True}]
    patched = client.patch(
        f"/events/{eid}",
        {"version": fish.json()["version"], "root_cause": "Setter missed it.", "cause_category": "human_error"},
    ).json()
    assert patched["warnings"][0].startswith("The root cause is “Human error” with only 1 why behind it.")
    version = client.post(f"/events/{eid}/transitions", {"version": patched["version"], "to": "action_plan"}).json()[
        "version"
    ]
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    action = client.post(
        f"/events/{eid}/actions",
        {
            "description": "Fit a guard on press 3",
            "owner_id": manager.pk,
            "due": due,
            "criterion": "No burrs in 90 days",
            "check_after_days": 0,
            "links": [{"record_type": "processes.process", "record_id": str(press.pk)}],
        },
    )
    assert action.status_code == 201, action.content
    aid = action.json()["id"]
    assert action.json()["links"] == [{"record_type": "processes.process", "record_id": str(press.pk)}]
    early = client.post(f"/event-actions/{aid}/check", {"version": 1, "result": "effective", "evidence": "x"})
    assert assert_problem(early, 409, "workflow")["detail"].endswith(
        "its effectiveness can be checked once it is done."
    )
    version = client.post(f"/events/{eid}/transitions", {"version": version, "to": "implementation"}).json()["version"]
    done = client.post(f"/event-actions/{aid}/complete", {"version": 1}).json()
    assert done["status"] == "done"
    assert done["checks"][0]["due"] == timezone.localdate().isoformat()
    version = client.post(f"/events/{eid}/transitions", {"version": version, "to": "effectiveness"}).json()["version"]
    premature = client.post(f"/events/{eid}/close", {"version": version, "password": PASSWORD})
    assert assert_problem(premature, 409, "workflow")["detail"] == (
        f"NC-{year}-0001 cannot close: action 1 “Fit a guard on press 3” is not verified effective."
    )
    checked = client.post(
        f"/event-actions/{aid}/check", {"version": done["version"], "result": "effective", "evidence": "No burrs."}
    )
    assert checked.json()["status"] == "verified_effective"
    wrong = client.post(f"/events/{eid}/transitions", {"version": version, "to": "closed", "password": "nope"})
    assert assert_problem(wrong, 422, "validation")["errors"] == {
        "password": ["The password is not correct; nothing was signed."]
    }
    closed = client.post(f"/events/{eid}/close", {"version": version, "password": PASSWORD}).json()
    assert closed["status"] == "closed"
    assert closed["closure_signature"]["signer_id"] == manager.pk
    assert closed["closure_signature"]["valid"] is True
    listed = client.get("/events", status="closed").json()
    assert listed["count"] == 1
    assert listed["items"][0]["reference"] == f"NC-{year}-0001"
    trend = client.get("/events/causes").json()
    assert trend == [{"code": "human_error", "label": "Human error", "branch": "people", "events": 1}]


def test_a_photo_is_uploaded_and_read_back_verified(api, contributor, north):
    client = api(contributor)
    eid = client.post(
        "/events", {"site_id": north.pk, "type": "near_miss", "description": "Forklift near miss"}
    ).json()["id"]
    uploaded = client.client.post(
        f"/api/v1/events/{eid}/photo",
        {"version": 1, "file": SimpleUploadedFile("aisle.png", PNG)},
        headers=client._headers(),
    )
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["has_photo"] is True
    photo = client.get(f"/events/{eid}/photo")
    assert photo.content == PNG
    assert photo["Content-Type"] == "image/png"


def test_severities_and_causes_are_configured_by_an_all_sites_manager(api, manager, owner):
    assert_problem(api(owner).post("/severities", {"code": "severe", "label": "Severe", "rank": 4}), 403, "forbidden")
    added = api(manager).post("/severities", {"code": "severe", "label": "Severe", "rank": 4, "step_days": 1})
    assert added.status_code == 200, added.content
    codes = [s["code"] for s in api(manager).get("/severities").json()]
    assert codes == ["minor", "major", "critical", "severe"]
    cause = api(manager).post("/cause-categories", {"code": "coolant", "label": "Coolant", "branch": "material"})
    assert cause.json()["branch"] == "material"
    exists = api(manager).post("/cause-categories", {"code": "coolant", "label": "Coolant fluid", "branch": "material"})
    assert assert_problem(exists, 422, "validation")["errors"]["version"][0].startswith(
        "Cause category “coolant” exists"
    )


def test_list_filters_and_validation(api, manager, north):
    client = api(manager)
    client.post("/events", {"site_id": north.pk, "type": "improvement", "description": "Reuse washer water"})
    client.post("/events", {"site_id": north.pk, "type": "product_nc", "description": "Burrs"})
    assert client.get("/events", type="improvement").json()["count"] == 1
    assert client.get("/events", open_only=True).json()["count"] == 2
    assert_problem(client.get("/events", sort="colour"), 422, "validation")
    assert_problem(client.get("/events", type="accident"), 422, "validation")
    future = client.post(
        "/events",
        {"site_id": north.pk, "type": "product_nc", "description": "x", "occurred_at": "2999-01-01T00:00:00Z"},
    )
    assert assert_problem(future, 422, "validation")["errors"] == {
        "occurred_at": ["It cannot have happened in the future; give when it happened."]
    }
    assert Event.objects.count() == 2
