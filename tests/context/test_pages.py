"""The context registers in the browser's shoes: list filters, forms, org-wide rules, conflicts, exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ims.context import services
from ims.context.models import InterestedParty, Issue


def issue_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Energy prices",
        "description": "",
        "category": "economic",
        "origin": "external",
        "effect": "negative",
        "related_processes": "",
        "standards": ["iso9001", "iso14001"],
        "owner": "",
        "review_date": "",
    }
    data.update(overrides)
    return data


def make_issue(by: Any, site: Any, **fields: Any) -> Issue:
    values = {"title": "Energy prices", "category": "economic", "origin": "external"}
    values.update(fields)
    return services.issue_create(by=by, site=site, **values)


def test_a_process_owner_creates_an_issue(web, owner, north):
    client = web(owner)
    page = client.get("/context/issues/").content.decode()
    assert "New issue" in page
    form = client.get("/context/issues/new").content.decode()
    assert "the processes register does not exist yet" in form
    assert "Organisation-wide (all sites)" not in form
    response = client.post("/context/issues/new", {"site": north.pk, "reference": "", **issue_form()})
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/context/issues/{issue.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Issue ISS-001 created." in page
    assert "Energy prices" in page


def test_an_owner_cannot_post_an_org_wide_issue_but_a_manager_can(web, owner, manager):
    response = web(owner).post("/context/issues/new", {"site": "", **issue_form()})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert "Organisation-wide (all sites)" in web(manager).get("/context/issues/new").content.decode()
    response = web(manager).post("/context/issues/new", {"site": "", **issue_form()})
    assert response.status_code == 302
    assert Issue.objects.get().site is None


def test_list_filters_and_overdue_flag(web, owner, manager, north):
    make_issue(owner, north, title="Heat waves", category="climate", review_date=dt.date(2000, 1, 1))
    make_issue(manager, None, title="Skilled labour", category="knowledge", origin="internal", standards=["iso9001"])
    client = web(owner)
    page = client.get("/context/issues/", {"site": ""}).content.decode()
    assert "Heat waves" in page
    assert "Skilled labour" in page
    assert "overdue" in page
    assert "Organisation-wide" in page
    only = client.get("/context/issues/", {"site": "", "category": "climate"}).content.decode()
    assert "Heat waves" in only
    assert "Skilled labour" not in only
    internal = client.get("/context/issues/", {"site": "", "origin": "internal"}).content.decode()
    assert "Skilled labour" in internal
    assert "Heat waves" not in internal
    org = client.get("/context/issues/", {"site": "org"}).content.decode()
    assert "Skilled labour" in org
    assert "Heat waves" not in org
    env = client.get("/context/issues/", {"site": "", "standard": "iso14001"}).content.decode()
    assert "Heat waves" in env
    assert "Skilled labour" not in env
    found = client.get("/context/issues/", {"site": "", "q": "labour"}).content.decode()
    assert "Skilled labour" in found
    assert "Heat waves" not in found
    assert "Heat waves" in client.get("/context/issues/", {"site": "", "sort": "-review"}).content.decode()


def test_another_sites_record_is_404_and_viewer_gets_403(web, owner, outsider, viewer, north):
    issue = make_issue(owner, north, title="Northern secret")
    assert web(outsider).get(f"/context/issues/{issue.pk}/").status_code == 404
    assert "Northern secret" not in web(outsider).get("/context/issues/").content.decode()
    client = web(viewer)
    detail = client.get(f"/context/issues/{issue.pk}/").content.decode()
    assert "Northern secret" in detail
    assert f"/context/issues/{issue.pk}/edit" not in detail
    assert client.post("/context/issues/new", {"site": north.pk, **issue_form()}).status_code == 403
    assert client.get(f"/context/issues/{issue.pk}/edit").status_code == 403
    assert client.post(f"/context/issues/{issue.pk}/archive", {"version": 1}).status_code == 403
    assert client.post("/context/parties/new", {"site": north.pk}).status_code == 403


def test_a_stale_edit_is_a_409_conflict(web, owner, north):
    issue = make_issue(owner, north)
    services.issue_update(by=owner, issue=issue, version=1, title="Energy prices (gas)")
    response = web(owner).post(f"/context/issues/{issue.pk}/edit", {"version": 1, **issue_form(title="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()
    issue.refresh_from_db()
    assert issue.title == "Energy prices (gas)"


def test_archive_then_gone_from_the_list(web, owner, north):
    issue = make_issue(owner, north)
    client = web(owner)
    response = client.post(f"/context/issues/{issue.pk}/archive", {"version": 1}, follow=True)
    assert "Issue ISS-001 archived." in response.content.decode()
    assert "No issues match." in client.get("/context/issues/").content.decode()
    assert "ISS-001" in client.get("/context/issues/", {"archived": "1"}).content.decode()


def test_parties_pages_and_exports(web, owner, manager, north):
    client = web(owner)
    response = client.post(
        "/context/parties/new",
        {
            "site": north.pk,
            "reference": "",
            "name": "Neighbours",
            "kind": "community",
            "needs": "=cmd|' /C calc'!A0",
            "compliance_obligation": "on",
            "monitoring": "",
            "standards": ["iso14001"],
            "owner": "",
            "review_date": "",
        },
    )
    assert response.status_code == 302, response.content
    party = InterestedParty.objects.get()
    assert party.compliance_obligation
    assert not party.customer_requirement
    assert "compliance obligation" in client.get("/context/parties/").content.decode()
    only = client.get("/context/parties/", {"kind": "customer"}).content.decode()
    assert "No interested parties match." in only
    csv = client.get("/context/parties/export.csv").content.decode("utf-8-sig")
    assert "IP-001" in csv
    assert "'=cmd" in csv
    xlsx = client.get("/context/issues/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "Reference"
    edit = client.get(f"/context/parties/{party.pk}/edit")
    assert edit.status_code == 200


def test_navigation_shows_the_context_registers(web, viewer):
    page = web(viewer).get("/context/issues/").content.decode()
    assert "Internal and external issues" in page
    assert "/context/parties/" in page
