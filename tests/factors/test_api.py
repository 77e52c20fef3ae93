"""The factor library through the API: filters, citations, own factors' CRUD, import, calculation."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ims.factors.models import EmissionFactor
from tests.conftest import assert_problem

pytestmark = __import__("pytest").mark.usefixtures("shipped")

OWN = {
    "year": 2025,
    "region": "GB",
    "scope": "2",
    "category": "electricity",
    "activity": "Green tariff",
    "activity_unit": "kWh",
    "co2e": "0.0123",
    "gwp_set": "AR5",
    "market_based": True,
}


def upload(client, content: bytes, name: str = "factors.csv"):
    return client.client.post(
        "/api/v1/factors/import", {"file": SimpleUploadedFile(name, content)}, headers=client._headers()
    )


def test_list_filters_and_detail(api, viewer):
    client = api(viewer)
    body = client.get("/factors", source="uk-desnz-2025", category="electricity").json()
    assert body["count"] == 5
    grid = client.get("/factors", year=2024, region="gb", scope="2").json()
    assert [f["external_id"] for f in grid["items"]] == ["7_400_4000_5_1"]
    item = grid["items"][0]
    assert (item["co2e"], item["co2"], item["source"], item["shipped"]) == ("0.20705", "0.20493", "uk-desnz-2024", True)
    assert client.get("/factors", q="R404A", source="uk-desnz-2025").json()["count"] == 2
    egrid = client.get("/factors", region="CAMX").json()["items"][0]
    assert (egrid["co2"], egrid["co2_unit"], egrid["gas_basis"], egrid["co2e"]) == ("436.655", "lb", "mass", None)
    detail = client.get(f"/factors/{egrid['id']}").json()
    assert detail["source_ref"] == "Emission Factors Hub, Table 6, row 342, columns E–G"
    problem = assert_problem(client.get("/factors", scope="4", sort="co2e"), 422, "validation")
    assert problem["errors"]["scope"] == ["Filter by one of: 1, 2, 3, outside."]
    assert "sort" in problem["errors"]


def test_sources_carry_citation_and_licence(api, viewer):
    sources = {s["key"]: s for s in api(viewer).get("/factors/sources").json()}
    assert sorted(sources) == ["gwp-openclimatedata-0.13.1", "uk-desnz-2024", "uk-desnz-2025", "us-epa-hub-2025"]
    desnz = sources["uk-desnz-2025"]
    assert desnz["licence"] == "Open Government Licence v3.0"
    assert desnz["attribution"].endswith("UK Government GHG Conversion Factors for Company Reporting 2025.")
    assert desnz["provenance"]["git_blob"] == "4ff5245cfcad19dd9f01e8615178e88d098d3556"
    gwp = {g["gas"]: g["value"] for g in api(viewer).get("/factors/gwp", gwp_set="AR6").json()}
    assert (gwp["CH4"], gwp["N2O"]) == ("27.9", "273")


def test_own_factor_crud(api, owner, outsider, north):
    client = api(owner)
    created = client.post("/factors", {**OWN, "site_id": north.pk, "citation": "Supplier disclosure"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["external_id"], body["co2e"], body["shipped"], body["version"]) == ("EF-001", "0.0123", False, 1)
    fid = body["id"]
    assert client.patch(f"/factors/{fid}", {"version": 1, "co2e": "0.0119"}).json()["co2e"] == "0.0119"
    assert_problem(client.patch(f"/factors/{fid}", {"version": 1, "co2e": "0.02"}), 409, "conflict")
    assert_problem(api(outsider).get(f"/factors/{fid}"), 404, "not-found")
    assert_problem(client.post("/factors", OWN), 403, "forbidden")
    bad = client.post("/factors", {**OWN, "site_id": north.pk, "activity_unit": "furlongz"})
    assert assert_problem(bad, 422, "validation")["errors"] == {
        "activity_unit": ["“furlongz” is not a unit: “furlongz” is unknown."]
    }
    assert client.post(f"/factors/{fid}/archive", {"version": 2}).json()["archived_at"]
    assert client.get("/factors", source="own").json()["count"] == 0


def test_published_factors_cannot_be_changed(api, manager):
    published = EmissionFactor.objects.get(external_id="7_400_4000_5_1", year=2025)
    refused = api(manager).patch(f"/factors/{published.pk}", {"version": published.version, "co2e": "0.1"})
    assert assert_problem(refused, 409, "workflow")["detail"].startswith("7_400_4000_5_1 is published reference data")


def test_calculate(api, viewer):
    published = EmissionFactor.objects.get(external_id="7_400_4000_5_1", year=2025)
    body = api(viewer).post(f"/factors/{published.pk}/calculate", {"quantity": "1", "unit": "MWh"}).json()
    assert (body["kg_co2e"], body["activity_quantity"], body["gwp_set"]) == ("177", "1000", "AR5")
    assert body["explanation"].splitlines()[0] == "Activity: 1 MWh = 1000 kWh"
    refused = api(viewer).post(f"/factors/{published.pk}/calculate", {"quantity": "1", "unit": "litre"})
    assert assert_problem(refused, 422, "validation")["errors"] == {
        "unit": ["litre cannot be converted to kWh, the unit of factor 7_400_4000_5_1 (kWh)."]
    }


CSV = (
    "Reference;Site;Year;Region;Scope;Category;Activity;Unit;kg CO2e;GWP set;Market based;Citation\n"
    "SUP-2025;N;2025;GB;2;Electricity;Green tariff;kWh;0,0123;AR5;yes;EDF disclosure\n"
    ";N;2025;GB;1;natural_gas;Biomethane blend;m^3;1.9;AR5;no;Supplier\n"
)


def test_import_creates_then_updates(api, owner, north):
    client = api(owner)
    first = upload(client, CSV.encode())
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored_columns": []}
    supply = EmissionFactor.objects.get(external_id="SUP-2025")
    assert (str(supply.co2e), supply.market_based, supply.site, supply.scope) == ("0.0123", True, north, "2")
    again = upload(client, CSV.replace("0,0123", "0,0119").replace(";N;2025;GB;1", "EF-001;N;2025;GB;1").encode())
    assert again.json() == {"created": 0, "updated": 1, "unchanged": 1, "ignored_columns": []}


def test_a_bad_row_refuses_the_whole_file(api, owner, manager):
    bad = CSV + "SUP-9;N;20x5;GB;5;Electricity;Night tariff;kilowatt;;AR7;maybe;\n"
    body = assert_problem(upload(api(owner), bad.encode()), 422, "validation")
    assert body["problems"] == [
        "Row 4, column “year”: “20x5” is not a number",
        "Row 4, column “scope”: “5” is not one of: Scope 1, Scope 2, Scope 3, Outside of scopes",
        "Row 4, column “kg co2e”: is required",
        "Row 4, column “gwp set”: “AR7” is not one of: IPCC AR4, 100-year, IPCC AR5, 100-year, IPCC AR6, 100-year",
        "Row 4, column “market based”: “maybe” is not yes/no",
    ]
    unit = CSV.replace(";m^3;", ";cubic widgets;")
    body = assert_problem(upload(api(owner), unit.encode()), 422, "validation")
    assert body["problems"] == ["Row 3, column “unit”: “cubic widgets” is not a unit: “widgets” is unknown."]
    org_wide = CSV.replace(";N;2025;GB;1", ";;2025;GB;1")
    body = assert_problem(upload(api(owner), org_wide.encode()), 422, "validation")
    assert body["problems"] == ["Row 3: You are not allowed to create emission factors of the whole organisation."]
    assert not EmissionFactor.objects.filter(source__isnull=True).exists()
