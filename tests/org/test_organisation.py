"""Organisation and scope statements (4.3) in the browser and the API."""

from __future__ import annotations

from ims.audit.models import AuditEntry
from ims.org.models import ScopeStatement
from tests.conftest import assert_problem


def test_the_manager_writes_the_14001_scope_in_the_browser(web, manager, org, north):
    response = web(manager).post(
        "/organisation/",
        {
            "form": "iso14001",
            "iso14001-in_scope": "on",
            "iso14001-statement": "Machining and assembly at the North plant.",
            "iso14001-boundaries": "Within the fence line.",
            "iso14001-sites": [str(north.pk)],
        },
    )
    assert response.status_code == 302
    scope = ScopeStatement.objects.get(standard="iso14001")
    assert scope.statement == "Machining and assembly at the North plant."
    assert list(scope.sites.all()) == [north]
    assert AuditEntry.objects.filter(record_type="org.scopestatement", action="create").exists()


def test_a_viewer_reads_the_scope_but_cannot_post(web, viewer, org):
    client = web(viewer)
    assert client.get("/organisation/").status_code == 200
    response = client.post("/organisation/", {"form": "org", "name": "Mine now", "version": 1})
    assert response.status_code == 403


def test_scope_through_the_api_requires_the_version_once_it_exists(api, manager, org):
    client = api(manager)
    created = client.put("/scope/iso9001", {"statement": "Design and manufacture of brackets."})
    assert created.json()["version"] == 1
    body = assert_problem(client.put("/scope/iso9001", {"statement": "Changed"}), 422, "validation")
    assert body["errors"] == {"version": ["Send the version you read to update an existing statement."]}
    assert client.put("/scope/iso9001", {"version": 1, "statement": "Changed"}).json()["version"] == 2
    assert_problem(client.put("/scope/iso9001", {"version": 1, "statement": "Stale"}), 409, "conflict")
    assert_problem(client.put("/scope/iso45001", {"statement": "x"}), 422, "validation")


def test_the_organisation_is_edited_with_its_version(api, manager, viewer, org):
    assert api(manager).patch("/organisation", {"version": 1, "name": "Renamed Works"}).json()["version"] == 2
    assert_problem(api(viewer).patch("/organisation", {"version": 2, "name": "x"}), 403, "forbidden")
    assert api(viewer).get("/organisation").json()["name"] == "Renamed Works"
