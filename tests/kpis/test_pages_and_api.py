"""KPI pages, the create-from-template form, the dashboard and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ims.kpis import services
from ims.kpis.models import Kpi


def _kpi(manager: Any, north: Any, defects: Any, production: Any) -> Kpi:
    return services.kpi_create_from_template(
        by=manager,
        template="defect_rate",
        fill={"defects": [defects], "production": [production]},
        reference="N-DEFECT-RATE",
        site=north,
        target=2.0,
        at_risk=4.0,
    )


def test_list_detail_and_dashboard(manager: Any, north: Any, defects: Any, production: Any, web: Any) -> None:
    kpi = _kpi(manager, north, defects, production)
    client = web(manager)
    listing = client.get("/kpis/")
    assert listing.status_code == 200
    assert "N-DEFECT-RATE" in listing.content.decode()
    detail = client.get(f"/kpis/{kpi.pk}/")
    assert detail.status_code == 200
    assert "<svg" in detail.content.decode()
    assert "Value per period" in detail.content.decode()
    assert client.get("/kpis/dashboard").status_code == 200
    assert client.get("/kpis/equipment/").status_code == 200


def test_create_from_template_form(manager: Any, north: Any, defects: Any, production: Any, web: Any) -> None:
    client = web(manager)
    assert "Defect rate" in client.get("/kpis/new").content.decode()
    form = client.get("/kpis/new?template=defect_rate")
    assert form.status_code == 200
    assert "N-DEF" in form.content.decode()
    response = client.post(
        "/kpis/new?template=defect_rate",
        {
            "reference": "n-dr",
            "name": "Defect rate line 1",
            "site": north.pk,
            "period": "month",
            "target": "2",
            "at_risk": "1",
            "role_defects": [defects.pk],
            "role_production": [production.pk],
        },
    )
    assert response.status_code == 200
    assert "When lower is better the at-risk threshold must not be below the target." in response.content.decode()
    response = client.post(
        "/kpis/new?template=defect_rate",
        {
            "reference": "n-dr",
            "name": "Defect rate line 1",
            "site": north.pk,
            "period": "month",
            "target": "2",
            "at_risk": "4",
            "role_defects": [defects.pk],
            "role_production": [production.pk],
        },
    )
    kpi = Kpi.objects.get(reference="N-DR")
    assert response.status_code == 302
    assert response["Location"] == f"/kpis/{kpi.pk}/"
    assert kpi.terms.count() == 2


def test_api_lists_kpis_and_values(manager: Any, north: Any, defects: Any, production: Any, api: Any) -> None:
    kpi = _kpi(manager, north, defects, production)
    client = api(manager)
    listing = client.get("/kpis")
    assert listing.status_code == 200
    assert [k["reference"] for k in listing.json()["items"]] == ["N-DEFECT-RATE"]
    values = client.get(f"/kpis/{kpi.pk}/values", periods=3)
    assert values.status_code == 200
    assert len(values.json()) == 3


def test_api_equipment_crud(manager: Any, outsider: Any, north: Any, production: Any, api: Any) -> None:
    client = api(manager)
    created = client.post(
        "/equipment",
        {
            "site_id": north.pk,
            "reference": "n-scale-1",
            "name": "Counting scale",
            "series_ids": [production.pk],
            "interval_months": 12,
            "last_calibrated_on": "2026-01-15",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["reference"] == "N-SCALE-1"
    assert body["due_on"] == "2027-01-15"
    assert body["series_ids"] == [production.pk]
    patched = client.patch(f"/equipment/{body['id']}", {"version": 1, "next_due_on": "2026-07-01"})
    assert patched.status_code == 200
    assert patched.json()["due_on"] == "2026-07-01"
    assert api(outsider).get(f"/equipment/{body['id']}").status_code == 404
    archived = client.post(f"/equipment/{body['id']}/archive", {"version": 2})
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None
    assert dt.date.fromisoformat(body["last_calibrated_on"]) == dt.date(2026, 1, 15)
