"""The pages: satisfaction at a glance, a complaint from form to response, a survey and its results."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ims.feedback.models import Complaint, Survey
from tests.feedback.conftest import answer


def test_the_satisfaction_page_draws_its_trend_with_the_tables(web, manager, survey, customer):
    answer(manager, survey, customer, timezone.localdate(), quality=4, delivery=5, recommend=9)
    page = web(manager).get("/feedback/").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "62.5 %" in page
    assert "<caption>CSAT and NPS per period</caption>" in page
    monthly = web(manager).get("/feedback/", {"period": "month"}).content.decode()
    assert f"{timezone.localdate():%Y-%m}" in monthly


def test_a_complaint_from_the_form_to_the_response(web, manager, viewer, customer, north):
    client = web(manager)
    form = client.get("/feedback/complaints/new")
    assert form.status_code == 200
    refused = client.post("/feedback/complaints/new", {"customer": customer.pk, "received_on": "2026-11-20"})
    assert refused.status_code == 422
    made = client.post(
        "/feedback/complaints/new",
        {"customer": customer.pk, "received_on": "2026-11-20", "description": "Six brackets under-torqued"},
    )
    assert made.status_code == 302, made.content.decode()
    complaint = Complaint.objects.get()
    page = client.get(made["Location"]).content.decode()
    assert f"improvement event {complaint.event.reference} raised" in page
    assert "Record the response sent to the customer" in page
    responded = client.post(
        f"/feedback/complaints/{complaint.pk}/respond", {"version": complaint.version, "response": "Sorted."}
    )
    assert responded.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "responded"
    listing = web(viewer).get("/feedback/complaints/").content.decode()
    assert complaint.reference in listing
    assert "New complaint" not in listing
    assert web(viewer).post("/feedback/complaints/new", {}).status_code == 403
    csv = client.get("/feedback/complaints/export.csv")
    assert complaint.reference in csv.content.decode("utf-8-sig")


def test_a_survey_set_up_on_the_page_and_a_response_out_of_range_shown_on_its_field(web, manager, customer):
    client = web(manager)
    assert "How likely are you to recommend us" in client.get("/feedback/surveys/new").content.decode()
    made = client.post(
        "/feedback/surveys/new",
        {
            "title": "Survey H2",
            "period_start": "2026-07-01",
            "period_end": "2026-12-31",
            "code_0": "quality",
            "text_0": "Quality",
            "min_0": "1",
            "max_0": "5",
            "code_1": "recommend",
            "text_1": "Recommend us?",
            "min_1": "0",
            "max_1": "10",
            "recommend_1": "on",
        },
    )
    assert made.status_code == 302, made.content.decode()
    survey = Survey.objects.get()
    refused = client.post(
        f"/feedback/surveys/{survey.pk}/responses/new",
        {"customer": customer.pk, "answered_on": f"{dt.date(2026, 10, 1)}", "q_quality": "6"},
    )
    assert refused.status_code == 422
    assert 'id="id_q_quality_error">6 is out of the scale 1–5 of “Quality”.' in refused.content.decode()
    assert survey.responses.count() == 0
    page = client.get(f"/feedback/surveys/{survey.pk}/").content.decode()
    assert "Import results" in page
