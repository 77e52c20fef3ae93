"""Reporting: who may report where, what a report needs, where it links back to, and who sees it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from ims.core.errors import NotFound, PermissionRefused, ValidationFailed
from ims.improvement import selectors, services
from ims.improvement.models import CauseCategory, EventStatus, EventType, Severity
from ims.processes.services import process_create
from tests.improvement.conftest import report

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_report_lands_in_triage_with_a_yearly_reference_and_default_standards(contributor, north):
    first = report(contributor, north)
    spill = report(contributor, north, type=EventType.ENVIRONMENTAL_INCIDENT, description="Oil under press 3")
    idea = report(contributor, north, type=EventType.IMPROVEMENT, description="Reuse the washer water")
    year = timezone.localdate().year
    assert [first.reference, spill.reference, idea.reference] == [
        f"NC-{year}-0001",
        f"NC-{year}-0002",
        f"NC-{year}-0003",
    ]
    assert (first.status, first.reporter, first.title) == (
        EventStatus.REPORTED,
        contributor,
        "Burrs on 120 brackets from press 3.",
    )
    assert (first.standards, spill.standards, idea.standards) == (["iso9001"], ["iso14001"], ["iso9001", "iso14001"])


def test_the_default_scale_and_taxonomy_arrive_with_the_first_report(contributor, north):
    assert not Severity.objects.exists()
    report(contributor, north)
    assert list(Severity.objects.values_list("code", "rank", "step_days")) == [
        ("minor", 1, 14),
        ("major", 2, 7),
        ("critical", 3, 2),
    ]
    shallow = set(CauseCategory.objects.filter(shallow=True).values_list("code", flat=True))
    assert shallow == {"human_error", "training"}
    assert set(CauseCategory.objects.values_list("branch", flat=True)) == {
        "people",
        "method",
        "machine",
        "material",
        "measurement",
        "environment",
    }


@pytest.mark.parametrize("role", ["contributor", "auditor", "owner", "manager", "admin"])
def test_every_role_but_viewer_reports(role, request, north):
    person = request.getfixturevalue(role)
    assert report(person, north).reporter == person


def test_a_viewer_and_a_person_of_another_site_may_not_report(viewer, outsider, north):
    for person in (viewer, outsider):
        with pytest.raises(PermissionRefused) as refused:
            report(person, north)
        assert refused.value.detail == "You are not allowed to report events at North plant."


def test_what_a_report_needs(contributor, north):
    with pytest.raises(ValidationFailed) as empty:
        report(contributor, north, description="  ")
    assert empty.value.errors == {"description": ["Say what happened."]}
    with pytest.raises(ValidationFailed) as future:
        report(contributor, north, occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert future.value.errors == {"occurred_at": ["It cannot have happened in the future; give when it happened."]}
    with pytest.raises(ValidationFailed) as kind:
        report(contributor, north, type="accident")
    assert kind.value.errors["type"][0].startswith("“accident” is not a type; use one of: product_nc,")


def test_a_senders_reference_is_reported_once(contributor, north):
    first = report(contributor, north, external_ref="REJ-0042")
    with pytest.raises(ValidationFailed) as again:
        report(contributor, north, external_ref="REJ-0042")
    assert again.value.errors == {
        "external_ref": [f"“REJ-0042” was already reported as {first.reference}; it is reported once."]
    }


def test_a_process_must_run_at_the_site(owner, outsider, north, south, press):
    with pytest.raises(ValidationFailed) as refused:
        report(outsider, south, process=press)
    assert refused.value.errors == {"process": [f"No active process with id {press.pk} that you may see."]}
    painting = process_create(by=outsider, sites=[south], name="Painting", kind="core")
    with pytest.raises(ValidationFailed) as elsewhere:
        services.event_report(by=owner, site=north, type="process_nc", description="x", process=painting)
    assert elsewhere.value.errors["process"][0].startswith("No active process")


def test_the_source_links_to_a_visible_record_never_free_text(owner, outsider, contributor, north, south, press):
    event = report(owner, north, source_type="processes.process", source_id=str(press.pk))
    assert (event.source_type, event.source_id) == ("processes.process", str(press.pk))
    assert list(selectors.events_from(owner, "processes.process", press.pk)) == [event]
    with pytest.raises(ValidationFailed) as free_text:
        report(owner, north, source_type="email from Mr Dupont", source_id="1")
    assert free_text.value.errors["record_type"][0].startswith("“email from Mr Dupont” cannot be linked as evidence")
    with pytest.raises(ValidationFailed) as half:
        report(owner, north, source_type="processes.process")
    assert half.value.errors == {"source_type": ["Give both the kind of source record and its id, or neither."]}
    painting = process_create(by=outsider, sites=[south], name="Painting", kind="core")
    with pytest.raises(ValidationFailed) as hidden:
        report(contributor, north, source_type="processes.process", source_id=str(painting.pk))
    assert hidden.value.errors == {"record_id": [f"No process with id {painting.pk} that you may see."]}


def test_raising_an_event_from_another_record_takes_its_site(manager, north):
    raised = services.event_raise_from(
        by=manager,
        record_type="org.site",
        record_id=north.pk,
        type=EventType.COMPLIANCE_BREACH,
        description="Wastewater zinc above the permit limit.",
    )
    assert (raised.site, raised.source_type, raised.source_id) == (north, "org.site", str(north.pk))


def test_a_photo_is_an_image_checked_by_content(contributor, north):
    event = report(contributor, north, photo=io.BytesIO(PNG), photo_name="burrs.png")
    assert (event.photo.content_type, event.photo.name) == ("image/png", "burrs.png")
    with pytest.raises(ValidationFailed) as pdf:
        report(contributor, north, photo=io.BytesIO(b"%PDF-1.4 ..."), photo_name="burrs.pdf")
    assert pdf.value.errors == {"photo": ["“burrs.pdf” is not a photo; attach a JPEG or PNG image."]}
    with pytest.raises(ValidationFailed) as disguised:
        report(contributor, north, photo=io.BytesIO(b"just text"), photo_name="burrs.png")
    assert disguised.value.errors["photo"] == [
        "“burrs.png” is named .png but its content is a plain text; rename or re-export it."
    ]


def test_people_see_the_events_of_their_sites_only(contributor, outsider, auditor, north):
    event = report(contributor, north)
    assert selectors.event_get(auditor, event.pk) == event
    with pytest.raises(NotFound):
        selectors.event_get(outsider, event.pk)
    assert list(selectors.event_list(outsider)) == []


def test_triage_lists_reports_where_the_reader_may_triage(contributor, owner, outsider, manager, north):
    event = report(contributor, north)
    assert list(selectors.waiting_for_triage(owner)) == [event]
    assert list(selectors.waiting_for_triage(manager)) == [event]
    assert list(selectors.waiting_for_triage(contributor)) == []
    assert list(selectors.waiting_for_triage(outsider)) == []
