"""The objectives register in the browser: list with status filter, forms, conflicts, progress, exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ims.objectives import services
from ims.objectives.models import Objective


def fields(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Waste diversion",
        "standards": ["iso14001"],
        "baseline_value": "60",
        "baseline_date": (today - dt.timedelta(days=50)).isoformat(),
        "target_value": "80",
        "unit": "%",
        "direction": "increase",
        "deadline": (today + dt.timedelta(days=50)).isoformat(),
        "plan_what": "Sort cardboard and film.",
        "plan_resources": "",
        "evaluation": "",
        "owner": "",
    }
    data.update(overrides)
    return data


def make(by, site, **overrides):
    data = fields(**overrides)
    data.pop("owner")
    for key in ("baseline_value", "target_value"):
        data[key] = Decimal(data[key])
    for key in ("baseline_date", "deadline"):
        data[key] = dt.date.fromisoformat(data[key])
    return services.objective_create(by=by, site=site, **data)


def test_create_progress_list_and_export(web, owner, north):
    client = web(owner)
    assert "New objective" in client.get("/objectives/").content.decode()
    form = client.get("/objectives/new").content.decode()
    assert "it will come from a KPI" in form
    response = client.post("/objectives/new", {"site": north.pk, "reference": "", **fields()})
    objective = Objective.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{objective.pk}/"
    assert "Objective OBJ-001 created." in client.get(response["Location"]).content.decode()
    assert "OBJ-001" in client.get("/objectives/", {"status": "off_track"}).content.decode()
    today = timezone.localdate().isoformat()
    assert (
        client.post(f"/objectives/{objective.pk}/progress", {"date": today, "value": "70", "note": ""}).status_code
        == 302
    )
    listing = client.get("/objectives/", {"status": "on_track"}).content.decode()
    assert "OBJ-001" in listing
    assert "50.0 %" in listing
    assert "OBJ-001" not in client.get("/objectives/", {"status": "off_track"}).content.decode()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    refused = client.post(f"/objectives/{objective.pk}/progress", {"date": future, "value": "75"})
    assert refused.status_code == 422
    assert "Progress cannot be entered for a future date." in refused.content.decode()
    csv = client.get("/objectives/export.csv").content.decode("utf-8-sig")
    assert "OBJ-001" in csv
    assert "On track" in csv
    assert client.get("/objectives/export.xlsx").status_code == 200


def test_conflict_on_edit(web, owner, north):
    objective = make(owner, north)
    services.objective_update(by=owner, objective=objective, version=1, title="Waste diversion rate")
    response = web(owner).post(f"/objectives/{objective.pk}/edit", {"version": 1, **fields(title="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()


def test_other_sites_and_viewers(web, owner, viewer, outsider, north):
    objective = make(owner, north)
    assert web(outsider).get(f"/objectives/{objective.pk}/").status_code == 404
    assert web(viewer).get(f"/objectives/{objective.pk}/").status_code == 200
    assert web(viewer).get(f"/objectives/{objective.pk}/edit").status_code == 403
    assert web(viewer).post(f"/objectives/{objective.pk}/progress", {"value": "1"}).status_code == 403
    assert web(viewer).get("/objectives/new").status_code == 403
    assert "Objectives" in web(viewer).get("/").content.decode()
