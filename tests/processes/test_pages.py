"""Process pages: list, forms, links, conflicts, exports, and the SVG process map."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

from openpyxl import load_workbook

from ims.processes import services
from ims.processes.models import Process, ProcessLink

SVG = "{http://www.w3.org/2000/svg}"


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "CNC machining",
        "kind": "core",
        "owner": "",
        "purpose": "",
        "inputs": "Material",
        "outputs": "Parts",
        "customers": "",
        "resources": "",
        "standards": ["iso9001", "iso14001"],
        "related_records": "",
        "review_date": "",
    }
    data.update(overrides)
    return data


def make(by: Any, sites: list[Any], **fields: Any) -> Process:
    values = {"name": "CNC machining", "kind": "core", "inputs": "Material", "outputs": "Parts"}
    values.update(fields)
    return services.process_create(by=by, sites=sites, **values)


def test_an_owner_creates_a_process_and_a_link(web, owner, north):
    client = web(owner)
    assert "New process" in client.get("/processes/").content.decode()
    page = client.get("/processes/new").content.decode()
    assert "KPIs, risks, aspects and documents cannot be linked yet" in page
    response = client.post("/processes/new", {"reference": "", "sites": [north.pk], **form()})
    assert response.status_code == 302, response.content
    process = Process.objects.get()
    assert response["Location"] == f"/processes/{process.pk}/"
    assert "Process PRC-01 created." in client.get(response["Location"]).content.decode()
    other = make(owner, [north], name="Assembly")
    linked = client.post(f"/processes/{process.pk}/links/new", {"target": other.pk, "label": "Parts"})
    assert linked.status_code == 302
    assert "Parts" in client.get(f"/processes/{other.pk}/").content.decode()
    again = client.post(f"/processes/{process.pk}/links/new", {"target": other.pk, "label": "Parts"})
    assert again.status_code == 422
    assert "PRC-01 is already linked to PRC-02." in again.content.decode()
    link = ProcessLink.objects.get()
    assert client.post(f"/processes/{process.pk}/links/{link.pk}/delete").status_code == 302
    assert not ProcessLink.objects.exists()


def test_all_sites_process_needs_an_all_sites_role(web, owner):
    response = web(owner).post("/processes/new", {"reference": "", **form()})
    assert response.status_code == 403


def test_list_filters_overdue_and_exports(web, owner, manager, north):
    import datetime as dt

    make(owner, [north], name="Surface treatment", review_date=dt.date(2000, 1, 1))
    make(manager, [], name="HR and training", kind="support")
    client = web(owner)
    page = client.get("/processes/", {"site": ""}).content.decode()
    assert "Surface treatment" in page
    assert "HR and training" in page
    assert "overdue" in page
    support = client.get("/processes/", {"site": "", "kind": "support"}).content.decode()
    assert "HR and training" in support
    assert "Surface treatment" not in support
    late = client.get("/processes/", {"site": "", "overdue": "1"}).content.decode()
    assert "Surface treatment" in late
    assert "HR and training" not in late
    found = client.get("/processes/", {"site": "", "q": "surface", "sort": "-name"}).content.decode()
    assert "HR and training" not in found
    csv = client.get("/processes/export.csv", {"site": ""}).content.decode("utf-8-sig")
    assert "PRC-01" in csv
    assert "All sites" in csv
    xlsx = client.get("/processes/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "Reference"


def test_another_sites_process_is_404_and_viewer_gets_403(web, owner, outsider, viewer, north):
    process = make(owner, [north], name="Northern secret")
    assert web(outsider).get(f"/processes/{process.pk}/").status_code == 404
    assert "Northern secret" not in web(outsider).get("/processes/").content.decode()
    assert "Northern secret" not in web(outsider).get("/processes/map/").content.decode()
    client = web(viewer)
    detail = client.get(f"/processes/{process.pk}/").content.decode()
    assert "Northern secret" in detail
    assert f"/processes/{process.pk}/edit" not in detail
    assert client.get("/processes/new").status_code == 403
    assert client.get(f"/processes/{process.pk}/edit").status_code == 403
    assert client.get(f"/processes/{process.pk}/links/new").status_code == 403
    assert client.post(f"/processes/{process.pk}/archive", {"version": 1}).status_code == 403


def test_a_stale_edit_is_a_409_conflict_and_archive(web, owner, north):
    process = make(owner, [north])
    services.process_update(by=owner, process=process, version=1, name="CNC turning")
    client = web(owner)
    response = client.post(f"/processes/{process.pk}/edit", {"version": 1, "sites": [north.pk], **form(name="Mine")})
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()
    process.refresh_from_db()
    assert process.name == "CNC turning"
    done = client.post(f"/processes/{process.pk}/archive", {"version": 2}, follow=True)
    assert "Process PRC-01 archived." in done.content.decode()
    assert "No processes match." in client.get("/processes/").content.decode()


def test_the_map_shows_every_process_and_link(web, manager, viewer, north):
    management = make(manager, [], name="Management review", kind="management")
    core = make(manager, [north], name="CNC machining & <turning>", kind="core")
    support = make(manager, [], name="Maintenance", kind="support")
    services.link_add(by=manager, source=support, target=core, label="Maintained machines")
    services.link_add(by=manager, source=core, target=management, label="KPI results")
    page = web(viewer).get("/processes/map/")
    assert page.status_code == 200
    html = page.content.decode()
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    boxes = {a.get("data-reference"): a for a in svg.iter(f"{SVG}a")}
    assert set(boxes) == {"PRC-01", "PRC-02", "PRC-03"}
    assert boxes["PRC-02"].get("href") == f"/processes/{core.pk}/"
    assert " ".join(boxes["PRC-02"].find(f"{SVG}text").itertext()) == "CNC machining & <turning>"
    links = {(g.get("data-source"), g.get("data-target")): g for g in svg.iter(f"{SVG}g") if g.get("class") == "link"}
    assert set(links) == {("PRC-03", "PRC-02"), ("PRC-02", "PRC-01")}
    assert links[("PRC-03", "PRC-02")].find(f"{SVG}text").text == "Maintained machines"
    y = {ref: float(a.find(f"{SVG}rect").get("y")) for ref, a in boxes.items()}
    assert y["PRC-01"] < y["PRC-02"] < y["PRC-03"]  # management on top, core in the middle, support below
    assert svg.get("viewBox").startswith("0 0 1000 ")
    table = html[html.index('<table class="process-links">') :]
    assert "Maintained machines" in table
    assert "KPI results" in table


def test_navigation_lists_the_process_pages(web, viewer):
    page = web(viewer).get("/processes/").content.decode()
    assert 'href="/processes/map/"' in page
    assert 'href="/changes/"' in page
