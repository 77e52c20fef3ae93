"""API of the emission factor library: factors (list, detail, own factors' create/update/archive, import),
sources with their citation and licence, GWP values, and the CO2e calculation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.factors import selectors, services
from ims.factors.calculation import co2e_for
from ims.factors.importing import import_factors
from ims.factors.models import EmissionFactor, FactorSource
from ims.org.selectors import site_get

router = Router(tags=["emission factors"])


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


class SourceOut(BaseModel):
    key: str
    publisher: str
    title: str
    edition: str
    year: int
    licence: str
    licence_url: str
    attribution: str
    url: str
    gwp_set: str
    source_file: str
    sha256: str
    provenance: dict[str, Any]
    notes: str

    @classmethod
    def of(cls, source: FactorSource) -> SourceOut:
        return cls(**{name: getattr(source, name) for name in cls.model_fields})


class FactorOut(BaseModel):
    """Figures are exact decimal text, as published."""

    id: int
    source: str | None
    external_id: str
    year: int
    region: str
    scope: str
    category: str
    activity: str
    level_1: str
    level_2: str
    level_3: str
    level_4: str
    column_text: str
    activity_unit: str
    source_unit: str
    co2e: str | None
    co2e_unit: str
    co2: str | None
    ch4: str | None
    n2o: str | None
    gas_basis: str
    co2_unit: str
    ch4_unit: str
    n2o_unit: str
    gwp_set: str
    market_based: bool
    site_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source_ref: str
    citation: str
    notes: str
    shipped: bool
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int

    @classmethod
    def of(cls, f: EmissionFactor) -> FactorOut:
        data = {name: getattr(f, name) for name in cls.model_fields if name not in ("source",)}
        for name in ("co2e", "co2", "ch4", "n2o"):
            data[name] = _text(getattr(f, name))
        return cls(**data, source=f.source.key if f.source is not None else None)


class FactorIn(Schema):
    site_id: int | None = None
    external_id: str = ""
    year: int
    region: str
    scope: str
    category: str
    activity: str
    activity_unit: str
    source_unit: str = ""
    co2e: Decimal
    co2: Decimal | None = None
    ch4: Decimal | None = None
    n2o: Decimal | None = None
    gwp_set: str
    market_based: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    citation: str = ""
    notes: str = ""


class FactorPatch(Schema):
    version: int
    year: int | None = None
    region: str | None = None
    scope: str | None = None
    category: str | None = None
    activity: str | None = None
    activity_unit: str | None = None
    source_unit: str | None = None
    co2e: Decimal | None = None
    co2: Decimal | None = None
    ch4: Decimal | None = None
    n2o: Decimal | None = None
    gwp_set: str | None = None
    market_based: bool | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    citation: str | None = None
    notes: str | None = None


class VersionIn(Schema):
    version: int


class CalculationIn(Schema):
    quantity: Decimal
    unit: str
    gwp_set: str | None = None


class CalculationOut(BaseModel):
    factor_id: int
    quantity: str
    unit: str
    activity_quantity: str
    activity_unit: str
    kg_co2e: str
    gwp_set: str
    parts: dict[str, str]
    explanation: str


class GwpOut(BaseModel):
    gwp_set: str
    gas: str
    value: str
    source: str


# Fixed paths come before the /{id} routes: Ninja matches in order.


@router.get("/factors", response=Page[FactorOut])
def list_factors(
    request: ApiRequest,
    q: str = "",
    source: str = "",
    year: int | None = None,
    region: str = "",
    scope: str = "",
    category: str = "",
    site_id: int | None = None,
    market_based: bool | None = None,
    archived: bool = False,
    sort: str = "activity",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.factor_list(
        request.auth,
        q=q,
        source=source,
        year=year,
        region=region,
        scope=scope,
        category=category,
        site_id=site_id,
        market_based=market_based,
        archived=archived,
        sort=sort,
    )
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [FactorOut.of(f) for f in page["items"]]
    return page


@router.get("/factors/sources", response=list[SourceOut], summary="Published factor sets with citation and licence")
def list_sources(request: ApiRequest) -> Any:
    return [SourceOut.of(s) for s in selectors.sources()]


@router.get("/factors/gwp", response=list[GwpOut], summary="100-year GWP values (AR4, AR5, AR6)")
def list_gwp(request: ApiRequest, gwp_set: str = "") -> Any:
    return [
        GwpOut(gwp_set=g.gwp_set, gas=g.gas, value=format(g.value, "f"), source=g.source.key)
        for g in selectors.gwp_values(gwp_set)
        if g.value is not None
    ]


@router.post("/factors/import", response=ImportOut, summary="Import own factors from CSV or XLSX (all or nothing)")
def import_factor_file(request: ApiRequest, file: File[UploadedFile]) -> Any:
    return ImportOut.of(import_factors(by=request.auth, stream=file.open("rb")))


@router.get("/factors/{factor_id}", response=FactorOut)
def get_factor(request: ApiRequest, factor_id: int) -> Any:
    return FactorOut.of(selectors.factor_get(request.auth, factor_id))


@router.post("/factors", response={201: FactorOut})
def create_factor(request: ApiRequest, payload: FactorIn) -> Status[Any]:
    fields = payload.dict()
    site_id = fields.pop("site_id")
    site = site_get(request.auth, site_id) if site_id is not None else None
    return Status(201, FactorOut.of(services.factor_create(by=request.auth, site=site, **fields)))


@router.patch("/factors/{factor_id}", response=FactorOut)
def update_factor(request: ApiRequest, factor_id: int, payload: FactorPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    factor = selectors.factor_get(request.auth, factor_id)
    return FactorOut.of(services.factor_update(by=request.auth, factor=factor, version=version, **fields))


@router.post("/factors/{factor_id}/archive", response=FactorOut)
def archive_factor(request: ApiRequest, factor_id: int, payload: VersionIn) -> Any:
    factor = selectors.factor_get(request.auth, factor_id)
    return FactorOut.of(services.factor_archive(by=request.auth, factor=factor, version=payload.version))


@router.post("/factors/{factor_id}/calculate", response=CalculationOut, summary="kg CO2e of a quantity, step by step")
def calculate(request: ApiRequest, factor_id: int, payload: CalculationIn) -> Any:
    factor = selectors.factor_get(request.auth, factor_id)
    result = co2e_for(payload.quantity, payload.unit, factor, gwp_set=payload.gwp_set)
    return CalculationOut(
        factor_id=factor.pk,
        quantity=format(result.quantity, "f"),
        unit=result.unit,
        activity_quantity=format(result.activity_quantity, "f"),
        activity_unit=factor.activity_unit,
        kg_co2e=format(result.kg_co2e, "f"),
        gwp_set=result.gwp_set,
        parts={gas: format(v, "f") for gas, v in result.parts.items()},
        explanation=result.explanation,
    )
