"""The pages: the short report form on a phone, the register, triage, an event's page through to a signed closure."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from ims.improvement.models import Event, EventStatus, Step
from tests.conftest import PASSWORD
from tests.improvement.conftest import at, fresh, meet_guard, report
from tests.improvement.test_report import PNG

S = EventStatus
PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


def test_the_report_form_is_made_for_a_phone(web, contributor, north):
    page = web(contributor).get("/improvement/report", **PHONE).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="report-form"' in page
    assert re.search(r'<input type="file" name="photo" accept="image/\*" capture="environment"', page)
    assert 'type="datetime-local"' in page
    assert "Spill, leak, emission, smell or noise" in page  # types in plain words
    assert f'<option value="{north.pk}" selected>North plant</option>' in page  # the reporter's site


def test_a_contributor_reports_with_a_photo_from_a_phone(web, contributor, outsider, north):
    client = web(contributor)
    response = client.post(
        "/improvement/report",
        {
            "type": "product_nc",
            "description": "Burrs on brackets from press 3",
            "site": north.pk,
            "location": "Press 3",
            "occurred_at": "2026-01-15T08:30",
            "photo": SimpleUploadedFile("burrs.png", PNG, content_type="image/png"),
        },
        **PHONE,
    )
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert (event.status, event.location, event.reporter) == (S.REPORTED, "Press 3", contributor)
    assert timezone.localtime(event.occurred_at, timezone.get_fixed_timezone(60)).strftime("%H:%M") == "08:30"
    detail = client.get(response["Location"]).content.decode()
    assert f"Thank you. Reported as {event.reference}; it now waits for triage" in detail
    photo = client.get(f"/improvement/{event.pk}/photo")
    assert (photo.status_code, photo.content, photo["Content-Type"]) == (200, PNG, "image/png")
    assert web(outsider).get(f"/improvement/{event.pk}/photo").status_code == 404


def test_a_refused_report_keeps_what_was_typed(web, contributor, north):
    response = web(contributor).post(
        "/improvement/report",
        {
            "type": "near_miss",
            "description": "A forklift nearly hit a rack",
            "site": north.pk,
            "occurred_at": "2999-01-01T08:00",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "It cannot have happened in the future" in page
    assert "A forklift nearly hit a rack" in page


def test_a_viewer_cannot_open_the_report_form(web, viewer, north):
    assert web(viewer).get("/improvement/report").status_code == 403


def test_the_register_filters_flags_overdue_and_exports(web, manager, north, south, outsider):
    late = report(manager, north, description="Late one")
    Step.objects.filter(event=late).update(due=timezone.localdate() - dt.timedelta(days=1))
    report(manager, north, type="improvement", description="Reuse washer water")
    report(outsider, south, description="Southern burrs")
    client = web(manager)
    page = client.get("/improvement/?site=").content.decode()
    assert "3 events" in page
    assert "Late one" in page
    assert page.count('badge bad">overdue') == 1
    overdue = client.get("/improvement/?site=&overdue=1").content.decode()
    assert "1 event" in overdue
    assert "Reuse washer water" not in overdue
    ideas = client.get("/improvement/?site=&type=improvement").content.decode()
    assert "Reuse washer water" in ideas
    assert "Late one" not in ideas
    assert "Southern burrs" not in web(manager).get(f"/improvement/?site={north.pk}").content.decode()
    csv = client.get("/improvement/export.csv?site=").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Reference,Type,Title,Site")
    assert len(csv.strip().splitlines()) == 4
    book = load_workbook(io.BytesIO(client.get("/improvement/export.xlsx?site=&overdue=1").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][2] == "Late one"
    assert rows[1][10] == "yes"
    theirs = web(outsider).get("/improvement/?site=").content.decode()
    assert "Southern burrs" in theirs
    assert "Late one" not in theirs


def test_triage_from_the_waiting_list(web, owner, contributor, north, press):
    event = report(contributor, north)
    client = web(owner)
    waiting = client.get("/improvement/triage").content.decode()
    assert event.reference in waiting
    assert web(contributor).get("/improvement/triage").status_code == 403
    detail = client.get(f"/improvement/{event.pk}/").content.decode()
    assert 'id="triage-h"' in detail
    refused = client.post(f"/improvement/{event.pk}/triage", {"version": 1, "owner": owner.pk, "type": "product_nc"})
    assert refused.status_code == 422
    response = client.post(
        f"/improvement/{event.pk}/triage",
        {"version": 1, "owner": owner.pk, "severity": "major", "type": "product_nc", "process": press.pk},
    )
    assert response.status_code == 302, response.content.decode()
    assert (fresh(event).status, fresh(event).process) == (S.TRIAGED, press)
    assert "Nothing waits for triage." in client.get("/improvement/triage").content.decode()


def test_the_event_page_moves_through_the_workflow_and_closes_with_a_signature(web, manager, north):
    event = at(S.TRIAGED, manager, north)
    client = web(manager)
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert "Move to: Containment" in page
    assert "A product or service nonconformity needs containment first" in page  # shown next to the blocked move
    moved = client.post(
        f"/improvement/{event.pk}/transition", {"version": event.version, "to": "containment"}, follow=True
    )
    assert f"{event.reference} is now at: Containment." in moved.content.decode()
    negative = client.post(
        f"/improvement/{event.pk}/containment", {"description": "Scrapped", "quantity": "-3", "unit": "pcs"}
    )
    assert negative.status_code == 422
    assert "Give zero or more; -3 is negative." in negative.content.decode()
    client.post(
        f"/improvement/{event.pk}/containment",
        {"description": "Scrapped", "quantity": "120", "unit": "pcs", "disposition": "scrap"},
    )
    event = fresh(event)
    client.post(f"/improvement/{event.pk}/transition", {"version": event.version, "to": "root_cause"})
    event = fresh(event)
    client.post(
        f"/improvement/{event.pk}/whys",
        {
            "version": event.version,
            "why-0-why": "Why burrs?",
            "why-0-because": "Worn punch",
            "why-1-why": "",
            "why-1-because": "",
        },
    )
    event = fresh(event)
    client.post(
        f"/improvement/{event.pk}/fishbone",
        {"version": event.version, "cause-0-branch": "machine", "cause-0-text": "Worn punch", "cause-0-root": "on"},
    )
    event = fresh(event)
    warned = client.post(
        f"/improvement/{event.pk}/root-cause",
        {"version": event.version, "root_cause": "The setter missed the wear.", "cause_category": "human_error"},
        follow=True,
    ).content.decode()
    assert "The root cause is “Human error” with only 1 why behind it." in warned
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert 'aria-labelledby="branch-machine"' in page
    assert "Worn punch" in page
    event = fresh(event)
    client.post(f"/improvement/{event.pk}/transition", {"version": event.version, "to": "action_plan"})
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    added = client.post(
        f"/improvement/{event.pk}/actions",
        {
            "kind": "corrective",
            "description": "Fit a guard on press 3",
            "owner": manager.pk,
            "due": due,
            "criterion": "No burrs in 90 days",
            "check_after_days": "0",
            "link_type": "org.site",
            "link_id": str(north.pk),
        },
    )
    assert added.status_code == 302, added.content.decode()
    action = event.actions.get()
    event = fresh(event)
    client.post(f"/improvement/{event.pk}/transition", {"version": event.version, "to": "implementation"})
    client.post(f"/improvement/actions/{action.pk}/complete", {"version": action.version})
    event = fresh(event)
    client.post(f"/improvement/{event.pk}/transition", {"version": event.version, "to": "effectiveness"})
    action.refresh_from_db()
    client.post(
        f"/improvement/actions/{action.pk}/check",
        {"version": action.version, "result": "effective", "evidence": "No burrs since."},
    )
    event = fresh(event)
    assert event.status == S.EFFECTIVENESS
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert "Sign and close" in page
    assert "North plant" in page
    wrong = client.post(f"/improvement/{event.pk}/close", {"version": event.version, "password": "nope"})
    assert wrong.status_code == 422
    assert "The password is not correct; nothing was signed." in wrong.content.decode()
    closed = client.post(
        f"/improvement/{event.pk}/close", {"version": event.version, "password": PASSWORD}, follow=True
    )
    text = closed.content.decode()
    assert f"{event.reference} closed and signed." in text
    assert "valid: content unchanged" in text
    assert fresh(event).status == S.CLOSED


def test_a_duplicate_is_marked_by_reference_from_the_page(web, manager, north):
    original = report(manager, north)
    event = report(manager, north)
    client = web(manager)
    response = client.post(
        f"/improvement/{event.pk}/transition",
        {"version": 1, "to": "duplicate", "reason": "Same burrs", "duplicate_of": original.reference},
        follow=True,
    )
    assert f"{event.reference} is now at: Duplicate." in response.content.decode()
    assert fresh(event).duplicate_of == original


def test_contributors_see_but_do_not_get_the_workflow_forms(web, contributor, manager, north):
    event = at(S.EFFECTIVENESS, manager, north)
    meet_guard(event, S.CLOSED, manager)
    page = web(contributor).get(f"/improvement/{event.pk}/").content.decode()
    assert event.reference in page
    assert "Move to:" not in page
    assert "Sign and close" not in page
    assert "Plan an action" not in page
    assert (
        web(contributor).post(f"/improvement/{event.pk}/close", {"version": 1, "password": PASSWORD}).status_code == 403
    )


def test_editing_the_details(web, manager, north, press):
    event = report(manager, north)
    client = web(manager)
    form = client.get(f"/improvement/{event.pk}/edit").content.decode()
    assert 'name="occurred_at"' in form
    response = client.post(
        f"/improvement/{event.pk}/edit",
        {
            "version": 1,
            "title": "Burrs on brackets",
            "type": "product_nc",
            "description": "Burrs.",
            "occurred_at": "2026-01-15T08:30",
            "location": "Press 3",
            "process": press.pk,
            "severity": "minor",
            "standards": ["iso9001"],
            "source_type": "processes.process",
            "source_id": str(press.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()
    event = fresh(event)
    assert (event.title, event.process, event.severity.code, event.source_id) == (
        "Burrs on brackets",
        press,
        "minor",
        str(press.pk),
    )
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert f'href="/processes/{press.pk}/"' in page


def test_the_causes_page_counts_events_by_cause_category(web, manager, outsider, north):
    at(S.ACTION_PLAN, manager, north)
    at(S.ACTION_PLAN, manager, north)
    page = web(manager).get("/improvement/causes").content.decode()
    assert "2 events with a recorded cause" in page
    assert "<td>Maintenance missing or ineffective</td><td>Machine</td><td>2</td>" in page
    assert "No event has a recorded cause" in web(outsider).get("/improvement/causes").content.decode()
    assert "No event has a recorded cause" in web(manager).get("/improvement/causes?since=2999-01-01").content.decode()
