"""Sites through the API: same rules as the web, because both call the services."""

from __future__ import annotations

import pytest

from ims.accounts.models import Membership
from ims.accounts.roles import Role
from ims.audit.models import AuditEntry
from ims.org.models import Site
from tests.conftest import assert_problem

NEW_SITE = {"code": "PLZ", "name": "Plzeň warehouse", "country": "CZ", "time_zone": "Europe/Prague"}


def test_an_admin_creates_a_site_and_the_change_is_audited(api, admin):
    response = api(admin).post("/sites", NEW_SITE)
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "PLZ"
    assert body["country"] == "CZ"
    assert body["version"] == 1
    entry = AuditEntry.objects.get(action="create", record_type="org.site")
    assert entry.channel == "api"
    assert entry.changes["name"] == [None, "Plzeň warehouse"]


@pytest.mark.parametrize("persona", ["owner", "auditor", "contributor", "viewer", "outsider"])
def test_roles_without_manage_sites_cannot_create_a_site(request, api, persona):
    response = api(request.getfixturevalue(persona)).post("/sites", NEW_SITE)
    body = assert_problem(response, 403, "forbidden")
    assert body["detail"] == "You are not allowed to manage sites."
    assert not Site.objects.filter(code="PLZ").exists()


def test_the_manager_may_manage_sites(api, manager):
    assert api(manager).post("/sites", NEW_SITE).status_code == 201


def test_a_user_sees_only_the_sites_they_belong_to(api, viewer, north, south):
    body = api(viewer).get("/sites").json()
    assert [s["code"] for s in body["items"]] == ["N"]
    assert body["count"] == 1


def test_a_site_of_another_site_is_not_found_for_the_outsider(api, outsider, north):
    assert_problem(api(outsider).get(f"/sites/{north.pk}"), 404, "not-found")
    assert_problem(api(outsider).patch(f"/sites/{north.pk}", {"version": 1, "name": "Hacked"}), 404, "not-found")
    north.refresh_from_db()
    assert north.name == "North plant"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "Value 'XX' is not a valid choice."),
        ("time_zone", "Mars/Base", "“Mars/Base” is not an IANA time zone name, e.g. Europe/Berlin."),
        ("code", "has space", "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    ],
)
def test_invalid_values_get_422_with_the_field_named(api, admin, field, value, message):
    body = assert_problem(api(admin).post("/sites", {**NEW_SITE, field: value}), 422, "validation")
    assert body["errors"] == {field: [message]}
    assert not Site.objects.filter(code__in=["PLZ", "has space"]).exists()
    assert not AuditEntry.objects.filter(action="create", record_type="org.site").exists()


def test_a_duplicate_name_is_refused(api, admin, north):
    body = assert_problem(api(admin).post("/sites", {**NEW_SITE, "name": "North plant"}), 422, "validation")
    assert body["errors"] == {"name": ["Site with this Name already exists."]}


def test_a_missing_field_is_named(api, admin):
    body = assert_problem(api(admin).post("/sites", {"code": "X"}), 422, "validation")
    assert set(body["errors"]) == {"name", "country", "time_zone"}


def test_update_with_the_current_version_succeeds_and_bumps_it(api, admin, north):
    response = api(admin).patch(f"/sites/{north.pk}", {"version": 1, "name": "North works"})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["name"] == "North works"


def test_a_stale_version_gets_409_with_what_changed_and_nothing_is_overwritten(api, admin, manager, north):
    assert api(manager).patch(f"/sites/{north.pk}", {"version": 1, "name": "Renamed by Marie"}).status_code == 200
    response = api(admin).patch(f"/sites/{north.pk}", {"version": 1, "name": "Renamed by Ana"})
    body = assert_problem(response, 409, "conflict")
    assert body["current_version"] == 2
    assert body["changed"] == {"name": {"current": "Renamed by Marie", "yours": "Renamed by Ana"}}
    north.refresh_from_db()
    assert north.name == "Renamed by Marie"
    assert north.version == 2


def test_archive_and_restore_need_the_version_and_follow_the_state(api, admin, north):
    client = api(admin)
    archived = client.post(f"/sites/{north.pk}/archive", {"version": 1})
    assert archived.json()["archived_at"] is not None
    assert_problem(client.post(f"/sites/{north.pk}/archive", {"version": 2}), 409, "workflow")
    restored = client.post(f"/sites/{north.pk}/restore", {"version": 2})
    assert restored.json()["archived_at"] is None


def test_a_referenced_site_cannot_be_deleted(api, admin, viewer, north):
    body = assert_problem(api(admin).delete(f"/sites/{north.pk}"), 409, "workflow")
    assert "archive it instead" in body["detail"]
    assert Site.objects.filter(pk=north.pk).exists()


def test_an_unreferenced_site_is_deleted_with_its_last_values_in_the_trail(api, admin, south):
    Membership.objects.filter(site=south).delete()
    assert api(admin).delete(f"/sites/{south.pk}").status_code == 204
    entry = AuditEntry.objects.get(action="delete", record_type="org.site", record_id=str(south.pk))
    assert entry.changes["name"] == ["South plant", None]


def test_list_filters_by_text_and_archived_state(api, admin, north, south):
    client = api(admin)
    assert [s["code"] for s in client.get("/sites", q="sout").json()["items"]] == ["S"]
    client.post(f"/sites/{south.pk}/archive", {"version": 1})
    assert [s["code"] for s in client.get("/sites", archived="false").json()["items"]] == ["N"]
    assert [s["code"] for s in client.get("/sites", archived="true").json()["items"]] == ["S"]


def test_pagination_links_and_maximum_page_size(api, admin, make_user):
    for i in range(5):
        Site.objects.create(code=f"X{i}", name=f"Extra {i}", country="FR", time_zone="Europe/Paris")
    body = api(admin).get("/sites", limit=2, offset=2).json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    assert body["next"] == "/api/v1/sites?limit=2&offset=4"
    assert body["previous"] == "/api/v1/sites?limit=2&offset=0"
    problem = assert_problem(api(admin).get("/sites", limit=201), 422, "validation")
    assert problem["errors"] == {"limit": ["Must be between 1 and 200, got 201."]}


def test_membership_of_a_role_for_the_site_is_what_grants_it(api, make_user, north, south):
    user = make_user("late", (Role.VIEWER, south))
    assert api(user).get(f"/sites/{north.pk}").status_code == 404
    Membership.objects.create(user=user, role=Role.VIEWER, site=north)
    user.refresh_from_db()
    assert api(user).get(f"/sites/{north.pk}").status_code == 200


def test_saving_unchanged_values_keeps_the_version(api, admin, north):
    same = api(admin).patch(f"/sites/{north.pk}", {"version": 1, "name": "North plant", "country": "DE"})
    assert same.json()["version"] == 1
    changed = api(admin).patch(f"/sites/{north.pk}", {"version": 1, "name": "North 2", "country": "DE"})
    assert changed.json()["version"] == 2
