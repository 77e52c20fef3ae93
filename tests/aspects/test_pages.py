"""The aspects register in the browser's shoes: list, forms, evaluation, conflicts, exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from ims.aspects import services
from ims.aspects.models import Aspect, Evaluation

HIGH = {"severity": 5, "frequency": 5, "scale": 5, "legal": 1, "stakeholders": 3}  # 10 + 5 + 5 + 0 + 3 = 23
LOW = {"severity": 1, "frequency": 1, "scale": 1, "legal": 1, "stakeholders": 1}  # 2 + 1 + 1 + 0 + 1 = 5


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "activity": "Painting",
        "aspect": "Solvent emissions",
        "impact": "Air pollution",
        "condition": "normal",
        "stage": "production",
        "controls": "",
        "no_action_reason": "",
        "owner": "",
        "review_date": "",
    }
    data.update(overrides)
    return data


def make_aspect(by: Any, site: Any, **fields: Any) -> Aspect:
    values = {"activity": "Painting", "aspect": "Solvent emissions", "impact": "Air pollution"}
    values.update(fields)
    return services.aspect_create(by=by, site=site, **values)


def test_a_process_owner_creates_an_aspect_and_lands_on_its_page(web, owner, north):
    client = web(owner)
    assert "New aspect" in client.get("/aspects/").content.decode()
    response = client.post("/aspects/new", {"site": north.pk, "reference": "", **form_data(owner=owner.pk)})
    aspect = Aspect.objects.get()
    assert aspect.reference == "ASP-001"
    assert aspect.owner == owner
    assert response.status_code == 302
    assert response["Location"] == f"/aspects/{aspect.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Aspect ASP-001 created." in page
    assert "Solvent emissions" in page
    assert "not evaluated" in page
    for button in ("Edit", "Evaluate significance", "Archive"):
        assert button in page


def test_an_invalid_form_comes_back_with_field_errors_and_nothing_saved(web, owner, north):
    response = web(owner).post("/aspects/new", {"site": north.pk, **form_data(activity="", condition="sometimes")})
    page = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in page
    assert "Select a valid choice. sometimes is not one of the available choices." in page
    assert not Aspect.objects.exists()


def test_a_site_where_i_may_not_create_is_not_offered(web, owner, north, south):
    response = web(owner).post("/aspects/new", {"site": south.pk, **form_data()})
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert not Aspect.objects.exists()


def test_a_duplicate_reference_is_refused_on_the_form(web, owner, north):
    make_aspect(owner, north, reference="ASP-007")
    response = web(owner).post("/aspects/new", {"site": north.pk, "reference": "ASP-007", **form_data()})
    assert response.status_code == 422
    assert Aspect.objects.count() == 1


def test_an_outsider_neither_sees_nor_lists_a_north_aspect(web, owner, outsider, north):
    aspect = make_aspect(owner, north, aspect="Northern secret")
    client = web(outsider)
    response = client.get(f"/aspects/{aspect.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert client.get(f"/aspects/{aspect.pk}/edit").status_code == 404
    listing = client.get("/aspects/").content.decode()
    assert "Northern secret" not in listing
    assert "No aspects match." in listing
    assert "Northern secret" not in client.get("/aspects/export.csv").content.decode("utf-8-sig")


def test_a_viewer_reads_but_gets_no_buttons_and_a_403_on_posting(web, owner, viewer, north):
    aspect = make_aspect(owner, north)
    client = web(viewer)
    listing = client.get("/aspects/").content.decode()
    assert "ASP-001" in listing
    assert "New aspect" not in listing
    detail = client.get(f"/aspects/{aspect.pk}/").content.decode()
    assert "Solvent emissions" in detail
    assert f"/aspects/{aspect.pk}/edit" not in detail
    assert "Evaluate significance" not in detail
    assert f"/aspects/{aspect.pk}/archive" not in detail
    response = client.post("/aspects/new", {"site": north.pk, **form_data()})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert client.get(f"/aspects/{aspect.pk}/evaluate").status_code == 403
    assert client.post(f"/aspects/{aspect.pk}/archive", {"version": 1}).status_code == 403
    assert Aspect.objects.count() == 1


def test_evaluating_high_scores_flags_the_aspect_and_the_list_warns(web, owner, north):
    aspect = make_aspect(owner, north)
    client = web(owner)
    form = client.get(f"/aspects/{aspect.pk}/evaluate").content.decode()
    assert "Severity of the impact" in form
    assert "From 1 to 5; weight 2." in form
    assert "A weighted total of 13 or more is significant." in form
    response = client.post(f"/aspects/{aspect.pk}/evaluate", HIGH, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(f"/aspects/{aspect.pk}/", 302)]
    assert "ASP-001 evaluated. Significant: total 23 reaches the threshold 13." in page
    aspect.refresh_from_db()
    assert aspect.significant is True
    assert aspect.score == 23
    assert Evaluation.objects.get().scores == HIGH

    listing = client.get("/aspects/").content.decode()
    assert '<span class="badge bad">significant</span>' in listing
    assert "Each significant aspect needs a control, an objective or a reason." in listing
    assert 'role="alert"' in listing

    services.aspect_update(by=owner, record=aspect, version=aspect.version, controls="Extraction and filters")
    listing = client.get("/aspects/").content.decode()
    assert '<span class="badge bad">significant</span>' in listing
    assert "Each significant aspect needs a control" not in listing


def test_low_scores_are_not_significant_and_out_of_range_scores_are_refused(web, owner, north):
    aspect = make_aspect(owner, north)
    client = web(owner)
    bad = client.post(f"/aspects/{aspect.pk}/evaluate", {**LOW, "severity": 9})
    assert bad.status_code == 422
    assert "Ensure this value is less than or equal to 5." in bad.content.decode()
    assert not Evaluation.objects.exists()
    page = client.post(f"/aspects/{aspect.pk}/evaluate", LOW, follow=True).content.decode()
    assert "ASP-001 evaluated. Not significant: total 5 is below the threshold 13." in page
    listing = client.get("/aspects/?significance=no").content.decode()
    assert '<span class="badge">not significant</span>' in listing
    assert "ASP-001" not in client.get("/aspects/?significance=yes").content.decode()


def test_the_list_filters_by_significance_site_and_text(web, manager, north, south):
    make_aspect(manager, north, aspect="Evaluated one")
    plain = make_aspect(manager, north, aspect="Never scored")
    services.aspect_evaluate(by=manager, aspect=Aspect.objects.get(aspect="Evaluated one"), scores=HIGH)
    make_aspect(manager, south, aspect="Southern dust")
    client = web(manager)
    not_evaluated = client.get("/aspects/?significance=none").content.decode()
    assert "Never scored" in not_evaluated
    assert "Evaluated one" not in not_evaluated
    assert "Southern dust" in not_evaluated
    only_north = client.get(f"/aspects/?site={north.pk}").content.decode()
    assert "Southern dust" not in only_north
    assert "Never scored" in client.get("/aspects/?q=scored").content.decode()
    assert "Evaluated one" not in client.get("/aspects/?q=scored").content.decode()
    by_score = client.get("/aspects/?sort=-score").content.decode()
    assert by_score.index("Evaluated one") < by_score.index("Never scored")
    assert plain.reference in client.get("/aspects/?sort=bogus").content.decode()


def test_the_list_defaults_to_the_site_chosen_in_the_switcher(web, manager, north, south):
    make_aspect(manager, north, aspect="Northern noise")
    make_aspect(manager, south, aspect="Southern dust")
    client = web(manager)
    client.post("/site/switch", {"site": south.pk, "next": "/aspects/"})
    page = client.get("/aspects/").content.decode()
    assert "Southern dust" in page
    assert "Northern noise" not in page
    assert "Northern noise" in client.get("/aspects/?site=").content.decode()


def test_an_overdue_review_is_highlighted(web, owner, north):
    make_aspect(owner, north, review_date="2000-01-01")
    assert '<span class="badge bad">overdue</span>' in web(owner).get("/aspects/").content.decode()


def test_an_edit_saves_and_the_site_cannot_be_changed(web, owner, north, south):
    aspect = make_aspect(owner, north)
    client = web(owner)
    form = client.get(f"/aspects/{aspect.pk}/edit").content.decode()
    assert 'name="version" value="1"' in form
    assert 'id="id_site"' not in form
    response = client.post(
        f"/aspects/{aspect.pk}/edit", {"version": 1, "site": south.pk, **form_data(controls="Filters")}
    )
    assert response.status_code == 302
    aspect.refresh_from_db()
    assert aspect.controls == "Filters"
    assert aspect.site == north
    assert aspect.version == 2


def test_a_stale_edit_shows_what_changed_meanwhile(web, owner, manager, north):
    aspect = make_aspect(owner, north)
    client = web(owner)
    assert 'name="version" value="1"' in client.get(f"/aspects/{aspect.pk}/edit").content.decode()
    services.aspect_update(by=manager, record=Aspect.objects.get(pk=aspect.pk), version=1, impact="Changed meanwhile")
    response = client.post(f"/aspects/{aspect.pk}/edit", {"version": 1, **form_data(impact="My new impact")})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Changed by someone else meanwhile" in page
    assert "Changed meanwhile" in page
    assert "My new impact" in page
    assert 'name="version" value="2"' in page, "resubmitting knowingly uses the current version"
    aspect.refresh_from_db()
    assert aspect.impact == "Changed meanwhile"


def test_archive_is_post_only_and_takes_the_aspect_off_the_list(web, owner, north):
    aspect = make_aspect(owner, north)
    client = web(owner)
    assert client.get(f"/aspects/{aspect.pk}/archive").status_code == 405
    response = client.post(f"/aspects/{aspect.pk}/archive", {"version": 1}, follow=True)
    assert "Aspect ASP-001 archived." in response.content.decode()
    aspect.refresh_from_db()
    assert aspect.archived_at is not None
    assert "No aspects match." in client.get("/aspects/").content.decode()
    assert "ASP-001" in client.get("/aspects/?archived=1").content.decode()
    again = client.post(f"/aspects/{aspect.pk}/archive", {"version": 2}, follow=True)
    assert "ASP-001 is already archived." in again.content.decode()


def test_the_detail_shows_scores_evaluation_history_and_audit_history(web, owner, auditor, north):
    aspect = make_aspect(owner, north)
    services.aspect_evaluate(by=owner, aspect=aspect, scores=LOW)
    services.aspect_evaluate(by=owner, aspect=aspect, scores=HIGH)
    page = web(auditor).get(f"/aspects/{aspect.pk}/").content.decode()
    assert "Latest significance evaluation" in page
    assert "Significant: total 23 reaches the threshold 13." in page
    assert "Not significant: total 5 is below the threshold 13." in page
    assert "Severity of the impact" in page
    assert "Evaluation history" in page
    assert "evaluate" in page  # the audit entry of the evaluation
    assert "The history is shown to auditors" not in page
    assert "The history is shown to auditors" in web(owner).get(f"/aspects/{aspect.pk}/").content.decode()


def test_the_csv_export_has_a_bom_a_header_and_neutralised_formulas(web, owner, north):
    make_aspect(owner, north, activity='=HYPERLINK("http://evil")', aspect="Spill")
    response = web(owner).get("/aspects/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="aspects-')
    assert response["Content-Disposition"].endswith('.csv"')
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reference,Site,Activity,Aspect,Impact,Condition")
    assert lines[1].startswith('ASP-001,North plant,"\'=HYPERLINK(""http://evil"")",Spill')


def test_the_export_follows_the_filters(web, manager, north, south):
    make_aspect(manager, north, aspect="Northern noise")
    make_aspect(manager, south, aspect="Southern dust")
    text = web(manager).get(f"/aspects/export.csv?site={south.pk}").content.decode("utf-8-sig")
    assert "Southern dust" in text
    assert "Northern noise" not in text


def test_the_xlsx_export_opens_in_a_spreadsheet(web, owner, north):
    aspect = make_aspect(owner, north, activity="=1+1")
    services.aspect_evaluate(by=owner, aspect=aspect, scores=HIGH)
    response = web(owner).get("/aspects/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Reference", "Site", "Activity", "Aspect")
    assert rows[1][0] == "ASP-001"
    assert rows[1][2] == "'=1+1"
    assert rows[1][9] == 23
    assert rows[1][10] == "yes"


@pytest.mark.parametrize("path", ["/aspects/", "/aspects/new"])
def test_the_navigation_links_the_register(web, owner, north, path):
    page = web(owner).get(path).content.decode()
    assert '<a href="/aspects/"' in page
    assert "Environmental aspects" in page
