"""The cross-reference matrix: HS down the side, standards side by side."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ims.core.errors import ValidationFailed
from ims.standards.loader import load
from ims.standards.selectors import edition_get, matrix
from tests.conftest import assert_problem
from tests.standards.conftest import edition, write

SPECIFIC = {
    "number": "4.2",
    "title": "Environmental aspects",
    "requirements": True,
    "summary": "Identify the environmental aspects of activities and decide which are significant.",
}


@pytest.fixture
def two_standards(db, library: Path) -> Path:
    write(library, "env-2015.yaml", edition("env", "2015", extra=[SPECIFIC]))
    load(library)
    return library


def test_common_requirements_share_a_row_and_specific_ones_get_their_own(two_standards):
    std, env = edition_get("std:2015"), edition_get("env:2015")
    groups = matrix([std, env])
    assert [g.number for g in groups] == ["4", "5"]
    context = groups[0].rows
    assert [(r.number, r.kind) for r in context] == [("4.1", "common"), ("4.2", "specific")]
    assert [c.number for c in context[0].cells[std.pk]] == ["4.1"]
    assert [c.number for c in context[0].cells[env.pk]] == ["4.1"]
    assert list(context[1].cells) == [env.pk]


def test_two_editions_of_one_standard_cannot_sit_side_by_side(two_standards):
    with pytest.raises(ValidationFailed):
        matrix([edition_get("std:2015"), edition_get("std:2026")])


def test_the_page_and_the_xlsx_show_the_same_rows(two_standards, web, viewer):
    client = web(viewer)
    page = client.get("/standards/matrix/?e=std:2015&e=env:2015").content.decode()
    assert "Environmental aspects" in page
    assert "common" in page
    response = client.get("/standards/matrix/?e=std:2015&e=env:2015&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["HS clause", "Title", "Kind"]
    assert rows[2][:4] == ["4.1", "Understanding the organization and its context", "Common", "4.1"]
    assert any(r[2] == "Specific" and "4.2" in (r[5] or "") for r in rows)


def test_the_api_serves_editions_clauses_and_the_matrix(two_standards, api, viewer):
    client = api(viewer)
    keys = {e["key"] for e in client.get("/standards").json()}
    assert keys == {"std:2015", "std:2026", "env:2015"}
    clause = client.get("/standards/std/2015/clauses/5.2").json()
    assert clause["ref"] == "std:2015:5.2"
    assert clause["documented_information"] == [{"kind": "maintain", "what": "the policy"}]
    assert_problem(client.get("/standards/std/2015/clauses/9.9"), 404, "not-found")
    assert_problem(client.get("/standards/std/1999/clauses"), 404, "not-found")
    groups = client.get("/standards/matrix", e=["std:2015", "env:2015"]).json()
    assert groups[0]["rows"][1] == {
        "hs": None,
        "title": "Environmental aspects",
        "kind": "specific",
        "cells": [{"edition": "env:2015", "clauses": ["4.2"]}],
    }
    changes = client.get("/standards/changes", old="std:2015", new="std:2026").json()
    assert {"from_number": "", "to_number": "4.2", "change": "new", "note": "New requirement."} in changes


def test_a_clause_number_means_different_things_in_different_standards(two_standards, api, viewer):
    env = api(viewer).get("/standards/env/2015/clauses/4.2").json()
    assert env["title"] == "Environmental aspects"
    assert_problem(api(viewer).get("/standards/std/2015/clauses/4.2"), 404, "not-found")


def test_library_pages_render(two_standards, web, viewer):
    client = web(viewer)
    assert "STD:2015" in client.get("/standards/").content.decode()
    page = client.get("/standards/std/2026/").content.decode()
    assert "Something new" in page
    assert "STD:2015 → STD:2026" in client.get("/standards/changes/std:2015/std:2026/").content.decode()
