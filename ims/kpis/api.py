"""API of KPIs (values and status per period), control charts with their signals, and measuring equipment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.kpis import selectors, services
from ims.kpis.models import Equipment, Kpi
from ims.monitoring.selectors import series_get
from ims.org.selectors import site_get

router = Router(tags=["KPIs and SPC"])


class KpiOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    name: str
    site_id: int | None
    template: str
    formula: str
    scale: float
    unit: str
    period: str
    direction: str
    target: float
    at_risk: float
    description: str
    archived_at: dt.datetime | None
    version: int


class ValueOut(Schema):
    start: dt.date
    label: str
    value: float | None
    status: str


class ChartOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    name: str
    series_id: int
    kind: str
    size_series_id: int | None
    subgrouping: str
    subgroup_size: int | None
    baseline_from: dt.datetime
    baseline_to: dt.datetime
    rules: list[str]
    lsl: float | None
    usl: float | None
    archived_at: dt.datetime | None
    version: int


class ChartIn(Schema):
    """A control chart; p, np and u charts take their sample sizes from ``size_series_id``."""

    series_id: int
    size_series_id: int | None = None
    reference: str
    name: str
    kind: str = "I"
    subgrouping: str = ""
    subgroup_size: int | None = None
    baseline_from: dt.datetime
    baseline_to: dt.datetime
    rules: list[str] | None = None
    lsl: float | None = None
    usl: float | None = None


class ChartPatch(Schema):
    version: int
    name: str | None = None
    series_id: int | None = None
    size_series_id: int | None = None
    kind: str | None = None
    subgrouping: str | None = None
    subgroup_size: int | None = None
    baseline_from: dt.datetime | None = None
    baseline_to: dt.datetime | None = None
    rules: list[str] | None = None
    lsl: float | None = None
    usl: float | None = None


class SignalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    chart_id: int
    rule: str
    point_ts: dt.datetime
    description: str
    event_id: int | None


class EquipmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    name: str
    site_id: int
    series_ids: list[int]
    interval_months: int
    last_calibrated_on: dt.date | None
    next_due_on: dt.date | None
    due_on: dt.date | None
    certificate: str
    archived_at: dt.datetime | None
    version: int

    @classmethod
    def of(cls, item: Equipment) -> EquipmentOut:
        data = {name: getattr(item, name) for name in cls.model_fields if name != "series_ids"}
        return cls(series_ids=sorted(s.pk for s in item.series.all()), **data)


class EquipmentIn(Schema):
    site_id: int
    reference: str
    name: str
    series_ids: list[int] = []
    interval_months: int = 12
    last_calibrated_on: dt.date | None = None
    next_due_on: dt.date | None = None
    certificate: str = ""


class EquipmentPatch(Schema):
    version: int
    name: str | None = None
    interval_months: int | None = None
    last_calibrated_on: dt.date | None = None
    next_due_on: dt.date | None = None
    certificate: str | None = None


class VersionIn(Schema):
    version: int


@router.get("/kpis", response=Page[KpiOut])
def list_kpis(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.kpis_visible_to(request.auth).filter(archived_at__isnull=True).order_by("reference", "id")
    return paginate(request, qs, limit=limit, offset=offset)


@router.get("/kpis/{kpi_id}", response=KpiOut)
def get_kpi(request: ApiRequest, kpi_id: int) -> Kpi:
    return selectors.kpi_get(request.auth, kpi_id)


@router.get("/kpis/{kpi_id}/values", response=list[ValueOut], summary="Value and status in the last periods")
def kpi_values(request: ApiRequest, kpi_id: int, periods: int = 12) -> Any:
    kpi = selectors.kpi_get(request.auth, kpi_id)
    starts = selectors.recent_periods(kpi.period, count=max(1, min(periods, 120)), today=timezone.localdate())
    return [
        ValueOut(start=v.start, label=v.label, value=v.value, status=v.status.value)
        for v in selectors.values(kpi, periods=starts)
    ]


@router.get("/charts", response=Page[ChartOut])
def list_charts(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.charts_visible_to(request.auth).filter(archived_at__isnull=True).order_by("reference", "id")
    return paginate(request, qs, limit=limit, offset=offset)


@router.get("/charts/{chart_id}", response=ChartOut)
def get_chart(request: ApiRequest, chart_id: int) -> Any:
    return selectors.chart_get(request.auth, chart_id)


@router.post("/charts", response={201: ChartOut}, summary="Define a control chart (variables or attributes)")
def create_chart(request: ApiRequest, payload: ChartIn) -> Status[Any]:
    fields = payload.dict()
    series = series_get(request.auth, fields.pop("series_id"))
    size_id = fields.pop("size_series_id")
    size_series = series_get(request.auth, size_id) if size_id is not None else None
    if fields["rules"] is None:
        del fields["rules"]
    chart = services.chart_create(by=request.auth, series=series, size_series=size_series, **fields)
    return Status(201, chart)


@router.patch("/charts/{chart_id}", response=ChartOut)
def update_chart(request: ApiRequest, chart_id: int, payload: ChartPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    chart = selectors.chart_get(request.auth, chart_id)
    if "series_id" in fields:
        fields["series"] = series_get(request.auth, fields.pop("series_id"))
    if "size_series_id" in fields:
        size_id = fields.pop("size_series_id")
        fields["size_series"] = series_get(request.auth, size_id) if size_id is not None else None
    return services.chart_update(by=request.auth, chart=chart, version=version, changes=fields)


@router.post("/charts/{chart_id}/archive", response=ChartOut)
def archive_chart(request: ApiRequest, chart_id: int, payload: VersionIn) -> Any:
    chart = selectors.chart_get(request.auth, chart_id)
    return services.chart_archive(by=request.auth, chart=chart, version=payload.version)


@router.get("/charts/{chart_id}/signals", response=list[SignalOut])
def chart_signals(request: ApiRequest, chart_id: int) -> Any:
    chart = selectors.chart_get(request.auth, chart_id)
    return list(chart.signals.all())


@router.post("/signals/{signal_id}/event", response=SignalOut, summary="Open a nonconformity for a signal (once)")
def signal_event(request: ApiRequest, signal_id: int) -> Any:
    signal = selectors.signal_get(request.auth, signal_id)
    services.signal_open_event(by=request.auth, signal=signal)
    signal.refresh_from_db()
    return signal


@router.get("/equipment", response=Page[EquipmentOut])
def list_equipment(request: ApiRequest, limit: int = DEFAULT_LIMIT, offset: int = 0) -> Any:
    qs = selectors.equipment_visible_to(request.auth).filter(archived_at__isnull=True).prefetch_related("series")
    page = paginate(request, qs.order_by("reference", "id"), limit=limit, offset=offset)
    page["items"] = [EquipmentOut.of(item) for item in page["items"]]
    return page


@router.get("/equipment/{item_id}", response=EquipmentOut)
def get_equipment(request: ApiRequest, item_id: int) -> Any:
    return EquipmentOut.of(selectors.equipment_get(request.auth, item_id))


@router.post("/equipment", response={201: EquipmentOut})
def create_equipment(request: ApiRequest, payload: EquipmentIn) -> Status[Any]:
    fields = payload.dict()
    site = site_get(request.auth, fields.pop("site_id"))
    series = [series_get(request.auth, pk) for pk in fields.pop("series_ids")]
    item = services.equipment_create(by=request.auth, site=site, series=series, **fields)
    return Status(201, EquipmentOut.of(item))


@router.patch("/equipment/{item_id}", response=EquipmentOut)
def update_equipment(request: ApiRequest, item_id: int, payload: EquipmentPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    item = selectors.equipment_get(request.auth, item_id)
    return EquipmentOut.of(services.equipment_update(by=request.auth, item=item, version=version, changes=fields))


@router.post("/equipment/{item_id}/archive", response=EquipmentOut)
def archive_equipment(request: ApiRequest, item_id: int, payload: VersionIn) -> Any:
    item = selectors.equipment_get(request.auth, item_id)
    return EquipmentOut.of(services.equipment_archive(by=request.auth, item=item, version=payload.version))
