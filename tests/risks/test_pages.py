"""The risks register in the browser: list filters and flags, forms, conflicts, treatments, exports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ims.risks import services
from ims.risks.models import Risk

RISK = {"title": "Press breakdown", "kind": "risk", "likelihood": 3, "consequence": 4}


def form(**overrides):
    data = {
        "title": "Press breakdown",
        "description": "",
        "kind": "risk",
        "source_kind": "process",
        "source_record_type": "",
        "source_record_id": "",
        "standards": ["iso9001"],
        "likelihood": "3",
        "consequence": "4",
        "residual_likelihood": "",
        "residual_consequence": "",
        "review_date": "",
        "owner": "",
    }
    data.update(overrides)
    return data


def test_create_list_filter_and_treat(web, owner, north):
    client = web(owner)
    assert "New risk or opportunity" in client.get("/risks/").content.decode()
    response = client.post("/risks/new", {"site": north.pk, "reference": "", **form()})
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/risks/{risk.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Risk RSK-001 created." in page
    assert "High" in page
    late = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert (
        client.post(f"/risks/{risk.pk}/treatments", {"action": "Spare", "due_date": late, "owner": ""}).status_code
        == 302
    )
    listing = client.get("/risks/", {"band": "high"}).content.decode()
    assert "RSK-001" in listing
    assert "treatment overdue" in listing
    assert "RSK-001" not in client.get("/risks/", {"band": "low"}).content.decode()
    assert "RSK-001" in client.get("/risks/", {"overdue": "1", "q": "press"}).content.decode()
    treatment = risk.treatments.get()
    client.post(f"/risks/{risk.pk}/treatments/{treatment.pk}/done")
    assert "treatment overdue" not in client.get("/risks/").content.decode()
    csv = client.get("/risks/export.csv").content.decode("utf-8-sig")
    assert "RSK-001" in csv
    assert "Inherent rating" in csv
    assert client.get("/risks/export.xlsx").status_code == 200


def test_conflict_on_edit(web, owner, north):
    risk = services.risk_create(by=owner, site=north, **RISK)
    services.risk_update(by=owner, risk=risk, version=1, title="Press breakdown (line 2)")
    response = web(owner).post(f"/risks/{risk.pk}/edit", {"version": 1, **form(title="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()


def test_other_sites_and_viewers(web, owner, viewer, outsider, north):
    risk = services.risk_create(by=owner, site=north, **RISK)
    assert web(outsider).get(f"/risks/{risk.pk}/").status_code == 404
    assert web(viewer).get(f"/risks/{risk.pk}/").status_code == 200
    assert web(viewer).get(f"/risks/{risk.pk}/edit").status_code == 403
    assert web(viewer).post(f"/risks/{risk.pk}/treatments", {"action": "x"}).status_code == 403
    assert web(viewer).get("/risks/new").status_code == 403
    assert "Risks and opportunities" in web(viewer).get("/").content.decode()
