"""The policy register through the API reads a page in a fixed number of queries, whatever its length."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ims.policies.demo import TEXT
from ims.policies.services import draft_start, policy_create, revision_approve
from tests.conftest import PASSWORD


def _register(count: int, *, top: Any) -> list[tuple[str, bool, bool]]:
    """``count`` policies; every other one approved (in force) with a new draft started."""
    expected = []
    for i in range(count):
        policy = policy_create(by=top, kind="integrated", title=f"Policy {i}", text=TEXT)
        if i % 2:
            first = policy.revisions.get()
            revision_approve(by=top, revision=first, version=first.version, password=PASSWORD)
            draft_start(by=top, policy=policy)
        expected.append((policy.reference, bool(i % 2), True))
    return expected


def _list_queries(client: Any) -> tuple[int, list[dict[str, Any]]]:
    client.get("/policies", limit=50)  # the first call of a token also records its use; measure a later one
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/policies", limit=50)
    assert response.status_code == 200, response.content
    return len(queries), response.json()["items"]


def test_the_policy_list_costs_the_same_queries_for_2_and_20_policies(api, top, org):
    client = api(top)
    expected = _register(2, top=top)
    few, items = _list_queries(client)
    shown = [(p["reference"], p["in_force_revision_id"] is not None, p["draft_revision_id"] is not None) for p in items]
    assert shown == expected

    expected += _register(18, top=top)
    many, items = _list_queries(client)
    assert len(items) == 20
    assert many == few
    shown = [(p["reference"], p["in_force_revision_id"] is not None, p["draft_revision_id"] is not None) for p in items]
    assert shown == expected


def test_the_list_names_the_revision_in_force_and_the_draft_of_each_policy(api, top, org):
    _register(2, top=top)
    items = api(top).get("/policies").json()["items"]
    for item in items:
        single = api(top).get(f"/policies/{item['id']}").json()
        assert (item["in_force_revision_id"], item["draft_revision_id"]) == (
            single["in_force_revision_id"],
            single["draft_revision_id"],
        )
    drafted = items[1]
    revisions = api(top).get(f"/policies/{drafted['id']}/revisions").json()
    assert [(r["id"], r["state"]) for r in revisions] == [
        (drafted["in_force_revision_id"], "in_force"),
        (drafted["draft_revision_id"], "draft"),
    ]
