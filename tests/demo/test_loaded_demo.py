"""The demo organisation, loaded once for this module: what ``ims demo`` prints, and what each register holds.

Loading the demo builds three years of records through the services, which
takes a while; the checks below only read it, each in its own savepoint, so
one load serves them all. The module's tests run on one worker
(``xdist_group``) and the load is rolled back when the module ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from ims.accounts.models import Membership, User
from ims.accounts.services import login_attempt
from ims.audit.chain import verify_chain
from ims.audit.models import AuditEntry
from ims.changes.checks import planned_changes
from ims.changes.models import PlannedChange
from ims.context.checks import context_issues, interested_parties
from ims.context.models import InterestedParty, Issue
from ims.documents.checks import mandated_documents
from ims.documents.master import Cover, coverage, master_list
from ims.documents.models import Acknowledgement, Document, Revision
from ims.objectives.checks import objectives_measurable
from ims.objectives.models import Objective
from ims.objectives.progress import Status as Progress
from ims.obligations.checks import obligations_evaluated
from ims.obligations.models import Obligation, Permit
from ims.org.models import Organisation, ScopeStatement, Site
from ims.policies.checks import policy_current
from ims.policies.models import Policy
from ims.policies.selectors import draft_of, in_force
from ims.processes.checks import processes_determined
from ims.processes.models import Process, ProcessLink
from ims.readiness.checks import Status
from ims.readiness.selectors import editions_in_scope
from ims.reminders.selectors import items_for
from ims.risks.checks import risks_treated
from ims.risks.models import Kind, Risk, Treatment
from ims.signatures.services import signatures_of

pytestmark = pytest.mark.xdist_group("loaded-demo")

ROLES = ["Administrator", "IMS manager", "Process owner", "Auditor", "Contributor", "Viewer"]
CREDENTIAL = re.compile(r"^  (\S+) +(\S+)  (.+)$", re.M)


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def printed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """What ``ims demo`` printed; the demo stays loaded until the module ends, then is rolled back."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def loaded(printed: str, db: Any) -> str:
    """The loaded demo, for one test, inside a savepoint rolled back after it."""
    return printed


# -- ims demo ------------------------------------------------------------------------------------------


def test_it_prints_a_working_password_for_every_demo_account(loaded):
    credentials = CREDENTIAL.findall(loaded)
    assert {username for username, _, _ in credentials} == set(User.objects.values_list("username", flat=True))
    assert len(credentials) == 8
    for username, password, _ in credentials:
        assert login_attempt(username=username, password=password).user is not None, username


def test_it_prints_credentials_for_every_role(loaded):
    described = " ".join(role for _, _, role in CREDENTIAL.findall(loaded))
    for role in ROLES:
        assert role in described
    assert "admin" in loaded
    assert "Alder & Finch Components" in loaded


def test_it_loads_the_organisation_sites_scope_and_users(loaded):
    assert Organisation.objects.get().name == "Alder & Finch Components"
    assert sorted(Site.objects.values_list("code", flat=True)) == ["BRQ", "LYO"]
    assert ScopeStatement.objects.count() == 2
    assert User.objects.get(username="eva.horakova").memberships.get().role == "auditor"
    assert Membership.objects.filter(user__username="claire.bernard").count() == 2


def test_every_demo_write_is_audited_in_an_intact_chain(loaded):
    assert verify_chain().ok
    assert AuditEntry.objects.filter(action="create", record_type="accounts.user").count() == 8
    assert AuditEntry.objects.filter(action="create", record_type="org.site").count() == 2
    assert not AuditEntry.objects.filter(changes__has_key="password").exists()


def test_it_refuses_to_load_a_second_time(loaded):
    users, entries = User.objects.count(), AuditEntry.objects.count()

    with pytest.raises(CommandError) as refused:
        demo()

    assert str(refused.value) == ("The database already holds an organisation; the demo loads only into an empty one.")
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_if_empty_does_nothing_on_a_loaded_database(loaded):
    users, entries = User.objects.count(), AuditEntry.objects.count()

    again = demo("--if-empty")

    assert again.startswith("The database already holds an organisation; demo not loaded.")
    assert "ims reset-password USERNAME" in again
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


# -- the registers ---------------------------------------------------------------------------------------


def test_the_demo_context_passes_both_readiness_checks(loaded):
    assert Issue.objects.count() == 12
    assert InterestedParty.objects.count() == 10
    assert Issue.objects.filter(site__isnull=True).exists()
    assert context_issues(timezone.now()).status == Status.PASS
    assert interested_parties(timezone.now()).status == Status.PASS


def test_the_demo_process_map_and_planned_changes_pass_their_checks(loaded):
    assert Process.objects.count() == 12
    assert ProcessLink.objects.count() == 15
    assert set(Process.objects.values_list("kind", flat=True)) == {"management", "core", "support"}
    assert PlannedChange.objects.filter(site__isnull=True).exists()
    assert set(PlannedChange.objects.values_list("status", flat=True)) == {
        "proposed",
        "approved",
        "in_progress",
        "completed",
        "cancelled",
    }
    assert processes_determined(timezone.now()).status == Status.PASS
    assert planned_changes(timezone.now()).status == Status.PASS


def test_the_demo_risks_register_passes_the_6_1_check(loaded):
    assert Risk.objects.count() == 15
    assert Risk.objects.filter(kind=Kind.OPPORTUNITY).count() == 4
    assert Risk.objects.filter(site__isnull=True).exists()
    assert Treatment.objects.filter(status="done").exists()
    assert risks_treated(timezone.now()).status == Status.PASS


def test_the_demo_objectives_cover_both_standards_and_pass_the_6_2_check(loaded):
    assert Objective.objects.count() == 7
    assert objectives_measurable(timezone.now()).status == Status.PASS
    statuses = {o.assess(timezone.localdate())[2] for o in Objective.objects.all()}
    assert Progress.ON_TRACK in statuses
    assert Objective.objects.filter(latest_value__isnull=False).count() == 7


def test_the_demo_obligations_are_evaluated_within_their_periods(loaded):
    assert Obligation.objects.count() >= 25
    assert Permit.objects.filter(unit="mg/L").exists()
    result = obligations_evaluated(timezone.now())
    assert result.status == Status.PASS, result.explanation


def test_the_demo_policy_is_in_force_signed_and_communicated_with_a_draft_sent_back(loaded):
    policy = Policy.objects.get(reference="POL-001")
    current = in_force(policy)
    assert current is not None
    assert current.number == 1
    assert current.signature is not None
    assert current.signature.matches(current.signed_content())
    assert current.communications.count() == 2
    draft = draft_of(policy)
    assert draft is not None
    assert "by 2030" in draft.text
    [rejection] = signatures_of(draft)
    assert (rejection.meaning, rejection.valid) == ("rejected", False)
    assert policy_current(timezone.now()).status == Status.PASS


def test_the_demo_documents_cover_the_mandated_documents_in_real_states(loaded):
    documents = Document.objects.all()
    count = documents.count()
    assert 35 <= count <= 45
    by_status = {s: Revision.objects.filter(status=s).count() for s in ("effective", "superseded", "obsolete")}
    assert by_status["effective"] >= 30
    assert by_status["superseded"] >= 3
    assert by_status["obsolete"] == 1
    assert Revision.objects.filter(status="draft").count() >= 2
    assert Revision.objects.filter(status="in_review").count() == 2
    assert documents.filter(doc_type="record", retention_years__isnull=False).count() >= 3
    assert Acknowledgement.objects.count() >= 10
    assert documents.filter(processes__isnull=False).distinct().count() == count

    today = timezone.localdate()
    overdue = list(documents.filter(next_review__lt=today))
    assert [d.title for d in overdue] == ["Waste management"]

    found = coverage(documents, editions=editions_in_scope(), today=today)
    assert {c.edition.label.split(" +")[0] for c in found} == {"ISO 9001:2015", "ISO 14001:2015"}
    assert [c.label for c in found if c.status != Cover.COVERED] == []
    assert mandated_documents(timezone.now()).status == Status.PASS

    marie = User.objects.get(username="marie.dubois")
    rows = master_list(marie).rows
    assert len(rows) == count
    assert any(r.asked and r.acknowledged < r.asked for r in rows), "someone has not read a document yet"
    waiting = [i.subject for i in items_for(marie)]
    assert "Review of PRO-ENV-005 Waste management is overdue" in waiting
    assert any(s.startswith("Approve WI-LYO-") for s in waiting)
