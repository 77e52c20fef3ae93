"""Sites in the browser: forms with field errors, conflicts shown, refusals."""

from __future__ import annotations

import pytest

from ims.org.models import Site
from ims.org.services import site_update


def test_the_list_shows_only_my_sites(web, viewer, north, south):
    page = web(viewer).get("/organisation/sites/").content.decode()
    assert "North plant" in page
    assert "South plant" not in page
    assert "New site" not in page


def test_an_admin_creates_a_site_through_the_form(web, admin):
    response = web(admin).post(
        "/organisation/sites/new",
        {"code": "LYN", "name": "Lyon", "country": "FR", "time_zone": "Europe/Paris", "address": ""},
    )
    site = Site.objects.get(code="LYN")
    assert response.status_code == 302
    assert response["Location"] == f"/organisation/sites/{site.pk}/"


def test_an_invalid_form_comes_back_with_field_errors_and_nothing_saved(web, admin):
    response = web(admin).post(
        "/organisation/sites/new", {"code": "LYN", "name": "", "country": "FR", "time_zone": "Nowhere/City"}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in page
    assert not Site.objects.filter(code="LYN").exists()


def test_a_service_rule_shows_on_its_field(web, admin):
    response = web(admin).post(
        "/organisation/sites/new", {"code": "LYN", "name": "Lyon", "country": "FR", "time_zone": "Nowhere/City"}
    )
    assert "“Nowhere/City” is not an IANA time zone name" in response.content.decode()
    assert not Site.objects.exists()


def test_a_stale_edit_shows_what_changed_meanwhile_and_keeps_the_other_save(web, admin, manager, north):
    client = web(admin)
    form = client.get(f"/organisation/sites/{north.pk}/edit")
    assert 'name="version" value="1"' in form.content.decode()
    site_update(by=manager, site=north, version=1, name="Renamed meanwhile")
    response = client.post(
        f"/organisation/sites/{north.pk}/edit",
        {"version": 1, "code": "N", "name": "My new name", "country": "DE", "time_zone": "Europe/Berlin"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in page
    assert "Renamed meanwhile" in page
    assert "My new name" in page
    assert 'name="version" value="2"' in page, "resubmitting knowingly uses the current version"
    north.refresh_from_db()
    assert north.name == "Renamed meanwhile"


@pytest.mark.parametrize("persona", ["owner", "auditor", "contributor", "viewer"])
def test_other_roles_get_the_friendly_403_page(request, web, persona, north):
    client = web(request.getfixturevalue(persona))
    for path in ("/organisation/sites/new", f"/organisation/sites/{north.pk}/edit"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Not allowed" in response.content.decode()


def test_another_sites_record_is_a_404_page(web, outsider, north):
    response = web(outsider).get(f"/organisation/sites/{north.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_archive_from_the_detail_page(web, admin, north):
    client = web(admin)
    client.post(f"/organisation/sites/{north.pk}/archive", {"version": 1})
    north.refresh_from_db()
    assert north.is_archived
    assert "archived" in client.get(f"/organisation/sites/{north.pk}/").content.decode()


def test_the_site_switcher_only_accepts_my_sites(web, viewer, north, south):
    client = web(viewer)
    client.post("/site/switch", {"site": south.pk, "next": "/"})
    assert client.session.get("ims_site") is None
    client.post("/site/switch", {"site": north.pk, "next": "/organisation/sites/"})
    assert client.session["ims_site"] == north.pk
