"""Assessing a requirement in the browser: status, applicability, evidence, history."""

from __future__ import annotations

import pytest

from ims.readiness.models import Applicability, Assessment, EvidenceLink
from ims.standards.loader import DATA_DIR, load

URL = "/readiness/iso9001/2015/"


@pytest.fixture
def library(db):
    load(DATA_DIR)


def test_a_manager_assesses_a_requirement_and_sees_its_history(library, web, manager):
    client = web(manager)
    page = client.get(URL + "7.2/")
    assert page.status_code == 200
    assert "Competence" in page.content.decode()
    response = client.post(
        URL + "7.2/",
        {
            "form": "assessment",
            "status": "implemented",
            "owner": manager.pk,
            "due_date": "2026-12-31",
            "notes": "Matrix",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.owner, str(assessment.due_date)) == ("implemented", manager, "2026-12-31")
    page = client.get(URL + "7.2/").content.decode()
    assert "History" in page
    assert "implemented" in page


def test_a_common_requirement_page_says_it_counts_for_every_standard(library, web, manager):
    page = web(manager).get("/readiness/iso14001/2015/4.1/").content.decode()
    assert "one assessment answers it for every standard" in page


def test_verifying_with_a_failing_check_is_refused_on_the_form(library, web, manager):
    response = web(manager).post("/readiness/iso14001/2015/4.3/", {"form": "assessment", "status": "verified"})
    assert response.status_code == 422
    assert "cannot be marked verified while a check fails" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_viewer_reads_but_gets_no_forms(library, web, viewer):
    page = web(viewer).get(URL + "7.2/").content.decode()
    assert "Save assessment" not in page
    assert web(viewer).post(URL + "7.2/", {"form": "assessment", "status": "verified"}).status_code == 403


def test_applicability_and_its_warning(library, web, manager):
    client = web(manager)
    client.post(URL + "8.3.1/applicability", {"applicable": "no", "justification": "Build to print."})
    assert not Applicability.objects.get().applicable
    response = client.post(URL + "9.2.1/applicability", {"applicable": "no", "justification": "Small."}, follow=True)
    assert "rarely excludable" in response.content.decode()
    response = client.post(
        "/readiness/iso14001/2015/8.2/applicability", {"applicable": "no", "justification": "x"}, follow=True
    )
    assert "allows no exclusions" in response.content.decode()


def test_linking_evidence_from_the_page(library, web, manager, org):
    client = web(manager)
    response = client.post(URL + "4.3/evidence", {"record_type": "org.organisation", "record_id": "1"}, follow=True)
    assert "Evidence linked." in response.content.decode()
    assert EvidenceLink.objects.get().label == "Test Works"
    response = client.post(URL + "4.3/evidence", {"record_type": "org.site", "record_id": "404"}, follow=True)
    assert "No site with id 404 that you may see." in response.content.decode()


def test_the_edition_page_lists_every_requirement(library, web, viewer):
    page = web(viewer).get(URL).content.decode()
    assert "8.5.1" in page
    assert "Control of production and service provision" in page


def test_evidence_from_another_site_is_not_shown_by_name(library, web, manager, outsider, north):
    web(manager).post(URL + "4.3/evidence", {"record_type": "org.site", "record_id": str(north.pk)})
    assert "North plant" in web(manager).get(URL + "4.3/").content.decode()
    page = web(outsider).get(URL + "4.3/").content.decode()
    assert "North plant" not in page
    assert "1 more record of a site you do not belong to." in page
