"""The obligations register in the browser's shoes: list, forms, evaluation, permits, exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from ims.obligations import services
from ims.obligations.models import Evaluation, Obligation


def make(by, site, **fields):
    values = {"title": "Discharge permit", "kind": "permit", "jurisdiction": "FR"}
    values.update(fields)
    return services.obligation_create(by=by, sites=[site] if site else [], **values)


def form_data(**overrides):
    data = {
        "reference": "",
        "title": "Waste producer duties",
        "kind": "law",
        "jurisdiction": "FR",
        "issuer": "",
        "citation": "Code de l'environnement L541-1",
        "requirement": "",
        "owner": "",
        "evaluation_frequency_months": "12",
        "standards": ["iso14001"],
    }
    data.update(overrides)
    return data


def test_a_process_owner_creates_an_obligation_and_lands_on_its_page(web, owner, north):
    client = web(owner)
    assert "New obligation" in client.get("/obligations/").content.decode()
    response = client.post("/obligations/new", {"sites": [north.pk], **form_data()})
    assert response.status_code == 302, response.content.decode()
    obligation = Obligation.objects.get()
    assert response["Location"] == f"/obligations/{obligation.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Obligation OBL-001 created." in page
    assert "Waste producer duties" in page
    for button in ("Edit", "Evaluate compliance", "Archive"):
        assert button in page


def test_evaluating_non_compliant_needs_an_action_and_the_due_date_follows(web, owner, north):
    obligation = make(owner, north, evaluation_frequency_months=6)
    client = web(owner)
    form = client.get(f"/obligations/{obligation.pk}/evaluate").content.decode()
    assert "The nonconformity register does not exist yet" in form
    refused = client.post(
        f"/obligations/{obligation.pk}/evaluate", {"evaluated_on": "2025-08-31", "result": "non_compliant"}
    )
    assert refused.status_code == 422
    assert "A non-compliance needs a corrective action: say what will be done." in refused.content.decode()
    assert not Evaluation.objects.exists()
    done = client.post(
        f"/obligations/{obligation.pk}/evaluate",
        {"evaluated_on": "2025-08-31", "result": "compliant", "evidence": "Monthly lab reports"},
        follow=True,
    )
    assert "OBL-001 evaluated: Compliant. Next evaluation due 2026-02-28." in done.content.decode()


def test_overdue_obligations_and_expiring_permits_are_flagged(web, owner, north):
    obligation = make(owner, north, evaluation_frequency_months=1)
    services.obligation_evaluate(by=owner, obligation=obligation, evaluated_on=dt.date(2024, 1, 31), result="compliant")
    soon = timezone.localdate() + dt.timedelta(days=30)
    services.permit_add(
        by=owner, obligation=obligation, parameter="COD in effluent", limit_value=Decimal(125), unit="mg/L",
        expires_on=soon,
    )  # fmt: skip
    page = web(owner).get("/obligations/").content.decode()
    assert "1 obligation is overdue for evaluation:" in page
    assert 'class="badge bad">overdue' in page
    assert "Permits expired or expiring within 90 days:" in page
    assert f"COD in effluent: expires {soon:%Y-%m-%d}" in page
    detail = web(owner).get(f"/obligations/{obligation.pk}/").content.decode()
    assert "expires within 90 days" in detail
    assert "125 mg/L" in detail


def test_a_permit_limit_with_an_unknown_unit_is_refused_on_the_form(web, owner, north):
    obligation = make(owner, north)
    response = web(owner).post(
        f"/obligations/{obligation.pk}/permits/new",
        {"parameter": "Speed", "limit_value": "3", "unit": "furlongs per bogus"},
    )
    assert response.status_code == 422
    assert "“furlongs per bogus” is not a unit: “bogus” is unknown." in response.content.decode()


def test_an_outsider_neither_sees_nor_lists_a_north_obligation(web, owner, outsider, north):
    obligation = make(owner, north, title="Northern secret")
    client = web(outsider)
    assert client.get(f"/obligations/{obligation.pk}/").status_code == 404
    assert client.get(f"/obligations/{obligation.pk}/edit").status_code == 404
    listing = client.get("/obligations/").content.decode()
    assert "Northern secret" not in listing
    assert "No obligations match." in listing
    assert "Northern secret" not in client.get("/obligations/export.csv").content.decode("utf-8-sig")


def test_a_viewer_reads_but_gets_no_buttons_and_a_403_on_posting(web, owner, viewer, north):
    obligation = make(owner, north)
    client = web(viewer)
    listing = client.get("/obligations/").content.decode()
    assert "OBL-001" in listing
    assert "New obligation" not in listing
    detail = client.get(f"/obligations/{obligation.pk}/").content.decode()
    assert f"/obligations/{obligation.pk}/edit" not in detail
    assert client.post("/obligations/new", {"sites": [north.pk], **form_data()}).status_code == 403
    assert client.get(f"/obligations/{obligation.pk}/evaluate").status_code == 403
    assert client.get(f"/obligations/{obligation.pk}/permits/new").status_code == 403
    assert client.post(f"/obligations/{obligation.pk}/archive", {"version": 1}).status_code == 403
    assert Obligation.objects.count() == 1


def test_a_stale_edit_is_a_conflict(web, owner, north):
    obligation = make(owner, north)
    client = web(owner)
    services.obligation_update(by=owner, record=obligation, version=1, issuer="Préfecture")
    data = {**form_data(title="Changed"), "sites": [north.pk], "version": 1}
    response = client.post(f"/obligations/{obligation.pk}/edit", data)
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in response.content.decode()


def test_exports_and_navigation(web, manager, north):
    make(manager, north, title="ICPE")
    make(manager, None, title="=cmd() REACH", kind="regulation", jurisdiction="EU")
    client = web(manager)
    csv = client.get("/obligations/export.csv").content.decode("utf-8-sig")
    assert "ICPE" in csv
    assert "'=cmd() REACH" in csv
    assert "all sites" in csv
    book = load_workbook(io.BytesIO(client.get("/obligations/export.xlsx").content))
    assert book.active.max_row == 3
    page = client.get("/obligations/").content.decode()
    assert "Compliance obligations" in page
    assert "Environmental aspects" in page
