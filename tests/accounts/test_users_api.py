"""User administration through the API (administrators only)."""

from __future__ import annotations

import pytest

from ims.accounts.models import User
from ims.accounts.services import login_attempt
from ims.audit.models import AuditEntry
from tests.conftest import assert_problem


def test_an_admin_creates_a_user_with_roles_and_a_one_time_password(api, admin, north):
    body = {
        "username": "new.person",
        "first_name": "New",
        "memberships": [{"role": "process_owner", "site_id": north.pk}],
    }
    response = api(admin).post("/users", body)
    assert response.status_code == 201
    data = response.json()
    assert data["memberships"] == [{"role": "process_owner", "site_id": north.pk, "site_code": "N"}]
    assert data["must_change_password"] is True
    user = User.objects.get(username="new.person")
    assert login_attempt(username="new.person", password=data["temporary_password"]).user == user
    assert api(admin).get(f"/users/{user.pk}").json().get("temporary_password") is None


@pytest.mark.parametrize("persona", ["manager", "owner", "auditor", "contributor", "viewer", "outsider"])
def test_only_administrators_manage_users(request, api, persona):
    client = api(request.getfixturevalue(persona))
    assert_problem(client.get("/users"), 403, "forbidden")
    assert_problem(client.post("/users", {"username": "sneaky"}), 403, "forbidden")
    assert not User.objects.filter(username="sneaky").exists()


def test_a_taken_username_is_refused_case_insensitively(api, admin, viewer):
    body = assert_problem(api(admin).post("/users", {"username": "VIEWER"}), 422, "validation")
    assert body["errors"] == {"username": ["The username “VIEWER” is taken."]}


def test_an_unknown_role_or_site_refuses_the_whole_user(api, admin, north):
    body = {"username": "x", "memberships": [{"role": "king", "site_id": north.pk}, {"role": "viewer", "site_id": 999}]}
    problem = assert_problem(api(admin).post("/users", body), 422, "validation")
    assert problem["errors"] == {
        "memberships": ["Membership 1: unknown role “king”.", "Membership 2: unknown site id 999."]
    }
    assert not User.objects.filter(username="x").exists()


def test_roles_are_replaced_and_the_change_is_audited(api, admin, viewer, north, south):
    response = api(admin).put(
        f"/users/{viewer.pk}/memberships",
        [{"role": "process_owner", "site_id": north.pk}, {"role": "viewer", "site_id": south.pk}],
    )
    assert response.status_code == 200
    assert {(m["role"], m["site_code"]) for m in response.json()["memberships"]} == {
        ("process_owner", "N"),
        ("viewer", "S"),
    }
    entry = AuditEntry.objects.filter(record_type="accounts.user", record_id=str(viewer.pk)).latest("id")
    assert entry.changes == {"memberships": [["viewer@N"], ["process_owner@N", "viewer@S"]]}


def test_an_admin_cannot_remove_their_own_administrator_role(api, admin):
    assert_problem(api(admin).put(f"/users/{admin.pk}/memberships", [{"role": "viewer"}]), 409, "workflow")


def test_deactivating_a_user_uses_the_version(api, admin, viewer):
    client = api(admin)
    assert (
        client.patch(f"/users/{viewer.pk}", {"version": viewer.version, "is_active": False}).json()["is_active"]
        is False
    )
    assert_problem(client.patch(f"/users/{viewer.pk}", {"version": viewer.version, "email": "x@y.z"}), 409, "conflict")


def test_me_tells_what_the_caller_may_do_where(api, owner, north):
    allowed = api(owner).get("/me").json()["allowed"]
    assert allowed["change"] == str(north.pk)
    assert allowed["manage_users"] == "none"
    assert allowed["view_audit"] == "none"


def test_unlock_after_lockout(api, admin, viewer, settings):
    settings.IMS_LOCKOUT_THRESHOLD = 2
    login_attempt(username="viewer", password="x")
    login_attempt(username="viewer", password="x")
    assert api(admin).get(f"/users/{viewer.pk}").json()["is_locked"] is True
    assert api(admin).post(f"/users/{viewer.pk}/unlock").json()["is_locked"] is False
    assert_problem(api(admin).post(f"/users/{viewer.pk}/unlock"), 409, "workflow")


def test_password_reset_returns_a_new_temporary_password(api, admin, viewer):
    password = api(admin).post(f"/users/{viewer.pk}/reset-password").json()["temporary_password"]
    assert login_attempt(username="viewer", password=password).user == viewer
