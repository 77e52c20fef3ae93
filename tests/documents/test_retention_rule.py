"""Only records have a retention period and a disposal rule (7.5.3.2), whichever way a document is written."""

from __future__ import annotations

import pytest

from ims.core.errors import ValidationFailed
from ims.documents.models import Document
from ims.documents.services import document_create, document_update
from tests.conftest import assert_problem

RETENTION = "Only records have a retention period, not a document of type “Procedure”. Leave it empty."
DISPOSAL = "Only records have a disposal rule, not a document of type “Procedure”. Leave it empty."


def form_data(**values):
    data = {
        "doc_type": "procedure",
        "area": "ENV",
        "title": "Waste segregation",
        "standards": ["iso14001"],
        "confidentiality": "internal",
        "approval_mode": "parallel",
        "text": "",
    }
    data.update(values)
    return data


def multipart(client, path, data):
    return client.client.post(f"/api/v1{path}", data, headers=client._headers())


def test_the_api_refuses_a_retention_period_on_a_procedure_and_creates_nothing(api, owner, north):
    client = api(owner)
    refused = multipart(
        client,
        "/documents",
        {"doc_type": "procedure", "title": "Spill response", "site_ids": [north.pk], "retention_years": 5},
    )
    assert assert_problem(refused, 422, "validation")["errors"] == {"retention_years": [RETENTION]}
    both = multipart(
        client,
        "/documents",
        {"doc_type": "procedure", "title": "Spill response", "site_ids": [north.pk], "disposal": "Shred."},
    )
    assert assert_problem(both, 422, "validation")["errors"] == {"disposal": [DISPOSAL]}
    assert not Document.objects.exists()


def test_the_api_accepts_retention_on_a_record(api, owner, north):
    created = multipart(
        api(owner),
        "/documents",
        {
            "doc_type": "record",
            "title": "Waste register 2026",
            "site_ids": [north.pk],
            "retention_years": 5,
            "disposal": "Delete after five years.",
        },
    )
    assert created.status_code == 201, created.content
    assert (created.json()["retention_years"], created.json()["disposal"]) == (5, "Delete after five years.")


def test_the_api_refuses_adding_retention_to_a_procedure_and_changes_nothing(api, owner, procedure):
    client = api(owner)
    refused = client.patch(
        f"/documents/{procedure.pk}", {"version": procedure.version, "retention_years": 3, "disposal": "Shred."}
    )
    assert assert_problem(refused, 422, "validation")["errors"] == {
        "retention_years": [RETENTION],
        "disposal": [DISPOSAL],
    }
    procedure.refresh_from_db()
    assert (procedure.retention_years, procedure.disposal, procedure.version) == (None, "", 1)
    cleared = client.patch(f"/documents/{procedure.pk}", {"version": procedure.version, "retention_years": None})
    assert cleared.status_code == 200, cleared.content


def test_the_service_refuses_it_for_every_caller(owner, north, procedure):
    with pytest.raises(ValidationFailed) as refused:
        document_update(by=owner, document=procedure, version=procedure.version, disposal="Shred.")
    assert refused.value.errors == {"disposal": [DISPOSAL]}
    with pytest.raises(ValidationFailed):
        document_create(by=owner, doc_type="procedure", title="Other", sites=[north], retention_years=1)


def test_the_form_shows_the_refusal_on_the_field(web, owner, north, procedure):
    client = web(owner)
    created = client.post("/documents/new", form_data(sites=[north.pk], retention_years="5"))
    assert created.status_code == 422
    assert RETENTION in created.context["form"].errors["retention_years"]
    assert Document.objects.count() == 1
    data = form_data(title=procedure.title, sites=[north.pk], owner=owner.pk, version=procedure.version)
    edited = client.post(f"/documents/{procedure.pk}/edit", {**data, "disposal": "Shred."})
    assert edited.status_code == 422
    assert edited.context["form"].errors["disposal"] == [DISPOSAL]
    procedure.refresh_from_db()
    assert procedure.disposal == ""
