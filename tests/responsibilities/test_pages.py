"""Role pages: create, detail with holders and processes, the process page's roles, filters, exports, permissions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ims.processes.services import process_create
from ims.responsibilities import services
from ims.responsibilities.importing import import_responsibilities
from ims.responsibilities.models import Responsibility

ROLE = {"title": "Environmental coordinator", "responsibilities": "Keeps the aspects register up to date."}


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        **ROLE,
        "authorities": "",
        "deputy": "",
        "standards": ["iso9001", "iso14001"],
        "review_date": "",
    }
    data.update(overrides)
    return data


def make(by: Any, site: Any, **fields: Any) -> Responsibility:
    return services.responsibility_create(by=by, site=site, **{**ROLE, **fields})


def test_create_and_see_holders_processes_and_duties(web, owner, admin, manager, north):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    client = web(owner)
    assert "Organisation-wide (all sites)" not in client.get("/responsibilities/new").content.decode()
    response = client.post(
        "/responsibilities/new",
        {
            "site": north.pk,
            "reference": "",
            "holders": [owner.pk],
            "processes": [washer.pk],
            "duties": ["reporting"],
            **form(),
        },
    )
    assert response.status_code == 302, response.content
    role = Responsibility.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "Role RES-001 created." in detail
    assert "Report on the performance of the management system to top management" in detail
    assert f'href="/processes/{washer.pk}/"' in detail
    assert f'href="/accounts/users/{owner.pk}/"' not in detail  # a process owner does not manage users
    assert f"/responsibilities/{role.pk}/edit" in detail
    assert f'href="/accounts/users/{owner.pk}/"' in web(admin).get(f"/responsibilities/{role.pk}/").content.decode()
    assert (
        f'href="/accounts/users/{owner.pk}/"' not in web(manager).get(f"/responsibilities/{role.pk}/").content.decode()
    )
    process_page = client.get(f"/processes/{washer.pk}/").content.decode()
    assert "Roles and responsibilities" in process_page
    assert f'href="/responsibilities/{role.pk}/"' in process_page
    refused = client.post(
        "/responsibilities/new", {"site": north.pk, "duties": ["customer_focus"], **form(standards=["iso14001"])}
    )
    assert refused.status_code == 422
    assert "is a duty of ISO 9001; this role does not serve ISO 9001." in refused.content.decode()


def test_top_management_roles_are_changed_only_by_those_who_may_approve(web, owner, manager, north):
    top = make(manager, north, holders=[manager], top_management=True)
    page = web(owner).get(f"/responsibilities/{top.pk}/").content.decode()
    assert "top management" in page
    assert f"/responsibilities/{top.pk}/edit" not in page
    edit = web(owner).post(f"/responsibilities/{top.pk}/edit", {"version": 1, "holders": [owner.pk], **form()})
    assert edit.status_code == 403
    assert f"/responsibilities/{top.pk}/edit" in web(manager).get(f"/responsibilities/{top.pk}/").content.decode()


def test_list_filters_and_exports(web, owner, manager, north):
    make(manager, north, title="Buyer", review_date=dt.date(2000, 1, 1))
    make(manager, None, title="Managing director", top_management=True, holders=[manager])
    make(manager, north, title='=HYPERLINK("http://evil")', duties=["conformity"], holders=[owner, manager])
    client = web(owner)
    page = client.get("/responsibilities/", {"site": ""}).content.decode()
    assert "Buyer" in page
    assert "Managing director" in page
    assert '<span class="badge bad">overdue</span>' in page
    top = client.get("/responsibilities/", {"site": "", "top": "1"}).content.decode()
    assert "Managing director" in top
    assert "Buyer" not in top
    duty = client.get("/responsibilities/", {"site": "", "duty": "conformity"}).content.decode()
    assert "HYPERLINK" in duty
    assert "Buyer" not in duty
    org = client.get("/responsibilities/", {"site": "org"}).content.decode()
    assert "Managing director" in org
    assert "Buyer" not in org
    late = client.get("/responsibilities/", {"site": "", "overdue": "1", "sort": "-review"}).content.decode()
    assert "Buyer" in late
    assert "Managing director" not in late
    csv = client.get("/responsibilities/export.csv", {"site": ""}).content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0] == (
        "Reference,Site,Title,Responsibilities,Authorities,Holders,Deputy,Processes,Standards,Duties,"
        "Top management,Review date"
    )
    assert lines[1].startswith("RES-001,N,Buyer,")
    assert lines[1].endswith(",iso9001; iso14001,,no,2000-01-01")
    assert lines[2].startswith("RES-002,,Managing director,")
    assert ",manager,,,iso9001; iso14001,,yes," in lines[2]
    assert lines[3].startswith('RES-003,N,"\'=HYPERLINK(""http://evil"")",')
    assert ",manager; owner," in lines[3]
    xlsx = client.get("/responsibilities/export.xlsx", {"site": ""})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Reference"
    assert sheet["C4"].value == '\'=HYPERLINK("http://evil")'


def test_an_export_imports_back_unchanged(web, manager, owner, north):
    washer = process_create(by=manager, sites=[north], name="Surface treatment", kind="core")
    make(manager, north, holders=[owner], deputy=manager, processes=[washer], duties=["conformity", "reporting"])
    make(
        manager,
        None,
        title="Managing director",
        top_management=True,
        holders=[manager],
        review_date=dt.date(2027, 1, 31),
    )
    client = web(manager)
    for ext in ("csv", "xlsx"):
        exported = client.get(f"/responsibilities/export.{ext}", {"site": ""}).content
        report = import_responsibilities(by=manager, stream=io.BytesIO(exported))
        assert (report.created, report.updated, report.unchanged) == (0, 0, 2), ext


def test_another_sites_role_is_404_and_viewer_gets_403(web, owner, outsider, viewer, north):
    role = make(owner, north, title="Northern secret")
    assert web(outsider).get(f"/responsibilities/{role.pk}/").status_code == 404
    assert "Northern secret" not in web(outsider).get("/responsibilities/").content.decode()
    client = web(viewer)
    detail = client.get(f"/responsibilities/{role.pk}/").content.decode()
    assert "Northern secret" in detail
    assert f"/responsibilities/{role.pk}/edit" not in detail
    assert "New role" not in client.get("/responsibilities/").content.decode()
    assert client.get("/responsibilities/new").status_code == 403
    assert client.post("/responsibilities/new", {"site": north.pk, **form()}).status_code == 403
    assert client.get(f"/responsibilities/{role.pk}/edit").status_code == 403
    assert client.post(f"/responsibilities/{role.pk}/archive", {"version": 1}).status_code == 403


def test_a_stale_edit_is_a_409_conflict(web, owner, north):
    role = make(owner, north, holders=[owner])
    edit = web(owner).get(f"/responsibilities/{role.pk}/edit").content.decode()
    assert "Site: North plant (not changeable)." in edit
    assert f'value="{owner.pk}" id="id_holders_' in edit
    services.responsibility_update(by=owner, responsibility=role, version=1, title="Environment lead")
    response = web(owner).post(f"/responsibilities/{role.pk}/edit", {"version": 1, **form(title="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()
    role.refresh_from_db()
    assert role.title == "Environment lead"
    saved = web(owner).post(f"/responsibilities/{role.pk}/edit", {"version": 2, **form(title="Mine")}, follow=True)
    assert "Role RES-001 saved." in saved.content.decode()
    done = web(owner).post(f"/responsibilities/{role.pk}/archive", {"version": 3}, follow=True)
    assert "Role RES-001 archived." in done.content.decode()
