"""Demo data: the monitoring demo's meters as emission sources for every year of the history, and GOs for Lyon.

Years up to 2024 use the DESNZ 2024 factors, later years the 2025 ones (the
same factor ids in both editions).

The shipped library has no French or Czech grid factor, so both plants use
the UK grid average as a stand-in and say so in the source's notes — the
point of the demo is the traceable calculation, not the country's grid mix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from ims.factors.loader import load
from ims.factors.models import EmissionFactor
from ims.ghg import services
from ims.ghg.models import InstrumentKind, Scope, Scope3Category
from ims.monitoring.demo import milestones
from ims.monitoring.models import Series

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

# series reference → (scope, scope 3 category, DESNZ factor id)
SOURCES: dict[str, tuple[str, int | None, str]] = {
    "LYO-ELEC-MAIN": (Scope.SCOPE_2, None, "7_400_4000_5_1"),
    "BRQ-ELEC-MAIN": (Scope.SCOPE_2, None, "7_400_4000_5_1"),
    "LYO-GAS-MAIN": (Scope.SCOPE_1, None, "1_100_1004_6_1"),
    "BRQ-GAS-MAIN": (Scope.SCOPE_1, None, "1_100_1004_6_1"),
    "LYO-FUEL-DIESEL": (Scope.SCOPE_1, None, "1_101_1011_8_1"),
    "LYO-WASTE-SWARF": (Scope.SCOPE_3, Scope3Category.WASTE, "20_504_5366_15_1"),
    "LYO-WASTE-GENERAL": (Scope.SCOPE_3, Scope3Category.WASTE, "20_507_5313_15_1"),
    "LYO-WASTE-CARD": (Scope.SCOPE_3, Scope3Category.WASTE, "20_506_5450_15_1"),
    "LYO-REFR-CH2": (Scope.SCOPE_1, None, "3_201_2156_3_1"),
}
LATEST = 2025
STAND_IN = "No grid factor for this country is shipped; the UK grid average stands in until the supplier's is set."


def _factor_year(year: int) -> int:
    return 2024 if year <= 2024 else LATEST


def step_ghg(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    keys = {2024: "uk-desnz-2024", LATEST: "uk-desnz-2025"}
    if EmissionFactor.objects.filter(source__key__in=keys.values()).values("source__key").distinct().count() < 2:
        load(by=by)
    factors = {
        (f.year, f.external_id): f
        for f in EmissionFactor.objects.filter(source__key__in=keys.values(), archived_at=None)
    }
    when = milestones()
    years = range(when.start.year, when.today.year + 1)
    series = {s.reference: s for s in Series.objects.select_related("site").filter(reference__in=list(SOURCES))}
    for reference, (scope, category, factor_id) in SOURCES.items():
        s = series.get(reference)
        if s is None:
            continue
        for year in years:
            factor = factors.get((_factor_year(year), factor_id))
            if factor is None:
                continue
            services.source_create(
                by=by,
                series=s,
                year=year,
                scope=scope,
                scope3_category=category,
                factor=factor,
                notes=STAND_IN if scope == Scope.SCOPE_2 else "",
            )
    lyon = ctx.sites.get("LYO")
    if lyon is None:
        return
    for year in years:
        services.instrument_create(
            by=by,
            site=lyon,
            kind=InstrumentKind.GO,
            reference=f"GO-FR-{year}-0042",
            period_from=max(dt.date(year, 1, 1), when.start),
            period_to=dt.date(year, 12, 31),
            mwh=Decimal("150"),
            kg_co2e_per_kwh=Decimal("0"),
            evidence=f"Guarantees of Origin for {year} cancelled in the registry for the Lyon plant (hydro); "
            "statement on file.",
        )
