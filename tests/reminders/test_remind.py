"""``ims remind``: one e-mail per person listing their new items, never the same item twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from ims.documents.services import (
    acknowledge,
    distribution_add,
    document_create,
    review_confirm,
    steps_set,
    submit,
)
from ims.reminders.models import Reminder
from ims.reminders.registry import source
from ims.reminders.selectors import items_for
from ims.reminders.services import send_reminders
from tests.conftest import PASSWORD
from tests.documents.factory import effective_document, fresh, next_revision

NO_BASE_URL = "The links in the e-mails are paths only: give --base-url to make them complete."


@pytest.fixture
def people(admin, manager, owner, viewer, outsider):
    for user in (admin, manager, owner, viewer, outsider):
        user.email = f"{user.username}@example.com"
        user.save()
    return {u.username: u for u in (admin, manager, owner, viewer, outsider)}


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *(args or ("--base-url", "https://ims.example.com")), stdout=out)
    return out.getvalue().strip()


def sent_to() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def in_review(*, by, approvers, reviewers=(), **fields):
    document = document_create(by=by, doc_type="procedure", text="Body.", **fields)
    draft = document.revisions.get()
    steps_set(by=by, revision=draft, reviewers=reviewers, approvers=approvers)
    submit(by=by, revision=draft, version=fresh(draft).version)
    return fresh(draft)


def test_each_person_gets_one_email_with_their_new_items_and_a_second_run_sends_nothing(people, north):
    owner, manager, viewer = people["owner"], people["manager"], people["viewer"]
    spill = effective_document(by=owner, approver=manager, title="Spill response", sites=[north])
    distribution_add(by=owner, document=spill, site=north)
    waste = effective_document(by=owner, approver=manager, title="Waste sorting", sites=[north])
    distribution_add(by=owner, document=waste, user=viewer)
    draft = in_review(by=owner, approvers=[manager], title="Chip recycling", sites=[north])

    assert remind() == "Sent 4 reminders to 3 people."
    assert sent_to() == ["manager@example.com", "owner@example.com", "viewer@example.com"]
    to_viewer = next(m for m in mail.outbox if m.to == ["viewer@example.com"])
    assert to_viewer.subject == "IMS: 2 items waiting for you"
    assert "* Read PRO-IMS-001 revision 1 Spill response" in to_viewer.body
    assert "* Read PRO-IMS-002 revision 1 Waste sorting" in to_viewer.body
    to_manager = next(m for m in mail.outbox if m.to == ["manager@example.com"])
    assert to_manager.subject == "IMS: Approve PRO-IMS-003 revision 1 Chip recycling"
    assert f"Submitted on {timezone.localdate():%Y-%m-%d} by Owner" in to_manager.body
    assert f"  https://ims.example.com/documents/revisions/{draft.pk}/" in to_manager.body
    assert draft.document.number == "PRO-IMS-003"

    assert remind() == "Sent 0 reminders to 0 people."
    assert len(mail.outbox) == 3
    assert Reminder.objects.count() == 4


def test_a_new_revision_or_a_new_due_date_reminds_again(people, north):
    owner, manager, viewer = people["owner"], people["manager"], people["viewer"]
    spill = effective_document(by=owner, approver=manager, title="Spill response", sites=[north], review_months=1)
    distribution_add(by=owner, document=spill, user=viewer)
    soon = timezone.now() + dt.timedelta(days=10)

    assert send_reminders(now=soon).line() == "Sent 2 reminders to 2 people."
    to_owner = next(m for m in mail.outbox if m.to == ["owner@example.com"])
    assert to_owner.subject == f"IMS: Review of PRO-IMS-001 Spill response is due on {fresh(spill).next_review}"
    assert send_reminders(now=soon).reminders == 0

    late = timezone.now() + dt.timedelta(days=60)
    assert send_reminders(now=late).line() == "Sent 1 reminder to 1 person.", "once more when it becomes overdue"
    assert mail.outbox[-1].subject == "IMS: Review of PRO-IMS-001 Spill response is overdue"

    review_confirm(by=owner, document=fresh(spill), version=fresh(spill).version)
    acknowledge(by=viewer, revision=spill.revisions.get(status="effective"))
    next_revision(fresh(spill), by=owner, approver=manager)
    summary = send_reminders(now=soon)
    assert summary.line() == "Sent 1 reminder to 1 person."
    assert mail.outbox[-1].subject == "IMS: Read PRO-IMS-001 revision 2 Spill response"


def test_in_sequence_only_the_person_whose_turn_it_is_is_reminded(people, north):
    owner, manager, admin = people["owner"], people["manager"], people["admin"]
    document = document_create(by=owner, doc_type="procedure", title="Press brake", sites=[north], text="x")
    document.approval_mode = "sequence"
    document.save(update_fields=["approval_mode"])
    draft = document.revisions.get()
    steps_set(by=owner, revision=draft, reviewers=[admin], approvers=[manager])
    submit(by=owner, revision=draft, version=fresh(draft).version)

    assert [i.subject for i in items_for(manager)] == []
    assert [i.subject for i in items_for(admin)] == ["Review PRO-IMS-001 revision 1 Press brake"]
    remind()
    assert sent_to() == ["admin@example.com"]

    from ims.documents.services import sign_step

    sign_step(by=admin, revision=fresh(draft), version=fresh(draft).version, password=PASSWORD, meaning="reviewed")
    remind()
    assert sent_to() == ["admin@example.com", "manager@example.com"]


def test_nobody_is_asked_to_read_what_they_may_not_see(people, north):
    owner, manager, outsider = people["owner"], people["manager"], people["outsider"]
    document = effective_document(by=owner, approver=manager, title="North only", sites=[north])
    distribution_add(by=owner, document=document, role="process_owner")

    assert [i.subject for i in items_for(owner)] == ["Read PRO-IMS-001 revision 1 North only"]
    assert items_for(outsider) == []
    remind()
    assert sent_to() == ["owner@example.com"]


def test_people_without_an_address_or_inactive_are_not_emailed(people, north):
    owner, manager, viewer = people["owner"], people["manager"], people["viewer"]
    document = effective_document(by=owner, approver=manager, title="Spill response", sites=[north])
    distribution_add(by=owner, document=document, site=north)
    viewer.email = ""
    viewer.save()
    owner.is_active = False
    owner.save()

    out = remind()

    assert out == "Sent 0 reminders to 0 people.\nNo e-mail address, not reminded: viewer."
    assert mail.outbox == []
    assert not Reminder.objects.exists(), "they are reminded once they have an address"


def test_a_failed_email_is_not_recorded_and_is_tried_again(people, north):
    owner, manager = people["owner"], people["manager"]
    in_review(by=owner, approvers=[manager], title="Chip recycling", sites=[north])

    broken = mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down"))
    with broken, pytest.raises(CommandError, match="Could not send: manager: mail server down"):
        remind()
    assert not Reminder.objects.exists()
    assert remind("--dry-run") == "Would send 1 reminder to 1 person.\n" + NO_BASE_URL
    assert not Reminder.objects.exists()
    assert remind("--base-url", "") == "Sent 1 reminder to 1 person.\n" + NO_BASE_URL
    assert "  /documents/revisions/" in mail.outbox[0].body


def test_the_dashboard_lists_what_is_waiting(people, north, web):
    owner, manager = people["owner"], people["manager"]
    draft = in_review(by=owner, approvers=[manager], title="Chip recycling", sites=[north])

    page = web(manager).get("/")

    html = page.content.decode()
    assert "Waiting for you" in html
    assert "Approve PRO-IMS-001 revision 1 Chip recycling" in html
    [item] = items_for(manager)
    assert item.key == f"documents_signature:{draft.pk}:approver:{timezone.localtime(draft.submitted_at):%Y%m%dT%H%M%S}"
    assert "Waiting for you" not in web(people["viewer"]).get("/").content.decode()


def test_a_source_name_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        source("documents_review")(lambda today, user: [])
