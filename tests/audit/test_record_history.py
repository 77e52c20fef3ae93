"""A record's page shows its own history: who changed which field from what to what."""

from __future__ import annotations

import re

from ims.org import services


def history_section(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<section aria-labelledby="history-h">.*?</section>', html, re.S)
    assert match, "the page has no history section"
    return match.group(0)


def test_the_site_page_lists_its_changes_with_old_and_new_values(web, admin, north):
    services.site_update(by=admin, site=north, version=1, name="North works", time_zone="Europe/Vienna")

    history = history_section(web(admin).get(f"/organisation/sites/{north.pk}/"))

    assert "<del>North plant</del> → <ins>North works</ins>" in history
    assert "<del>Europe/Berlin</del> → <ins>Europe/Vienna</ins>" in history
    assert 'admin <span class="muted">(cli)</span>' in history
    assert "<td>update</td>" in history


def test_the_history_is_newest_first_and_includes_the_creation(web, admin):
    site = services.site_create(by=admin, code="PLZ", name="Plzeň warehouse", country="CZ", time_zone="Europe/Prague")
    site = services.site_update(by=admin, site=site, version=1, address="Tylova 1")
    services.site_archive(by=admin, site=site, version=2)

    history = history_section(web(admin).get(f"/organisation/sites/{site.pk}/"))

    assert re.findall(r"<td>(create|update)(?: — (\w+))?</td>", history) == [
        ("update", "archived"),
        ("update", ""),
        ("create", ""),
    ]
    assert "<del>—</del> → <ins>Plzeň warehouse</ins>" in history
    assert "<del></del> → <ins>Tylova 1</ins>" in history


def test_a_change_made_in_the_browser_appears_as_web(web, admin, north):
    client = web(admin)
    form = {"version": 1, "code": "N", "name": "North works", "country": "DE", "time_zone": "Europe/Berlin"}
    assert client.post(f"/organisation/sites/{north.pk}/edit", form).status_code == 302

    history = history_section(client.get(f"/organisation/sites/{north.pk}/"))

    assert 'admin <span class="muted">(web)</span>' in history
    assert "<del>North plant</del> → <ins>North works</ins>" in history


def test_the_history_shows_only_the_records_own_entries(web, admin, north, south):
    services.site_update(by=admin, site=south, version=1, name="South works")

    history = history_section(web(admin).get(f"/organisation/sites/{north.pk}/"))

    assert "South works" not in history
    assert "No history yet." in history
