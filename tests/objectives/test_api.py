"""Objectives through the API: CRUD, progress, status filter, the all-or-nothing import."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ims.objectives.models import Objective
from tests.conftest import assert_problem


def payload(**overrides):
    today = timezone.localdate()
    data = {
        "title": "On-time delivery",
        "standards": ["iso9001"],
        "baseline_value": "88",
        "baseline_date": (today - dt.timedelta(days=50)).isoformat(),
        "target_value": "98",
        "unit": "%",
        "direction": "increase",
        "deadline": (today + dt.timedelta(days=50)).isoformat(),
        "plan_what": "Daily dispatch meeting; supplier scorecards.",
    }
    data.update(overrides)
    return data


def upload(client, content: bytes):
    return client.client.post(
        "/api/v1/objectives/import", {"file": SimpleUploadedFile("f.csv", content)}, headers=client._headers()
    )


def test_objective_crud_and_progress(api, owner, north):
    client = api(owner)
    created = client.post("/objectives", {**payload(), "site_id": north.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["status"], body["progress"]) == ("OBJ-001", "off_track", "0.0")
    oid = body["id"]
    entry = client.post(f"/objectives/{oid}/progress", {"value": "93", "note": "March"})
    assert entry.status_code == 201, entry.content
    detail = client.get(f"/objectives/{oid}").json()
    assert (detail["latest_value"], detail["progress"], detail["status"]) == ("93.0000", "50.0", "on_track")
    assert client.get("/objectives", status="on_track").json()["count"] == 1
    assert client.get("/objectives", status="at_risk").json()["count"] == 0
    assert_problem(client.get("/objectives", status="late"), 422, "validation")
    assert client.patch(f"/objectives/{oid}", {"version": 1, "target_value": "97"}).json()["version"] == 2
    assert_problem(client.patch(f"/objectives/{oid}", {"version": 1, "title": "x"}), 409, "conflict")
    assert_problem(
        client.patch(f"/objectives/{oid}", {"version": 2, "unit": "parsecs per fortnight x"}), 422, "validation"
    )
    assert client.post(f"/objectives/{oid}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/objectives").json()["count"] == 0


def test_other_sites_and_viewers(api, owner, manager, viewer, outsider, north):
    assert_problem(api(owner).post("/objectives", payload()), 403, "forbidden")
    mine = api(owner).post("/objectives", {**payload(), "site_id": north.pk}).json()
    assert_problem(api(outsider).get(f"/objectives/{mine['id']}"), 404, "not-found")
    assert_problem(api(viewer).post(f"/objectives/{mine['id']}/progress", {"value": "90"}), 403, "forbidden")
    org_wide = api(manager).post("/objectives", payload(title="CO2e")).json()
    assert api(outsider).get(f"/objectives/{org_wide['id']}").status_code == 200


CSV = (
    "Reference,Site,Objective,Standards,Baseline,Baseline date,Target,Unit,Direction,Deadline,Plan\n"
    'OBJ-101,N,Scrap rate,iso9001,"4,2",2025-01-01,2.5,%,decrease,2030-12-31,SPC\n'
    ",,Electricity per part,iso14001,1.9,2025-01-01,1.6,kWh,Decrease,2030-12-31,Compressed air leaks\n"
)


def test_import_creates_then_updates(api, manager, north):
    client = api(manager)
    first = upload(client, CSV.encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    scrap = Objective.objects.get(reference="OBJ-101")
    assert (scrap.site, str(scrap.baseline_value), scrap.unit) == (north, "4.2000", "%")
    assert upload(client, CSV.replace("SPC", "SPC and poka-yoke").encode()).json()["updated"] == 1


def test_a_bad_row_refuses_the_whole_file(api, manager, north):
    bad = CSV + "OBJ-103,N,Waste,iso14001,40,2025-01-01,70,%,upwards,2030-12-31,Sort\n"
    bad += "OBJ-104,N,Solvent,iso14001,900,2025-01-01,700,furlongs,decrease,2030-12-31,\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “direction”: “upwards” is not one of: Increase, Decrease",
        "Row 5, column “plan”: is required",
    ]
    bad = CSV + "OBJ-104,N,Solvent,iso14001,900,2025-01-01,700,bananas,decrease,2030-12-31,Sort\n"
    bad += "OBJ-105,N,Waste,iso14001,40,2025-01-01,30,%,increase,2030-12-31,Sort\n"
    body = assert_problem(upload(api(manager), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “unit”: “bananas” is not a unit: “bananas” is unknown.",
        "Row 5, column “target”: To increase, the target must be above the baseline.",
    ]
    assert not Objective.objects.exists()
