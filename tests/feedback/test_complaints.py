"""Complaints: recorded at a site, each raising its improvement event, answered within the response time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from ims.core.errors import NotFound, PermissionRefused, ValidationFailed, WorkflowError
from ims.feedback import selectors, services
from ims.feedback.models import Complaint, ComplaintStatus
from ims.improvement.models import Event, EventType
from ims.improvement.selectors import events_from

C = ComplaintStatus


def record(by, customer, **fields):
    fields.setdefault("received_on", timezone.localdate() - dt.timedelta(days=3))
    fields.setdefault("description", "Six bracket assemblies with bolts under-torqued.\nFound at goods receipt.")
    return services.complaint_create(by=by, customer=customer, **fields)


def test_a_complaint_raises_its_improvement_event_linked_both_ways(manager, customer, north):
    received = timezone.localdate() - dt.timedelta(days=3)
    complaint = record(manager, customer, order_ref="PO-7710", product_ref="BR-114")
    year = received.year
    assert (complaint.reference, complaint.site, complaint.status) == (f"CMP-{year}-0001", north, C.OPEN)
    assert complaint.title == "Six bracket assemblies with bolts under-torqued."
    assert complaint.response_due == received + dt.timedelta(days=10)
    event = complaint.event
    assert (event.type, event.site, event.source_type, event.source_id) == (
        EventType.CUSTOMER_COMPLAINT,
        north,
        "feedback.complaint",
        str(complaint.pk),
    )
    assert event.title == "Agri-Tech: Six bracket assemblies with bolts under-torqued."
    assert event.description.startswith(
        f"Complaint {complaint.reference} from Agri-Tech (AGRITECH) (order PO-7710, product BR-114):\n"
    )
    assert timezone.localtime(event.occurred_at).date() == received
    assert list(events_from(manager, "feedback.complaint", complaint.pk)) == [event]
    assert event.complaint == complaint


@override_settings(IMS_COMPLAINT_RESPONSE_DAYS=5)
def test_the_response_time_is_a_setting_or_given(manager, customer):
    day = timezone.localdate() - dt.timedelta(days=1)
    assert record(manager, customer, received_on=day).response_due == day + dt.timedelta(days=5)
    given = record(manager, customer, received_on=day, response_due=day + dt.timedelta(days=2))
    assert given.response_due == day + dt.timedelta(days=2)
    with pytest.raises(ValidationFailed) as refused:
        record(manager, customer, received_on=day, response_due=day - dt.timedelta(days=1))
    assert refused.value.errors == {"response_due": ["The response cannot be due before the complaint was received."]}


def test_what_a_complaint_needs(manager, customer, fermax, north):
    with pytest.raises(ValidationFailed) as no_site:
        record(manager, fermax)
    assert no_site.value.errors == {
        "site": ["Say which site handles the complaint; Fermax (FERMAX) is served by several sites."]
    }
    with pytest.raises(ValidationFailed) as future:
        record(manager, customer, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert "is in the future" in future.value.errors["received_on"][0]
    with pytest.raises(ValidationFailed) as empty:
        record(manager, customer, description="  ")
    assert empty.value.errors == {"description": ["Say what the customer complains about."]}
    assert record(manager, fermax, site=north).site == north
    assert not Event.objects.exclude(complaint__isnull=False).exists()  # every event belongs to a complaint


def test_a_crm_reference_is_recorded_once(manager, customer):
    first = record(manager, customer, external_ref="CRM-4471")
    with pytest.raises(ValidationFailed) as again:
        record(manager, customer, external_ref="CRM-4471")
    assert again.value.errors == {"external_ref": [f"“CRM-4471” was already recorded as {first.reference}."]}
    assert Complaint.objects.count() == Event.objects.count() == 1


def test_respond_then_close_or_reopen_with_a_reason(manager, customer):
    complaint = record(manager, customer)
    with pytest.raises(WorkflowError) as early:
        services.complaint_transition(by=manager, complaint=complaint, version=complaint.version, operation="close")
    assert early.value.detail == f"{complaint.reference} is open: response due; it can: respond, withdraw."
    sent = timezone.localdate()
    services.complaint_respond(
        by=manager, complaint=complaint, version=complaint.version, response="Sorted at your site; 8D to follow."
    )
    assert (complaint.status, complaint.response_sent_on) == (C.RESPONDED, sent)
    with pytest.raises(ValidationFailed) as no_reason:
        services.complaint_transition(by=manager, complaint=complaint, version=complaint.version, operation="reopen")
    assert no_reason.value.errors == {"reason": [f"Say why {complaint.reference} is reopened."]}
    services.complaint_transition(
        by=manager, complaint=complaint, version=complaint.version, operation="reopen", reason="Wants a credit note."
    )
    assert (complaint.status, complaint.reason) == (C.OPEN, "Wants a credit note.")
    services.complaint_respond(by=manager, complaint=complaint, version=complaint.version, response="Credit note sent.")
    services.complaint_transition(by=manager, complaint=complaint, version=complaint.version, operation="close")
    assert complaint.status == C.CLOSED
    with pytest.raises(WorkflowError):
        services.complaint_update(by=manager, complaint=complaint, version=complaint.version, title="Changed")


def test_overdue_complaints_and_who_sees_them(manager, owner, contributor, outsider, customer, north):
    late = record(manager, customer, received_on=timezone.localdate() - dt.timedelta(days=20))
    record(manager, customer)
    assert list(selectors.complaint_list(manager, overdue_only=True)) == [late]
    assert selectors.complaint_list(owner).count() == 2
    assert selectors.complaint_list(outsider).count() == 0
    with pytest.raises(NotFound):
        selectors.complaint_get(outsider, late.pk)
    with pytest.raises(PermissionRefused):
        record(contributor, customer)
    with pytest.raises(PermissionRefused):
        services.complaint_respond(by=outsider, complaint=late, version=late.version, response="Not ours.")


def test_customer_codes_are_unique_whatever_the_case(manager, customer, owner, north, south):
    assert customer.code == "AGRITECH"
    with pytest.raises(ValidationFailed) as taken:
        services.customer_create(by=manager, code="AgriTech", name="Other")
    assert taken.value.errors == {"code": ["The customer code “AGRITECH” is taken."]}
    with pytest.raises(PermissionRefused):
        services.customer_create(by=owner, code="ORG", name="Organisation-wide")
    mine = services.customer_create(by=owner, code="LOCAL", name="Local", sites=[north])
    with pytest.raises(PermissionRefused):
        services.customer_update(by=owner, customer=mine, version=mine.version, sites=[south])
    services.customer_update(by=manager, customer=mine, version=mine.version, sites=[north, south], name="Local Ltd")
    assert (mine.name, sorted(s.code for s in mine.sites.all()), mine.version) == ("Local Ltd", ["N", "S"], 2)


def test_the_event_owner_is_reminded_to_answer_the_customer(manager, owner, customer):
    from ims.improvement.models import Severity
    from ims.improvement.services import event_triage
    from ims.reminders.registry import pending

    complaint = record(manager, customer, received_on=timezone.localdate() - dt.timedelta(days=12))
    event = complaint.event
    major = Severity.objects.get(code="major")
    event_triage(by=manager, event=event, version=event.version, owner=owner, severity=major)
    due = [i for i in pending(today=timezone.localdate(), user=owner) if i.key.startswith("feedback_complaints:")]
    assert [(i.subject, i.url) for i in due] == [
        (
            f"Answer Agri-Tech on {complaint.reference} Six bracket assemblies with bolts under-torqued. (overdue)",
            f"/feedback/complaints/{complaint.pk}/",
        )
    ]
    services.complaint_respond(by=owner, complaint=complaint, version=complaint.version, response="Sorted.")
    assert not [i for i in pending(today=timezone.localdate(), user=owner) if i.key.startswith("feedback_")]
