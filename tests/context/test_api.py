"""The context registers through the API, including the all-or-nothing imports."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.context.models import InterestedParty, Issue
from tests.conftest import assert_problem

ISSUE = {"title": "Energy prices", "category": "economic", "origin": "external"}
PARTY = {"name": "DREAL", "kind": "regulator", "needs": "Permit compliance", "compliance_obligation": True}


def test_issue_crud(api, owner, north):
    client = api(owner)
    created = client.post("/context/issues", {**ISSUE, "site_id": north.pk, "standards": ["iso14001"]})
    assert created.status_code == 201, created.content
    issue_id = created.json()["id"]
    assert created.json()["reference"] == "ISS-001"
    assert client.get(f"/context/issues/{issue_id}").json()["standards"] == ["iso14001"]
    assert client.get("/context/issues", standard="iso9001").json()["count"] == 0
    assert client.get("/context/issues", category="economic").json()["count"] == 1
    patched = client.patch(f"/context/issues/{issue_id}", {"version": 1, "effect": "both"})
    assert patched.json()["version"] == 2
    assert_problem(client.patch(f"/context/issues/{issue_id}", {"version": 1, "effect": "x"}), 409, "conflict")
    assert client.post(f"/context/issues/{issue_id}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/context/issues").json()["count"] == 0
    assert_problem(client.get("/context/issues", sort="colour"), 422, "validation")


def test_org_wide_and_other_sites(api, owner, manager, outsider, north):
    assert_problem(api(owner).post("/context/issues", ISSUE), 403, "forbidden")
    org_wide = api(manager).post("/context/parties", PARTY)
    assert org_wide.status_code == 201
    assert org_wide.json()["site_id"] is None
    assert api(outsider).get(f"/context/parties/{org_wide.json()['id']}").status_code == 200
    north_party = api(owner).post("/context/parties", {**PARTY, "site_id": north.pk}).json()
    assert_problem(api(outsider).get(f"/context/parties/{north_party['id']}"), 404, "not-found")
    assert_problem(api(outsider).post("/context/parties", {**PARTY, "site_id": north.pk}), 404, "not-found")
    assert api(outsider).get("/context/parties").json()["count"] == 1


ISSUES_CSV = (
    "Reference;Site;Title;Category;Origin;Effect;Standards;Review date\n"
    "ISS-101;n;Heat waves;Climate change;External;both;both;31/12/2026\n"
    ";;Energy prices;economic;external;;iso9001, iso14001;\n"
)


def upload(client, path: str, content: bytes, name: str = "file.csv"):
    return client.client.post(
        f"/api/v1/context/{path}/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_issue_import_creates_then_updates(api, manager, north):
    client = api(manager)
    first = upload(client, "issues", ("\ufeff" + ISSUES_CSV).encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    again = upload(client, "issues", ISSUES_CSV.replace("Heat waves", "Heat waves and drought").encode())
    assert again.json()["updated"] == 1
    assert Issue.objects.count() == 3
    heat = Issue.objects.get(reference="ISS-101")
    assert (heat.site, heat.category, heat.review_date.isoformat()) == (north, "climate", "2026-12-31")
    assert Issue.objects.filter(site__isnull=True).count() == 2


def test_a_bad_row_refuses_the_whole_file(api, manager, north):
    bad = ISSUES_CSV + "ISS-103;ZZZ;Fire;weather;external;;iso45001;\n"
    body = assert_problem(upload(api(manager), "issues", bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “category”: “weather” is not one of: Economic, Technological, Legal and regulatory, "
        "Market and competition, Social and cultural, Environmental conditions, Climate change, Natural resources, "
        "Biodiversity and ecosystems, Pollution, Organisational culture, Knowledge and competence, Infrastructure, "
        "Performance",
        "Row 4, column “standards”: “iso45001” is not a standard; use iso9001, iso14001 or both",
    ]
    bad_site = ISSUES_CSV + "ISS-103;ZZZ;Fire;economic;external;;;\n"
    body = assert_problem(upload(api(manager), "issues", bad_site.encode()), 422, "validation")
    assert body["problems"] == ["Row 4, column “site”: “ZZZ” is not a site code."]
    assert not Issue.objects.exists()


def test_party_import_and_permission_rows(api, owner, manager, north):
    csv = (
        "Reference,Site,Name,Kind,Needs,Compliance obligation,Customer requirement\n"
        "IP-010,N,Neighbours,Neighbours and community,Quiet nights,no,no\n"
        "IP-011,,Insurer,insurer,Fire prevention,yes,no\n"
    )
    body = assert_problem(upload(api(owner), "parties", csv.encode()), 422, "validation")
    assert body["problems"] == ["Row 3: You are not allowed to create interested parties of the whole organisation."]
    assert not InterestedParty.objects.exists()
    done = upload(api(manager), "parties", csv.encode())
    assert done.json()["created"] == 2
    assert InterestedParty.objects.get(reference="IP-011").compliance_obligation is True
