"""``ims demo`` loads the demo organisation once, into an empty database, and prints how to sign in."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ims.accounts.models import Membership, User
from ims.accounts.services import login_attempt
from ims.audit.chain import verify_chain
from ims.audit.models import AuditEntry
from ims.org.models import Organisation, ScopeStatement, Site

ROLES = ["Administrator", "IMS manager", "Process owner", "Auditor", "Contributor", "Viewer"]
CREDENTIAL = re.compile(r"^  (\S+) +(\S+)  (.+)$", re.M)


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_working_password_for_every_demo_account(db):
    printed = demo()

    credentials = CREDENTIAL.findall(printed)
    assert {username for username, _, _ in credentials} == set(User.objects.values_list("username", flat=True))
    assert len(credentials) == 8
    for username, password, _ in credentials:
        assert login_attempt(username=username, password=password).user is not None, username


def test_it_prints_credentials_for_every_role(db):
    printed = demo()

    described = " ".join(role for _, _, role in CREDENTIAL.findall(printed))
    for role in ROLES:
        assert role in described
    assert "admin" in printed
    assert "Alder & Finch Components" in printed


def test_it_loads_the_organisation_sites_scope_and_users(db):
    demo()

    assert Organisation.objects.get().name == "Alder & Finch Components"
    assert sorted(Site.objects.values_list("code", flat=True)) == ["BRQ", "LYO"]
    assert ScopeStatement.objects.count() == 2
    assert User.objects.get(username="eva.horakova").memberships.get().role == "auditor"
    assert Membership.objects.filter(user__username="claire.bernard").count() == 2


def test_every_demo_write_is_audited_in_an_intact_chain(db):
    demo()

    assert verify_chain().ok
    assert AuditEntry.objects.filter(action="create", record_type="accounts.user").count() == 8
    assert AuditEntry.objects.filter(action="create", record_type="org.site").count() == 2
    assert not AuditEntry.objects.filter(changes__has_key="password").exists()


def test_it_refuses_to_load_a_second_time(db):
    demo()
    users, entries = User.objects.count(), AuditEntry.objects.count()

    with pytest.raises(CommandError) as refused:
        demo()

    assert str(refused.value) == ("The database already holds an organisation; the demo loads only into an empty one.")
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_if_empty_does_nothing_on_a_loaded_database(db):
    demo()
    users, entries = User.objects.count(), AuditEntry.objects.count()

    printed = demo("--if-empty")

    assert printed.startswith("The database already holds an organisation; demo not loaded.")
    assert "ims reset-password USERNAME" in printed
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_if_empty_loads_an_empty_database(db):
    printed = demo("--if-empty")

    assert printed.startswith("Demo organisation loaded")
    assert Organisation.objects.exists()
