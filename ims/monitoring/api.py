"""API of monitoring (9.1.1): series, their readings and gaps, bulk and file imports, import mappings.

Imports are all or nothing: a refusal is a ``validation`` problem whose
``problems`` name every row and column (file) or item index, counted from 0,
and field (bulk list), and whose ``details`` give the same as objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field

from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import NotFound, ValidationFailed
from ims.monitoring import export, selectors, services
from ims.monitoring.importing import MAX_UPLOAD_BYTES, ReadingsReport, import_reading_items, import_readings
from ims.monitoring.models import ImportMapping, Reading, Series, Source
from ims.org.selectors import site_get

router = Router(tags=["monitoring"])


class SeriesOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    site_id: int
    name: str
    category: str
    quantity: str
    unit: str
    reading_kind: str
    register_rollover: float | None
    expected_frequency: str
    expected_min: float | None
    expected_max: float | None
    source: str
    waste_stream: str
    ewc_code: str
    waste_route: str
    equipment: str
    description: str
    parent_id: int | None = Field(description="Sub-meter of this series (its main meter), or null")
    parent: str | None = Field(description="Reference of the main meter, or null")
    archived_at: dt.datetime | None
    updated_at: dt.datetime
    version: int


class SeriesIn(Schema):
    site_id: int
    reference: str = ""
    name: str
    category: str
    unit: str
    reading_kind: str = "interval"
    register_rollover: float | None = None
    expected_frequency: str = "day"
    expected_min: float | None = None
    expected_max: float | None = None
    source: str = "manual"
    waste_stream: str = ""
    ewc_code: str = ""
    waste_route: str = ""
    equipment: str = ""
    description: str = ""
    parent_id: int | None = Field(None, description="Sub-meter of this series (its main meter)")
    parent: str | None = Field(None, description="Or the main meter by reference, e.g. LYO-ELEC-MAIN")


class SeriesPatch(Schema):
    version: int
    name: str | None = None
    category: str | None = None
    unit: str | None = None
    reading_kind: str | None = None
    register_rollover: float | None = None
    expected_frequency: str | None = None
    expected_min: float | None = None
    expected_max: float | None = None
    source: str | None = None
    waste_stream: str | None = None
    ewc_code: str | None = None
    waste_route: str | None = None
    equipment: str | None = None
    description: str | None = None
    parent_id: int | None = Field(None, description="Sub-meter of this series; null: not a sub-meter")
    parent: str | None = Field(None, description="Or the main meter by reference")


class VersionIn(Schema):
    version: int


class ReadingOut(BaseModel):
    ts: dt.datetime
    value: float
    consumption: float | None
    event: str
    quality: str
    source: str
    original_value: float | None
    original_unit: str


class ReadingIn(Schema):
    ts: dt.datetime = Field(description="ISO 8601; without an offset, local time of the series' site")
    value: float
    unit: str = ""
    quality: str = "measured"
    confirmed: bool = Field(False, description="Keep a value outside the expected range")


class BulkItem(Schema):
    """One reading of a bulk import; every field is checked by the import, problems named by item index."""

    series: str | None = Field(None, description="Series reference, e.g. LYO-ELEC-MAIN")
    ts: str | float | None = Field(None, description="ISO 8601; without an offset, local time of the site")
    value: float | str | None = None
    unit: str | None = Field(None, description="Any unit convertible to the series' unit; default the series' unit")
    quality: str | None = Field(None, description="measured (default), estimated or corrected")


class ResetOut(BaseModel):
    series: str
    at: str


class RangeOut(BaseModel):
    series: str
    readings: int


class ReportOut(BaseModel):
    rows: int
    readings: int
    created: int
    updated: int
    unchanged: int
    layout: str
    series: list[str]
    first: dt.datetime | None
    last: dt.datetime | None
    seconds: float
    rate: float = Field(description="Readings per second")
    resets: list[ResetOut] = Field(description="Register resets found: their consumption is left empty")
    outside_expected_range: list[RangeOut]
    notes: list[str]
    import_run_id: int | None

    @classmethod
    def of(cls, report: ReadingsReport) -> ReportOut:
        return cls(
            rows=report.rows,
            readings=report.readings,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            layout=report.layout,
            series=report.series,
            first=report.first,
            last=report.last,
            seconds=round(report.seconds, 3),
            rate=round(report.rate, 1),
            resets=[ResetOut(series=s, at=at) for s, at in report.resets],
            outside_expected_range=[RangeOut(series=s, readings=n) for s, n in report.out_of_range],
            notes=report.notes,
            import_run_id=report.run_id,
        )


class GapOut(BaseModel):
    start: dt.datetime
    end: dt.datetime
    missing: int


class GapsOut(BaseModel):
    series: str
    expected_frequency: str
    start: dt.datetime
    end: dt.datetime
    gaps: list[GapOut]


class MappingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    layout: str
    series_column: str
    timestamp_column: str
    value_column: str
    unit_column: str
    quality_column: str
    columns: dict[str, str]
    unit: str
    date_format: str
    time_zone: str
    sheet: str
    notes: str
    version: int


class MappingIn(Schema):
    name: str
    layout: str = "auto"
    series_column: str = ""
    timestamp_column: str = ""
    value_column: str = ""
    unit_column: str = ""
    quality_column: str = ""
    columns: dict[str, str] = {}
    unit: str = ""
    date_format: str = ""
    time_zone: str = ""
    sheet: str = ""
    notes: str = ""


class MappingPatch(Schema):
    version: int
    layout: str | None = None
    series_column: str | None = None
    timestamp_column: str | None = None
    value_column: str | None = None
    unit_column: str | None = None
    quality_column: str | None = None
    columns: dict[str, str] | None = None
    unit: str | None = None
    date_format: str | None = None
    time_zone: str | None = None
    sheet: str | None = None
    notes: str | None = None


def _series_out(series: Series) -> SeriesOut:
    data = {name: getattr(series, name) for name in SeriesOut.model_fields if name != "parent"}
    return SeriesOut(**data, parent=series.parent.reference if series.parent else None)


def _take_parent(request: ApiRequest, fields: dict[str, Any]) -> None:
    """Replace ``parent_id`` / ``parent`` (a reference) in ``fields`` by the series they name."""
    if "parent_id" not in fields and "parent" not in fields:
        return
    pk, reference = fields.pop("parent_id", None), (fields.pop("parent", None) or "").strip()
    found: Series | None = None
    if pk is not None:
        try:
            found = selectors.series_get(request.auth, pk)
        except NotFound as exc:
            raise ValidationFailed({"parent_id": [exc.detail]}) from None
    if reference:
        try:
            named = selectors.series_by_reference(request.auth, reference)
        except NotFound as exc:
            raise ValidationFailed({"parent": [exc.detail]}) from None
        if found is not None and found.pk != named.pk:
            raise ValidationFailed({"parent": [f"{named.reference} is not the series with id {pk}; give one of them."]})
        found = named
    fields["parent"] = found


# -- series --------------------------------------------------------------------------------------


@router.get("/series", response=Page[SeriesOut])
def list_series(
    request: ApiRequest,
    q: str = "",
    site_id: int | None = None,
    category: str = "",
    archived: bool = False,
    sort: str = "reference",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Any:
    qs = selectors.series_list(request.auth, q=q, site_id=site_id, category=category, archived=archived, sort=sort)
    page = paginate(request, qs.select_related("parent"), limit=limit, offset=offset)
    page["items"] = [_series_out(s) for s in page["items"]]
    return page


@router.post("/series", response={201: SeriesOut})
def create_series(request: ApiRequest, payload: SeriesIn) -> Status[Any]:
    fields = payload.dict()
    site = site_get(request.auth, fields.pop("site_id"))
    _take_parent(request, fields)
    return Status(201, _series_out(services.series_create(by=request.auth, site=site, **fields)))


@router.get("/series/{series_id}", response=SeriesOut)
def get_series(request: ApiRequest, series_id: int) -> Any:
    return _series_out(selectors.series_get(request.auth, series_id))


@router.patch("/series/{series_id}", response=SeriesOut)
def update_series(request: ApiRequest, series_id: int, payload: SeriesPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    series = selectors.series_get(request.auth, series_id)
    _take_parent(request, fields)
    return _series_out(services.series_update(by=request.auth, series=series, version=version, **fields))


@router.post("/series/{series_id}/archive", response=SeriesOut)
def archive_series(request: ApiRequest, series_id: int, payload: VersionIn) -> Any:
    series = selectors.series_get(request.auth, series_id)
    return _series_out(services.series_archive(by=request.auth, series=series, version=payload.version))


@router.post("/series/{series_id}/restore", response=SeriesOut)
def restore_series(request: ApiRequest, series_id: int, payload: VersionIn) -> Any:
    series = selectors.series_get(request.auth, series_id)
    return _series_out(services.series_restore(by=request.auth, series=series, version=payload.version))


# -- readings ------------------------------------------------------------------------------------

READING_FIELDS = ("ts", "value", "consumption", "event", "quality", "source", "original_value", "original_unit")


@router.get(
    "/series/{series_id}/readings",
    response=Page[ReadingOut],
    summary="Readings of a series, oldest first (a page as JSON, or all of them as CSV or XLSX)",
)
def list_readings(
    request: ApiRequest,
    series_id: int,
    start: dt.datetime | None = Query(None, alias="from", description="From this instant (inclusive)"),  # noqa: B008
    end: dt.datetime | None = Query(None, alias="to", description="Up to this instant (exclusive)"),  # noqa: B008
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    output: str = Query(
        "json",
        alias="format",
        description=(
            "json (a page of readings), or csv / xlsx: every reading from–to as a file in the "
            "readings import's long layout, local time of the site with its offset (limit and offset do not apply)"
        ),
    ),
) -> Any:
    series = selectors.series_get(request.auth, series_id)
    if output != "json":
        kind = export.export_format(output)
        items = [(series, start, end)]
        name = f"{series.reference}-readings.{kind}"
        if kind == "xlsx":
            export.check_xlsx_size(items)
            return FileResponse(export.xlsx_file(items), as_attachment=True, filename=name)
        response = StreamingHttpResponse(export.csv_stream(items), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    qs = selectors.readings(series, start=start, end=end).values(*READING_FIELDS)
    page = paginate(request, qs, limit=limit, offset=offset)
    page["items"] = [ReadingOut(**row) for row in page["items"]]
    return page


@router.post("/series/{series_id}/readings", response={201: ReadingOut}, summary="Record one reading")
def record_reading(request: ApiRequest, series_id: int, payload: ReadingIn) -> Status[Any]:
    series = selectors.series_get(request.auth, series_id)
    reading = services.reading_record(
        by=request.auth,
        series=series,
        ts=payload.ts,
        value=payload.value,
        unit=payload.unit,
        quality=payload.quality,
        confirmed=payload.confirmed,
        source=Source.API,
    )
    return Status(201, _reading_out(reading))


def _reading_out(reading: Reading) -> ReadingOut:
    return ReadingOut(**{name: getattr(reading, name) for name in READING_FIELDS})


@router.get("/series/{series_id}/gaps", response=GapsOut, summary="Missing periods of the expected frequency")
def series_gaps(
    request: ApiRequest,
    series_id: int,
    start: dt.datetime | None = Query(None, alias="from", description="Default: 30 days ago"),  # noqa: B008
    end: dt.datetime | None = Query(None, alias="to", description="Default: now"),  # noqa: B008
) -> Any:
    series = selectors.series_get(request.auth, series_id)
    default_start, default_end = selectors.recent_window(30)
    start, end = start or default_start, end or default_end
    if end <= start:
        raise ValidationFailed({"to": ["Must be after “from”."]})
    found = selectors.gaps(series, start=start, end=end)
    return GapsOut(
        series=series.reference,
        expected_frequency=series.expected_frequency,
        start=start,
        end=end,
        gaps=[GapOut(start=g.start, end=g.end, missing=g.slots) for g in found],
    )


@router.post(
    "/readings/bulk",
    response=ReportOut,
    summary="Import a list of readings (all or nothing; problems named by item index from 0)",
    description=(
        "Up to 5 MB of JSON per request (about 50,000 readings); send larger sets as a file to "
        "`/readings/import`. Re-sending a reading for the same series and instant updates it."
    ),
)
def bulk_readings(request: ApiRequest, payload: list[BulkItem]) -> Any:
    items = [item.dict() for item in payload]
    return ReportOut.of(import_reading_items(by=request.auth, items=items, source="api"))


@router.post(
    "/readings/import",
    response=ReportOut,
    summary="Import a CSV or XLSX file of readings (all or nothing; problems named by row and column)",
)
def import_reading_file(
    request: ApiRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
    source: Form[str] = "",
) -> Any:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            {
                "file": [
                    f"Files over {MAX_UPLOAD_BYTES // 1024 // 1024} MB are imported with `ims import readings FILE`."
                ]
            }
        )
    saved = selectors.mapping_get(mapping) if mapping else None
    report = import_readings(
        by=request.auth, stream=file.open("rb"), file_name=file.name or "", mapping=saved, source=source
    )
    return ReportOut.of(report)


# -- import mappings -------------------------------------------------------------------------------


@router.get("/import-mappings", response=list[MappingOut])
def list_mappings(request: ApiRequest) -> Any:
    return [MappingOut.model_validate(m) for m in selectors.mappings()]


@router.post("/import-mappings", response={201: MappingOut})
def create_mapping(request: ApiRequest, payload: MappingIn) -> Status[Any]:
    fields = payload.dict()
    return Status(201, MappingOut.model_validate(services.mapping_create(by=request.auth, **fields)))


@router.get("/import-mappings/{name}", response=MappingOut)
def get_mapping(request: ApiRequest, name: str) -> Any:
    return MappingOut.model_validate(selectors.mapping_get(name))


@router.patch("/import-mappings/{name}", response=MappingOut)
def update_mapping(request: ApiRequest, name: str, payload: MappingPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    mapping: ImportMapping = selectors.mapping_get(name)
    return MappingOut.model_validate(
        services.mapping_update(by=request.auth, mapping=mapping, version=version, **fields)
    )
