"""API of the GHG inventory: monthly CO2e by scope and site, one figure's calculation, sources, instruments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.factors.selectors import factor_get
from ims.ghg import inventory, selectors, services, tracing
from ims.monitoring.selectors import series_get
from ims.org.selectors import site_get

router = Router(tags=["GHG inventory"])


class MonthlyRow(Schema):
    month: str
    site_id: int
    scope: str  # "1", "2-location", "2-market", "3"
    kg_co2e: float


class MonthlyOut(Schema):
    year: int
    gwp_set: str
    rows: list[MonthlyRow]


@router.get("/ghg/monthly", response=MonthlyOut, summary="CO2e per month, site and scope (scope 2 both ways)")
def monthly(request: ApiRequest, year: int, site_id: int | None = None) -> Any:
    site_ids = selectors.site_ids_for(request.auth, site_id)
    rows = inventory.monthly(year=year, site_ids=site_ids)
    return {"year": year, "gwp_set": inventory.gwp_set(), "rows": rows}


class StepOut(Schema):
    title: str
    lines: list[str]
    link: str


class CalculationOut(Schema):
    source_id: int
    series: str
    month: str
    method: str
    gwp_set: str
    kg_co2e: Decimal
    steps: list[StepOut]


@router.get("/ghg/calculation", response=CalculationOut, summary="One figure, step by step")
def calculation(request: ApiRequest, source_id: int, month: str, method: str = inventory.LOCATION) -> Any:
    source = selectors.source_get(request.auth, source_id)
    first = dt.date.fromisoformat(f"{month[:7]}-01")
    t = tracing.trace(source=source, month=first, method=method)
    return {
        "source_id": source.pk,
        "series": source.series.reference,
        "month": month[:7],
        "method": method,
        "gwp_set": t.gwp_set,
        "kg_co2e": t.kg_co2e,
        "steps": [{"title": s.title, "lines": s.lines, "link": s.link} for s in t.steps],
    }


class SourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    series_id: int
    year: int
    scope: str
    scope3_category: int | None
    factor_id: int
    market_factor_id: int | None
    notes: str
    version: int


class SourceIn(Schema):
    series_id: int
    year: int
    scope: str
    scope3_category: int | None = None
    factor_id: int
    market_factor_id: int | None = None
    notes: str = ""


class SourcePatch(Schema):
    version: int
    scope: str | None = None
    scope3_category: int | None = None
    factor_id: int | None = None
    market_factor_id: int | None = None
    notes: str | None = None


def _factors(request: ApiRequest, fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("factor", "market_factor"):
        if f"{name}_id" in fields:
            pk = fields.pop(f"{name}_id")
            fields[name] = factor_get(request.auth, pk) if pk is not None else None
    return fields


@router.get("/ghg/sources", response=list[SourceOut])
def list_sources(request: ApiRequest, year: int | None = None) -> Any:
    qs = selectors.sources_visible_to(request.auth)
    return list(qs.filter(year=year) if year is not None else qs)


@router.post("/ghg/sources", response={201: SourceOut})
def create_source(request: ApiRequest, payload: SourceIn) -> Status[Any]:
    fields = _factors(request, payload.dict())
    series = series_get(request.auth, fields.pop("series_id"))
    return Status(201, services.source_create(by=request.auth, series=series, **fields))


@router.patch("/ghg/sources/{source_id}", response=SourceOut)
def update_source(request: ApiRequest, source_id: int, payload: SourcePatch) -> Any:
    fields = _factors(request, payload.dict(exclude_unset=True))
    version = fields.pop("version")
    source = selectors.source_get(request.auth, source_id)
    return services.source_update(by=request.auth, source=source, version=version, **fields)


@router.delete("/ghg/sources/{source_id}", response={204: None})
def delete_source(request: ApiRequest, source_id: int) -> Status[None]:
    services.source_delete(by=request.auth, source=selectors.source_get(request.auth, source_id))
    return Status(204, None)


class InstrumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    kind: str
    reference: str
    period_from: dt.date
    period_to: dt.date
    mwh: Decimal
    kg_co2e_per_kwh: Decimal
    evidence: str
    version: int


class InstrumentIn(Schema):
    site_id: int
    kind: str
    reference: str
    period_from: dt.date
    period_to: dt.date
    mwh: Decimal
    kg_co2e_per_kwh: Decimal
    evidence: str


class InstrumentPatch(Schema):
    version: int
    kind: str | None = None
    reference: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    mwh: Decimal | None = None
    kg_co2e_per_kwh: Decimal | None = None
    evidence: str | None = None


@router.get("/ghg/instruments", response=list[InstrumentOut])
def list_instruments(request: ApiRequest) -> Any:
    return list(selectors.instruments_visible_to(request.auth))


@router.post("/ghg/instruments", response={201: InstrumentOut})
def create_instrument(request: ApiRequest, payload: InstrumentIn) -> Status[Any]:
    fields = payload.dict()
    site = site_get(request.auth, fields.pop("site_id"))
    return Status(201, services.instrument_create(by=request.auth, site=site, **fields))


@router.patch("/ghg/instruments/{instrument_id}", response=InstrumentOut)
def update_instrument(request: ApiRequest, instrument_id: int, payload: InstrumentPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    instrument = selectors.instrument_get(request.auth, instrument_id)
    return services.instrument_update(by=request.auth, instrument=instrument, version=version, **fields)


@router.delete("/ghg/instruments/{instrument_id}", response={204: None})
def delete_instrument(request: ApiRequest, instrument_id: int) -> Status[None]:
    services.instrument_delete(by=request.auth, instrument=selectors.instrument_get(request.auth, instrument_id))
    return Status(204, None)
