"""The demo's emission sources: every monitoring demo meter in the inventory for each year of its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ims.demo.loader import DemoContext
from ims.ghg import dashboard, inventory
from ims.ghg.demo import SOURCES, step_ghg
from ims.ghg.models import ContractualInstrument, EmissionSource
from ims.monitoring.demo import milestones, step_monitoring
from ims.org.models import Site

pytestmark = pytest.mark.usefixtures("shipped")


@pytest.fixture
def demo(db, admin):
    sites = {
        "LYO": Site.objects.create(code="LYO", name="Lyon", country="FR", time_zone="Europe/Paris"),
        "BRQ": Site.objects.create(code="BRQ", name="Brno", country="CZ", time_zone="Europe/Prague"),
    }
    ctx = DemoContext(admin=admin, sites=sites)
    step_monitoring(ctx)
    step_ghg(ctx)
    return ctx


def test_the_demo_wires_its_meters_for_every_year_with_that_years_desnz_factors(demo):
    when = milestones()
    years = list(range(when.start.year, when.today.year + 1))
    assert set(EmissionSource.objects.values_list("series__reference", flat=True)) == set(SOURCES)
    for source in EmissionSource.objects.select_related("factor"):
        assert source.factor.year == (2024 if source.year <= 2024 else 2025), source
    assert sorted(set(EmissionSource.objects.values_list("year", flat=True))) == years
    assert sorted(ContractualInstrument.objects.values_list("period_to__year", flat=True)) == years
    scopes = {f.scope_key for f in inventory.figures(year=when.today.year)}
    assert scopes == {"1", "2-location", "2-market", "3"}
    assert dashboard.left_out(site_ids=[s.pk for s in demo.sites.values()]) == []  # gas is billed in kWh


def test_the_refrigerant_leak_is_its_months_scope_1_figure_worked_out_from_the_top_ups(demo):
    """11.5 kg of R410A at DESNZ's 1,924 kg CO2e/kg, plus the second top-up when it falls in the same month."""
    when = milestones()
    month = when.leak.replace(day=1)
    figures = [
        f
        for f in inventory.figures(year=month.year, scope="1")
        if f.source.series.reference == "LYO-REFR-CH2" and f.month == month
    ]
    kg = Decimal("11.5") + (Decimal("4.0") if when.leak_repair.replace(day=1) == month else 0)
    assert [(f.quantity, f.kg_co2e) for f in figures] == [(kg, kg * 1924)]


def test_scope_3_waste_falls_after_the_segregation(demo):
    """Landfill at 520.5327 kg CO2e/t becomes recycling at 4.68568: the monthly waste figure drops by half or more."""
    when = milestones()

    def waste_kg(month: dt.date) -> Decimal:
        return sum(
            (f.kg_co2e for f in inventory.figures(year=month.year, scope="3") if f.month == month),
            Decimal(0),
        )

    before = (when.segregation - dt.timedelta(days=62)).replace(day=1)
    after = (when.segregation + dt.timedelta(days=62)).replace(day=1)
    assert waste_kg(after) < waste_kg(before) / 2
