"""Every API error is RFC 9457 problem JSON: never HTML, never a stack trace."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import assert_problem


def test_no_credentials_gets_401_with_a_bearer_challenge(db):
    response = Client().get("/api/v1/sites")
    assert_problem(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="ims"'


def test_an_unknown_path_under_the_api_is_a_404_problem(db):
    assert_problem(Client().get("/api/v1/no-such-thing"), 404, "not-found")


def test_a_wrong_method_is_a_405_problem(api, viewer):
    response = api(viewer).client.put("/api/v1/problems")
    assert_problem(response, 405, "method-not-allowed")


def test_malformed_json_is_a_problem_not_a_crash(api, admin):
    client = api(admin)
    response = client.client.post(
        "/api/v1/sites", data="{not json", content_type="application/json", headers=client._headers()
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_unexpected_error_is_a_500_problem_with_a_reference_and_no_trace(api, viewer, monkeypatch):
    import ims.org.selectors

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(ims.org.selectors, "site_list", boom)
    response = api(viewer).get("/sites")
    body = assert_problem(response, 500, "server-error")
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["reference"] in body["detail"]


def test_session_writes_without_csrf_token_are_refused(web, admin):
    client = web(admin)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/sites", data=json.dumps({}), content_type="application/json")
    assert_problem(response, 403, "csrf")


def test_session_reads_work_from_the_browser(web, viewer):
    assert web(viewer).get("/api/v1/me").json()["username"] == "viewer"


def test_the_problem_catalogue_is_public_and_lists_every_type(db):
    types = {p["type"] for p in Client().get("/api/v1/problems").json()}
    assert {"/api/v1/problems#conflict", "/api/v1/problems#validation", "/api/v1/problems#forbidden"} <= types


def test_openapi_schema_and_docs_are_served(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/sites" in schema["paths"]
    assert "/api/v1/audit" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/users/99999", "/api/v1/sites/99999", "/api/v1/audit/99999"])
def test_missing_records_are_404_problems(api, admin, path):
    assert_problem(api(admin).client.get(path, headers=api(admin)._headers()), 404, "not-found")
