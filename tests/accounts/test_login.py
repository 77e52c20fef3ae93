"""Sign-in through the form: generic failures, lock-out, audit of every attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from ims.accounts.services import GENERIC_LOGIN_FAILURE, login_attempt
from ims.audit.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_signs_in_with_the_right_password_and_records_it(viewer, org):
    client = Client()
    response = post_login(client, "viewer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action="login").latest("id")
    assert entry.actor_id == viewer.pk
    assert entry.channel == "web"
    assert entry.ip == "127.0.0.1"


def test_passwords_are_stored_with_argon2(viewer):
    assert viewer.password.startswith("argon2$")


def test_a_wrong_password_gets_the_generic_message_and_is_counted(viewer):
    response = post_login(Client(), "viewer", "not the password")
    assert response.status_code == 401
    assert GENERIC_LOGIN_FAILURE in response.content.decode()
    viewer.refresh_from_db()
    assert viewer.failed_login_count == 1
    assert AuditEntry.objects.filter(action="login_failed", actor_id=viewer.pk).count() == 1


def test_an_unknown_user_gets_the_same_message(db):
    response = post_login(Client(), "nobody", "whatever")
    assert response.status_code == 401
    assert GENERIC_LOGIN_FAILURE in response.content.decode()
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor_id is None
    assert entry.actor_label == "nobody"


@override_settings(IMS_LOCKOUT_THRESHOLD=3, IMS_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account_even_for_the_right_password(viewer):
    for _ in range(3):
        assert login_attempt(username="viewer", password="wrong").user is None
    viewer.refresh_from_db()
    assert viewer.is_locked
    assert timedelta(minutes=14) < viewer.locked_until - timezone.now() <= timedelta(minutes=15)
    result = login_attempt(username="viewer", password=PASSWORD)
    assert result.user is None
    assert result.message == GENERIC_LOGIN_FAILURE
    assert AuditEntry.objects.filter(action="login_failed", note="account locked").exists()


@override_settings(IMS_LOCKOUT_THRESHOLD=3)
def test_a_success_resets_the_failure_count(viewer):
    login_attempt(username="viewer", password="wrong")
    login_attempt(username="viewer", password="wrong")
    assert login_attempt(username="viewer", password=PASSWORD).user == viewer
    viewer.refresh_from_db()
    assert viewer.failed_login_count == 0
    login_attempt(username="viewer", password="wrong")
    viewer.refresh_from_db()
    assert not viewer.is_locked


def test_the_lock_expires(viewer):
    viewer.locked_until = timezone.now() - timedelta(seconds=1)
    viewer.save()
    assert login_attempt(username="viewer", password=PASSWORD).user == viewer


def test_an_inactive_account_cannot_sign_in(make_user):
    make_user("former", is_active=False)
    assert login_attempt(username="former", password=PASSWORD).user is None


def test_the_username_is_not_case_sensitive(viewer):
    assert login_attempt(username="  VIEWER ", password=PASSWORD).user == viewer


def test_pages_need_a_login(db):
    response = Client().get("/organisation/sites/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_never_redirects_to_another_host_after_login(viewer, org):
    client = Client()
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_signing_out_needs_post_and_is_recorded(web, viewer):
    client = web(viewer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor_id=viewer.pk).exists()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_blank_field_is_a_form_error_not_a_failed_login(db, field):
    data = {"username": "viewer", "password": "x", field: ""}
    response = Client().post(LOGIN, data)
    assert response.status_code == 401
    assert "This field is required." in response.content.decode()
    assert not AuditEntry.objects.exists()
