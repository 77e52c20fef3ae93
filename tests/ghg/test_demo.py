"""The demo's emission sources: every monitoring demo meter in the inventory, with figures to show."""

from __future__ import annotations

import pytest

from ims.demo.loader import DemoContext
from ims.ghg import inventory
from ims.ghg.demo import SOURCES, step_ghg
from ims.ghg.models import ContractualInstrument, EmissionSource
from ims.monitoring.demo import step_monitoring
from ims.org.models import Site

pytestmark = pytest.mark.usefixtures("shipped")


def test_the_demo_wires_its_meters_with_desnz_2025_factors(db, admin):
    sites = {
        "LYO": Site.objects.create(code="LYO", name="Lyon", country="FR", time_zone="Europe/Paris"),
        "BRQ": Site.objects.create(code="BRQ", name="Brno", country="CZ", time_zone="Europe/Prague"),
    }
    ctx = DemoContext(admin=admin, sites=sites)
    step_monitoring(ctx)
    step_ghg(ctx)
    references = set(EmissionSource.objects.values_list("series__reference", flat=True))
    assert references == set(SOURCES)
    assert set(EmissionSource.objects.values_list("factor__year", flat=True)) == {2025}
    assert ContractualInstrument.objects.get().site == sites["LYO"]
    year = max(EmissionSource.objects.values_list("year", flat=True))
    scopes = {f.scope_key for f in inventory.figures(year=year)}
    assert scopes == {"1", "2-location", "2-market", "3"}
