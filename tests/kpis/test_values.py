"""KPI values per period from known readings, and their status against target and threshold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ims.core.errors import ValidationFailed
from ims.kpis import selectors, services
from ims.kpis.models import Direction, Formula, Kpi, KpiStatus, Role
from ims.kpis.templates import TEMPLATES
from ims.monitoring.models import Category, WasteRoute
from tests.kpis.conftest import put

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))


def defect_rate(manager: Any, north: Any, defects: Any, production: Any, **fields: Any) -> Kpi:
    return services.kpi_create_from_template(
        by=manager,
        template="defect_rate",
        fill={"defects": [defects], "production": [production]},
        **{"reference": "N-DEFECT-RATE", "site": north, "target": 2.0, "at_risk": 4.0, **fields},
    )


def test_eight_templates_are_shipped() -> None:
    assert [t.key for t in TEMPLATES] == [
        "defect_rate",
        "first_pass_yield",
        "on_time_delivery",
        "complaints_per_million",
        "energy_intensity",
        "co2e_intensity",
        "water_intensity",
        "waste_diversion_rate",
    ]


def test_defect_rate_per_month_with_status(manager: Any, north: Any, defects: Any, production: Any) -> None:
    kpi = defect_rate(manager, north, defects, production)
    result = selectors.values(kpi, periods=[JAN, FEB, MAR, APR])
    # January 10/1000, February (4 + 26)/1000, March 50/1000, April without readings
    assert [v.value for v in result] == [pytest.approx(1.0), pytest.approx(3.0), pytest.approx(5.0), None]
    assert [v.status for v in result] == [
        KpiStatus.ON_TRACK,
        KpiStatus.AT_RISK,
        KpiStatus.OFF_TRACK,
        KpiStatus.NO_DATA,
    ]
    assert [v.label for v in result] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert kpi.scale == 100.0
    assert kpi.unit == "%"
    assert kpi.direction == Direction.LOWER


def test_quarterly_defect_rate(manager: Any, north: Any, defects: Any, production: Any) -> None:
    kpi = defect_rate(manager, north, defects, production, period="quarter")
    (q1,) = selectors.values(kpi, periods=[JAN])
    assert q1.label == "2026 Q1"
    assert q1.value == pytest.approx(3.0)  # 90 defects / 3000 parts


def test_first_pass_yield(manager: Any, north: Any, defects: Any, production: Any) -> None:
    kpi = services.kpi_create_from_template(
        by=manager,
        template="first_pass_yield",
        fill={"output": [production], "defects": [defects], "production": [production]},
        reference="N-FPY",
        site=north,
        target=98.0,
        at_risk=96.0,
    )
    jan, feb = selectors.values(kpi, periods=[JAN, FEB])
    assert jan.value == pytest.approx(99.0)
    assert jan.status == KpiStatus.ON_TRACK
    assert feb.value == pytest.approx(97.0)
    assert feb.status == KpiStatus.AT_RISK


def test_waste_diversion_adds_series_in_different_units(manager: Any, north: Any, make_series: Any) -> None:
    recycled = make_series(
        north, "N-WASTE-REC", Category.WASTE, "kg", waste_stream="non_hazardous", waste_route=WasteRoute.RECYCLING
    )
    landfill = make_series(
        north, "N-WASTE-LF", Category.WASTE, "t", waste_stream="non_hazardous", waste_route=WasteRoute.LANDFILL
    )
    put(recycled, ("2026-01-10T08:00", 300))
    put(landfill, ("2026-01-12T08:00", 0.7))
    kpi = services.kpi_create_from_template(
        by=manager,
        template="waste_diversion_rate",
        fill={"diverted": [recycled], "waste": [recycled, landfill]},
        reference="N-DIVERSION",
        site=north,
        target=50.0,
        at_risk=25.0,
    )
    (jan,) = selectors.values(kpi, periods=[JAN])
    assert jan.value == pytest.approx(30.0)  # 300 kg of 300 kg + 0.7 t
    assert jan.status == KpiStatus.AT_RISK


def test_single_series_kpi_and_difference(manager: Any, north: Any, defects: Any, production: Any) -> None:
    single = services.kpi_create(
        by=manager,
        terms=[(Role.NUMERATOR, production, 1)],
        reference="N-OUTPUT",
        name="Output",
        site=north,
        formula=Formula.SINGLE,
        unit="parts",
        direction=Direction.HIGHER,
        target=900,
        at_risk=800,
    )
    good = services.kpi_create(
        by=manager,
        terms=[(Role.NUMERATOR, production, 1), (Role.NUMERATOR, defects, -1)],
        reference="N-GOOD",
        name="Good parts",
        site=north,
        formula=Formula.DIFFERENCE,
        unit="parts",
        direction=Direction.HIGHER,
        target=980,
        at_risk=950,
    )
    assert [v.value for v in selectors.values(single, periods=[JAN, FEB])] == [1000.0, 1000.0]
    assert [(v.value, v.status) for v in selectors.values(good, periods=[JAN, FEB])] == [
        (990.0, KpiStatus.ON_TRACK),
        (970.0, KpiStatus.AT_RISK),
    ]


def test_status_boundaries_when_higher_is_better(manager: Any, north: Any, production: Any) -> None:
    kpi = Kpi(direction=Direction.HIGHER, target=95.0, at_risk=90.0)
    assert selectors.status_of(kpi, 95.0) == KpiStatus.ON_TRACK
    assert selectors.status_of(kpi, 94.9) == KpiStatus.AT_RISK
    assert selectors.status_of(kpi, 90.0) == KpiStatus.AT_RISK
    assert selectors.status_of(kpi, 89.9) == KpiStatus.OFF_TRACK
    assert selectors.status_of(kpi, None) == KpiStatus.NO_DATA


def test_it_refuses_a_threshold_on_the_wrong_side(manager: Any, north: Any, defects: Any, production: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        defect_rate(manager, north, defects, production, at_risk=1.0)
    assert caught.value.errors["at_risk"] == [
        "When lower is better the at-risk threshold must not be below the target."
    ]


def test_it_refuses_a_series_of_the_wrong_kind(manager: Any, north: Any, production: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.kpi_create_from_template(
            by=manager,
            template="defect_rate",
            fill={"defects": [production], "production": [production]},
            reference="N-X",
            site=north,
            target=2.0,
            at_risk=4.0,
        )
    assert caught.value.errors["defects"] == ["N-PROD is not a series of the kind “Defective units” needs."]


def test_it_refuses_a_ratio_without_denominator(manager: Any, north: Any, defects: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.kpi_create(
            by=manager,
            terms=[(Role.NUMERATOR, defects, 1)],
            reference="N-BAD",
            name="Bad",
            site=north,
            formula=Formula.RATIO,
            unit="%",
            direction=Direction.LOWER,
            target=1,
            at_risk=2,
        )
    assert caught.value.errors["terms"] == [
        "A “Ratio of series” KPI takes at least one series above and one below the fraction bar."
    ]


def test_a_process_owner_cannot_define_an_organisation_wide_kpi(
    owner: Any, north: Any, defects: Any, production: Any
) -> None:
    from ims.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.kpi_create_from_template(
            by=owner,
            template="defect_rate",
            fill={"defects": [defects], "production": [production]},
            reference="ORG-DEF",
            site=None,
            target=2.0,
            at_risk=4.0,
        )


def test_site_kpis_are_hidden_from_other_sites(
    manager: Any, outsider: Any, north: Any, defects: Any, production: Any
) -> None:
    kpi = defect_rate(manager, north, defects, production)
    assert not selectors.kpis_visible_to(outsider).filter(pk=kpi.pk).exists()
    assert selectors.kpis_visible_to(manager).filter(pk=kpi.pk).exists()


def test_objective_progress_comes_from_its_kpi(manager: Any, north: Any, defects: Any, production: Any) -> None:
    from decimal import Decimal

    from ims.objectives.services import objective_create

    objective = objective_create(
        by=manager,
        site=north,
        title="Halve the defect rate",
        standards=["iso9001"],
        baseline_value=Decimal("4.0"),
        baseline_date=dt.date(2026, 1, 1),
        target_value=Decimal("2.0"),
        unit="%",
        direction="decrease",
        deadline=dt.date(2026, 12, 31),
        plan_what="SPC on the worst part numbers.",
    )
    kpi = defect_rate(manager, north, defects, production)
    assert selectors.progress_for(objective, today=dt.date(2026, 3, 15)) is None
    services.kpi_link(by=manager, kpi=kpi, objectives=[objective])
    result = selectors.progress_for(objective, today=dt.date(2026, 3, 15))
    assert result is not None
    assert result.value.label == "2026-02"
    assert result.value.value == pytest.approx(3.0)
    assert result.progress == Decimal("50.0")  # from 4 % towards 2 %, at 3 %
    assert result.status == "on_track"
