"""Cost of poor quality: money in the reporting currency, and kg CO2e of wasted material and extra energy.

The CO2e figures are worked out by hand from the shipped UK DESNZ factors:

* 120 kg aluminium scrap recycled open loop, 2025: 0.12 t × 9115.90131 (19_504_5104_15_1)
  = 1093.9081572 kg, plus 0.12 t × 4.68568 (20_504_5351_15_1) = 0.5622816 kg;
  1094.4704388 kg CO2e in all, recorded to the gram as 1094.470.
* 50 kg steel to landfill, 2024: 0.05 t × 2854.91851 = 142.7459255 kg, plus
  0.05 t × 8.88386 = 0.444193 kg; 143.1901185 kg, recorded as 143.190.
* 250 kWh of grid electricity, 2025, UK factor 0.177 (7_400_4000_5_1): 44.25 kg.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from ims.audit.models import AuditEntry
from ims.core.context import Channel, acting
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.factors.loader import load
from ims.factors.services import factor_create
from ims.improvement import costs, investigation
from ims.improvement.analysis import Window, cost_totals
from ims.improvement.models import EventStatus, ExtraEnergy, FailureCost, WastedMaterial
from tests.improvement.conftest import at

S = EventStatus


@pytest.fixture(scope="module")
def library(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The shipped factor library, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with acting(Channel.CLI):
            load()
        yield
        transaction.set_rollback(True)


def when(year: int, month: int = 6, day: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def scrap(manager: Any, north: Any, *, year: int = 2025, **fields: Any) -> Any:
    return at(S.CONTAINMENT, manager, north, occurred_at=when(year), **fields)


def test_120_kg_of_aluminium_scrap_recycled_open_loop_with_the_2025_factors(library, manager, north):
    event = scrap(manager, north)
    line = costs.material_add(by=manager, event=event, material="aluminium", mass_kg="120", route="open_loop")
    assert (line.material_kg_co2e, line.disposal_kg_co2e, line.kg_co2e) == (
        Decimal("1093.908"),
        Decimal("0.562"),
        Decimal("1094.470"),
    )
    assert (line.material_factor.external_id, line.disposal_factor.external_id, line.factor_year) == (
        "19_504_5104_15_1",
        "20_504_5351_15_1",
        2025,
    )
    lines = line.calculation.splitlines()
    assert lines[0] == "Wasted material: 120 kg of aluminium, recycled (open loop)."
    assert "  Activity: 120 kg = 0.12 tonne" in lines
    assert "  Total: 0.12 tonne × 9115.90131 kg CO2e/tonne = 1093.9081572 kg CO2e" in lines
    assert "  Total: 0.12 tonne × 4.68568 kg CO2e/tonne = 0.5622816 kg CO2e" in lines
    assert lines[-1] == "Total: 1093.9081572 + 0.5622816 = 1094.4704388 kg CO2e (recorded as 1094.470 kg CO2e)."
    assert AuditEntry.objects.filter(record_type="improvement.wastedmaterial", record_id=str(line.pk)).exists()


def test_the_factors_of_the_events_year_are_used_and_the_2024_route_names_are_understood(library, manager, north):
    event = scrap(manager, north, year=2024)
    steel = costs.material_add(by=manager, event=event, material="steel", mass_kg="50", route="landfill")
    assert (steel.factor_year, steel.material_kg_co2e, steel.disposal_kg_co2e, steel.kg_co2e) == (
        2024,
        Decimal("142.746"),
        Decimal("0.444"),
        Decimal("143.190"),
    )
    burnt = costs.material_add(by=manager, event=event, material="aluminium", mass_kg="10", route="incineration")
    assert burnt.disposal_factor.activity.endswith(
        "› Combustion"
    )  # 2024 wording of “Incineration with energy recovery”
    assert burnt.disposal_kg_co2e == Decimal("0.064")  # 0.01 t × 6.41061


def test_an_event_of_a_year_without_factors_takes_the_nearest_year_and_says_so(library, manager, north):
    event = scrap(manager, north, year=2023)
    line = costs.material_add(by=manager, event=event, material="aluminium", mass_kg="1000", route="open_loop")
    assert line.factor_year == 2024
    assert "Making it again (Material use, 2024: no 2023 factor; the 2024 factor is the nearest available):" in (
        line.calculation
    )
    assert line.kg_co2e == Decimal("9113.329")  # 9106.91851 + 6.41061 (per tonne, one tonne)


def test_the_mass_can_come_from_the_containment(library, manager, north):
    event = scrap(manager, north)
    held = investigation.containment_add(
        by=manager, event=event, description="Offcuts scrapped.", quantity="0.2", unit="t", disposition="scrap"
    )
    line = costs.material_add(
        by=manager, event=event, material="aluminium", mass_kg=None, route="open_loop", containment=held
    )
    assert (line.mass_kg, line.containment) == (Decimal("200.000"), held)


def test_a_negative_mass_and_an_unknown_material_are_refused_and_nothing_is_saved(library, manager, north):
    event = scrap(manager, north)
    with pytest.raises(ValidationFailed) as negative:
        costs.material_add(by=manager, event=event, material="aluminium", mass_kg="-12", route="landfill")
    assert negative.value.errors == {"mass_kg": ["Give zero or more; -12 is negative."]}
    with pytest.raises(ValidationFailed) as unknown:
        costs.material_add(by=manager, event=event, material="unobtainium", mass_kg="1", route="landfill")
    assert unknown.value.errors["material"][0].startswith("“unobtainium” is not a material; use one of: aluminium,")
    with pytest.raises(ValidationFailed) as route:
        costs.material_add(by=manager, event=event, material="steel", mass_kg="1", route="river")
    assert route.value.errors["route"][0].startswith("Use one of: open_loop, closed_loop,")
    assert not WastedMaterial.objects.exists()


def test_a_material_without_a_factor_for_its_route_is_refused_naming_what_is_missing(library, manager, north):
    event = scrap(manager, north)
    with pytest.raises(ValidationFailed) as refused:
        costs.material_add(by=manager, event=event, material="steel", mass_kg="5", route="composting")
    assert refused.value.errors == {
        "route": [
            "No emission factor for steel composted (“Metal: steel cans › Composting”). Load the factor library "
            "(ims load-factors), add an own factor, or change the disposal route or the mapping of “Steel”."
        ]
    }


def test_electricity_takes_the_sites_country_then_the_configured_region(library, manager, north):
    event = scrap(manager, north)
    fallback = costs.energy_add(by=manager, event=event, carrier="electricity", quantity="250")
    assert (fallback.factor.external_id, fallback.unit, fallback.kg_co2e) == (
        "7_400_4000_5_1",
        "kWh",
        Decimal("44.250"),
    )
    assert fallback.calculation.splitlines()[0] == (
        "Extra energy: 250 kWh of electricity at North plant "
        "(no electricity factor for DE; the configured region GB is used)."
    )
    factor_create(
        by=manager,
        site=north,
        year=2025,
        region="DE",
        scope="2",
        category="electricity",
        activity="Grid electricity, supplier mix 2025",
        activity_unit="kWh",
        co2e=Decimal("0.380"),
        gwp_set="AR5",
        citation="Supplier disclosure 2025",
    )
    own = costs.energy_add(by=manager, event=event, carrier="electricity", quantity="0.25", unit="MWh")
    assert (own.factor.site, own.kg_co2e) == (north, Decimal("95.000"))
    assert "Activity: 0.25 MWh = 250 kWh" in own.calculation


def test_natural_gas_in_kwh_and_an_incompatible_unit(library, manager, north):
    event = scrap(manager, north)
    gas = costs.energy_add(by=manager, event=event, carrier="natural_gas", quantity="1", unit="MWh")
    assert (gas.factor.external_id, gas.kg_co2e) == ("1_100_1004_6_1", Decimal("182.960"))
    with pytest.raises(ValidationFailed) as refused:
        costs.energy_add(by=manager, event=event, carrier="natural_gas", quantity="10", unit="m³")
    assert "cannot be converted to kWh" in refused.value.errors["unit"][0]
    with pytest.raises(ValidationFailed) as negative:
        costs.energy_add(by=manager, event=event, carrier="electricity", quantity="-1")
    assert negative.value.errors == {"quantity": ["Give zero or more; -1 is negative."]}
    assert ExtraEnergy.objects.count() == 1


def test_money_in_the_reporting_currency_or_with_the_rate_used(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    first = costs.cost_add(by=manager, event=event, category="scrap", amount="1250", currency="eur")
    assert (first.currency, first.rate, first.amount_reporting, first.reporting_currency) == (
        "EUR",
        None,
        Decimal("1250.00"),
        "EUR",
    )
    fine = costs.cost_add(
        by=manager, event=event, category="penalties", amount="2000", currency="CZK", rate="0.0398", description="Late"
    )
    assert (fine.amount_reporting, fine.internal) == (Decimal("79.60"), False)
    totals = costs.event_costs(event)
    assert (totals.internal, totals.external, totals.money) == (
        Decimal("1250.00"),
        Decimal("79.60"),
        Decimal("1329.60"),
    )
    event.refresh_from_db()  # the sums the analysis adds up, kept on the event
    assert (event.cost_internal, event.cost_external, event.cost_currency) == (
        Decimal("1250.00"),
        Decimal("79.60"),
        "EUR",
    )
    costs.line_remove(by=manager, kind="cost", line_id=fine.pk, event=event)
    event.refresh_from_db()
    assert (event.cost_internal, event.cost_external) == (Decimal("1250.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"amount": "100", "currency": ""},
            {"currency": ["Give the currency of the amount, as an ISO 4217 code (e.g. EUR)."]},
        ),
        (
            {"amount": "100", "currency": "EUROS"},
            {"currency": ["“EUROS” is not an ISO 4217 currency code; e.g. EUR, USD, CZK."]},
        ),
        (
            {"amount": "100", "currency": "CZK"},
            {"rate": ["The amount is in CZK and totals are in EUR: give the exchange rate used (EUR per 1 CZK)."]},
        ),
        ({"amount": "-5", "currency": "EUR"}, {"amount": ["Give zero or more; -5 is negative."]}),
        ({"amount": "", "currency": "EUR"}, {"amount": ["Give the amount."]}),
        (
            {"amount": "10.005", "currency": "EUR"},
            {"amount": ["Give the amount to the cent; 10.005 has more decimals."]},
        ),
        ({"amount": "10", "currency": "USD", "rate": "0"}, {"rate": ["The exchange rate must be more than zero."]}),
        (
            {"amount": "10", "currency": "EUR", "rate": "1.1"},
            {"rate": ["The amount is already in EUR; give no exchange rate."]},
        ),
    ],
)
def test_a_cost_without_a_usable_currency_or_amount_is_refused(manager, north, fields, errors):
    event = at(S.CONTAINMENT, manager, north)
    with pytest.raises(ValidationFailed) as refused:
        costs.cost_add(by=manager, event=event, category="rework", **fields)
    assert refused.value.errors == errors
    assert not FailureCost.objects.exists()


@override_settings(IMS_CURRENCY="CZK")
def test_the_reporting_currency_is_a_setting(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    line = costs.cost_add(by=manager, event=event, category="rework", amount="300", currency="EUR", rate="25.1")
    assert (line.reporting_currency, line.amount_reporting) == ("CZK", Decimal("7530.00"))


def test_who_may_record_costs_and_on_which_events(manager, owner, contributor, outsider, north):
    event = at(S.CONTAINMENT, manager, north)
    costs.cost_add(by=owner, event=event, category="rework", amount="10", currency="EUR")
    for person in (contributor, outsider):
        with pytest.raises(PermissionRefused):
            costs.cost_add(by=person, event=event, category="rework", amount="10", currency="EUR")
    rejected = at(S.REJECTED, manager, north)
    with pytest.raises(WorkflowError) as refused:
        costs.cost_add(by=manager, event=rejected, category="rework", amount="10", currency="EUR")
    assert refused.value.detail == f"{rejected.reference} was rejected; it caused no cost."
    closed = at(S.CLOSED, manager, north)
    late = costs.cost_add(by=manager, event=closed, category="warranty", amount="480", currency="EUR")
    assert late.event == closed  # invoices and claims arrive after closure


def test_a_line_recorded_in_error_is_removed_with_an_audit_entry(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    line = costs.cost_add(by=manager, event=event, category="rework", amount="10", currency="EUR")
    costs.line_remove(by=manager, kind="cost", line_id=line.pk, event=event)
    assert not FailureCost.objects.exists()
    entry = AuditEntry.objects.filter(record_type="improvement.failurecost", action="delete").get()
    assert entry.note == "recorded in error"


def test_totals_per_month_process_cause_and_type_in_money_and_co2e(library, manager, owner, north, press):
    from tests.improvement.conftest import cause

    june = scrap(manager, north, process=press)
    june.refresh_from_db()
    from ims.improvement.models import Event

    Event.objects.filter(pk=june.pk).update(cause_category=cause("tooling"))
    july = at(S.TRIAGED, manager, north, type="customer_complaint", occurred_at=when(2025, 7, 2))
    costs.cost_add(by=manager, event=june, category="scrap", amount="1250", currency="EUR")
    costs.cost_add(by=manager, event=june, category="rework", amount="310.40", currency="EUR")
    costs.material_add(by=manager, event=june, material="aluminium", mass_kg="120", route="open_loop")
    costs.energy_add(by=manager, event=june, carrier="electricity", quantity="250")
    costs.cost_add(by=manager, event=july, category="complaint_handling", amount="2000", currency="CZK", rate="0.0398")
    costs.cost_add(by=manager, event=july, category="returns", amount="95", currency="EUR")
    window = Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    by_month = cost_totals(manager, by="month", window=window)
    assert len(by_month.rows) == 12
    rows = {r.key: (r.internal, r.external, r.kg_co2e, r.mass_kg) for r in by_month.rows if r.money or r.kg_co2e}
    assert rows == {
        "2025-06": (Decimal("1560.40"), Decimal("0.00"), Decimal("1138.720"), Decimal("120.000")),
        "2025-07": (Decimal("0.00"), Decimal("174.60"), Decimal("0"), Decimal("0")),
    }
    assert (by_month.total.money, by_month.total.kg_co2e, by_month.currency) == (
        Decimal("1735.00"),
        Decimal("1138.720"),
        "EUR",
    )
    by_process = cost_totals(manager, by="process", window=window)
    assert [(r.label, r.money, r.kg_co2e) for r in by_process.rows] == [
        (f"{press.reference} Pressing", Decimal("1560.40"), Decimal("1138.720")),
        ("(no process)", Decimal("174.60"), Decimal("0")),
    ]
    by_cause = cost_totals(manager, by="cause", window=window)
    assert [(r.label, r.money) for r in by_cause.rows] == [
        ("Tooling or fixture", Decimal("1560.40")),
        ("(cause not recorded yet)", Decimal("174.60")),
    ]
    by_type = cost_totals(manager, by="type", window=window)
    assert [(r.key, r.money) for r in by_type.rows] == [
        ("product_nc", Decimal("1560.40")),
        ("customer_complaint", Decimal("174.60")),
    ]
    assert cost_totals(owner, by="type", window=Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31))).rows == []


def test_the_event_page_records_a_cost_and_shows_the_calculation(library, web, manager, viewer, north):
    event = scrap(manager, north)
    client = web(manager)
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert 'id="costs"' in page
    assert "Record material wasted (scrap, rework)" in page
    refused = client.post(f"/improvement/{event.pk}/costs", {"category": "scrap", "amount": "40", "currency": ""})
    assert refused.status_code == 422
    assert "Give the currency of the amount, as an ISO 4217 code (e.g. EUR)." in refused.content.decode()
    done = client.post(f"/improvement/{event.pk}/costs", {"category": "scrap", "amount": "40", "currency": "EUR"})
    assert done.status_code == 302
    material = client.post(
        f"/improvement/{event.pk}/wasted-material", {"material": "aluminium", "mass_kg": "120", "route": "open_loop"}
    )
    assert material.status_code == 302, material.content.decode()
    page = client.get(f"/improvement/{event.pk}/").content.decode()
    assert "Show calculation" in page
    assert "1094.470 kg CO2e" in page
    assert "Total: 1093.9081572 + 0.5622816 = 1094.4704388 kg CO2e" in page
    seen = web(viewer).get(f"/improvement/{event.pk}/").content.decode()
    assert "1094.470" in seen
    assert "Record a failure cost" not in seen


def test_an_erp_pushes_costs_and_an_mes_pushes_scrap_through_the_api(library, api, manager, outsider, north):
    from tests.conftest import assert_problem

    event = scrap(manager, north)
    client = api(manager)
    cost = client.post(f"/events/{event.pk}/costs", {"category": "returns", "amount": "95.50", "currency": "EUR"})
    assert cost.status_code == 201, cost.content
    assert (cost.json()["amount_reporting"], cost.json()["internal"]) == ("95.50", False)
    body = assert_problem(
        client.post(f"/events/{event.pk}/costs", {"category": "returns", "amount": "5"}), 422, "validation"
    )
    assert body["errors"] == {"currency": ["Give the currency of the amount, as an ISO 4217 code (e.g. EUR)."]}
    body = assert_problem(
        client.post(f"/events/{event.pk}/wasted-material", {"material": "steel", "mass_kg": "-3", "route": "landfill"}),
        422,
        "validation",
    )
    assert body["errors"] == {"mass_kg": ["Give zero or more; -3 is negative."]}
    scrapped = client.post(
        f"/events/{event.pk}/wasted-material", {"material": "aluminium", "mass_kg": "120", "route": "open_loop"}
    )
    assert scrapped.status_code == 201, scrapped.content
    assert (scrapped.json()["kg_co2e"], scrapped.json()["material_factor"]) == ("1094.470", "19_504_5104_15_1")
    energy = client.post(f"/events/{event.pk}/extra-energy", {"carrier": "electricity", "quantity": "250"})
    assert energy.json()["kg_co2e"] == "44.250"
    totals = client.get(f"/events/{event.pk}/costs").json()
    assert (totals["total"], totals["kg_co2e"], totals["mass_kg"], totals["currency"]) == (
        "95.50",
        "1138.720",
        "120.000",
        "EUR",
    )
    assert client.delete(f"/events/{event.pk}/costs/cost/{cost.json()['id']}").status_code == 204
    assert client.get(f"/events/{event.pk}/costs").json()["total"] == "0.00"
    assert_problem(api(outsider).get(f"/events/{event.pk}/costs"), 404, "not-found")
    maps = client.get("/material-factors").json()
    assert [m["code"] for m in maps][:2] == ["aluminium", "cardboard"]


def test_the_mapping_is_changed_by_an_all_sites_manager(library, web, api, manager, owner, north):
    from tests.conftest import assert_problem

    client = api(manager)
    costs.ensure_impact_defaults(by=manager)
    steel = client.get("/material-factors").json()
    version = next(m["version"] for m in steel if m["code"] == "steel")
    changed = client.post(
        "/material-factors",
        {
            "code": "steel",
            "label": "Steel",
            "material_activity": "Metal: scrap metal › Primary material production",
            "waste_activity": "Metal: scrap metal",
            "version": version,
        },
    )
    assert changed.status_code == 200, changed.content
    event = scrap(manager, north)
    line = costs.material_add(by=manager, event=event, material="steel", mass_kg="1000", route="open_loop")
    assert line.kg_co2e == Decimal("3477.805")  # 3473.11953 + 4.68568 per tonne
    assert_problem(api(owner).post("/material-factors", {**changed.json(), "label": "Acier"}), 403, "forbidden")
    page = web(manager).get("/improvement/impact-factors").content.decode()
    assert "Metal: scrap metal › Primary material production" in page
