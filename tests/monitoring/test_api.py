"""Monitoring through the API: series CRUD, readings, gaps, the bulk and file imports, mappings."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.monitoring.models import Reading
from tests.conftest import assert_problem

SERIES = {"name": "Main meter", "category": "electricity", "unit": "kWh", "reference": "N-ELEC-MAIN"}


def upload(client, content: bytes, name: str = "readings.csv", **fields):
    return client.client.post(
        "/api/v1/readings/import", {"file": SimpleUploadedFile(name, content), **fields}, headers=client._headers()
    )


def test_series_crud(api, owner, viewer, outsider, north):
    client = api(owner)
    created = client.post("/series", {**SERIES, "site_id": north.pk, "expected_frequency": "hour"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["reference"], body["quantity"], body["version"]) == ("N-ELEC-MAIN", "energy", 1)
    sid = body["id"]
    assert client.patch(f"/series/{sid}", {"version": 1, "expected_max": 900}).json()["expected_max"] == 900
    assert_problem(client.patch(f"/series/{sid}", {"version": 1, "name": "x"}), 409, "conflict")
    bad = client.post("/series", {**SERIES, "reference": "N-X", "site_id": north.pk, "unit": "parsnips"})
    assert assert_problem(bad, 422, "validation")["errors"] == {
        "unit": ["“parsnips” is not a unit: “parsnips” is unknown."]
    }
    assert_problem(api(viewer).post("/series", {**SERIES, "reference": "N-Y", "site_id": north.pk}), 403, "forbidden")
    assert_problem(api(outsider).get(f"/series/{sid}"), 404, "not-found")
    assert api(viewer).get("/series", category="electricity").json()["count"] == 1
    assert api(outsider).get("/series").json()["count"] == 0
    assert client.post(f"/series/{sid}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/series").json()["count"] == 0
    assert client.post(f"/series/{sid}/restore", {"version": 3}).json()["archived_at"] is None


def test_bulk_readings_are_all_or_nothing_with_item_indexes(api, manager, elec):
    client = api(manager)
    items = [
        {"series": "N-ELEC-MAIN", "ts": "2024-01-01T00:00:00+01:00", "value": 5},
        {"series": "N-ELEC-MAIN", "ts": "2024-01-01T01:00:00+01:00", "value": "1,5", "unit": "MWh"},
        {"series": "N-ELEC-MAIN", "ts": "2024-01-01T02:00", "value": 7, "quality": "estimated"},
    ]
    done = client.post("/readings/bulk", items)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["readings"], body["created"], body["series"], body["layout"]) == (3, 3, ["N-ELEC-MAIN"], "long")
    assert [r.value for r in Reading.objects.order_by("ts")] == [5.0, 1500.0, 7.0]
    refused = client.post(
        "/readings/bulk",
        [
            {"series": "N-ELEC-MAIN", "ts": "2024-01-02T00:00", "value": 1},
            {"series": "N-ELEC-MAIN", "ts": "2024-01-02T00:00", "value": 2},
            {"series": "N-ELEC-MAIN", "ts": "soon", "value": 3, "unit": "kg"},
            {"ts": "2024-01-02T03:00", "value": 3},
        ],
    )
    body = assert_problem(refused, 422, "validation")
    assert body["problems"] == [
        "Item 1, field “ts”: N-ELEC-MAIN already has a reading at 2024-01-02 00:00 CET in item 0",
        "Item 2, field “ts”: “soon” is not a date and time; "
        "use ISO 8601 (2026-01-31T14:00), DD/MM/YYYY HH:MM or a spreadsheet date",
        "Item 2, field “unit”: “kg” cannot be converted to kWh, the unit of N-ELEC-MAIN",
        "Item 3, field “series”: is required",
    ]
    assert body["details"][0] == {
        "item": 1,
        "field": "ts",
        "message": "N-ELEC-MAIN already has a reading at 2024-01-02 00:00 CET in item 0",
    }
    assert Reading.objects.count() == 3
    assert assert_problem(client.post("/readings/bulk", []), 422, "validation")["problems"] == [
        "Item 0: the list holds no readings"
    ]


def test_file_import_and_reading_list(api, manager, viewer, elec):
    client = api(manager)
    content = b"timestamp;N-ELEC-MAIN\n" + b"".join(f"2024-01-{d:02d};{d},5\n".encode() for d in range(1, 8))
    done = upload(client, content, source="meter portal")
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 7
    refused = upload(client, b"series,timestamp,value\nN-ELEC-MAIN,2024-01-09,x\n")
    assert assert_problem(refused, 422, "validation")["details"] == [
        {"row": 2, "column": "value", "message": "“x” is not a number"}
    ]
    assert_problem(upload(api(viewer), content), 403, "forbidden")
    page = client.get(f"/series/{elec.pk}/readings", **{"from": "2024-01-02T00:00:00+01:00", "limit": 2})
    body = page.json()
    assert (body["count"], len(body["items"]), body["items"][0]["value"]) == (6, 2, 2.5)
    assert body["next"]
    assert client.get(f"/series/{elec.pk}/readings", to="2024-01-03T00:00:00+01:00").json()["count"] == 2
    gaps = client.get(
        f"/series/{elec.pk}/gaps", **{"from": "2024-01-01T00:00:00+01:00", "to": "2024-01-11T00:00:00+01:00"}
    )
    assert gaps.json()["gaps"] == [
        {"start": "2024-01-08T00:00:00+01:00", "end": "2024-01-11T00:00:00+01:00", "missing": 3}
    ]


def test_one_reading_through_the_api(api, owner, contributor, elec):
    created = api(owner).post(f"/series/{elec.pk}/readings", {"ts": "2024-02-01T08:00:00", "value": 3.5})
    assert created.status_code == 201, created.content
    assert created.json()["ts"] == "2024-02-01T07:00:00+00:00"
    assert created.json()["source"] == "api"
    assert_problem(
        api(contributor).post(f"/series/{elec.pk}/readings", {"ts": "2024-02-02T08:00", "value": 1}), 403, "forbidden"
    )


def test_mappings_through_the_api(api, manager, viewer, elec):
    client = api(manager)
    created = client.post("/import-mappings", {"name": "scada", "layout": "wide", "columns": {"Main": "N-ELEC-MAIN"}})
    assert created.status_code == 201, created.content
    assert client.patch("/import-mappings/scada", {"version": 1, "unit": "MWh"}).json()["unit"] == "MWh"
    done = upload(client, b"timestamp,Main\n2024-01-01,2\n", mapping="scada")
    assert done.status_code == 200, done.content
    assert Reading.objects.get().value == 2000.0
    assert_problem(upload(client, b"timestamp,Main\n", mapping="nope"), 404, "not-found")
    assert [m["name"] for m in api(viewer).get("/import-mappings").json()] == ["scada"]
