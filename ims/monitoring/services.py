"""Writes of monitoring (9.1.1): series, manual readings, import mappings — the only writers.

Series belong to a site: creating one needs *create* there, changing or
archiving one *change*. A manual reading needs *create* at the series' site
(so contributors, who only report, do not enter readings), and replacing an
existing reading needs *change*. Imports need *change* (they may overwrite);
see :mod:`ims.monitoring.importing`.

A sub-meter (``parent``) hangs under a live main meter of the same site that
measures the same kind of quantity, without loops; a main meter cannot be
archived while live sub-meters still hang under it, nor a sub-meter restored
under an archived one.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, can, require
from ims.audit.services import record_change
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.monitoring import hooks, registers, units
from ims.monitoring.models import (
    CATEGORY_CODES,
    EWC_PATTERN,
    Category,
    ImportMapping,
    Layout,
    Quality,
    Reading,
    ReadingKind,
    Series,
    Source,
    WasteStream,
)
from ims.monitoring.moments import MomentError, zone

SERIES_FIELDS = (
    "name",
    "category",
    "unit",
    "reading_kind",
    "register_rollover",
    "expected_frequency",
    "expected_min",
    "expected_max",
    "source",
    "waste_stream",
    "ewc_code",
    "waste_route",
    "equipment",
    "description",
    "parent",
)
# What readings already stored depend on: fixed once a series has readings.
FIXED_WITH_READINGS = ("unit", "reading_kind")

MAPPING_FIELDS = (
    "layout",
    "series_column",
    "timestamp_column",
    "value_column",
    "unit_column",
    "quality_column",
    "columns",
    "unit",
    "date_format",
    "time_zone",
    "sheet",
    "notes",
)


def _require(by: Any, action: Action, site: Any, what: str = "monitoring series") -> None:
    require(by, action, site_id=site.pk, what=f"{what} of {site}")


def _next_reference(site: Any, category: str) -> str:
    prefix = f"{site.code.upper()}-{CATEGORY_CODES.get(category, 'MISC')}-"
    numbers = [
        int(r[len(prefix) :])
        for r in Series.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if r[len(prefix) :].isdigit()
    ]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:02d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(SERIES_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})


def _rules(series: Series) -> None:
    """The rules between a series' fields, all problems at once."""
    errors: dict[str, list[str]] = {}
    try:
        series.unit = units.check_unit(series.unit)
        series.quantity = units.quantity_kind(series.unit)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if series.reading_kind != ReadingKind.REGISTER and series.register_rollover is not None:
        errors["register_rollover"] = ["Only a cumulative register rolls over; leave this empty."]
    if series.register_rollover is not None and not series.register_rollover > 0:
        errors["register_rollover"] = ["The rollover value must be above zero."]
    lo, hi = series.expected_min, series.expected_max
    if lo is not None and hi is not None and lo > hi:
        errors["expected_max"] = ["The highest expected value is below the lowest."]
    errors.update(_waste_rules(series, unit_ok="unit" not in errors))
    problem = _parent_problem(series, unit_ok="unit" not in errors)
    if problem:
        errors["parent"] = [problem]
    for name, messages in hooks.series_problems(series).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationFailed(errors)


def _parent_problem(series: Series, *, unit_ok: bool) -> str:
    """Why ``series`` cannot be a sub-meter of its ``parent``, or ''."""
    parent = series.parent
    if parent is None:
        return ""
    if series.pk is not None and parent.pk == series.pk:
        return "A series cannot be a sub-meter of itself."
    if parent.archived_at is not None:
        return f"{parent.reference} is archived; choose a main meter in use."
    if parent.site_id != series.site_id:
        return f"{parent.reference} is at {parent.site}; a sub-meter is at the same site as its main meter."
    if ReadingKind.SAMPLE in (series.reading_kind, parent.reading_kind):
        return "Instantaneous samples do not add up; only meters of consumption have sub-meters."
    if unit_ok and parent.quantity != series.quantity:
        return (
            f"{parent.reference} measures {parent.quantity} ({parent.unit}) and this series {series.quantity} "
            f"({series.unit}); a sub-meter measures part of what its main meter measures."
        )
    chain = _ancestors(parent)
    if series.pk is not None and series.pk in chain:
        return f"{parent.reference} is itself under this series; a sub-meter cannot contain its own main meter."
    return ""


def _ancestors(series: Series) -> list[int]:
    """The ids of ``series`` and of the meters above it, nearest first (stops at a loop)."""
    chain = [series.pk]
    following = series.parent_id
    while following is not None and following not in chain:
        chain.append(following)
        following = Series.objects.filter(pk=following).values_list("parent_id", flat=True).first()
    return chain


def _waste_rules(series: Series, *, unit_ok: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if series.category != Category.WASTE:
        for name in ("waste_stream", "ewc_code", "waste_route"):
            if getattr(series, name):
                errors[name] = ["Only waste series have a waste stream, EWC code and route."]
        return errors
    if not series.waste_stream:
        errors["waste_stream"] = ["Say whether the waste is hazardous or not."]
    if not series.waste_route:
        errors["waste_route"] = ["Say where the waste goes (reuse, recycling, recovery, incineration, landfill)."]
    code = (series.ewc_code or "").strip()
    series.ewc_code = code
    if code and not EWC_PATTERN.fullmatch(code):
        errors["ewc_code"] = [
            f"“{code}” is not a European Waste Catalogue code; "
            "write it as “12 01 09*” (six digits in pairs, “*” for hazardous)."
        ]
    elif code and series.waste_stream:
        hazardous_code = code.endswith("*")
        if hazardous_code and series.waste_stream != WasteStream.HAZARDOUS:
            errors["ewc_code"] = [f"{code} is a hazardous entry (marked *); the stream must be hazardous."]
        elif not hazardous_code and series.waste_stream == WasteStream.HAZARDOUS:
            errors["ewc_code"] = [f"{code} is not a hazardous entry; hazardous waste has a code marked with *."]
    if unit_ok and not units.is_mass(series.unit):
        errors["unit"] = ["Waste is weighed: give a mass unit such as kg or t, so the diversion rate can be computed."]
    if series.reading_kind != ReadingKind.INTERVAL:
        errors["reading_kind"] = ["Waste is recorded as the quantity per interval (collection or month)."]
    return errors


@transaction.atomic
def series_create(*, by: Any, site: Any, reference: str = "", **fields: Any) -> Series:
    _require(by, Action.CREATE, site)
    _check_fields(fields, "Unknown field.")
    if site.archived_at is not None:
        raise WorkflowError(f"{site} is archived; it takes no new series.")
    series = Series(site=site, **fields)
    series.reference = (reference or "").strip().upper() or _next_reference(site, series.category)
    _rules(series)
    return create_record(series, by=by)


@transaction.atomic
def series_update(*, by: Any, series: Series, version: int, **fields: Any) -> Series:
    _require(by, Action.CHANGE, series.site)
    if series.archived_at is not None:
        raise WorkflowError(f"{series.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    changing = {k for k, v in fields.items() if getattr(series, k) != v}
    fixed = sorted(changing & set(FIXED_WITH_READINGS))
    if fixed and series.readings.exists():
        raise ValidationFailed(
            {
                name: [f"{series.reference} already has readings in this {name.replace('_', ' ')}; it cannot change."]
                for name in fixed
            }
        )
    probe = Series(**{f.attname: getattr(series, f.attname) for f in Series._meta.concrete_fields})
    for name, value in fields.items():
        setattr(probe, name, value)
    _rules(probe)
    fields.update(unit=probe.unit, ewc_code=probe.ewc_code)
    rollover_before = series.register_rollover
    update_record(series, by=by, version=version, changes={**fields, "quantity": probe.quantity})
    if series.is_register and series.register_rollover != rollover_before:
        first = series.readings.order_by("ts").values_list("ts", flat=True).first()
        if first is not None:
            registers.recompute(series_id=series.pk, rollover=series.register_rollover, since=first)
    return series


@transaction.atomic
def series_archive(*, by: Any, series: Series, version: int) -> Series:
    _require(by, Action.CHANGE, series.site)
    if series.archived_at is not None:
        raise WorkflowError(f"{series.reference} is already archived.")
    live = list(series.submeters.filter(archived_at__isnull=True).values_list("reference", flat=True))
    if live:
        raise WorkflowError(
            f"{series.reference} still has sub-meters in use ({', '.join(live)}); "
            "archive them or take them out from under it first."
        )
    return update_record(series, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


@transaction.atomic
def series_restore(*, by: Any, series: Series, version: int) -> Series:
    _require(by, Action.CHANGE, series.site)
    if series.archived_at is None:
        raise WorkflowError(f"{series.reference} is not archived.")
    parent = series.parent
    if parent is not None and parent.archived_at is not None:
        raise WorkflowError(
            f"{series.reference} is a sub-meter of {parent.reference}, which is archived; restore it first."
        )
    return update_record(series, by=by, version=version, changes={"archived_at": None}, note="restored")


# -- manual readings ---------------------------------------------------------------------------


def _format(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def range_problem(series: Series, value: float | None) -> str:
    """Why a value (a register's consumption) is outside the series' expected range, or ''."""
    if value is None:
        return ""
    lo, hi = series.expected_min, series.expected_max
    if (lo is None or value >= lo) and (hi is None or value <= hi):
        return ""
    what = "The consumption since the previous reading" if series.is_register else "The value"
    bounds = f"{_format(lo) if lo is not None else '…'}–{_format(hi) if hi is not None else '…'} {series.unit}"
    return (
        f"{what}, {_format(value)} {series.unit}, is outside the expected range {bounds} of {series.reference}. "
        "Check it; if it is correct, confirm it and save again."
    )


def _moment(series: Series, when: dt.datetime, now: dt.datetime) -> dt.datetime:
    if timezone.is_naive(when):
        try:
            when = when.replace(tzinfo=zone(series.site.time_zone))
        except MomentError as exc:
            raise ValidationFailed({"ts": [str(exc)]}) from None
    when = when.astimezone(dt.UTC).replace(microsecond=0)
    if when > now + dt.timedelta(days=1):
        raise ValidationFailed({"ts": ["The reading is in the future."]})
    return when


def _converted(series: Series, value: float, unit: str) -> tuple[float, float | None, str]:
    if not math.isfinite(value):
        raise ValidationFailed({"value": ["Give a number."]})
    unit = (unit or "").strip()
    if not unit or unit == series.unit:
        return value, None, ""
    try:
        conv = units.conversion(unit, series.unit)
    except units.IncompatibleUnit:
        raise ValidationFailed(
            {"unit": [f"“{unit}” cannot be converted to {series.unit}, the unit of {series.reference}"]}
        ) from None
    if conv.identity:
        return value, None, ""
    return conv.apply(value), value, unit


@transaction.atomic
def reading_record(
    *,
    by: Any,
    series: Series,
    ts: dt.datetime,
    value: float,
    unit: str = "",
    quality: str = Quality.MEASURED,
    confirmed: bool = False,
    source: str = Source.MANUAL,
    now: dt.datetime | None = None,
) -> Reading:
    """Record one reading (manual entry); a reading at the same instant is replaced and marked corrected.

    A value outside the series' expected range is refused unless ``confirmed``;
    a confirmed one keeps its quality, and the audit entry says it was confirmed.
    """
    _require(by, Action.CREATE, series.site, "readings")
    if series.archived_at is not None:
        raise WorkflowError(f"{series.reference} is archived; it takes no readings.")
    if quality not in Quality.values:
        raise ValidationFailed({"quality": ["Use measured, estimated or corrected."]})
    when = _moment(series, ts, now or timezone.now())
    current = Reading.objects.select_for_update().filter(series=series, ts=when).first()
    if current is not None:
        _require(by, Action.CHANGE, series.site, "readings")
    stored, original, original_unit = _converted(series, value, unit)
    if stored < 0 and series.reading_kind != ReadingKind.SAMPLE:
        kind = "a meter register" if series.is_register else "consumption"
        message = f"{_format(value)} is negative; {series.reference} records {kind}, which cannot be negative."
        raise ValidationFailed({"value": [message]})
    measured = _register_consumption(series, when, stored) if series.is_register else stored
    problem = range_problem(series, measured)
    if problem and not confirmed:
        raise ValidationFailed({"value": [problem]})
    if current is not None and quality == Quality.MEASURED:
        quality = Quality.CORRECTED
    note = "outside the expected range, confirmed as correct" if problem else ""
    reading = _save_reading(
        series,
        when,
        current,
        by=by,
        note=note,
        value=stored,
        quality=quality,
        source=source,
        original_value=original,
        original_unit=original_unit,
    )
    if series.is_register:
        registers.recompute(series_id=series.pk, rollover=series.register_rollover, since=when)
        reading.refresh_from_db()
        # The next reading's consumption changed too; its month may be the next one.
        following = Reading.objects.filter(series=series, ts__gt=when).order_by("ts").values_list("ts", flat=True)
        hooks.readings_changed({series.pk: (when, following.first() or when)})
    else:
        hooks.readings_changed({series.pk: (when, when)})
    return reading


def _register_consumption(series: Series, when: dt.datetime, value: float) -> float | None:
    previous = (
        Reading.objects.filter(series=series, ts__lt=when).order_by("-ts").values_list("value", flat=True).first()
    )
    return registers.difference(previous, value, series.register_rollover)[0]


def _audit_id(reading: Reading) -> str:
    """A reading's key in the audit trail: series id and UTC instant."""
    return f"{reading.series_id}@{reading.ts.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"


def _save_reading(
    series: Series, when: dt.datetime, current: Reading | None, *, by: Any, note: str, **data: Any
) -> Reading:
    if current is None:
        reading = Reading.objects.create(series=series, ts=when, **data)
        changes = {"series": [None, series.reference], "ts": [None, when.isoformat()]}
        changes.update({k: [None, v] for k, v in data.items()})
        record_change(action="create", by=by, record=reading, record_id=_audit_id(reading), changes=changes, note=note)
        return reading
    before = {k: getattr(current, k) for k in data}
    for k, v in data.items():
        setattr(current, k, v)
    current.save(update_fields=list(data))
    changes = {k: [before[k], v] for k, v in data.items() if before[k] != v}
    record_change(action="update", by=by, record=current, record_id=_audit_id(current), changes=changes, note=note)
    return current


# -- import mappings -----------------------------------------------------------------------------


def _require_mappings(by: Any) -> None:
    if not can(by, Action.CHANGE, anywhere=True):
        raise PermissionRefused("You are not allowed to manage import mappings.")


def _mapping_rules(mapping: ImportMapping) -> None:
    errors: dict[str, list[str]] = {}
    if mapping.unit:
        try:
            units.check_unit(mapping.unit)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if mapping.time_zone:
        try:
            zone(mapping.time_zone)
        except MomentError as exc:
            errors["time_zone"] = [str(exc)]
    if mapping.date_format and "%" not in mapping.date_format:
        errors["date_format"] = ["Write the format with strftime codes, e.g. %d/%m/%Y %H:%M."]
    if not isinstance(mapping.columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.columns.items()
    ):
        errors["columns"] = ["Give the columns as pairs of file column → series reference."]
    if mapping.layout == Layout.WIDE and (mapping.series_column or mapping.value_column):
        errors["layout"] = ["A wide file has no series or value column; clear them or choose the long layout."]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def mapping_create(*, by: Any, name: str, **fields: Any) -> ImportMapping:
    _require_mappings(by)
    unknown = sorted(set(fields) - set(MAPPING_FIELDS))
    if unknown:
        raise ValidationFailed({n: ["Unknown field."] for n in unknown})
    mapping = ImportMapping(name=name.strip().lower(), **fields)
    _mapping_rules(mapping)
    return create_record(mapping, by=by)


@transaction.atomic
def mapping_update(*, by: Any, mapping: ImportMapping, version: int, **fields: Any) -> ImportMapping:
    _require_mappings(by)
    unknown = sorted(set(fields) - set(MAPPING_FIELDS))
    if unknown:
        raise ValidationFailed({n: ["This field cannot be changed here."] for n in unknown})
    probe = ImportMapping(**{f.attname: getattr(mapping, f.attname) for f in ImportMapping._meta.concrete_fields})
    for name, value in fields.items():
        setattr(probe, name, value)
    _mapping_rules(probe)
    return update_record(mapping, by=by, version=version, changes=fields)
