"""A site's own emission factor serves that site's sources only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ims.core.errors import ValidationFailed
from ims.factors.services import factor_create
from ims.ghg import services
from ims.ghg.models import EmissionSource

pytestmark = pytest.mark.usefixtures("shipped")


def _own_factor(manager: Any, site: Any) -> Any:
    return factor_create(
        by=manager,
        site=site,
        year=2025,
        region="GB",
        scope="2",
        category="electricity",
        activity="Electricity: supplier contract of the north plant",
        activity_unit="kWh",
        co2e=Decimal("0.15"),
        gwp_set="AR5",
    )


def test_another_sites_own_factor_is_refused_and_not_offered(manager, north, south, make_series, web):
    theirs = _own_factor(manager, north)
    meter = make_series(south, "S-ELEC-MAIN")
    with pytest.raises(ValidationFailed) as refused:
        services.source_create(by=manager, series=meter, year=2025, scope="2", factor=theirs)
    assert refused.value.errors == {"factor": ["This factor is North plant's own; S-ELEC-MAIN is at South plant."]}
    assert not EmissionSource.objects.exists()
    page = web(manager).get(f"/ghg/sources/new?series={meter.pk}").content.decode()
    assert "Electricity generated › Electricity: UK" in page  # the grid factor is offered for the south meter …
    assert "supplier contract of the north plant" not in page  # … the north plant's own is not


def test_a_sites_own_factor_serves_its_own_sources(manager, north, elec):
    ours = _own_factor(manager, north)
    source = services.source_create(by=manager, series=elec, year=2025, scope="2", factor=ours)
    assert source.factor == ours
