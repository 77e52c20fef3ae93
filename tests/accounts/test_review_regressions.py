"""Rules that a review found bent, kept straight by a test each."""

from __future__ import annotations

import pytest
from django.test import override_settings

from ims.accounts.services import login_attempt, password_reset, token_create
from ims.core.errors import PermissionRefused, ValidationFailed
from ims.org.models import ScopeStatement, Site
from ims.org.services import scope_save, site_delete, site_update
from tests.conftest import PASSWORD, assert_problem


def test_record_history_follows_the_audit_trail_rule(web, admin, viewer, auditor, north):
    site_update(by=admin, site=north, version=1, name="North works")
    viewer_page = web(viewer).get(f"/organisation/sites/{north.pk}/").content.decode()
    assert "<del>North plant</del>" not in viewer_page
    assert "The history is shown to auditors and IMS managers" in viewer_page
    assert "<del>North plant</del>" in web(auditor).get(f"/organisation/sites/{north.pk}/").content.decode()


def test_own_sign_in_history_stays_visible_on_my_account(web, viewer):
    login_attempt(username="viewer", password="wrong")
    assert "login_failed" in web(viewer).get("/accounts/me/").content.decode()


def test_a_temporary_password_gives_no_tokens_nor_api_until_changed(web, admin, viewer):
    password_reset(by=admin, user=viewer)
    viewer.refresh_from_db()
    client = web(viewer)
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/?must_change=1"
    with pytest.raises(PermissionRefused):
        token_create(user=viewer, name="sneaky")
    assert_problem(client.get("/api/v1/me"), 403, "forbidden")


@override_settings(IMS_LOCKOUT_THRESHOLD=2)
def test_a_lock_out_does_not_end_an_open_session(web, admin):
    client = web(admin)
    login_attempt(username="admin", password="x")
    login_attempt(username="admin", password="x")
    admin.refresh_from_db()
    assert admin.is_locked
    assert client.get("/").status_code == 200


def test_updating_a_scope_statement_needs_the_version_in_every_channel(web, manager, org):
    scope_save(by=manager, standard="iso9001", statement="First.")
    with pytest.raises(ValidationFailed):
        scope_save(by=manager, standard="iso9001", statement="Blind overwrite.")
    response = web(manager).post("/organisation/", {"form": "iso9001", "iso9001-statement": "Stale overwrite"})
    assert response.status_code == 422
    assert ScopeStatement.objects.get(standard="iso9001").statement == "First."


def test_a_token_expiry_without_offset_is_local_time_not_a_crash(api, viewer):
    response = api(viewer).post("/tokens", {"name": "x", "expires_at": "2030-01-01T00:00:00"})
    assert response.status_code == 201
    assert response.json()["expires_at"].startswith("2030-01-01")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/sites", {"code": "X1", "name": "a\u0000b", "country": "FR", "time_zone": "Europe/Paris"}),
    ],
)
def test_nul_characters_are_refused_not_crashed_on(api, admin, path, body):
    body = assert_problem(api(admin).post(path, body), 422, "validation")
    assert body["errors"] == {"name": ["Contains a NUL character, which cannot be stored."]}


def test_numbers_too_large_are_refused(api, admin, web):
    assert_problem(api(admin).get("/sites", offset=10**20), 422, "validation")
    assert_problem(api(admin).get(f"/sites/{10**20}"), 404, "not-found")
    assert web(admin).get(f"/organisation/sites/{10**20}/").status_code == 404


def test_a_malformed_version_on_a_site_action_is_a_message_not_a_crash(web, admin, north):
    response = web(admin).post(f"/organisation/sites/{north.pk}/archive", {"version": "abc"}, follow=True)
    assert response.status_code == 200
    assert "reload the page and try again" in response.content.decode()


def test_a_site_linked_as_evidence_cannot_be_deleted(db, admin, manager, south):
    from ims.accounts.models import Membership
    from ims.readiness.services import evidence_link
    from ims.standards.loader import DATA_DIR, load
    from ims.standards.selectors import clause_get, edition_get

    load(DATA_DIR)
    Membership.objects.filter(site=south).delete()
    evidence_link(
        by=manager,
        clause=clause_get(edition_get("iso9001:2015"), "4.3"),
        record_type="org.site",
        record_id=str(south.pk),
    )
    with pytest.raises(Exception, match="readiness evidence"):
        site_delete(by=admin, site=south)
    assert Site.objects.filter(pk=south.pk).exists()


def test_the_operator_reset_forces_a_change_and_is_audited(db, viewer, capsys):
    from django.core.management import call_command

    from ims.audit.models import AuditEntry

    call_command("reset_password", "viewer")
    viewer.refresh_from_db()
    assert viewer.must_change_password
    assert "operator" in AuditEntry.objects.filter(action="password_reset").latest("id").actor_label
    assert login_attempt(username="viewer", password=PASSWORD).user is None
