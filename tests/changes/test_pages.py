"""Planned-change pages: create, transition buttons, conflicts, filters, exports, permissions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ims.changes import services
from ims.changes.models import PlannedChange
from ims.processes.services import process_create


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Solvent-free degreaser",
        "purpose": "Cut VOC emissions.",
        "consequences": "",
        "resources": "",
        "owner": "",
        "responsibilities": "",
        "standards": ["iso9001", "iso14001"],
        "planned_date": "",
        "review_date": "",
    }
    data.update(overrides)
    return data


def make(by: Any, site: Any, **fields: Any) -> PlannedChange:
    values = {"title": "Solvent-free degreaser", "purpose": "Cut VOC emissions."}
    values.update(fields)
    return services.change_create(by=by, site=site, **values)


def test_create_then_move_through_the_workflow(web, owner, manager, north):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    client = web(owner)
    assert "Organisation-wide (all sites)" not in client.get("/changes/new").content.decode()
    response = client.post("/changes/new", {"site": north.pk, "reference": "", "processes": [washer.pk], **form()})
    assert response.status_code == 302, response.content
    change = PlannedChange.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "Planned change CHG-001 created." in detail
    assert "Surface treatment" in detail
    assert 'value="approved"' not in detail  # a process owner may not approve
    assert 'value="cancelled"' in detail
    manager_page = web(manager).get(f"/changes/{change.pk}/").content.decode()
    assert 'value="approved"' in manager_page
    assert client.post(f"/changes/{change.pk}/transition", {"version": 1, "to": "approved"}).status_code == 403
    moved = web(manager).post(f"/changes/{change.pk}/transition", {"version": 1, "to": "approved"}, follow=True)
    assert "Planned change CHG-001 is now approved." in moved.content.decode()
    wrong = client.post(f"/changes/{change.pk}/transition", {"version": 2, "to": "completed"}, follow=True)
    assert "CHG-001 cannot go from Approved to Completed" in wrong.content.decode()
    no_reason = client.post(f"/changes/{change.pk}/transition", {"version": 2, "to": "cancelled"}, follow=True)
    assert "Say why the change is cancelled." in no_reason.content.decode()
    client.post(f"/changes/{change.pk}/transition", {"version": 2, "to": "cancelled", "reason": "No budget"})
    change.refresh_from_db()
    assert (change.status, change.cancel_reason) == ("cancelled", "No budget")


def test_list_filters_late_flag_and_exports(web, owner, manager, north):
    late = make(manager, north, title="Second anodising line", planned_date=dt.date(2000, 1, 1))
    services.change_transition(by=manager, change=late, version=1, to="approved")
    make(manager, None, title="ERP migration")
    client = web(owner)
    page = client.get("/changes/", {"site": ""}).content.decode()
    assert "Second anodising line" in page
    assert "ERP migration" in page
    assert "late" in page
    only = client.get("/changes/", {"site": "", "status": "approved"}).content.decode()
    assert "ERP migration" not in only
    org = client.get("/changes/", {"site": "org"}).content.decode()
    assert "ERP migration" in org
    assert "Second anodising line" not in org
    overdue = client.get("/changes/", {"site": "", "overdue": "1", "sort": "-planned"}).content.decode()
    assert "Second anodising line" in overdue
    assert "ERP migration" not in overdue
    csv = client.get("/changes/export.csv", {"site": ""}).content.decode("utf-8-sig")
    assert "CHG-001" in csv
    assert "Approved" in csv
    xlsx = client.get("/changes/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "Reference"


def test_another_sites_change_is_404_and_viewer_gets_403(web, owner, outsider, viewer, north):
    change = make(owner, north, title="Northern secret")
    assert web(outsider).get(f"/changes/{change.pk}/").status_code == 404
    assert "Northern secret" not in web(outsider).get("/changes/").content.decode()
    client = web(viewer)
    detail = client.get(f"/changes/{change.pk}/").content.decode()
    assert "Northern secret" in detail
    assert f"/changes/{change.pk}/edit" not in detail
    assert f"/changes/{change.pk}/transition" not in detail
    assert client.post("/changes/new", {"site": north.pk, **form()}).status_code == 403
    assert client.get(f"/changes/{change.pk}/edit").status_code == 403
    assert (
        client.post(f"/changes/{change.pk}/transition", {"version": 1, "to": "cancelled", "reason": "x"}).status_code
        == 403
    )
    assert client.post(f"/changes/{change.pk}/archive", {"version": 1}).status_code == 403


def test_a_stale_edit_is_a_409_conflict(web, owner, north):
    change = make(owner, north)
    services.change_update(by=owner, change=change, version=1, title="Aqueous degreaser")
    response = web(owner).post(f"/changes/{change.pk}/edit", {"version": 1, **form(title="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()
    change.refresh_from_db()
    assert change.title == "Aqueous degreaser"
    done = web(owner).post(f"/changes/{change.pk}/archive", {"version": 2}, follow=True)
    assert "Planned change CHG-001 archived." in done.content.decode()
