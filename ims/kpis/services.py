"""The writes of KPIs, control charts, signals and equipment: permission, rules, audit, one transaction each."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record, validate
from ims.core.versioning import claim_version
from ims.kpis.analysis import DataProblem, analyse, attribute_points
from ims.kpis.energy import analyse as analyse_baseline
from ims.kpis.models import (
    SIZED_KINDS,
    AspectMonitoring,
    ChartKind,
    ChartSignal,
    ControlChart,
    EnergyBaseline,
    Equipment,
    Formula,
    Kpi,
    KpiTerm,
    Role,
)
from ims.kpis.templates import BY_KEY
from ims.monitoring import units
from ims.monitoring.models import ReadingKind, Series
from ims.org.models import Site

KPI_FIELDS = ("name", "site", "formula", "scale", "unit", "period", "direction", "target", "at_risk", "description")


# -- KPIs ------------------------------------------------------------------------------------------


def _check_terms(kpi: Kpi, terms: Sequence[tuple[str, Series, int]]) -> None:
    """The formula kind decides which terms are allowed; units on each side must be convertible."""
    top = [t for t in terms if t[0] == Role.NUMERATOR]
    bottom = [t for t in terms if t[0] == Role.DENOMINATOR]
    problems = {
        Formula.SINGLE: len(top) != 1 or bottom or top[0][2] != 1,
        Formula.SUM: len(top) < 2 or bottom or any(sign != 1 for _, _, sign in top),
        Formula.DIFFERENCE: len(top) < 2 or bottom or top[0][2] != 1 or all(sign == 1 for _, _, sign in top),
        Formula.RATIO: not top or not bottom,
    }
    if problems[Formula(kpi.formula)]:
        wanted = {
            Formula.SINGLE: "exactly one series, added",
            Formula.SUM: "two or more series, all added",
            Formula.DIFFERENCE: "a first series added and at least one subtracted",
            Formula.RATIO: "at least one series above and one below the fraction bar",
        }[Formula(kpi.formula)]
        raise ValidationFailed({"terms": [f"A “{kpi.get_formula_display()}” KPI takes {wanted}."]})
    for side in (top, bottom):
        for _, series, _ in side[1:]:
            try:
                units.conversion(series.unit, side[0][1].unit)
            except units.IncompatibleUnit:
                raise ValidationFailed(
                    {"terms": [f"{series.reference} is in {series.unit}, which cannot be added to {side[0][1].unit}."]}
                ) from None
    for _, series, _ in terms:
        if kpi.site_id is not None and series.site_id != kpi.site_id:
            raise ValidationFailed({"terms": [f"{series.reference} belongs to another site than the KPI."]})


@transaction.atomic
def kpi_create(*, by: Any, terms: Sequence[tuple[str, Series, int]], **fields: Any) -> Kpi:
    """Define a KPI; ``terms`` are (role, series, sign) in formula order."""
    site: Site | None = fields.get("site")
    require(by, Action.CREATE, site_id=site.pk if site else None, what="a KPI")
    fields["reference"] = str(fields.get("reference", "")).strip().upper()
    kpi = Kpi(**fields)
    _check_terms(kpi, terms)
    create_record(kpi, by=by)
    KpiTerm.objects.bulk_create(
        KpiTerm(kpi=kpi, role=role, series=series, sign=sign, position=i)
        for i, (role, series, sign) in enumerate(terms)
    )
    return kpi


@transaction.atomic
def kpi_create_from_template(*, by: Any, template: str, fill: Mapping[str, Sequence[Series]], **fields: Any) -> Kpi:
    """A KPI from a shipped template, with the series chosen for each of its roles."""
    shape = BY_KEY.get(template)
    if shape is None:
        raise ValidationFailed({"template": [f"Choose one of: {', '.join(BY_KEY)}."]})
    terms: list[tuple[str, Series, int]] = []
    for role in shape.roles:
        chosen = list(fill.get(role.key) or [])
        if not chosen:
            raise ValidationFailed({role.key: [f"Choose the series for “{role.label}”."]})
        wrong = [s.reference for s in chosen if s.category not in role.categories]
        if wrong:
            raise ValidationFailed(
                {role.key: [f"{', '.join(wrong)} is not a series of the kind “{role.label}” needs."]}
            )
        terms += [(role.side, series, role.sign) for series in chosen]
    defaults = {
        "name": shape.name,
        "formula": shape.formula,
        "scale": shape.scale,
        "unit": shape.unit,
        "direction": shape.direction,
        "description": shape.description,
    }
    return kpi_create(by=by, terms=terms, template=shape.key, **{**defaults, **fields})


@transaction.atomic
def kpi_update(*, by: Any, kpi: Kpi, version: int, changes: Mapping[str, Any]) -> Kpi:
    require(by, Action.CHANGE, site_id=kpi.site_id, what="this KPI")
    unknown = set(changes) - set(KPI_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    return update_record(kpi, by=by, version=version, changes=dict(changes))


@transaction.atomic
def kpi_link(*, by: Any, kpi: Kpi, objectives: Sequence[Any] = (), processes: Sequence[Any] = ()) -> Kpi:
    """Say which objectives a KPI measures and which processes it belongs to (replaces the lists)."""
    require(by, Action.CHANGE, site_id=kpi.site_id, what="this KPI")
    kpi.objectives.set(objectives)
    kpi.processes.set(processes)
    record_change(
        action="link",
        by=by,
        record=kpi,
        changes={"objectives": [o.pk for o in objectives], "processes": [p.pk for p in processes]},
    )
    return kpi


# -- control charts --------------------------------------------------------------------------------


CHART_FIELDS = (
    "name",
    "series",
    "size_series",
    "kind",
    "subgrouping",
    "subgroup_size",
    "baseline_from",
    "baseline_to",
    "rules",
    "lsl",
    "usl",
)


CHART_NAMES = {
    ChartKind.INDIVIDUALS: "An I-MR",
    ChartKind.XBAR_R: "An X̄-R",
    ChartKind.XBAR_S: "An X̄-S",
    ChartKind.P: "A p",
    ChartKind.NP: "An np",
    ChartKind.C: "A c",
    ChartKind.U: "A u",
}


def _chart_rules(rules: Any) -> list[str]:
    from ims.spc.rules import parse_rules

    try:
        chosen = sorted(r.value for r in parse_rules(rules))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed({"rules": [str(exc)]}) from None
    if not chosen:
        raise ValidationFailed({"rules": ["Switch on at least one run rule, or the chart can never signal."]})
    return chosen


def _site_time(fields: dict[str, Any], series: Series) -> None:
    """A baseline moment given without a UTC offset is the local time of the series' site."""
    from zoneinfo import ZoneInfo

    for name in ("baseline_from", "baseline_to"):
        value = fields.get(name)
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            fields[name] = timezone.make_aware(value, ZoneInfo(series.site.time_zone))


def _check_chart(chart: ControlChart) -> None:
    """The series a chart kind needs: measurements, or counts with (p, np, u) or without (c) sizes."""
    kind = ChartKind(chart.kind) if chart.kind in ChartKind.values else None
    if kind is None:
        raise ValidationFailed({"kind": [f"Choose one of: {', '.join(ChartKind.values)}."]})
    size = chart.size_series
    label = CHART_NAMES[kind]
    if kind in SIZED_KINDS and size is None:
        raise ValidationFailed(
            {"size_series": [f"{label} chart takes its sample sizes from a size series (e.g. parts produced)."]}
        )
    if kind not in SIZED_KINDS and size is not None:
        raise ValidationFailed({"size_series": [f"{label} chart has no sample sizes; leave the size series empty."]})
    if size is not None and size.pk == chart.series.pk:
        raise ValidationFailed({"size_series": ["The sizes must come from another series than the counts."]})
    if size is not None and size.site_id != chart.series.site_id:
        raise ValidationFailed({"size_series": [f"{size.reference} belongs to another site than the counts."]})
    if chart.is_attribute:
        for name, series in (("series", chart.series), ("size_series", size)):
            if series is not None and series.reading_kind != ReadingKind.INTERVAL:
                raise ValidationFailed(
                    {name: [f"{series.reference} is not a series of counts per interval, so it cannot be added up."]}
                )
        if chart.lsl is not None or chart.usl is not None:
            field = "lsl" if chart.lsl is not None else "usl"
            raise ValidationFailed(
                {field: ["Specification limits apply to measurements; an attribute chart has no capability."]}
            )


# The fields that decide which readings an attribute chart plots, and how.
DATA_FIELDS = frozenset(
    {"series", "size_series", "kind", "subgrouping", "subgroup_size", "baseline_from", "baseline_to"}
)


def _check_chart_data(chart: ControlChart) -> None:
    """Refuse an attribute chart whose readings it could never plot (negative counts, np with varying sizes …)."""
    if not chart.is_attribute or chart.baseline_from is None or chart.baseline_to is None:
        return
    try:
        attribute_points(chart)
    except DataProblem as exc:
        raise ValidationFailed({exc.field: [str(exc)]}) from None


@transaction.atomic
def chart_create(*, by: Any, series: Series, size_series: Series | None = None, **fields: Any) -> ControlChart:
    """Define a control chart on a series; attribute charts (p, np, u) also take a series of sample sizes."""
    require(by, Action.CREATE, site_id=series.site_id, what="a control chart")
    fields["reference"] = str(fields.get("reference", "")).strip().upper()
    if fields.get("rules") is not None:
        fields["rules"] = _chart_rules(fields["rules"])
    _site_time(fields, series)
    chart = ControlChart(series=series, size_series=size_series, **fields)
    _check_chart(chart)
    validate(chart)
    _check_chart_data(chart)
    return create_record(chart, by=by)


@transaction.atomic
def chart_update(*, by: Any, chart: ControlChart, version: int, changes: Mapping[str, Any]) -> ControlChart:
    """Change a chart's definition; the same rules as when it was created apply to the result."""
    require(by, Action.CHANGE, site_id=chart.series.site_id, what="this control chart")
    unknown = set(changes) - set(CHART_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    changes = dict(changes)
    new_series = changes.get("series")
    if new_series is not None and new_series.site_id != chart.series.site_id:
        require(by, Action.CHANGE, site_id=new_series.site_id, what="a control chart of that site")
    if "rules" in changes:
        changes["rules"] = _chart_rules(changes["rules"])
    _site_time(changes, new_series or chart.series)
    proposed = copy.copy(chart)
    for name, value in changes.items():
        setattr(proposed, name, value)
    _check_chart(proposed)
    validate(proposed)
    if set(changes) & DATA_FIELDS:  # a rename is not refused for a reading the chart page already explains
        _check_chart_data(proposed)
    return update_record(chart, by=by, version=version, changes=changes)


@transaction.atomic
def chart_archive(*, by: Any, chart: ControlChart, version: int) -> ControlChart:
    """Stop watching a chart: it is no longer scanned; its signals and their nonconformities stay on record."""
    require(by, Action.DELETE, site_id=chart.series.site_id, what="this control chart")
    if chart.archived_at is not None:
        raise WorkflowError(f"{chart.reference} is already archived.")
    return update_record(chart, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


def scan_chart(chart: ControlChart) -> list[ChartSignal]:
    """Record the chart's violations not yet recorded; returns the new signals (idempotent)."""
    result = analyse(chart)
    known = set(ChartSignal.objects.filter(chart=chart).values_list("rule", "point_ts"))
    new = []
    for violation in result.violations:
        moment = result.moment_of(violation)
        if (violation.rule.value, moment) in known:
            continue
        known.add((violation.rule.value, moment))
        new.append(
            ChartSignal(chart=chart, rule=violation.rule.value, point_ts=moment, description=violation.description)
        )
    return ChartSignal.objects.bulk_create(new, ignore_conflicts=True)


@transaction.atomic
def scan_charts(charts: Sequence[ControlChart] | None = None) -> int:
    """Look for new run-rule violations on every live chart; the number of new signals recorded."""
    chosen = (
        charts
        if charts is not None
        else ControlChart.objects.filter(archived_at__isnull=True).select_related("series__site")
    )
    return sum(len(scan_chart(chart)) for chart in chosen)


@transaction.atomic
def signal_open_event(*, by: Any, signal: ChartSignal) -> Any:
    """Open a process nonconformity for a signal, once: a second call returns the event already opened."""
    from ims.improvement.services import event_raise_from

    signal = ChartSignal.objects.select_for_update().get(pk=signal.pk)  # one NC per signal, also when clicked twice
    if signal.event is not None:
        return signal.event
    chart = signal.chart
    event = event_raise_from(
        by=by,
        record_type="kpis.chartsignal",
        record_id=signal.pk,
        type="process_nc",
        title=f"{chart.reference}: {signal.rule} signal",
        description=(
            f"Control chart {chart.reference} ({chart.name}) on series {chart.series.reference} signals a special "
            f"cause: {signal.description}"
        ),
        occurred_at=signal.point_ts,
    )
    signal.event = event
    signal.save(update_fields=["event"])
    return event


# -- equipment -------------------------------------------------------------------------------------

EQUIPMENT_FIELDS = ("name", "site", "interval_months", "last_calibrated_on", "next_due_on", "certificate")


@transaction.atomic
def equipment_create(*, by: Any, site: Site, series: Sequence[Series] = (), **fields: Any) -> Equipment:
    require(by, Action.CREATE, site_id=site.pk, what="measuring equipment")
    _check_equipment_series(site, series)
    fields["reference"] = str(fields.get("reference", "")).strip().upper()
    item = create_record(Equipment(site=site, **fields), by=by)
    item.series.set(series)
    return item


def _check_equipment_series(site: Site, series: Sequence[Series]) -> None:
    """Equipment measures series of its own site only."""
    foreign = [s.reference for s in series if s.site_id != site.pk]
    if foreign:
        raise ValidationFailed({"series": [f"{', '.join(foreign)} belongs to another site than the equipment."]})


@transaction.atomic
def equipment_update(
    *,
    by: Any,
    item: Equipment,
    version: int,
    changes: Mapping[str, Any],
    series: Sequence[Series] | None = None,
) -> Equipment:
    """Change the equipment's fields; ``series``, when given, replaces the series it measures."""
    require(by, Action.CHANGE, site_id=item.site_id, what="this equipment")
    unknown = set(changes) - set(EQUIPMENT_FIELDS)
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    if "site" in changes and getattr(changes["site"], "pk", changes["site"]) != item.site_id:
        require(by, Action.CREATE, site_id=getattr(changes["site"], "pk", changes["site"]), what="measuring equipment")
    if series is not None:
        _check_equipment_series(changes.get("site", item.site), series)
    before = sorted(item.series.values_list("reference", flat=True))
    loaded = item.version
    item = update_record(item, by=by, version=version, changes=dict(changes))
    after = sorted(s.reference for s in series) if series is not None else before
    if after != before:
        if item.version == loaded:  # only the series change: it still takes a new version
            claim_version(item, expected=version)
        item.series.set(series or ())
        record_change(action="update", by=by, record=item, changes={"series": [before, after]})
    return item


@transaction.atomic
def equipment_calibrated(*, by: Any, item: Equipment, version: int, on: dt.date, certificate: str = "") -> Equipment:
    """Record a calibration: the next one falls due one interval later."""
    if on > timezone.localdate():
        raise ValidationFailed({"on": ["A calibration cannot be recorded in the future."]})
    return equipment_update(
        by=by,
        item=item,
        version=version,
        changes={"last_calibrated_on": on, "next_due_on": None, "certificate": certificate or item.certificate},
    )


@transaction.atomic
def equipment_archive(*, by: Any, item: Equipment, version: int) -> Equipment:
    require(by, Action.DELETE, site_id=item.site_id, what="this equipment")
    return update_record(item, by=by, version=version, changes={"archived_at": timezone.now()})


# -- aspects ---------------------------------------------------------------------------------------


@transaction.atomic
def aspect_monitor(*, by: Any, aspect: Any, series: Series | None = None, kpi: Kpi | None = None) -> AspectMonitoring:
    """Say how an environmental aspect is monitored: by a series or a KPI (14001 9.1.1)."""
    require(by, Action.CHANGE, site_id=aspect.site_id, what="this aspect")
    if (series is None) == (kpi is None):
        raise ValidationFailed({"series": ["Choose a series or a KPI, one of the two."]})
    if series is not None and series.site_id != aspect.site_id:
        raise ValidationFailed({"series": [f"{series.reference} belongs to another site than the aspect."]})
    if kpi is not None and kpi.site_id is not None and kpi.site_id != aspect.site_id:
        raise ValidationFailed({"kpi": [f"{kpi.reference} belongs to another site than the aspect."]})
    link, _ = AspectMonitoring.objects.get_or_create(aspect=aspect, series=series, kpi=kpi)
    record_change(
        action="monitor",
        by=by,
        record=aspect,
        changes={"series": getattr(series, "pk", None), "kpi": getattr(kpi, "pk", None)},
    )
    return link


@transaction.atomic
def aspect_unmonitor(*, by: Any, link: AspectMonitoring) -> None:
    """Remove one way an environmental aspect is monitored; the audit trail keeps what it was."""
    aspect = link.aspect
    require(by, Action.CHANGE, site_id=aspect.site_id, what="this aspect")
    record_change(
        action="unmonitor",
        by=by,
        record=aspect,
        changes={"series": link.series_id, "kpi": link.kpi_id},
    )
    link.delete()


# -- energy baselines ------------------------------------------------------------------------------


@transaction.atomic
def baseline_create(
    *,
    by: Any,
    energy: Series,
    production: Series | None = None,
    temperature: Series | None = None,
    require_valid_model: bool = False,
    **fields: Any,
) -> EnergyBaseline:
    """Define an energy baseline; its variables must be series of the energy series' site.

    With ``require_valid_model`` the baseline is only written when its model passes
    the validity rules of ISO 50006 (R² at least 0.5, every variable significant);
    otherwise the reasons, in words, are the refusal. Without it, a baseline may be
    defined ahead of its data and shows its refusal on its page until then.
    """
    require(by, Action.CREATE, site_id=energy.site_id, what="an energy baseline")
    for name, other in (("production", production), ("temperature", temperature)):
        if other is not None and other.site_id != energy.site_id:
            raise ValidationFailed({name: [f"{other.reference} belongs to another site than the energy."]})
    if temperature is not None and units.quantity_kind(temperature.unit) != units.quantity_kind("degC"):
        raise ValidationFailed({"temperature": [f"{temperature.reference} is not a temperature series (°C)."]})
    fields["reference"] = str(fields.get("reference", "")).strip().upper()
    record = EnergyBaseline(energy=energy, production=production, temperature=temperature, **fields)
    if require_valid_model:
        validate(record)
        result = analyse_baseline(record)
        if result.model is None:
            raise ValidationFailed({"__all__": ["This model cannot be used as an energy baseline:", *result.refusal]})
    return create_record(record, by=by)
