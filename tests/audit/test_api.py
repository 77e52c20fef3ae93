"""Reading the audit trail through /api/v1/audit and the audit page: only the caller's sites."""

from __future__ import annotations

import pytest

from ims.accounts.roles import Role
from ims.audit.models import AuditEntry
from ims.audit.selectors import entries_visible_to
from ims.org import services
from tests.conftest import assert_problem


@pytest.fixture
def north_auditor(make_user, north):
    return make_user("north_auditor", (Role.AUDITOR, north))


@pytest.fixture
def trail(admin, north, south):
    """One change in each site and one for the whole organisation (site_id NULL)."""
    services.site_update(by=admin, site=north, version=1, name="North works")
    services.site_update(by=admin, site=south, version=1, name="South works")
    services.organisation_save(by=admin, name="Test Works")
    north_entry, south_entry, org_entry = AuditEntry.objects.order_by("id")
    assert (north_entry.site_id, south_entry.site_id, org_entry.site_id) == (north.pk, south.pk, None)
    return {"north": north_entry, "south": south_entry, "org": org_entry}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_an_auditor_of_one_site_reads_only_that_sites_entries(api, north_auditor, trail):
    body = api(north_auditor).get("/audit").json()

    assert [item["id"] for item in body["items"]] == [trail["north"].id]
    assert body["count"] == 1
    assert body["items"][0]["site_id"] == trail["north"].site_id


def test_an_auditor_of_one_site_does_not_see_organisation_wide_entries(api, north_auditor, trail):
    client = api(north_auditor)  # its own token use is an organisation-wide entry too

    returned = ids(client.get("/audit", limit=200))

    assert trail["org"].id not in returned
    assert AuditEntry.objects.filter(site_id__isnull=True).count() > 1
    assert not AuditEntry.objects.filter(pk__in=returned, site_id__isnull=True).exists()


def test_the_site_filter_is_part_of_the_sql_query(north_auditor, north):
    sql = str(entries_visible_to(north_auditor).query)

    assert "site_id" in sql
    assert f"IN ({north.pk})" in sql


@pytest.mark.parametrize("persona", ["admin", "manager", "auditor"])
def test_all_sites_roles_read_every_entry_including_organisation_wide_ones(request, api, persona, trail):
    client = api(request.getfixturevalue(persona))

    returned = ids(client.get("/audit", limit=200))

    assert {trail["north"].id, trail["south"].id, trail["org"].id} <= set(returned)
    assert returned == sorted(returned, reverse=True)


@pytest.mark.parametrize("persona", ["owner", "contributor", "viewer", "outsider"])
def test_roles_without_view_audit_are_refused(request, api, persona, trail):
    client = api(request.getfixturevalue(persona))

    body = assert_problem(client.get("/audit"), 403, "forbidden")
    assert body["detail"] == "You are not allowed to read the audit trail."
    assert_problem(client.get(f"/audit/{trail['north'].id}"), 403, "forbidden")


def test_the_list_is_filtered_by_record_type_and_id(api, auditor, admin, north, south, trail):
    services.site_update(by=admin, site=north, version=2, address="Kai 7")
    client = api(auditor)

    north_history = ids(client.get("/audit", record_type="org.site", record_id=str(north.pk)))
    sites = ids(client.get("/audit", record_type="org.site"))

    assert north_history == list(
        AuditEntry.objects.filter(record_type="org.site", record_id=str(north.pk)).values_list("id", flat=True)
    )
    assert len(north_history) == 2
    assert set(sites) == set(north_history) | {trail["south"].id}
    assert ids(client.get("/audit", record_type="org.organisation")) == [trail["org"].id]


def test_the_list_is_filtered_by_action_and_actor(api, auditor, admin, trail):
    body = api(auditor).get("/audit", action="update", actor_id=admin.pk).json()

    assert [item["id"] for item in body["items"]] == [trail["south"].id, trail["north"].id]
    assert ids(api(auditor).get("/audit", action="create", actor_id=admin.pk)) == [trail["org"].id]
    assert ids(api(auditor).get("/audit", action="update", actor_id=admin.pk + 1000)) == []


def test_an_entry_carries_its_changes_and_hashes(api, auditor, trail):
    entry = trail["north"]

    body = api(auditor).get(f"/audit/{entry.id}").json()

    assert body["changes"] == {"name": ["North plant", "North works"]}
    assert (body["action"], body["record_type"], body["channel"]) == ("update", "org.site", "cli")
    assert (body["hash"], body["prev_hash"]) == (entry.hash, entry.prev_hash)
    assert body["actor_label"] == "admin"


def test_the_list_is_paginated(api, auditor, trail):
    client = api(auditor)
    total = client.get("/audit").json()["count"]

    first = client.get("/audit", limit=2).json()
    second = client.get("/audit", limit=2, offset=2).json()

    assert total >= 4
    assert len(first["items"]) == len(second["items"]) == 2
    assert first["next"] == "/api/v1/audit?limit=2&offset=2"
    assert first["previous"] is None
    assert second["previous"] == "/api/v1/audit?limit=2&offset=0"
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize("limit", [201, 0])
def test_a_page_size_outside_1_to_200_is_refused(api, auditor, limit):
    body = assert_problem(api(auditor).get("/audit", limit=limit), 422, "validation")
    assert body["errors"] == {"limit": [f"Must be between 1 and 200, got {limit}."]}


def test_an_entry_of_another_site_is_not_found(api, north_auditor, trail):
    client = api(north_auditor)

    body = assert_problem(client.get(f"/audit/{trail['south'].id}"), 404, "not-found")
    assert body["detail"] == f"No audit entry {trail['south'].id} that you may read."
    assert_problem(client.get(f"/audit/{trail['org'].id}"), 404, "not-found")
    assert client.get(f"/audit/{trail['north'].id}").status_code == 200


def test_an_entry_that_does_not_exist_is_not_found(api, auditor):
    assert_problem(api(auditor).get("/audit/999999"), 404, "not-found")


def test_the_audit_trail_is_read_only(api, admin, trail):
    client = api(admin)

    assert_problem(client.delete(f"/audit/{trail['north'].id}"), 405, "method-not-allowed")
    assert_problem(client.post("/audit", {"action": "forged"}), 405, "method-not-allowed")
    assert AuditEntry.objects.filter(pk=trail["north"].id).exists()


def test_the_audit_page_lists_the_visible_entries(web, north_auditor, trail):
    response = web(north_auditor).get("/audit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>North plant</del> → <ins>North works</ins>" in page
    assert "South works" not in page
    assert "Test Works" not in page


def test_the_audit_page_refuses_roles_without_view_audit(web, viewer, trail):
    response = web(viewer).get("/audit/")

    assert response.status_code == 403
    assert "You are not allowed to read the audit trail." in response.content.decode()


def test_the_list_output_matches_its_documented_schema(api, admin, north):
    from ims.api.pagination import Page
    from ims.audit.api import AuditEntryOut
    from ims.org.services import site_update

    site_update(by=admin, site=north, version=1, name="Renamed")
    body = api(admin).get("/audit", limit=5).json()
    page = Page[AuditEntryOut].model_validate(body)
    assert page.count >= 1
    update = next(item for item in page.items if item.action == "update")
    assert update.changes == {"name": ["North plant", "Renamed"]}
    assert set(body["items"][0]) == set(AuditEntryOut.model_fields)
