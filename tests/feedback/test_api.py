"""The API: a CRM pushes complaints, a survey tool pushes responses, an integrator reads the KPIs."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.feedback.models import Complaint
from tests.conftest import assert_problem
from tests.feedback.conftest import answer


def test_a_crm_pushes_a_complaint_and_it_goes_through_the_improvement_loop(api, manager, customer, north):
    client = api(manager)
    created = client.post(
        "/complaints",
        {
            "customer": "agritech",
            "received_on": "2026-11-20",
            "description": "Six brackets under-torqued",
            "order_ref": "PO-7710",
            "external_ref": "CRM-4471",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["customer"], body["site_id"], body["response_due"], body["status"]) == (
        "AGRITECH",
        north.pk,
        "2026-11-30",
        "open",
    )
    event = client.get(f"/events/{body['event_id']}").json()
    assert (event["type"], event["source_type"], event["source_id"]) == (
        "customer_complaint",
        "feedback.complaint",
        str(body["id"]),
    )
    again = assert_problem(client.post("/complaints", {**created.json(), "customer": "AGRITECH"}), 422, "validation")
    assert "external_ref" in again["errors"] or "received_on" in again["errors"]
    responded = client.post(
        f"/complaints/{body['id']}/response", {"version": body["version"], "response": "Sorted; 8D to follow."}
    )
    assert responded.json()["status"] == "responded"
    listed = client.get("/complaints", customer="AGRITECH").json()
    assert [c["reference"] for c in listed["items"]] == [body["reference"]]


def test_a_complaint_for_an_unknown_customer_is_refused_with_a_clear_message(api, manager, customer):
    refused = assert_problem(
        api(manager).post("/complaints", {"customer": "ACME", "received_on": "2026-11-20", "description": "Burrs"}),
        422,
        "validation",
    )
    assert refused["errors"] == {"customer": ["“ACME” is not a customer code; add the customer first."]}
    assert not Complaint.objects.exists()


def test_a_survey_tool_pushes_responses_checked_against_the_scales(api, manager, survey, customer):
    client = api(manager)
    bad = client.post(
        f"/surveys/{survey.pk}/responses",
        {"customer": "AGRITECH", "answered_on": "2026-10-15", "scores": {"quality": 7, "recommend": 10}},
    )
    assert assert_problem(bad, 422, "validation")["errors"] == {
        "quality": ["7 is out of the scale 1–5 of “Quality of parts”."]
    }
    good = client.post(
        f"/surveys/{survey.pk}/responses",
        {"customer": "AGRITECH", "answered_on": "2026-10-15", "scores": {"quality": 4, "recommend": 10}},
    )
    assert good.status_code == 201, good.content
    assert good.json()["scores"] == {"quality": 4, "recommend": 10}
    assert client.get(f"/survey-responses/{good.json()['id']}").json()["customer"] == "AGRITECH"


def test_results_are_imported_through_the_api(api, manager, survey, customer):
    csv = b"customer,answered on,quality,recommend\nAGRITECH,2026-10-15,5,10\nAGRITECH,2026-10-16,9,10\n"
    upload = SimpleUploadedFile("results.csv", csv, content_type="text/csv")
    client = api(manager)
    response = client.client.post(
        f"/api/v1/surveys/{survey.pk}/responses/import", {"file": upload}, headers=client._headers()
    )
    body = assert_problem(response, 422, "validation")
    assert body["problems"] == ["Row 3, column “quality”: 9 is out of the scale 1–5 of “Quality of parts”."]


def test_kpis_and_surveys_through_the_api(api, manager, survey, customer):
    answer(manager, survey, customer, dt.date(2026, 10, 15), quality=4, delivery=5, recommend=9)
    rows = api(manager).get("/customer-satisfaction", period="quarter", count=2).json()
    assert [(r["period"], r["csat"], r["nps"]) for r in rows][-1] == ("2026-Q4", "62.5", "100.0")  # (75 + 50) / 2
    made = api(manager).post(
        "/surveys",
        {
            "title": "Brno survey",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "questions": [{"code": "q1", "text": "Overall", "scale_min": 1, "scale_max": 5}],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["questions"][0]["code"] == "q1"
