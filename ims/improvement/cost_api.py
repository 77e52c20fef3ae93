"""API of the cost of poor quality, the analysis of the register and the effectiveness checks due.

An ERP pushes what an event cost (failure costs in any currency, with the rate
used when it is not the reporting currency); an MES pushes the material
scrapped and the extra energy, whose kg CO2e IMS computes with the emission
factor library and returns with the calculation. Mounted on the improvement
router.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from ims.accounts.permissions import visible
from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import ValidationFailed
from ims.improvement import analysis, costs, selectors
from ims.improvement.models import (
    OPEN_STATUSES,
    EffectivenessCheck,
    ExtraEnergy,
    FailureCost,
    WastedMaterial,
)

router = Router(tags=["improvement"])


# --- schemas ---------------------------------------------------------------------------


class FailureCostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: str
    internal: bool
    description: str
    amount: Decimal
    currency: str
    rate: Decimal | None
    amount_reporting: Decimal
    reporting_currency: str
    recorded_by_id: int
    created_at: dt.datetime


class WastedMaterialOut(BaseModel):
    id: int
    material: str
    mass_kg: Decimal
    route: str
    description: str
    containment_id: int | None
    factor_year: int
    material_factor: str
    disposal_factor: str
    material_kg_co2e: Decimal
    disposal_kg_co2e: Decimal
    kg_co2e: Decimal
    calculation: str
    created_at: dt.datetime


class ExtraEnergyOut(BaseModel):
    id: int
    carrier: str
    quantity: Decimal
    unit: str
    description: str
    factor_year: int
    factor: str
    kg_co2e: Decimal
    calculation: str
    created_at: dt.datetime


class EventCostsOut(BaseModel):
    event_id: int
    currency: str
    internal: Decimal
    external: Decimal
    total: Decimal
    kg_co2e: Decimal
    mass_kg: Decimal
    costs: list[FailureCostOut]
    wasted_materials: list[WastedMaterialOut]
    extra_energy: list[ExtraEnergyOut]


class FailureCostIn(Schema):
    category: str
    amount: Decimal
    currency: str = ""
    rate: Decimal | None = None
    description: str = ""


class WastedMaterialIn(Schema):
    material: str
    mass_kg: Decimal | None = None
    route: str
    description: str = ""
    containment_id: int | None = None


class ExtraEnergyIn(Schema):
    carrier: str
    quantity: Decimal
    unit: str = ""
    description: str = ""


class MaterialMapOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    material_activity: str
    waste_activity: str
    region: str
    active: bool
    version: int


class MaterialMapIn(Schema):
    code: str
    label: str
    material_activity: str
    waste_activity: str
    region: str = "GB"
    active: bool = True
    version: int | None = None


class EnergyMapOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    label: str
    category: str
    activity: str
    factor_unit: str
    scope: str
    by_site_country: bool
    region: str
    active: bool
    version: int


class EnergyMapIn(Schema):
    code: str
    label: str
    category: str
    factor_unit: str
    activity: str = ""
    scope: str = ""
    by_site_country: bool = False
    region: str = "GB"
    active: bool = True
    version: int | None = None


class ParetoBarOut(BaseModel):
    key: str
    label: str
    events: int
    share: Decimal
    cumulative: Decimal


class ParetoOut(BaseModel):
    by: str
    total: int
    unclassified: int
    bars: list[ParetoBarOut]


class MonthFlowOut(BaseModel):
    month: str
    reported: int
    closed: int
    open_at_end: int


class AgeBucketOut(BaseModel):
    label: str
    fewest_days: int
    most_days: int | None
    events: int


class ClosingOut(BaseModel):
    type: str
    label: str
    events: int
    average_days: Decimal | None


class OverdueOut(BaseModel):
    event_id: int
    reference: str
    title: str
    due: dt.date
    days_late: int
    late: str


class RecurrenceOut(BaseModel):
    process: str
    cause: str
    events: int
    still_open: int
    first: dt.datetime
    last: dt.datetime
    references: list[str]


class CostRowOut(BaseModel):
    key: str
    label: str
    internal: Decimal
    external: Decimal
    total: Decimal
    kg_co2e: Decimal
    mass_kg: Decimal


class CostTotalsOut(BaseModel):
    by: str
    currency: str
    rows: list[CostRowOut]
    total: CostRowOut
    other_currency_events: int


class AnalysisOut(BaseModel):
    since: dt.date
    until: dt.date
    site_id: int | None
    today: dt.date
    pareto: dict[str, ParetoOut]
    flow: list[MonthFlowOut]
    ageing: list[AgeBucketOut]
    open_now: int
    days_to_close: list[ClosingOut]
    overdue_total: int
    overdue: list[OverdueOut]
    recurrences: list[RecurrenceOut]
    costs: dict[str, CostTotalsOut]


class CheckListOut(BaseModel):
    id: int
    action_id: int
    event_id: int
    event_reference: str
    criterion: str
    due: dt.date
    result: str
    checked_at: dt.datetime | None


# --- building the answers --------------------------------------------------------------


def _material_out(line: WastedMaterial) -> WastedMaterialOut:
    return WastedMaterialOut(
        id=line.pk,
        material=line.material.code,
        mass_kg=line.mass_kg,
        route=line.route,
        description=line.description,
        containment_id=line.containment_id,
        factor_year=line.factor_year,
        material_factor=line.material_factor.external_id,
        disposal_factor=line.disposal_factor.external_id,
        material_kg_co2e=line.material_kg_co2e,
        disposal_kg_co2e=line.disposal_kg_co2e,
        kg_co2e=line.kg_co2e,
        calculation=line.calculation,
        created_at=line.created_at,
    )


def _energy_out(line: ExtraEnergy) -> ExtraEnergyOut:
    return ExtraEnergyOut(
        id=line.pk,
        carrier=line.carrier.code,
        quantity=line.quantity,
        unit=line.unit,
        description=line.description,
        factor_year=line.factor_year,
        factor=line.factor.external_id,
        kg_co2e=line.kg_co2e,
        calculation=line.calculation,
        created_at=line.created_at,
    )


def _cost_out(line: FailureCost) -> FailureCostOut:
    return FailureCostOut.model_validate(line)


def _row_out(row: analysis.CostRow) -> CostRowOut:
    return CostRowOut(
        key=row.key,
        label=row.label,
        internal=row.internal,
        external=row.external,
        total=row.money,
        kg_co2e=row.kg_co2e,
        mass_kg=row.mass_kg,
    )


def _analysis_out(data: analysis.Analysis) -> AnalysisOut:
    core = data.core
    return AnalysisOut(
        since=data.window.since,
        until=data.window.until,
        site_id=data.window.site_id,
        today=data.today,
        pareto={
            by: ParetoOut(
                by=p.by,
                total=p.total,
                unclassified=p.unclassified,
                bars=[ParetoBarOut(**vars(b)) for b in p.bars],
            )
            for by, p in core.paretos.items()
        },
        flow=[
            MonthFlowOut(month=m.label, reported=m.reported, closed=m.closed, open_at_end=m.open_at_end)
            for m in data.flow
        ],
        ageing=[AgeBucketOut(**vars(b)) for b in core.ageing],
        open_now=data.open_now,
        days_to_close=[
            ClosingOut(type=c.key, label=c.label, events=c.events, average_days=c.average_days) for c in data.closing
        ],
        overdue_total=data.overdue_total,
        overdue=[
            OverdueOut(
                event_id=o.event.pk,
                reference=o.event.reference,
                title=o.event.title,
                due=o.due,
                days_late=o.days_late,
                late=o.step,
            )
            for o in data.overdue
        ],
        recurrences=[RecurrenceOut(**vars(r)) for r in data.recurrences],
        costs={
            by: CostTotalsOut(
                by=t.by,
                currency=t.currency,
                rows=[_row_out(r) for r in t.rows],
                total=_row_out(t.total),
                other_currency_events=t.other_currency_events,
            )
            for by, t in core.costs.items()
        },
    )


def _costs_out(event_id: int, request: ApiRequest) -> EventCostsOut:
    event = selectors.event_get(request.auth, event_id)
    found = costs.event_costs(event)
    return EventCostsOut(
        event_id=event.pk,
        currency=found.currency,
        internal=found.internal,
        external=found.external,
        total=found.money,
        kg_co2e=found.kg_co2e,
        mass_kg=found.mass_kg,
        costs=[_cost_out(c) for c in found.costs],
        wasted_materials=[_material_out(m) for m in found.materials],
        extra_energy=[_energy_out(e) for e in found.energy],
    )


# --- an event's costs ------------------------------------------------------------------


@router.get("/events/{event_id}/costs", response=EventCostsOut, summary="What an event cost, in money and kg CO2e")
def get_costs(request: ApiRequest, event_id: int) -> Any:
    return _costs_out(event_id, request)


@router.post("/events/{event_id}/costs", response={201: FailureCostOut}, summary="Record a failure cost")
def add_cost(request: ApiRequest, event_id: int, payload: FailureCostIn) -> Status[Any]:
    event = selectors.event_get(request.auth, event_id)
    line = costs.cost_add(by=request.auth, event=event, **payload.dict())
    return Status(201, _cost_out(line))


@router.post(
    "/events/{event_id}/wasted-material",
    response={201: WastedMaterialOut},
    summary="Record material wasted by scrap or rework; its kg CO2e is computed",
)
def add_material(request: ApiRequest, event_id: int, payload: WastedMaterialIn) -> Status[Any]:
    event = selectors.event_get(request.auth, event_id)
    data = payload.dict()
    held = data.pop("containment_id")
    containment = event.containments.filter(pk=held).first() if held is not None else None
    if held is not None and containment is None:
        raise ValidationFailed({"containment_id": [f"{event.reference} has no containment with id {held}."]})
    line = costs.material_add(by=request.auth, event=event, containment=containment, **data)
    return Status(201, _material_out(line))


@router.post(
    "/events/{event_id}/extra-energy",
    response={201: ExtraEnergyOut},
    summary="Record extra energy spent because of the event; its kg CO2e is computed",
)
def add_energy(request: ApiRequest, event_id: int, payload: ExtraEnergyIn) -> Status[Any]:
    event = selectors.event_get(request.auth, event_id)
    line = costs.energy_add(by=request.auth, event=event, **payload.dict())
    return Status(201, _energy_out(line))


@router.delete("/events/{event_id}/costs/{kind}/{line_id}", response={204: None}, summary="Remove a line in error")
def remove_line(request: ApiRequest, event_id: int, kind: str, line_id: int) -> Status[None]:
    event = selectors.event_get(request.auth, event_id)
    costs.line_remove(by=request.auth, kind=kind, line_id=line_id, event=event)
    return Status(204, None)


# --- analysis and checks ---------------------------------------------------------------


@router.get("/event-analysis", response=AnalysisOut, summary="Pareto, flow, ageing, overdue, recurrences, costs")
def get_analysis(
    request: ApiRequest, since: dt.date | None = None, until: dt.date | None = None, site_id: int | None = None
) -> Any:
    today = timezone.localdate()
    default = analysis.Window.last_months(today=today)
    window = analysis.Window(since or default.since, until or default.until, site_id)
    return _analysis_out(analysis.analysis_data(request.auth, window, today=today))


@router.get("/effectiveness-checks", response=Page[CheckListOut], summary="Effectiveness checks, the pending first")
def list_checks(
    request: ApiRequest,
    pending: bool | None = None,
    due_before: dt.date | None = None,
    site_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs: QuerySet[EffectivenessCheck] = visible(
        EffectivenessCheck.objects.select_related("action__event"), request.auth, site_field="action__event__site"
    )
    if pending is True:
        qs = qs.filter(result="", action__event__status__in=OPEN_STATUSES)
    elif pending is False:
        qs = qs.exclude(result="")
    if due_before is not None:
        qs = qs.filter(due__lt=due_before)
    if site_id is not None:
        qs = qs.filter(action__event__site_id=site_id)
    page = paginate(request, qs.order_by("due", "id"), limit=limit, offset=offset)
    page["items"] = [
        CheckListOut(
            id=c.pk,
            action_id=c.action_id,
            event_id=c.action.event_id,
            event_reference=c.action.event.reference,
            criterion=c.criterion,
            due=c.due,
            result=c.result,
            checked_at=c.checked_at,
        )
        for c in page["items"]
    ]
    return page


# --- which factors apply ---------------------------------------------------------------


@router.get("/material-factors", response=list[MaterialMapOut], summary="Which factors each wasted material takes")
def list_material_maps(request: ApiRequest) -> Any:
    return costs.mappings()[0]


@router.post("/material-factors", response=MaterialMapOut, summary="Add or change a material (all-sites change)")
def save_material_map(request: ApiRequest, payload: MaterialMapIn) -> Any:
    return costs.material_map_save(by=request.auth, **payload.dict())


@router.get("/energy-factors", response=list[EnergyMapOut], summary="Which factor each energy carrier takes")
def list_energy_maps(request: ApiRequest) -> Any:
    return costs.mappings()[1]


@router.post("/energy-factors", response=EnergyMapOut, summary="Add or change an energy carrier (all-sites change)")
def save_energy_map(request: ApiRequest, payload: EnergyMapIn) -> Any:
    return costs.energy_map_save(by=request.auth, **payload.dict())
