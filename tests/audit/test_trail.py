"""Every change made through a service leaves one audit entry with field-level old → new values."""

from __future__ import annotations

import pytest
from django.db import transaction

from ims.accounts.services import login_attempt
from ims.audit.chain import verify_chain
from ims.audit.models import AuditEntry, AuditHead
from ims.audit.services import record_change
from ims.core.errors import ConflictError, ValidationFailed, WorkflowError
from ims.org import services
from ims.org.models import Site
from tests.conftest import PASSWORD

PLZEN = {"code": "PLZ", "name": "Plzeň warehouse", "country": "CZ", "time_zone": "Europe/Prague"}


def only_entry(**filters: object) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def test_it_records_every_field_of_a_created_site(admin):
    site = services.site_create(by=admin, address="Tylova 1\nPlzeň", **PLZEN)

    entry = only_entry()
    assert entry.action == "create"
    assert entry.record_type == "org.site"
    assert entry.record_id == str(site.pk)
    assert entry.record_repr == "Plzeň warehouse"
    assert entry.site_id == site.pk
    assert entry.changes == {
        "code": [None, "PLZ"],
        "name": [None, "Plzeň warehouse"],
        "country": [None, "CZ"],
        "time_zone": [None, "Europe/Prague"],
        "address": [None, "Tylova 1\nPlzeň"],
        "archived_at": [None, None],
    }


def test_it_names_the_actor_the_channel_and_the_address(admin):
    services.site_create(by=admin, **PLZEN)

    entry = only_entry()
    assert entry.actor_id == admin.pk
    assert entry.actor_label == "admin"
    assert entry.channel == "cli"
    assert entry.ip == "127.0.0.1"


def test_it_records_old_and_new_values_on_update(admin, north):
    services.site_update(by=admin, site=north, version=1, name="North works", country="AT", time_zone="Europe/Vienna")

    entry = only_entry()
    assert entry.action == "update"
    assert entry.record_id == str(north.pk)
    assert entry.site_id == north.pk
    assert entry.changes == {
        "name": ["North plant", "North works"],
        "country": ["DE", "AT"],
        "time_zone": ["Europe/Berlin", "Europe/Vienna"],
    }


def test_it_leaves_unchanged_fields_out_of_an_update(admin, north):
    services.site_update(by=admin, site=north, version=1, name="North plant", address="Hafenstraße 3")

    assert only_entry().changes == {"address": ["", "Hafenstraße 3"]}


def test_an_update_that_changes_nothing_writes_no_entry(admin, north):
    services.site_update(by=admin, site=north, version=1, name="North plant", country="DE")

    assert not AuditEntry.objects.exists()


def test_it_records_the_last_values_of_a_deleted_site(admin, north):
    pk = north.pk

    services.site_delete(by=admin, site=north)

    assert not Site.objects.filter(pk=pk).exists()
    entry = only_entry()
    assert entry.action == "delete"
    assert entry.record_type == "org.site"
    assert entry.record_id == str(pk)
    assert entry.site_id == pk
    assert entry.actor_id == admin.pk
    assert entry.changes == {
        "code": ["N", None],
        "name": ["North plant", None],
        "country": ["DE", None],
        "time_zone": ["Europe/Berlin", None],
        "address": ["", None],
        "archived_at": [None, None],
    }


def test_archiving_is_an_update_with_a_note(admin, north):
    services.site_archive(by=admin, site=north, version=1)

    north.refresh_from_db()
    entry = only_entry()
    assert entry.action == "update"
    assert entry.note == "archived"
    assert entry.changes == {"archived_at": [None, north.archived_at.isoformat()]}


def test_create_update_and_delete_form_one_intact_chain(admin):
    site = services.site_create(by=admin, **PLZEN)
    site = services.site_update(by=admin, site=site, version=1, name="Plzeň depot")
    services.site_delete(by=admin, site=site)

    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.id, e.action) for e in entries] == [(1, "create"), (2, "update"), (3, "delete")]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    head = AuditHead.objects.get()
    assert (head.seq, head.last_hash) == (3, entries[2].hash)
    assert verify_chain().ok


def test_a_rejected_update_writes_no_entry_and_changes_nothing(admin, north):
    with pytest.raises(ValidationFailed) as refused:
        services.site_update(by=admin, site=north, version=1, name="Renamed", country="XX")

    assert "country" in refused.value.errors
    stored = Site.objects.get(pk=north.pk)
    assert (stored.name, str(stored.country), stored.version) == ("North plant", "DE", 1)
    assert not AuditEntry.objects.exists()
    assert not AuditHead.objects.filter(seq__gt=0).exists()


def test_a_stale_version_writes_no_entry_and_changes_nothing(admin, north):
    services.site_update(by=admin, site=north, version=1, name="North works")

    with pytest.raises(ConflictError) as refused:
        services.site_update(by=admin, site=north, version=1, name="North mill")

    assert refused.value.changed == {"name": {"current": "North works", "yours": "North mill"}}
    stored = Site.objects.get(pk=north.pk)
    assert (stored.name, stored.version) == ("North works", 2)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["update"]
    assert AuditHead.objects.get().seq == 1


def test_a_refused_delete_writes_no_entry(admin, viewer, north):
    with pytest.raises(WorkflowError, match="referenced by memberships"):
        services.site_delete(by=admin, site=north)

    assert Site.objects.filter(pk=north.pk).exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_create_writes_no_entry(admin, north):
    with pytest.raises(ValidationFailed):
        services.site_create(by=admin, code="N2", name="North plant", country="DE", time_zone="Europe/Berlin")

    assert Site.objects.count() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_change_refuses_to_run_outside_a_transaction(admin):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        record_change(action="update", by=admin, note="no transaction")

    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_entry_was_written_rolls_the_entry_back(admin, north):
    def update_then_fail() -> None:
        with transaction.atomic():
            services.site_update(by=admin, site=north, version=1, name="North works")
            assert AuditEntry.objects.count() == 1
            raise ValueError("the caller's next step failed")

    with pytest.raises(ValueError, match="next step failed"):
        update_then_fail()

    assert Site.objects.get(pk=north.pk).name == "North plant"
    assert not AuditEntry.objects.exists()
    assert not AuditHead.objects.filter(seq__gt=0).exists()


# --- through the web and the API ----------------------------------------------------------


def test_a_site_created_in_the_browser_is_recorded_as_web(web, admin):
    response = web(admin).post("/organisation/sites/new", PLZEN)

    site = Site.objects.get(code="PLZ")
    assert response.status_code == 302
    entry = only_entry()
    assert (entry.action, entry.record_id, entry.channel) == ("create", str(site.pk), "web")
    assert (entry.actor_id, entry.ip) == (admin.pk, "127.0.0.1")


def test_a_site_edited_in_the_browser_is_recorded_as_web(web, admin, north):
    form = {"version": 1, "code": "N", "name": "North works", "country": "DE", "time_zone": "Europe/Berlin"}

    response = web(admin).post(f"/organisation/sites/{north.pk}/edit", form)

    assert response.status_code == 302
    entry = only_entry()
    assert (entry.action, entry.channel) == ("update", "web")
    assert entry.changes == {"name": ["North plant", "North works"]}


def test_a_site_deleted_through_the_api_is_recorded_as_api(api, admin, north):
    client = api(admin)

    response = client.delete(f"/sites/{north.pk}")

    assert response.status_code == 204
    entry = only_entry(action="delete")
    assert (entry.channel, entry.actor_id, entry.record_id) == ("api", admin.pk, str(north.pk))


def test_a_site_updated_through_the_api_is_recorded_as_api(api, admin, north):
    response = api(admin).patch(f"/sites/{north.pk}", {"version": 1, "address": "Kai 7"})

    assert response.status_code == 200
    entry = only_entry(action="update")
    assert entry.channel == "api"
    assert entry.changes == {"address": ["", "Kai 7"]}


# --- sign-ins and token use (accounts tests cover them in depth) -------------------------


def test_a_sign_in_is_recorded(viewer):
    assert login_attempt(username="viewer", password=PASSWORD).user == viewer

    entry = only_entry(action="login")
    assert (entry.actor_id, entry.record_type, entry.record_id) == (viewer.pk, "accounts.user", str(viewer.pk))


def test_a_wrong_password_is_recorded_as_a_failed_sign_in(viewer):
    assert login_attempt(username="viewer", password="wrong").user is None

    entry = only_entry(action="login_failed")
    assert entry.actor_id == viewer.pk
    assert entry.note == "wrong password (1 in a row)"


def test_an_unknown_username_is_recorded_as_a_failed_sign_in(db):
    login_attempt(username="mallory", password="guess")

    entry = only_entry(action="login_failed")
    assert (entry.actor_id, entry.actor_label, entry.note) == (None, "mallory", "unknown username")


def test_an_api_token_use_is_recorded(api, viewer, north):
    client = api(viewer)

    assert client.get("/sites").status_code == 200

    entry = only_entry(action="token_use")
    assert (entry.channel, entry.actor_id, entry.record_type) == ("api", viewer.pk, "accounts.apitoken")
    assert entry.note == f"token {client.token[:12]}…"
