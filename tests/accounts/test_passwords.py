"""Own password change, and reset by an administrator with a forced change."""

from __future__ import annotations

import pytest

from ims.accounts.services import login_attempt, password_change, password_reset
from ims.core.errors import PermissionRefused, ValidationFailed
from tests.conftest import PASSWORD


def test_a_user_changes_their_password_knowing_the_current_one(viewer):
    password_change(user=viewer, old_password=PASSWORD, new_password="a much better secret 42")
    assert login_attempt(username="viewer", password="a much better secret 42").user == viewer


def test_it_refuses_a_wrong_current_password(viewer):
    with pytest.raises(ValidationFailed) as exc:
        password_change(user=viewer, old_password="nope", new_password="a much better secret 42")
    assert exc.value.errors == {"old_password": ["Your current password is not correct."]}


def test_it_refuses_a_weak_new_password(viewer):
    with pytest.raises(ValidationFailed) as exc:
        password_change(user=viewer, old_password=PASSWORD, new_password="12345")
    assert "This password is too short. It must contain at least 10 characters." in exc.value.errors["new_password"]


def test_an_admin_reset_gives_a_temporary_password_that_must_be_changed(admin, viewer, web):
    temporary = password_reset(by=admin, user=viewer)
    viewer.refresh_from_db()
    assert viewer.must_change_password
    assert login_attempt(username="viewer", password=temporary).user == viewer
    client = web(viewer)
    response = client.get("/organisation/sites/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/?must_change=1"
    response = client.post(
        "/accounts/me/",
        {"old_password": temporary, "new_password": "my own secret 2026", "new_password_again": "my own secret 2026"},
    )
    assert response.status_code == 302
    assert client.get("/organisation/sites/").status_code == 200


@pytest.mark.parametrize("persona", ["manager", "owner", "auditor", "viewer"])
def test_only_user_administrators_reset_passwords(request, persona, contributor):
    with pytest.raises(PermissionRefused):
        password_reset(by=request.getfixturevalue(persona), user=contributor)


def test_the_two_new_passwords_must_match_in_the_form(web, viewer):
    response = web(viewer).post(
        "/accounts/me/",
        {"old_password": PASSWORD, "new_password": "my own secret 2026", "new_password_again": "other 2026 secret"},
    )
    assert response.status_code == 200
    assert "The two new passwords differ." in response.content.decode()
    assert login_attempt(username="viewer", password=PASSWORD).user == viewer
