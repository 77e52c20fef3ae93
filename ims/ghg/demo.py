"""Demo data: the monitoring demo's meters as emission sources with DESNZ 2025 factors, and a REGO for Lyon.

The shipped library has no French or Czech grid factor, so both plants use
the UK grid average as a stand-in and say so in the source's notes — the
point of the demo is the traceable calculation, not the country's grid mix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.factors.loader import load
from ims.factors.models import EmissionFactor
from ims.ghg import services
from ims.ghg.models import InstrumentKind, Scope, Scope3Category
from ims.monitoring.models import Series

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

# series reference → (scope, scope 3 category, DESNZ 2025 factor id)
SOURCES: dict[str, tuple[str, int | None, str]] = {
    "LYO-ELEC-MAIN": (Scope.SCOPE_2, None, "7_400_4000_5_1"),
    "BRQ-ELEC-MAIN": (Scope.SCOPE_2, None, "7_400_4000_5_1"),
    "LYO-GAS-MAIN": (Scope.SCOPE_1, None, "1_100_1004_1_1"),
    "BRQ-GAS-MAIN": (Scope.SCOPE_1, None, "1_100_1004_1_1"),
    "LYO-FUEL-DIESEL": (Scope.SCOPE_1, None, "1_101_1011_8_1"),
    "LYO-WASTE-SWARF": (Scope.SCOPE_3, Scope3Category.WASTE, "20_504_5366_15_1"),
    "LYO-WASTE-GENERAL": (Scope.SCOPE_3, Scope3Category.WASTE, "20_507_5313_15_1"),
}
STAND_IN = "No grid factor for this country is shipped; the UK grid average stands in until the supplier's is set."


def step_ghg(ctx: DemoContext) -> None:
    by = ctx.users.get("marie.dubois", ctx.admin)
    if not EmissionFactor.objects.filter(source__key="uk-desnz-2025").exists():
        load(by=by)
    factors = {f.external_id: f for f in EmissionFactor.objects.filter(source__key="uk-desnz-2025")}
    today = timezone.localdate()
    years = sorted({today.year, (today - dt.timedelta(days=120)).year})
    series = {s.reference: s for s in Series.objects.select_related("site").filter(reference__in=list(SOURCES))}
    for reference, (scope, category, factor_id) in SOURCES.items():
        s = series.get(reference)
        if s is None or factor_id not in factors:
            continue
        for year in years:
            services.source_create(
                by=by,
                series=s,
                year=year,
                scope=scope,
                scope3_category=category,
                factor=factors[factor_id],
                notes=STAND_IN if scope == Scope.SCOPE_2 else "",
            )
    lyon = ctx.sites.get("LYO")
    if lyon is not None:
        services.instrument_create(
            by=by,
            site=lyon,
            kind=InstrumentKind.GO,
            reference=f"GO-FR-{today.year}-0042",
            period_from=dt.date(years[0], 1, 1),
            period_to=dt.date(today.year, 12, 31),
            mwh=Decimal("150"),
            kg_co2e_per_kwh=Decimal("0"),
            evidence="Guarantees of Origin cancelled in the registry for the Lyon plant (hydro); statement on file.",
        )
