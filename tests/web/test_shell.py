"""The shell: dashboard, navigation by Harmonized Structure, error pages."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from ims.accounts.services import token_create


def test_the_dashboard_shows_counts_and_groups_navigation_by_clause(web, viewer, north):
    page = web(viewer).get("/").content.decode()
    for group in ("Context", "Leadership", "Planning", "Support", "Operation", "Performance evaluation", "Improvement"):
        assert group in page
    assert "Sites" in page
    assert "Users and access" not in page, "viewers do not administer users"


def test_admins_see_user_administration_and_locked_accounts(web, admin, viewer):
    viewer.locked_until = timezone.now() + timedelta(minutes=5)
    viewer.save()
    page = web(admin).get("/").content.decode()
    assert "Users and access" in page
    assert "is locked out after failed sign-ins" in page


def test_a_token_about_to_expire_is_a_due_item(web, viewer):
    token_create(user=viewer, name="Meter feed", expires_at=timezone.now() + timedelta(days=3))
    assert "Your API token “Meter feed” expires" in web(viewer).get("/").content.decode()


def test_an_unknown_page_is_the_friendly_404(web, viewer):
    response = web(viewer).get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_htmx_is_served_from_the_installed_package(web, viewer):
    page = web(viewer).get("/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in page
    assert "https://" not in page.split("<body")[0], "no CDN"


def test_health_endpoints_need_no_login(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_the_site_switcher_narrows_the_audit_trail(web, admin, auditor, north, south):
    from ims.org.services import site_update

    site_update(by=admin, site=north, version=1, name="North renamed")
    site_update(by=admin, site=south, version=1, name="South renamed")
    north_link = f"record_type=org.site&amp;record_id={north.pk}"
    south_link = f"record_type=org.site&amp;record_id={south.pk}"
    client = web(auditor)
    page = client.get("/audit/").content.decode()
    assert north_link in page
    assert south_link in page
    client.post("/site/switch", {"site": south.pk, "next": "/audit/"})
    page = client.get("/audit/").content.decode()
    assert south_link in page
    assert north_link not in page
