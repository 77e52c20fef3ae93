"""Personal API tokens: shown once, stored hashed, revocable, use recorded."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from ims.accounts.models import ApiToken
from ims.accounts.services import token_create, token_revoke
from ims.audit.models import AuditEntry
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from tests.conftest import assert_problem


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_stored_only_as_its_sha256(viewer):
    token, plain = token_create(user=viewer, name="ERP export")
    assert plain.startswith("ims_")
    assert len(plain) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields}
    assert stored.prefix == plain[:12]


def test_the_token_authenticates_api_calls_as_its_owner(viewer, north):
    _, plain = token_create(user=viewer, name="ERP")
    response = Client().get("/api/v1/me", headers=bearer(plain))
    assert response.status_code == 200
    assert response.json()["username"] == "viewer"


def test_use_is_recorded_with_time_and_address_once_per_window(viewer):
    token, plain = token_create(user=viewer, name="ERP")
    client = Client()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"
    uses = AuditEntry.objects.filter(action="token_use", record_id=str(token.pk))
    assert uses.count() == 1
    assert uses.get().channel == "api"


@override_settings(IMS_TOKEN_USE_AUDIT_SECONDS=0)
def test_every_use_is_recorded_when_the_window_is_zero(viewer):
    token, plain = token_create(user=viewer, name="ERP")
    for _ in range(3):
        Client().get("/api/v1/me", headers=bearer(plain))
    assert AuditEntry.objects.filter(action="token_use", record_id=str(token.pk)).count() == 3


def test_a_revoked_token_gets_401_problem_json(viewer):
    token, plain = token_create(user=viewer, name="ERP")
    token_revoke(by=viewer, token=token)
    body = assert_problem(Client().get("/api/v1/me", headers=bearer(plain)), 401, "unauthenticated")
    assert body["detail"] == "The API token has been revoked."


def test_an_expired_token_gets_401_problem_json(viewer):
    token, plain = token_create(user=viewer, name="ERP", expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/v1/me", headers=bearer(plain))
    body = assert_problem(response, 401, "unauthenticated")
    assert body["detail"] == "The API token has expired."
    assert response["WWW-Authenticate"] == 'Bearer realm="ims"'


@pytest.mark.parametrize("value", ["ims_not-a-real-token", "garbage", ""])
def test_an_unknown_token_gets_401(db, value):
    assert_problem(Client().get("/api/v1/me", headers=bearer(value)), 401, "unauthenticated")


def test_a_deactivated_owner_makes_the_token_useless(viewer):
    _, plain = token_create(user=viewer, name="ERP")
    viewer.is_active = False
    viewer.save()
    assert_problem(Client().get("/api/v1/me", headers=bearer(plain)), 401, "unauthenticated")


def test_expiry_in_the_past_is_refused(viewer):
    with pytest.raises(ValidationFailed) as exc:
        token_create(user=viewer, name="x", expires_at=timezone.now() - timedelta(days=1))
    assert exc.value.errors == {"expires_at": ["The expiry date must be in the future."]}


def test_someone_else_may_not_revoke_my_token_unless_user_admin(viewer, owner, admin):
    token, _ = token_create(user=viewer, name="ERP")
    with pytest.raises(PermissionRefused):
        token_revoke(by=owner, token=token)
    token_revoke(by=admin, token=token)
    with pytest.raises(WorkflowError):
        token_revoke(by=admin, token=token)


def test_the_api_lifecycle_create_list_use_revoke(api, viewer):
    client = api(viewer)
    created = client.post("/tokens", {"name": "Meter gateway"})
    assert created.status_code == 201
    plain = created.json()["token"]
    listed = client.get("/tokens").json()
    assert "token" not in listed[0]
    assert {t["name"] for t in listed} == {"tests", "Meter gateway"}
    token_id = created.json()["id"]
    assert Client().get("/api/v1/me", headers=bearer(plain)).status_code == 200
    revoked = client.delete(f"/tokens/{token_id}")
    assert revoked.json()["status"] == "revoked"
    assert Client().get("/api/v1/me", headers=bearer(plain)).status_code == 401


def test_one_user_cannot_see_or_revoke_anothers_token_through_the_api(api, viewer, owner):
    token, _ = token_create(user=owner, name="owner's")
    assert_problem(api(viewer).delete(f"/tokens/{token.pk}"), 404, "not-found")


def test_the_web_page_shows_a_new_token_once(web, viewer):
    client = web(viewer)
    response = client.post("/accounts/tokens/", {"name": "Spreadsheet"})
    token = ApiToken.objects.get(name="Spreadsheet")
    page = response.content.decode()
    assert "Copy it now" in page
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert secret not in client.get("/accounts/tokens/").content.decode()
